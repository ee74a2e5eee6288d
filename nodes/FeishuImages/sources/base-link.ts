/**
 * A Base (多维表格) named by ID or by link (big-files-and-more-sources.md §4.1):
 * - `https://<tenant>.feishu.cn/base/<app_token>?table=<table_id>&view=<view_id>` (also on
 *   larksuite.com and larkoffice.com): the app_token is the segment after `/base/`;
 * - `https://<tenant>.feishu.cn/wiki/<node_token>?table=…`: a wiki node, resolved with
 *   wiki get_node (wiki-node.ts, `obj_type` `bitable` → `obj_token` is the app_token);
 * - the app_token alone.
 * The table and view of the link are defaults the node's own fields may override.
 */
import { feishuLink, isFeishuToken, queryId, tokenAfter } from './link';

export type BaseReference =
	| { kind: 'base'; appToken: string; tableId?: string; viewId?: string }
	/** A wiki page: `wikiToken` is resolved to the app_token first. */
	| { kind: 'wiki'; wikiToken: string; tableId?: string; viewId?: string };

export type BaseReferenceResult = { ok: true; base: BaseReference } | { ok: false; reason: string };

export const BASE_LINK_EXAMPLE = 'https://<tenant>.feishu.cn/base/<app_token>?table=<table_id>';

/** A Base by app_token or link; why not, in words a user can act on. */
export function parseBaseReference(input: string): BaseReferenceResult {
	const text = input.trim();
	if (text === '') return { ok: false, reason: 'The Base is empty' };
	if (isFeishuToken(text)) return { ok: true, base: { kind: 'base', appToken: text } };
	const link = feishuLink(text);
	if (!link) {
		return {
			ok: false,
			reason: `Not a Base ID or a Feishu/Lark link: paste the app_token or a link such as ${BASE_LINK_EXAMPLE}`,
		};
	}
	const tableId = queryId(link.query, 'table');
	const viewId = queryId(link.query, 'view');
	if (tableId === null || viewId === null) {
		return { ok: false, reason: 'The link\'s "table" or "view" is not a valid Feishu ID' };
	}
	const ids = { ...(tableId ? { tableId } : {}), ...(viewId ? { viewId } : {}) };
	const appToken = tokenAfter(link.segments, 'base');
	if (appToken) return { ok: true, base: { kind: 'base', appToken, ...ids } };
	const wikiToken = tokenAfter(link.segments, 'wiki');
	if (wikiToken) return { ok: true, base: { kind: 'wiki', wikiToken, ...ids } };
	return {
		ok: false,
		reason: `The link is not a Base (…/base/<app_token>) nor a wiki page (…/wiki/<token>); a Base inside a document or sheet needs its own link, e.g. ${BASE_LINK_EXAMPLE}`,
	};
}
