/**
 * A wiki link carries a wiki node token; `GET /open-apis/wiki/v2/spaces/get_node?obj_type=wiki`
 * says what the page holds (`data.node.obj_type`, `data.node.obj_token`). A Base is
 * `bitable`, a Drive file `file`, a document `docx`.
 */
import { isFeishuToken } from './link';

export type WikiObjectType = 'bitable' | 'file' | 'docx' | 'sheet' | 'doc' | 'mindnote' | 'slides';

export type WikiTarget =
	| { ok: true; objToken: string }
	/** What the page is instead, for the user's message ("a sheet page, not a Base"). */
	| { ok: false; objType: string };

/** The token of the object behind a wiki node, if the node is of the expected type. */
export function wikiNodeTarget(data: unknown, expected: WikiObjectType): WikiTarget {
	const node = (data as { node?: { obj_type?: unknown; obj_token?: unknown } } | undefined)?.node;
	const objType = typeof node?.obj_type === 'string' ? node.obj_type : 'unknown';
	const objToken = node?.obj_token;
	if (objType === expected && typeof objToken === 'string' && isFeishuToken(objToken)) {
		return { ok: true, objToken };
	}
	return { ok: false, objType };
}
