/**
 * What the link parsers of sources/ share: Feishu's hosts and the characters of a token. The same
 * values as catalogue.ts's HOST and TOKEN_CHARACTERS, kept here so these pure modules do not
 * depend on the catalogue while it is being restructured; the lead may point them at one home.
 */

/** Feishu, Lark and Lark's newer office domain (and Feishu's pre-release), any tenant subdomain. */
const HOST_SUFFIX = /(?:^|\.)(?:feishu\.cn|larksuite\.com|larkoffice\.com|feishu-pre\.cn)$/i;

/** Feishu IDs and tokens: letters, digits, "_", "-", rarely "." or "="; never ".." (a path step). */
const TOKEN = /^[A-Za-z0-9_.=-]{1,256}$/;

export function isFeishuToken(value: string): boolean {
	return TOKEN.test(value) && !value.includes('..');
}

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
	if (!HOST_SUFFIX.test(url.hostname)) return undefined;
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
