import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IDataObject } from 'n8n-workflow';

/** Where a custom app trades its ID and secret for a tenant_access_token. */
export const APP_LOGIN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** The credential is unusable (bad base URL, or Feishu refused the app ID/secret); never carries the secret. */
export class FeishuCredentialError extends Error {
	constructor(
		message: string,
		readonly code?: number,
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
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
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
	const msg = typeof body.msg === 'string' ? body.msg : `HTTP ${response.statusCode}`;
	throw new FeishuCredentialError(
		`Feishu refused the app credentials${code !== undefined ? ` (code ${code})` : ''}: ${msg}. ` +
			'Check the App ID and App Secret on the app\'s "Credentials & Basic Info" page, and the domain (Feishu or Lark).',
		code,
	);
}
