/** Feishu, Lark and Lark's newer office domain, any tenant subdomain. */
const HOST =
	'https?://[A-Za-z0-9.-]+\\.(?:feishu\\.cn|larksuite\\.com|larkoffice\\.com|feishu-pre\\.cn)';

/** The characters of a Feishu token, the same set "By ID" accepts (request validation). */
export const TOKEN_CHARACTERS = 'A-Za-z0-9_.=-';

/** A Feishu/Lark link `…/<segment>/<token>`: the regex's first group is the token. */
export function linkPattern(segment: string): string {
	return `^\\s*${HOST}/${segment}/([${TOKEN_CHARACTERS}]+)(?:[/?#].*)?\\s*$`;
}
