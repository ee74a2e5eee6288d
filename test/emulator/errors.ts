/**
 * Error tables transcribed from the Feishu Open Platform pages in
 * shared/feishu-api/ (column order there: HTTP状态码, 错误码, 描述).
 * `msg` is the 描述 column verbatim, trailing full stops included, because a
 * client may show it to users and tests compare it.
 */

export interface FeishuError {
	readonly httpStatus: number;
	readonly code: number;
	readonly msg: string;
}

function table(rows: ReadonlyArray<readonly [number, number, string]>): Readonly<Record<number, FeishuError>> {
	const out: Record<number, FeishuError> = {};
	for (const [httpStatus, code, msg] of rows) out[code] = Object.freeze({ httpStatus, code, msg });
	return Object.freeze(out);
}

/** board-whiteboard-download-as-image.md */
export const WHITEBOARD_ERRORS = table([
	[400, 2890001, 'invalid format'],
	[400, 2890002, 'invalid arg'],
	[400, 2890003, 'record missing'],
	[401, 2890004, 'auth failed'],
	[403, 2890005, 'forbidden'],
	[429, 2890006, 'too many request'],
	[500, 2891001, 'server internal error'],
]);

/** im-image-get.md */
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

/** helpdesk-ticket-image.md */
export const HELPDESK_ERRORS = table([
	[400, 154000, 'Bad request, please check your request body'],
	[403, 154003, 'Please check you have the correct access'],
	[404, 154004, 'Resource not found'],
	[401, 154404, 'Image might be deleted'],
	[500, 155000, 'Internal error'],
]);

/** baike-file-download.md */
export const BAIKE_ERRORS = table([
	[400, 1540001, 'invalid param'],
	[500, 1540002, 'network anomaly, please try again'],
]);

/**
 * Gateway-level codes shared by every endpoint. Not on the four pages; the
 * wording is the platform's. 99991400 comes back as 429 or 400 depending on
 * the gateway; 429 is the default here and the rateLimit fault can pick 400.
 */
export const PLATFORM_ERRORS = table([
	[400, 99991661, 'Missing access token for authorization. Please make a request with token attached.'],
	[400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.'],
	[429, 99991400, 'request trigger frequency limit'],
]);

/** tenant_access_token/internal (not in shared/feishu-api; behaviour as briefed). */
export const AUTH_ERRORS = table([
	[400, 10003, 'invalid param'],
	[400, 10014, 'app secret invalid'],
]);

export const ERROR_CODES = {
	missingToken: 99991661,
	invalidToken: 99991663,
	rateLimited: 99991400,
} as const;

const ALL_TABLES: ReadonlyArray<Readonly<Record<number, FeishuError>>> = [
	WHITEBOARD_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	HELPDESK_ERRORS,
	BAIKE_ERRORS,
	PLATFORM_ERRORS,
	AUTH_ERRORS,
];

/** Looks a code up in every table; undefined when no page documents it. */
export function findError(code: number): FeishuError | undefined {
	for (const t of ALL_TABLES) {
		const hit = t[code];
		if (hit) return hit;
	}
	return undefined;
}

/** Like findError, but an undocumented code still yields a usable entry (HTTP 400). */
export function errorFor(code: number): FeishuError {
	return findError(code) ?? { httpStatus: 400, code, msg: `undocumented error ${code}` };
}
