/** Feishu, Lark, Lark's newer office domain and Feishu's pre-release. */
const DOMAINS = '(?:feishu\\.cn|larksuite\\.com|larkoffice\\.com|feishu-pre\\.cn)';

/** Any tenant subdomain of those domains, by http(s). */
const HOST = `https?://[A-Za-z0-9.-]+\\.${DOMAINS}`;

const HOST_NAME = new RegExp(`(?:^|\\.)${DOMAINS}$`, 'i');

/** The characters of a Feishu token, the same set "By ID" accepts (request validation). */
export const TOKEN_CHARACTERS = 'A-Za-z0-9_.=-';

/** The longest ID or token the node sends. */
export const MAX_ID_LENGTH = 256;

export const ID_CLASS = `[${TOKEN_CHARACTERS}]{1,${MAX_ID_LENGTH}}`;
const ID_PATTERN = new RegExp(`^${ID_CLASS}$`);

/**
 * THE ID rule: a Feishu token that is safe to put into a URL path. Anything else ("/", "?",
 * "#", "%", "..", white space, non-ASCII) could steer the request to another path or host.
 */
export function isFeishuToken(value: string): boolean {
	return ID_PATTERN.test(value) && !value.includes('..');
}

/** A link's host name is Feishu's or Lark's. */
export function isFeishuHost(hostname: string): boolean {
	return HOST_NAME.test(hostname);
}

/** A Feishu/Lark link `…/<segment>/<token>`: the regex's first group is the token. */
export function linkPattern(segment: string): string {
	return `^\\s*${HOST}/${segment}/([${TOKEN_CHARACTERS}]+)(?:[/?#].*)?\\s*$`;
}
