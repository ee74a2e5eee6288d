/** Whiteboard (画板): one whiteboard as a PNG image, or its content (nodes, texts, code blocks). */
import { AUTH_FAILED_HINT, INTERNAL_ERROR_HINT, type CodeTable } from './codes';
import { linkPattern } from './links';
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

const BOARD_FORBIDDEN_HINT =
	'The app cannot read this whiteboard. Add the app to the document that holds the whiteboard (document "…" menu → "More" → "Add document app"), or share the document with the app, then try again.';

/**
 * The board pages' codes: the same meanings, numbered differently on each page (download as
 * image: 2890003–2890006; nodes: 2890006–2890009).
 */
function boardCodes(
	numbers: { recordMissing: number; authFailed: number; forbidden: number; tooMany: number },
	says: { recordMissing: string; tooMany: string },
): CodeTable {
	return {
		2890001: {
			httpStatus: 400,
			msg: 'invalid format',
			hint: 'The parameters are malformed. Check the whiteboard ID.',
			kind: 'fatal',
		},
		2890002: {
			httpStatus: 400,
			msg: 'invalid arg',
			hint: 'A parameter is invalid. Check the whiteboard ID.',
			kind: 'fatal',
		},
		[numbers.recordMissing]: {
			httpStatus: 400,
			msg: 'record missing',
			hint: `${says.recordMissing} Check that the whiteboard ID is the block.token of a whiteboard block (block_type 43).`,
			kind: 'fatal',
		},
		[numbers.authFailed]: {
			httpStatus: 401,
			msg: 'auth failed',
			hint: AUTH_FAILED_HINT,
			kind: 'fatal',
		},
		[numbers.forbidden]: {
			httpStatus: 403,
			msg: 'forbidden',
			hint: BOARD_FORBIDDEN_HINT,
			kind: 'fatal',
		},
		[numbers.tooMany]: {
			httpStatus: 429,
			msg: 'too many request',
			hint: `Feishu throttled the whiteboard API (${says.tooMany}). The node slows down by itself; raise Max Rate-Limit Wait or run the node again later.`,
			kind: 'rateLimit',
		},
		2891001: {
			httpStatus: 500,
			msg: 'server internal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
	};
}

export const WHITEBOARD: FeishuEndpoint = {
	key: 'whiteboard',
	name: 'Whiteboard',
	method: 'GET',
	path: '/open-apis/board/v1/whiteboards/{whiteboard_id}/download_as_image',
	parameters: [
		{
			name: 'whiteboardId',
			label: 'Whiteboard ID',
			apiName: 'whiteboard_id',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The whiteboard token. In a docx document it is the block.token of a block with block_type 43 (from the "list document blocks" API); a standalone whiteboard has it in its link, https://<tenant>.feishu.cn/board/<ID>.',
			placeholder: 'Ru8nwrWFOhEmaFbEU2VbPRsHcxb',
			url: {
				example: 'https://example.feishu.cn/board/Ru8nwrWFOhEmaFbEU2VbPRsHcxb',
				patterns: [{ regex: linkPattern('board'), kind: 'direct' }],
			},
		},
	],
	tokenKinds: ['tenant', 'user'],
	scopes: ['board:whiteboard:node:read'],
	rateLimits: [{ requests: 10, perMs: 1000 }],
	// The original page says 10/s, the 2026 Feishu and Lark pages 50/s (checked-facts.md).
	probeUpTo: 50,
	defaultMimeType: 'image/png',
	docsUrl: 'https://open.feishu.cn/document/docs/board-v1/whiteboard/download_as_image',
	codes: boardCodes(
		{ recordMissing: 2890003, authFailed: 2890004, forbidden: 2890005, tooMany: 2890006 },
		{
			recordMissing: 'No such whiteboard or image.',
			tooMany:
				'10 requests per second on its original page, 50 on the newer ones; your app may share its quota',
		},
	),
};

export const WHITEBOARD_DOWNLOAD: FeishuOperation = {
	resource: 'whiteboard',
	resourceName: 'Whiteboard',
	operation: 'downloadAsImage',
	operationName: 'Download as Image',
	action: 'Download a whiteboard as an image',
	description: 'Download a PNG thumbnail of a whiteboard (画板)',
	endpoint: WHITEBOARD,
	handler: 'file',
	fileNameFrom: ['whiteboardId'],
};

/** All nodes of a board in one answer, no paging (the page's own codes differ from the image's). */
export const WHITEBOARD_NODES: FeishuEndpoint = {
	key: 'whiteboardNodes',
	name: 'Whiteboard Nodes',
	method: 'GET',
	path: '/open-apis/board/v1/whiteboards/{whiteboard_id}/nodes',
	parameters: WHITEBOARD.parameters,
	tokenKinds: ['tenant', 'user'],
	scopes: ['board:whiteboard:node:read'],
	rateLimits: [{ requests: 10, perMs: 1000 }],
	docsUrl:
		'https://open.feishu.cn/document/ukTMukTMukTM/uUDN04SN0QjL1QDN/board-v1/whiteboard-node/list',
	codes: boardCodes(
		{ recordMissing: 2890006, authFailed: 2890007, forbidden: 2890008, tooMany: 2890009 },
		{ recordMissing: 'No such whiteboard.', tooMany: '10 requests per second' },
	),
};

export const WHITEBOARD_GET_CONTENT: FeishuOperation = {
	resource: 'whiteboard',
	resourceName: 'Whiteboard',
	operation: 'getContent',
	operationName: 'Get Content',
	action: "Get a whiteboard's content",
	description:
		"The board's nodes as a tree, its texts in reading order, and every Mermaid or PlantUML code block as a file (binary fields mermaid_1, plantuml_1…)",
	endpoint: WHITEBOARD_NODES,
	handler: 'whiteboardContent',
	fileNameFrom: ['whiteboardId'],
};

export const WHITEBOARD_ROWS: ResourceRows = {
	endpoints: [WHITEBOARD, WHITEBOARD_NODES],
	operations: [WHITEBOARD_DOWNLOAD, WHITEBOARD_GET_CONTENT],
};
