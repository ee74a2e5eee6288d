/**
 * What the link parsers of sources/ share. Feishu's hosts and the token rule are the
 * catalogue's (catalogue/links.ts), so a link the node's fields accept is a link these accept.
 */
import { isFeishuHost, isFeishuToken } from '../catalogue/links';

export { isFeishuToken };

/** A link on a Feishu or Lark host, by http(s): its path segments and query; otherwise undefined. */
export function feishuLink(
	text: string,
): { segments: string[]; query: URLSearchParams } | undefined {
	const trimmed = text.trim();
	if (!/^https?:\/\//i.test(trimmed)) return undefined;
	let url: URL;
	try {
		url = new URL(trimmed);
	} catch {
		return undefined;
	}
	if (!isFeishuHost(url.hostname)) return undefined;
	return { segments: url.pathname.split('/').filter(Boolean), query: url.searchParams };
}

/** A link whose path starts `/<kind>/<token>`: the token, validated, or undefined. */
export function tokenAfter(segments: string[], kind: string): string | undefined {
	const token = segments[0] === kind ? segments[1] : undefined;
	return token !== undefined && isFeishuToken(token) ? token : undefined;
}

/** An optional ID from the query (`table`, `view`): absent is fine, invalid is not. */
export function queryId(query: URLSearchParams, name: string): string | undefined | null {
	const value = query.get(name);
	if (value === null || value === '') return undefined;
	return isFeishuToken(value) ? value : null;
}
