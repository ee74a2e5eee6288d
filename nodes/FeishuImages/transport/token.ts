import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IDataObject } from 'n8n-workflow';

import { APP_LOGIN_PATH, APP_REFUSALS, FeishuCredentialError, resolveBaseUrl } from './platform';

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
	const known = APP_REFUSALS.find((refusal) => refusal.code === code);
	if (known) return known.message;
	return 'Feishu refused the app credentials. Check the App ID and App Secret on the app\'s "Credentials & Basic Info" page, and the domain (Feishu or Lark)';
}
