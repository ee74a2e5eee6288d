import type { EndpointParameter, UrlForm, WikiObjectType } from './types';

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

/**
 * The links of an object that may also sit in a wiki: its own `…/<segment>/<token>` and a wiki
 * page `…/wiki/<token>` whose node must hold it (resolved by the wiki lookup).
 */
export function linksWithWiki(
	segment: string,
	example: string,
	wikiHolds: WikiObjectType,
): UrlForm {
	return {
		example,
		patterns: [
			{ regex: linkPattern(segment), kind: 'direct' },
			{ regex: linkPattern('wiki'), kind: 'wiki' },
		],
		wikiHolds,
	};
}

/** The next page of a listing: set by the handler from the previous page's page_token. */
export const PAGE_TOKEN: EndpointParameter = {
	name: 'pageToken',
	label: 'Page Token',
	apiName: 'page_token',
	in: 'query',
	kind: 'internal',
	required: false,
	description: "The listing's next page, from the previous page's page_token",
};

/** A token the user gives, put into the path: "By ID", and "By URL" where `more.url` says. */
export function pathToken(
	name: string,
	label: string,
	apiName: string,
	more: Pick<EndpointParameter, 'description' | 'placeholder' | 'url'>,
): EndpointParameter {
	return { name, label, apiName, in: 'path', kind: 'id', required: true, ...more };
}
