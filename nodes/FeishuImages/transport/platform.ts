import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * What the credentials and the transport must agree on about Feishu's Open Platform: its
 * domains, how a Base URL is read, where an app logs in, and the codes that refuse an app.
 * Credentials use these facts in n8n expressions (the test request, the OAuth2 URLs), the
 * transport in code; both read them from here so that they cannot drift apart.
 */

export const FEISHU_ORIGIN = 'https://open.feishu.cn';
export const LARK_ORIGIN = 'https://open.larksuite.com';
/** The Domain option for a private deployment, whose root is in the Base URL field. */
export const CUSTOM_DOMAIN = 'custom';

/** Where a user consents: the accounts host of each platform, not its API host. */
export const ACCOUNTS_ORIGIN = {
	feishu: 'https://accounts.feishu.cn',
	lark: 'https://accounts.larksuite.com',
} as const;

/** Every Open API path starts here; a Base URL is the root in front of it. */
export const API_PREFIX = '/open-apis';

/** Where a custom app trades its ID and secret for a tenant_access_token. */
export const APP_LOGIN_PATH = `${API_PREFIX}/auth/v3/tenant_access_token/internal`;
/** The user's consent page and the user_access_token endpoint (OAuth2). */
export const USER_AUTHORIZE_PATH = `${API_PREFIX}/authen/v1/authorize`;
export const USER_TOKEN_PATH = `${API_PREFIX}/authen/v2/oauth/token`;

/** The token endpoint's codes for a wrong secret and an unknown app ID, in the credential's words. */
export const APP_REFUSALS = [
	{
		code: 10014,
		message:
			'Feishu refused the App Secret. Copy it again from the app\'s "Credentials & Basic Info" page',
	},
	{
		code: 10003,
		message:
			'Feishu does not know this App ID. Check the App ID, and that the domain (Feishu or Lark) is the one the app was made on',
	},
] as const;

/**
 * What ends a Base URL and is not part of its root: trailing slashes, and an "/open-apis"
 * pasted from a request URL (the paths above add it again). One regular expression, used by
 * the transport and written into the credentials' expressions, so both read a URL alike.
 */
const NOT_THE_ROOT = /(?:\/+open-apis)?\/*$/i;

/** The root of a Base URL as typed: `https://host/open-apis/` → `https://host`. */
export function baseUrlRoot(text: string): string {
	return text.trim().replace(NOT_THE_ROOT, '');
}

/** The credential is unusable (bad base URL, or Feishu refused the app ID/secret); never carries the secret. */
export class FeishuCredentialError extends Error {
	/**
	 * Feishu's code, under a name of its own: n8n's credential test shows an error's `code`
	 * instead of its message when there is one, and "10014" alone helps nobody.
	 */
	constructor(
		message: string,
		readonly feishuCode?: number,
	) {
		super(message);
		this.name = 'FeishuCredentialError';
	}
}

/**
 * The API root for a credential. A custom base URL must be a plain http(s) origin (optionally
 * with a path prefix): no user info, query or fragment, so nothing typed into an ID field can
 * be glued onto it to reach another host.
 */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const domain = String(credentials.domain ?? FEISHU_ORIGIN);
	const raw = domain === CUSTOM_DOMAIN ? String(credentials.customBaseUrl ?? '').trim() : domain;
	if (!URL.canParse(raw))
		throw new FeishuCredentialError("The Feishu API credential's base URL is not a valid URL");
	const url = new URL(raw);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new FeishuCredentialError(
			`The Feishu API credential's base URL must start with https:// or http://`,
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new FeishuCredentialError(
			"The Feishu API credential's base URL must not contain a user name, password, query or fragment",
		);
	}
	// The root, as the field asks; a pasted ".../open-apis" would double the API prefix.
	return baseUrlRoot(`${url.origin}${url.pathname}`);
}

/**
 * `baseUrlRoot` as an n8n expression (n8n evaluates credential expressions, which cannot call
 * into this package) over the Base URL field of `fields`: `$credentials` in a test request,
 * `$self` in a credential's own defaults.
 */
export function customRootExpression(fields: '$credentials' | '$self'): string {
	return `${fields}.customBaseUrl.trim().replace(${String(NOT_THE_ROOT)}, "")`;
}

/** The API root of the credential as an n8n expression: the domain, or the custom Base URL's root. */
export function apiRootExpression(fields: '$credentials' | '$self'): string {
	return `(${fields}.domain === "${CUSTOM_DOMAIN}" ? ${customRootExpression(fields)} : ${fields}.domain)`;
}
