import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IDataObject } from 'n8n-workflow';

/** The token endpoint's codes for a wrong secret and an unknown app ID. */
const APP_SECRET_WRONG = 10014;
const APP_ID_UNKNOWN = 10003;

/** Where a custom app trades its ID and secret for a tenant_access_token. */
export const APP_LOGIN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

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
	const domain = String(credentials.domain ?? 'https://open.feishu.cn');
	const raw = domain === 'custom' ? String(credentials.customBaseUrl ?? '').trim() : domain;
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
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/open-apis$/i, '');
}

/**
 * Exchanges app ID + secret for a tenant_access_token. Errors carry Feishu's code and message
 * but never the secret or the request body.
 */
export async function fetchTenantAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const appId = String(credentials.appId ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '');
	if (!appId || !appSecret) {
		throw new FeishuCredentialError(
			'The Feishu API credential needs both an App ID and an App Secret',
		);
	}
	const response = (await helper.helpers.httpRequest({
		method: 'POST',
		url: `${resolveBaseUrl(credentials)}${APP_LOGIN_PATH}`,
		body: { app_id: appId, app_secret: appSecret },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as { statusCode: number; body: unknown };
	const body = (
		typeof response.body === 'object' && response.body !== null ? response.body : {}
	) as IDataObject;
	const token = body.tenant_access_token;
	if (body.code === 0 && typeof token === 'string' && token) return token;
	const code = typeof body.code === 'number' ? body.code : undefined;
	// No Feishu answer at all, or a 404 from whatever is at the URL: the path is wrong, not the app.
	if (code === undefined || response.statusCode === 404) {
		throw new FeishuCredentialError(
			`The Base URL does not answer as Feishu's Open API (HTTP ${response.statusCode} at ${APP_LOGIN_PATH}). ` +
				'Choose Feishu or Lark as the domain, or give the root URL of your deployment, e.g. https://open.feishu.cn, without /open-apis.',
		);
	}
	const msg = typeof body.msg === 'string' ? body.msg : `HTTP ${response.statusCode}`;
	throw new FeishuCredentialError(`${refusal(code)} (Feishu code ${code}: ${msg})`, code);
}

/** What Feishu's token codes say is wrong, in the words of the credential's fields. */
function refusal(code: number): string {
	if (code === APP_SECRET_WRONG) {
		return 'Feishu refused the App Secret. Copy it again from the app\'s "Credentials & Basic Info" page';
	}
	if (code === APP_ID_UNKNOWN) {
		return 'Feishu does not know this App ID. Check the App ID, and that the domain (Feishu or Lark) is the one the app was made on';
	}
	return 'Feishu refused the app credentials. Check the App ID and App Secret on the app\'s "Credentials & Basic Info" page, and the domain (Feishu or Lark)';
}
