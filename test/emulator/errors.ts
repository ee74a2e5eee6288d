/**
 * Error tables transcribed from each endpoint's Feishu Open Platform page (its URL above the
 * table; column order there: HTTP状态码, 错误码, 描述). `msg` is the 描述 column verbatim,
 * trailing full stops included, because a client may show it to users and tests compare it;
 * where the emulator chose a code or a wording itself, the table says so.
 */

export interface FeishuError {
	readonly httpStatus: number;
	readonly code: number;
	readonly msg: string;
}

/** Rows of a page's table (HTTP status, code, 描述) → the table by code. */
export function table(
	rows: ReadonlyArray<readonly [number, number, string]>,
): Readonly<Record<number, FeishuError>> {
	const out: Record<number, FeishuError> = {};
	for (const [httpStatus, code, msg] of rows) out[code] = Object.freeze({ httpStatus, code, msg });
	return Object.freeze(out);
}

/** https://open.feishu.cn/document/docs/board-v1/whiteboard/download_as_image */
export const WHITEBOARD_ERRORS = table([
	[400, 2890001, 'invalid format'],
	[400, 2890002, 'invalid arg'],
	[400, 2890003, 'record missing'],
	[401, 2890004, 'auth failed'],
	[403, 2890005, 'forbidden'],
	[429, 2890006, 'too many request'],
	[500, 2891001, 'server internal error'],
]);

/** https://open.feishu.cn/document/server-docs/im-v1/image/get */
export const MESSAGE_IMAGE_ERRORS = table([
	[400, 234001, 'Invalid request param.'],
	[401, 234002, 'Unauthorized.'],
	[400, 234005, 'Image has been deleted'],
	[400, 234007, 'App does not enable bot feature.'],
	[400, 234008, 'The app is not the resource sender'],
	[400, 234041, 'Tenant master key has been deleted, please contact the tenant administrator.'],
	[
		400,
		234042,
		'Hybrid deployment tenant storage error, such as full storage space, please contact tenant administrator.',
	],
]);

/** https://open.feishu.cn/document/server-docs/helpdesk-v1/ticket-management/ticket/ticket_image */
export const HELPDESK_ERRORS = table([
	[400, 154000, 'Bad request, please check your request body'],
	[403, 154003, 'Please check you have the correct access'],
	[404, 154004, 'Resource not found'],
	[401, 154404, 'Image might be deleted'],
	[500, 155000, 'Internal error'],
]);

/** https://open.feishu.cn/document/server-docs/baike-v1/file/download */
export const BAIKE_ERRORS = table([
	[400, 1540001, 'invalid param'],
	[500, 1540002, 'network anomaly, please try again'],
]);

/**
 * docx-v1 "list blocks" (获取文档所有块):
 * https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document-block/list
 * 1771001-1771005 are server-side: a client should retry them.
 */
export const DOCX_ERRORS = table([
	[400, 1770001, 'invalid param'],
	[404, 1770002, 'not found'],
	[400, 1770003, 'resource deleted'],
	[400, 1770022, 'invalid page token'],
	[403, 1770032, 'forbidden'],
	[500, 1771001, 'server internal error'],
	[500, 1771002, 'gateway server internal error'],
	[500, 1771003, 'gateway marshal error'],
	[500, 1771004, 'gateway unmarshal error'],
	[503, 1771005, 'system under maintenance'],
]);

/**
 * wiki-v2 spaces/get_node:
 * https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node
 * 131002 (param err) for a missing `token` or an unknown `obj_type` is the emulator's choice.
 */
export const WIKI_ERRORS = table([
	[400, 131002, 'param err'],
	[400, 131005, 'not found'],
	[400, 131006, 'permission denied'],
]);

/**
 * im-v1 message resources (获取消息中的资源文件):
 * https://open.feishu.cn/document/server-docs/im-v1/message/get-2
 * Statuses and msg from the page's table (its Lark copy, open.larksuite.com, same path): every
 * code at 400 but 234002 at 401 (Feishu's 2026 page gives statuses for 234003, 234004 and 234037
 * only). 234007 (bot feature off) is in the image endpoint's table, not in this one.
 */
export const MESSAGE_RESOURCE_ERRORS = table([
	[400, 230110, 'Action unavailable as the message has been deleted.'],
	[400, 234001, 'Invalid request param.'],
	[401, 234002, 'Unauthorized.'],
	[400, 234003, 'File not in message.'],
	[400, 234004, 'App not in chat.'],
	[400, 234009, 'Lack of necessary permissions.'],
	[400, 234019, 'scope CheckAppTenant fail.'],
	[400, 234037, 'Downloaded file size exceeds limit.'],
	[400, 234038, 'Do not allow downloading of message resources in restricted mode.'],
	[400, 234040, 'The message is invisible to the operator.'],
	[400, 234041, 'Tenant master key has been deleted, please contact the tenant administrator.'],
	[
		400,
		234042,
		'Hybrid deployment tenant storage error, such as full storage space, please contact tenant administrator.',
	],
	[400, 234043, 'Unsupported message type.'],
]);

/**
 * lingo-v1 file download: https://open.feishu.cn/document/lingo-v1/file/download
 * Lingo's own codes, not baike's: 2250001 (invalid parameter) and 2250002 (network anomaly, to
 * be retried), 描述 as Feishu's 2026 page words them (the checked facts).
 */
export const LINGO_ERRORS = table([
	[400, 2250001, 'invalid parameter'],
	[500, 2250002, 'network anomaly'],
]);

/**
 * drive-v1 media download: https://open.feishu.cn/document/server-docs/docs/drive-v1/media/download
 * The page documents HTTP statuses only, no codes: the emulator answers them with a codeless
 * body (Reply.bare), and this table stays empty so that no code is invented for them.
 */
export const DRIVE_MEDIA_ERRORS = table([]);

/** The statuses drive media's page documents, and what each means there. */
export const DRIVE_MEDIA_STATUSES: Readonly<Record<number, string>> = Object.freeze({
	200: 'the whole file',
	206: 'the part a Range header asked for',
	400: 'bad request',
	403: 'no permission on the media',
	404: 'the token is missing or was deleted',
	500: 'server error',
});

/** A Feishu OAuth v2 error: answered as `{code, error, error_description}`, not `{code, msg}`. */
export interface OAuthError extends FeishuError {
	/** RFC 6749 error name sent in `error`; `msg` is the default error_description. */
	readonly error: string;
}

/**
 * authen-v2 oauth/token (user_access_token). 20002 / 20003 as Feishu answers
 * them; 20001 (missing parameter, unsupported grant_type) and 20050 (server
 * error) are the emulator's choice of Feishu's codes for those cases.
 */
export const OAUTH_ERRORS: Readonly<Record<number, OAuthError>> = (() => {
	const rows: ReadonlyArray<readonly [number, number, string, string]> = [
		[
			400,
			20001,
			'invalid_request',
			'The request is missing a required parameter or has an invalid one.',
		],
		[
			401,
			20002,
			'invalid_client',
			'Client authentication failed: client_id or client_secret is invalid.',
		],
		[
			400,
			20003,
			'invalid_grant',
			'The authorization code or refresh token is invalid, expired or already used.',
		],
		[500, 20050, 'server_error', 'Internal server error, please retry.'],
	];
	const out: Record<number, OAuthError> = {};
	for (const [httpStatus, code, error, msg] of rows)
		out[code] = Object.freeze({ httpStatus, code, error, msg });
	return Object.freeze(out);
})();

/**
 * Gateway-level codes shared by every endpoint, from Feishu's common error codes page:
 * https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
 * 99991400 comes back as 429 or 400 depending on the gateway; 429 is the default here and the
 * rateLimit fault can pick 400.
 */
export const PLATFORM_ERRORS = table([
	[
		400,
		99991661,
		'Missing access token for authorization. Please make a request with token attached.',
	],
	[
		400,
		99991663,
		'Invalid access token for authorization. Please make a request with token attached.',
	],
	[400, 99991677, 'user access token expired'],
	[429, 99991400, 'request trigger frequency limit'],
]);

/**
 * https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal
 * 10003 for an unknown app_id, 10014 for a wrong app_secret.
 */
export const AUTH_ERRORS = table([
	[400, 10003, 'invalid param'],
	[400, 10014, 'app secret invalid'],
]);

export const ERROR_CODES = {
	missingToken: 99991661,
	invalidToken: 99991663,
	/** A user_access_token past its expiry (an unknown one is 99991663). */
	expiredUserToken: 99991677,
	rateLimited: 99991400,
} as const;

const ALL_TABLES: ReadonlyArray<Readonly<Record<number, FeishuError>>> = [
	WHITEBOARD_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	HELPDESK_ERRORS,
	BAIKE_ERRORS,
	PLATFORM_ERRORS,
	AUTH_ERRORS,
	DOCX_ERRORS,
	WIKI_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	LINGO_ERRORS,
	OAUTH_ERRORS,
];

/** Looks a code up in every table; undefined when no page documents it. */
export function findError(code: number): FeishuError | undefined {
	for (const t of ALL_TABLES) {
		const hit = t[code];
		if (hit) return hit;
	}
	return undefined;
}

/**
 * The entry for `code`: from the answering endpoint's own `table` when it lists the code, else
 * from any table; an undocumented code still yields a usable entry (HTTP 400).
 */
export function errorFor(code: number, table?: Readonly<Record<number, FeishuError>>): FeishuError {
	return (
		table?.[code] ?? findError(code) ?? { httpStatus: 400, code, msg: `undocumented error ${code}` }
	);
}
