/**
 * What a Feishu code means. One table for the platform-wide codes (the gateway's and the
 * token's), and one per endpoint in its catalogue row; the transport reads `kind`, the user
 * reads `hint`. Platform codes: https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
 */

/**
 * How the transport treats a code:
 * - rateLimit: wait and send again;
 * - transient: Feishu's side failed, send again (bounded by Retries);
 * - invalidToken: fetch (or refresh) the token once, then send again;
 * - scopeMissing: final, and the error names the scopes the operation needs;
 * - fatal: final.
 */
export type CodeKind = 'fatal' | 'rateLimit' | 'transient' | 'invalidToken' | 'scopeMissing';

export interface DocumentedCode {
	httpStatus: number;
	msg: string;
	/** The page's "排查建议", in English, phrased as what the user should do. */
	hint: string;
	kind: CodeKind;
	/**
	 * What a handler reads in this answer beyond failure: e.g. the helpdesk's 154000 also says
	 * "no image at this index", which ends the walk over a message's images.
	 */
	signals?: 'noSuchIndex';
	/** The same code with another meaning when Feishu's msg says so (see 99991668). */
	whenMsg?: { includes: string; kind: CodeKind; hint: string };
}

export type CodeTable = Record<number, DocumentedCode>;

export const INTERNAL_ERROR_HINT =
	'Feishu had an internal error. Retry later; if it persists, contact Feishu support with the log ID.';
export const CREDENTIAL_REJECTED_HINT =
	'The token was rejected even after a fresh one was fetched. Check the Feishu API credential.';
export const BOT_FEATURE_HINT =
	'Enable the Bot feature of the app ("Features" → "Bot" in the Feishu developer console) and publish a new version.';
export const AUTH_FAILED_HINT =
	'Authentication failed. Check the Feishu API credential (App ID, App Secret, domain).';

/** Platform-wide codes every endpoint can answer. */
export const PLATFORM_CODES: CodeTable = {
	99991400: {
		httpStatus: 429,
		msg: 'request trigger frequency limit',
		hint: 'Feishu throttled the app. Lower "Requests per Second" or the batch size, or try again later.',
		kind: 'rateLimit',
	},
	99991661: {
		httpStatus: 400,
		msg: 'Missing access token for authorization. Please make a request with token attached.',
		hint: 'The request carried no token. Check the Feishu API credential.',
		kind: 'invalidToken',
	},
	99991663: {
		httpStatus: 400,
		msg: 'Invalid access token for authorization. Please make a request with token attached.',
		hint: 'The tenant_access_token was rejected even after a fresh one was fetched. Check that the App ID and the domain (Feishu or Lark) belong together.',
		kind: 'invalidToken',
	},
	99991664: {
		httpStatus: 400,
		msg: 'Invalid app access token',
		hint: CREDENTIAL_REJECTED_HINT,
		kind: 'invalidToken',
	},
	99991668: {
		httpStatus: 400,
		msg: 'Invalid user access token',
		hint: 'The user token was rejected even after a refresh. Reconnect the Feishu OAuth2 API credential.',
		kind: 'invalidToken',
		// "user access token not support": this endpoint takes no user token; a refresh won't help.
		whenMsg: {
			includes: 'not support',
			kind: 'fatal',
			hint: 'This Feishu endpoint does not accept a user identity. Set Authentication to "App (Tenant Access Token)" and pick a Feishu API credential.',
		},
	},
	99991671: {
		httpStatus: 400,
		msg: 'Invalid token format',
		hint: CREDENTIAL_REJECTED_HINT,
		kind: 'invalidToken',
	},
	99991672: {
		httpStatus: 400,
		msg: 'Access denied: the app lacks the required scope',
		hint: 'Enable the scope named in the message under "Permissions & Scopes" of the app in the Feishu developer console, then publish a new app version.',
		kind: 'scopeMissing',
	},
	99991677: {
		httpStatus: 400,
		msg: 'user access token expired',
		hint: 'The user token expired and could not be refreshed. Reconnect the Feishu OAuth2 API credential.',
		kind: 'invalidToken',
	},
	99991679: {
		httpStatus: 400,
		msg: 'Unauthorized: the user has not granted the required scope',
		hint: 'Enable the scope for the app and have the user authorize it again.',
		kind: 'scopeMissing',
	},
};

/**
 * A code's meaning for an endpoint: its own table first, then the platform-wide one; where the
 * code means something else with Feishu's msg, that meaning.
 */
export function documentedCode(
	table: CodeTable,
	code: number,
	msg?: string,
): DocumentedCode | undefined {
	const documented = table[code] ?? PLATFORM_CODES[code];
	const variant = documented?.whenMsg;
	if (variant && msg?.toLowerCase().includes(variant.includes)) {
		return { ...documented, kind: variant.kind, hint: variant.hint };
	}
	return documented;
}
