/**
 * The table entries of issue 17's sources: Drive file download, a file endpoint of
 * FILE_ENDPOINTS (../file-endpoints.ts) served by the generic handler, and three JSON endpoints
 * registered in ROUTE_TABLE (../route-table.ts) and answered by the emulator's Sources.
 */
import { checkBearer } from '../bearer';
import { driveTokenLookup, GET, POST, perSecond } from '../endpoint-spec';
import type { FileEndpoint } from '../file-endpoints';
import type { FileFixture } from '../reply';
import { readBody } from '../request-body';
import type { EmulatedEndpoint, RouteHandler } from '../route-context';
import { BITABLE_ERRORS, DRIVE_FILE_ERRORS, WHITEBOARD_NODE_ERRORS } from './errors';

export type DriveFileFixture = FileFixture & { forbidden: boolean; deleted: boolean };

/** Largest records/search body the emulator reads. */
const MAX_SEARCH_BODY = 1024 * 1024;

/**
 * GET /open-apis/drive/v1/files/:file_token/download (下载文件): 5 QPS and 10,000 a day
 * (1061045 over it, see Sources.throttle); Range `bytes=start-end` (206); 403 without download
 * permission, 404 for a missing or deleted token, both without a code as the page lists
 * statuses only.
 */
export const DRIVE_FILE_ENDPOINT: FileEndpoint<DriveFileFixture> = {
	name: 'driveFile',
	methods: GET,
	path: '/open-apis/drive/v1/files/:file_token/download',
	doc: 'https://open.feishu.cn/document/server-docs/docs/drive-v1/download/download',
	errors: DRIVE_FILE_ERRORS,
	rateLimit: perSecond(5),
	rateLimitStatus: 429,
	tokens: ['tenant', 'user'],
	invalid: { status: 400 },
	notFound: { status: 404 },
	ranges: true,
	lookup: driveTokenLookup,
};

/**
 * The bearer check, then Sources.handleJson (its own limit, then the answer). The search body
 * is read first, so a refusal still goes out on an intact socket.
 */
const serveSourceJson: RouteHandler = async (ctx, req, reply, route) => {
	const body =
		route.endpoint === 'bitableSearch' ? await readBody(req, MAX_SEARCH_BODY) : undefined;
	if (!(await checkBearer(ctx, req, reply))) return;
	return ctx.sources.handleJson(route, body, reply);
};

export const BITABLE_FIELDS_ENDPOINT: EmulatedEndpoint = {
	name: 'bitableFields',
	methods: GET,
	path: '/open-apis/bitable/v1/apps/:app_token/tables/:table_id/fields',
	doc: 'https://open.feishu.cn/document/server-docs/docs/bitable-v1/app-table-field/list',
	errors: BITABLE_ERRORS,
	rateLimit: perSecond(20),
	rateLimitStatus: 429,
	notFound: { code: 1254041 },
	serve: serveSourceJson,
};

export const BITABLE_SEARCH_ENDPOINT: EmulatedEndpoint = {
	name: 'bitableSearch',
	methods: POST,
	path: '/open-apis/bitable/v1/apps/:app_token/tables/:table_id/records/search',
	doc: 'https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/bitable-v1/app-table-record/search',
	errors: BITABLE_ERRORS,
	rateLimit: perSecond(20),
	rateLimitStatus: 429,
	notFound: { code: 1254041 },
	serve: serveSourceJson,
};

export const WHITEBOARD_NODES_ENDPOINT: EmulatedEndpoint = {
	name: 'whiteboardNodes',
	methods: GET,
	path: '/open-apis/board/v1/whiteboards/:whiteboard_id/nodes',
	doc: 'https://open.feishu.cn/document/ukTMukTMukTM/uUDN04SN0QjL1QDN/board-v1/whiteboard-node/list',
	errors: WHITEBOARD_NODE_ERRORS,
	rateLimit: perSecond(10),
	rateLimitStatus: 429,
	notFound: { code: 2890006 },
	serve: serveSourceJson,
};
