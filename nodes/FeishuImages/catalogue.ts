/**
 * THE endpoint catalogue: one row per Feishu download. Everything the node knows about an
 * endpoint lives here: path, parameters (fixed query values included), token kinds, scopes,
 * limits, how the row runs (`run`, see router.ts), the options that belong to it, and its
 * documented codes with what they mean and the fix to try. The UI, validation, request,
 * pacing and error messages are all derived from it. Each row cites the Feishu page it was
 * transcribed from (`docsUrl`), which error descriptions and the codex link to.
 */
import type { INodeProperties } from 'n8n-workflow';

import {
	AUTH_FAILED_HINT,
	BOT_FEATURE_HINT,
	INTERNAL_ERROR_HINT,
	type CodeTable,
	type DocumentedCode,
	documentedCode,
} from './codes';

export type TokenKind = 'tenant' | 'user';

/**
 * The endpoint's name, the same one the project's Feishu emulator uses for it (test/emulator),
 * so a spec can name the row and the emulator's table entry alike.
 */
export type EndpointKey =
	| 'whiteboard'
	| 'messageImage'
	| 'ticketImage'
	| 'lingoFile'
	| 'baikeFile'
	| 'messageResource'
	| 'documentBlocks'
	| 'wikiNode'
	| 'driveMedia';

/**
 * How a row runs, one handler each (router.ts):
 * - file: one request, one file;
 * - documentPictures: list the document's blocks, then download every picture of the kinds
 *   the row names (`pictures`), in document order;
 * - ticketImages: one image of a helpdesk message, or (option) every image of it.
 */
export type RunKind = 'file' | 'documentPictures' | 'ticketImages';

/** The pictures a docx document holds: image blocks (drive media) and whiteboard blocks. */
export type PictureKind = 'image' | 'whiteboard';

export interface EndpointParameter {
	/** n8n parameter name. */
	name: string;
	/** The field's label in the node. */
	label: string;
	/** Feishu's name, in the path template or the query string. */
	apiName: string;
	in: 'path' | 'query';
	/** id: a validated token; index: a whole number ≥ 0; choice: one of `choices`. */
	type: 'id' | 'index' | 'choice';
	required: boolean;
	/** Set by the handler (e.g. a listing's page_token), never a field of the node. */
	internal?: boolean;
	description: string;
	placeholder?: string;
	choices?: Array<{ name: string; value: string; description?: string }>;
	/** Feishu/Lark links that carry this ID: the "By URL" mode of the field. */
	url?: UrlForm;
}

/** A link form: the regex's first group is the ID; `wiki` links carry a wiki node token instead. */
export interface UrlForm {
	example: string;
	patterns: Array<{ regex: string; kind: 'direct' | 'wiki' }>;
}

/** Feishu, Lark and Lark's newer office domain, any tenant subdomain. */
const HOST =
	'https?://[A-Za-z0-9.-]+\\.(?:feishu\\.cn|larksuite\\.com|larkoffice\\.com|feishu-pre\\.cn)';

/** The characters of a Feishu token, the same set "By ID" accepts (request validation). */
export const TOKEN_CHARACTERS = 'A-Za-z0-9_.=-';

function linkPattern(segment: string): string {
	return `^\\s*${HOST}/${segment}/([${TOKEN_CHARACTERS}]+)(?:[/?#].*)?\\s*$`;
}

export interface RateLimitWindow {
	requests: number;
	perMs: number;
}

export interface DownloadEndpoint {
	key: EndpointKey;
	resource: string;
	resourceName: string;
	operation: string;
	operationName: string;
	action: string;
	description: string;
	method: 'GET';
	/** Path template; `{apiName}` is replaced by the URL-encoded, validated parameter. */
	path: string;
	parameters: EndpointParameter[];
	/** Query values every request of this row sends as they are. */
	fixedQuery?: Record<string, string>;
	tokenKinds: TokenKind[];
	scopes: string[];
	/** Documented limits; the transport paces each (credential, endpoint) below all of them. */
	rateLimits: RateLimitWindow[];
	/**
	 * Requests per second that Feishu's newer pages allow above the documented limit: the pacer
	 * may probe up to it while Feishu does not throttle (tenants may have either limit).
	 */
	probeUpTo?: number;
	/** Needs the X-Lark-Helpdesk-Authorization header from the credential. */
	helpdeskHeader?: boolean;
	/** What the page promises the bytes are, used when Feishu sends no Content-Type. */
	defaultMimeType?: string;
	/**
	 * The parameters whose values name the file when Feishu sends no Content-Disposition,
	 * joined with "-" (those present): e.g. a helpdesk message's images are <msg>-0, <msg>-1…
	 */
	fileNameFrom: string[];
	run: RunKind;
	/** Options of this row's handler, shown in the node's Options for this operation only. */
	options?: INodeProperties[];
	codes: CodeTable;
	/**
	 * What an HTTP status means where the page documents statuses and no codes (drive media):
	 * the user's message when Feishu's answer carries no documented code.
	 */
	statuses?: Record<number, { msg: string; hint: string }>;
	/** documentPictures rows: the kinds always downloaded (an option may add whiteboards). */
	pictures?: PictureKind[];
	docsUrl: string;
}

/** Both im endpoints answer a tenant's broken key or storage alike. */
const TENANT_STORAGE_CODES: CodeTable = {
	234041: {
		httpStatus: 400,
		msg: 'Tenant master key has been deleted, please contact the tenant administrator.',
		hint: "The tenant's encryption key was deleted, so the data cannot be read. Ask the tenant administrator.",
		kind: 'fatal',
	},
	234042: {
		httpStatus: 400,
		msg: 'Hybrid deployment tenant storage error, such as full storage space, please contact tenant administrator.',
		hint: "The tenant's own storage failed (for example it is full). Ask the tenant administrator or Feishu support.",
		kind: 'fatal',
	},
};

const BOARD_FORBIDDEN_HINT =
	'The app cannot read this whiteboard. Add the app to the document that holds the whiteboard (document "…" menu → "More" → "Add document app"), or share the document with the app, then try again.';

/** https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document/list */
const DOCX_CODES: CodeTable = {
	1770001: {
		httpStatus: 400,
		msg: 'invalid param',
		hint: 'A parameter is invalid. Check the document ID or link.',
		kind: 'fatal',
	},
	1770002: {
		httpStatus: 404,
		msg: 'not found',
		hint: 'No such document, or it was deleted. Check the document ID; a wiki page needs its wiki link, not the ID.',
		kind: 'fatal',
	},
	1770003: {
		httpStatus: 400,
		msg: 'resource deleted',
		hint: 'The document was deleted.',
		kind: 'fatal',
	},
	1770022: {
		httpStatus: 400,
		msg: 'invalid page token',
		hint: 'The listing was interrupted; run the node again.',
		kind: 'fatal',
	},
	1770032: {
		httpStatus: 403,
		msg: 'forbidden',
		hint: 'The app cannot read this document. Add the app to the document ("…" → "More" → "Add document app") or share the document with it.',
		kind: 'fatal',
	},
	1771001: {
		httpStatus: 500,
		msg: 'server internal error',
		hint: INTERNAL_ERROR_HINT,
		kind: 'transient',
	},
	1771002: {
		httpStatus: 500,
		msg: 'server internal error',
		hint: INTERNAL_ERROR_HINT,
		kind: 'transient',
	},
	1771003: {
		httpStatus: 500,
		msg: 'server internal error',
		hint: INTERNAL_ERROR_HINT,
		kind: 'transient',
	},
	1771004: {
		httpStatus: 500,
		msg: 'server internal error',
		hint: INTERNAL_ERROR_HINT,
		kind: 'transient',
	},
	1771005: {
		httpStatus: 503,
		msg: 'service under maintenance',
		hint: 'Feishu is under maintenance. Run the node again later.',
		kind: 'transient',
	},
};

const DICTIONARY_RETRY_HINT =
	'Usually a Feishu timeout: try again. If it keeps happening, contact Feishu support with the log ID.';

/** Lingo and its predecessor baike serve dictionary files the same way, with codes of their own. */
const DICTIONARY_FILE = {
	parameters: [
		{
			name: 'fileToken',
			label: 'File Token',
			apiName: 'file_token',
			in: 'path',
			type: 'id',
			required: true,
			description:
				'The file token of the dictionary image (from a dictionary entry or the image upload API)',
			placeholder: 'boxbcEcmKiD3SGHvgqWTpvdc7jc',
		},
	],
	tokenKinds: ['tenant', 'user'],
	rateLimits: [
		{ requests: 50, perMs: 1000 },
		{ requests: 1000, perMs: 60_000 },
	],
	fileNameFrom: ['fileToken'],
	run: 'file',
	// Lingo took over baike's scopes: no lingo:* scope exists.
	scopes: ['baike:entity', 'baike:entity:exempt_review', 'baike:entity:readonly'],
} satisfies Partial<DownloadEndpoint>;

/** Not an operation of its own: resolves a wiki link to the document it shows. */
export const WIKI_NODE: DownloadEndpoint = {
	key: 'wikiNode',
	resource: 'wiki',
	resourceName: 'Wiki',
	operation: 'getNode',
	operationName: 'Get Node',
	action: 'Resolve a wiki node',
	description: 'Resolve a wiki node token to the document it shows',
	method: 'GET',
	path: '/open-apis/wiki/v2/spaces/get_node',
	parameters: [
		{
			name: 'token',
			label: 'Wiki Token',
			apiName: 'token',
			in: 'query',
			type: 'id',
			required: true,
			internal: true,
			description: 'The wiki node token of a wiki link, https://<tenant>.feishu.cn/wiki/<token>',
		},
	],
	fixedQuery: { obj_type: 'wiki' },
	tokenKinds: ['tenant', 'user'],
	scopes: ['wiki:wiki:readonly', 'wiki:wiki', 'wiki:node:read'],
	rateLimits: [{ requests: 100, perMs: 60_000 }],
	fileNameFrom: ['token'],
	run: 'file',
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node',
	codes: {
		131002: {
			httpStatus: 400,
			msg: 'param err',
			hint: 'Feishu refused the wiki token. Check the wiki link: paste it whole, as the browser shows it.',
			kind: 'fatal',
		},
		131005: {
			httpStatus: 400,
			msg: 'not found',
			hint: 'No such wiki page, or the app cannot see it. Add the app to the wiki space or the page.',
			kind: 'fatal',
		},
		131006: {
			httpStatus: 400,
			msg: 'permission denied',
			hint: 'The app cannot read this wiki page. Add the app to the wiki space or the page.',
			kind: 'fatal',
		},
	},
};

export const WHITEBOARD: DownloadEndpoint = {
	key: 'whiteboard',
	resource: 'whiteboard',
	resourceName: 'Whiteboard',
	operation: 'downloadAsImage',
	operationName: 'Download as Image',
	action: 'Download a whiteboard as an image',
	description: 'Download a PNG thumbnail of a whiteboard (画板)',
	method: 'GET',
	path: '/open-apis/board/v1/whiteboards/{whiteboard_id}/download_as_image',
	parameters: [
		{
			name: 'whiteboardId',
			label: 'Whiteboard ID',
			apiName: 'whiteboard_id',
			in: 'path',
			type: 'id',
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
	fileNameFrom: ['whiteboardId'],
	run: 'file',
	docsUrl: 'https://open.feishu.cn/document/docs/board-v1/whiteboard/download_as_image',
	codes: {
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
		2890003: {
			httpStatus: 400,
			msg: 'record missing',
			hint: 'No such whiteboard or image. Check that the whiteboard ID is the block.token of a whiteboard block (block_type 43).',
			kind: 'fatal',
		},
		2890004: { httpStatus: 401, msg: 'auth failed', hint: AUTH_FAILED_HINT, kind: 'fatal' },
		2890005: { httpStatus: 403, msg: 'forbidden', hint: BOARD_FORBIDDEN_HINT, kind: 'fatal' },
		2890006: {
			httpStatus: 429,
			msg: 'too many request',
			hint: 'Feishu throttled the whiteboard API (10 requests per second on its original page, 50 on the newer ones; your app may share its quota). The node slows down by itself; raise Max Rate-Limit Wait or run the node again later.',
			kind: 'rateLimit',
		},
		2891001: {
			httpStatus: 500,
			msg: 'server internal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
	},
};

/** Any one of these lets an app download a document's media (the drive media page). */
const DRIVE_MEDIA_SCOPES = [
	'docs:document.media:download',
	'drive:drive',
	'drive:drive:readonly',
	'docs:doc',
	'docs:doc:readonly',
	'bitable:app',
	'bitable:app:readonly',
	'sheets:spreadsheet',
	'sheets:spreadsheet:readonly',
];

/**
 * A document's media: the image.token of a docx image block, a file block, a sheet's or a
 * base's attachment. The page documents HTTP statuses only, no codes.
 */
export const DRIVE_MEDIA: DownloadEndpoint = {
	key: 'driveMedia',
	resource: 'driveMedia',
	resourceName: 'Drive Media',
	operation: 'download',
	operationName: 'Download',
	action: 'Download a document image or attachment',
	description:
		'Download an image or file of a docx document, sheet or base by its media token (up to the whole file, any size)',
	method: 'GET',
	path: '/open-apis/drive/v1/medias/{file_token}/download',
	parameters: [
		{
			name: 'mediaToken',
			label: 'Media Token',
			apiName: 'file_token',
			in: 'path',
			type: 'id',
			required: true,
			description:
				"The media's token: in a docx document the image.token of an image block (block_type 27) or the file.token of a file block, in a sheet or base the attachment's file_token. Media have no link of their own.",
			placeholder: 'boxcnrHpsg1QDqXAAAyachabcef',
		},
	],
	tokenKinds: ['tenant', 'user'],
	scopes: DRIVE_MEDIA_SCOPES,
	rateLimits: [{ requests: 5, perMs: 1000 }],
	fileNameFrom: ['mediaToken'],
	run: 'file',
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/drive-v1/media/download',
	codes: {},
	statuses: {
		400: {
			msg: 'bad request',
			hint: 'Feishu refused the request. Check the media token.',
		},
		403: {
			msg: 'no permission on the media',
			hint: 'The app (or user) cannot read the document that holds this media. Add the app to the document ("…" → "More" → "Add document app") or share the document with it.',
		},
		404: {
			msg: 'the media token is missing or was deleted',
			hint: "No such media: check the token (an image block's image.token), and that the image is still in the document.",
		},
	},
};

/** What both document rows list: the docx blocks, page by page, of a docx or wiki link. */
const DOCUMENT_LISTING = {
	key: 'documentBlocks',
	resource: 'document',
	resourceName: 'Document',
	method: 'GET',
	path: '/open-apis/docx/v1/documents/{document_id}/blocks',
	parameters: [
		{
			name: 'documentId',
			label: 'Document',
			apiName: 'document_id',
			in: 'path',
			type: 'id',
			required: true,
			description:
				'The docx document ID: the last part of its link, https://<tenant>.feishu.cn/docx/<ID>. A wiki link (…/wiki/<token>) works too when its page is a docx document.',
			placeholder: 'doxcnAJ9VRRJqVMYZ1MyKnavXWe',
			url: {
				example: 'https://example.feishu.cn/docx/doxcnAJ9VRRJqVMYZ1MyKnavXWe',
				patterns: [
					{ regex: linkPattern('docx'), kind: 'direct' },
					{ regex: linkPattern('wiki'), kind: 'wiki' },
				],
			},
		},
		{
			name: 'pageToken',
			label: 'Page Token',
			apiName: 'page_token',
			in: 'query',
			type: 'id',
			required: false,
			internal: true,
			description: "The listing's next page, from the previous page's page_token",
		},
	],
	// The largest page the API serves, of the newest revision.
	fixedQuery: { page_size: '500', document_revision_id: '-1' },
	tokenKinds: ['tenant', 'user'],
	rateLimits: [{ requests: 5, perMs: 1000 }],
	fileNameFrom: ['documentId'],
	run: 'documentPictures',
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document/list',
	codes: DOCX_CODES,
} satisfies Partial<DownloadEndpoint>;

/** The rows the node offers, in the order of its Resource and Operation fields. */
export const ENDPOINTS: DownloadEndpoint[] = [
	WHITEBOARD,
	{
		key: 'messageImage',
		resource: 'messageImage',
		resourceName: 'Message Image',
		operation: 'download',
		operationName: 'Download',
		action: 'Download a message image',
		description: 'Download an image by its image_key (images the app uploaded itself)',
		method: 'GET',
		path: '/open-apis/im/v1/images/{image_key}',
		parameters: [
			{
				name: 'imageKey',
				label: 'Image Key',
				apiName: 'image_key',
				in: 'path',
				type: 'id',
				required: true,
				description:
					'The image_key returned when the app uploaded the image (img_…). Works only for images this app uploaded.',
				placeholder: 'img_8d5181ca-0aed-40f0-b0d1-b1452132afbg',
			},
		],
		tokenKinds: ['tenant'],
		scopes: ['im:resource'],
		rateLimits: [{ requests: 50, perMs: 1000 }],
		fileNameFrom: ['imageKey'],
		run: 'file',
		docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/image/get',
		codes: {
			234001: {
				httpStatus: 400,
				msg: 'Invalid request param.',
				hint: 'The request parameters are invalid. Check the image key.',
				kind: 'fatal',
			},
			234002: {
				httpStatus: 401,
				msg: 'Unauthorized.',
				hint: 'Authentication failed. Check the Feishu API credential; if it is correct, contact Feishu support with the log ID.',
				kind: 'fatal',
			},
			234005: {
				httpStatus: 400,
				msg: 'Image has been deleted',
				hint: 'The image does not exist or was deleted. Check the image key.',
				kind: 'fatal',
			},
			234007: {
				httpStatus: 400,
				msg: 'App does not enable bot feature.',
				hint: BOT_FEATURE_HINT,
				kind: 'fatal',
			},
			234008: {
				httpStatus: 400,
				msg: 'The app is not the resource sender',
				hint: 'This endpoint only returns images the app itself uploaded. For an image a user sent in a chat, use the operation Message → Download Resource (GET /open-apis/im/v1/messages/{message_id}/resources/{file_key}) with the message ID and the image key.',
				kind: 'fatal',
			},
			...TENANT_STORAGE_CODES,
		},
	},
	{
		key: 'ticketImage',
		resource: 'helpdeskTicketImage',
		resourceName: 'Helpdesk Ticket Image',
		operation: 'download',
		operationName: 'Download',
		action: 'Download a helpdesk ticket image',
		description: 'Download an image from a helpdesk ticket message (custom apps only)',
		method: 'GET',
		path: '/open-apis/helpdesk/v1/ticket_images',
		parameters: [
			{
				name: 'ticketId',
				label: 'Ticket ID',
				apiName: 'ticket_id',
				in: 'query',
				type: 'id',
				required: true,
				description: 'The helpdesk ticket ID',
				placeholder: '6948728206392295444',
			},
			{
				name: 'messageId',
				label: 'Message ID',
				apiName: 'msg_id',
				in: 'query',
				type: 'id',
				required: true,
				description: 'The ticket message ID (from "list ticket messages")',
				placeholder: '6948728206392295444',
			},
			{
				name: 'imageIndex',
				label: 'Image Index',
				apiName: 'index',
				in: 'query',
				type: 'index',
				required: false,
				description: 'Which image of a rich-text (post) message, counting from 0',
			},
		],
		tokenKinds: ['tenant'],
		scopes: ['helpdesk:all:readonly'],
		rateLimits: [{ requests: 50, perMs: 1000 }],
		helpdeskHeader: true,
		fileNameFrom: ['messageId', 'imageIndex'],
		run: 'ticketImages',
		options: [
			{
				displayName: 'All Images of the Message',
				name: 'allImages',
				type: 'boolean',
				default: false,
				description:
					'Whether to download every image of the message, one item each (a rich-text message can hold several); Image Index is then ignored',
			},
		],
		docsUrl:
			'https://open.feishu.cn/document/server-docs/helpdesk-v1/ticket-management/ticket/ticket_image',
		codes: {
			154000: {
				httpStatus: 400,
				msg: 'Bad request, please check your request body',
				hint: 'The request is invalid, most likely the image index: a rich-text (post) message needs an index from 0 to its number of images minus one; an image (img) message needs none.',
				kind: 'fatal',
				signals: 'noSuchIndex',
			},
			154003: {
				httpStatus: 403,
				msg: 'Please check you have the correct access',
				hint: 'Check the Helpdesk ID and Helpdesk Token in the Feishu API credential (they form the X-Lark-Helpdesk-Authorization header), and that the app and the helpdesk belong to the same tenant.',
				kind: 'fatal',
			},
			154004: {
				httpStatus: 404,
				msg: 'Resource not found',
				hint: 'Not found: the message ID probably does not belong to this ticket. Check both IDs.',
				kind: 'fatal',
			},
			154404: {
				httpStatus: 401,
				msg: 'Image might be deleted',
				hint: 'The image was deleted.',
				kind: 'fatal',
			},
			155000: {
				httpStatus: 500,
				msg: 'Internal error',
				hint: INTERNAL_ERROR_HINT,
				kind: 'transient',
			},
		},
	},
	{
		key: 'lingoFile',
		resource: 'dictionaryImage',
		resourceName: 'Dictionary Image',
		operation: 'downloadLingo',
		operationName: 'Download (Lingo)',
		action: 'Download a dictionary image from Lingo',
		description:
			'Download an image of the Feishu dictionary (词典) through the Lingo API, the successor of baike',
		method: 'GET',
		path: '/open-apis/lingo/v1/files/{file_token}/download',
		...DICTIONARY_FILE,
		docsUrl: 'https://open.feishu.cn/document/lingo-v1/file/download',
		codes: {
			2250001: {
				httpStatus: 400,
				msg: 'invalid parameter',
				hint: 'A parameter is wrong. Check the file token.',
				kind: 'fatal',
			},
			2250002: {
				httpStatus: 500,
				msg: 'network anomaly',
				hint: DICTIONARY_RETRY_HINT,
				kind: 'transient',
			},
		},
	},
	{
		key: 'baikeFile',
		resource: 'dictionaryImage',
		resourceName: 'Dictionary Image',
		operation: 'download',
		operationName: 'Download (Baike, Legacy)',
		action: 'Download a dictionary image from baike (legacy)',
		description:
			'Download an image of the Feishu dictionary (词典) through the older baike API, which Feishu is replacing with Lingo',
		method: 'GET',
		path: '/open-apis/baike/v1/files/{file_token}/download',
		...DICTIONARY_FILE,
		docsUrl: 'https://open.feishu.cn/document/server-docs/baike-v1/file/download',
		codes: {
			1540001: {
				httpStatus: 400,
				msg: 'invalid param',
				hint: 'A parameter is wrong. Check the file token.',
				kind: 'fatal',
			},
			1540002: {
				httpStatus: 500,
				msg: 'network anomaly, please try again',
				hint: DICTIONARY_RETRY_HINT,
				kind: 'transient',
			},
		},
	},
	{
		key: 'messageResource',
		resource: 'message',
		resourceName: 'Message',
		operation: 'downloadResource',
		operationName: 'Download Resource',
		action: 'Download an image or file from a message',
		description:
			'Download an image or file that someone sent in a chat (up to 100 MB; the bot must be in that chat)',
		method: 'GET',
		path: '/open-apis/im/v1/messages/{message_id}/resources/{file_key}',
		parameters: [
			{
				name: 'messageId',
				label: 'Message ID',
				apiName: 'message_id',
				in: 'path',
				type: 'id',
				required: true,
				description:
					'The message that carries the resource (om_…), e.g. from a message event or "list messages"',
				placeholder: 'om_dc13264520392913993dd051dba21dcf',
			},
			{
				name: 'fileKey',
				label: 'File Key',
				apiName: 'file_key',
				in: 'path',
				type: 'id',
				required: true,
				description:
					'The key in the message content: image_key (img_…) of an image, file_key (file_…) of a file',
				placeholder: 'img_v2_041b28e3-5680-48c2-9af2-497ace79333g',
			},
			{
				name: 'resourceType',
				label: 'Resource Type',
				apiName: 'type',
				in: 'query',
				type: 'choice',
				required: true,
				description:
					'Image for image keys (also images inside rich-text messages); File for files, audio and video',
				choices: [
					{ name: 'Image', value: 'image' },
					{ name: 'File', value: 'file', description: 'Files, audio and video' },
				],
			},
		],
		tokenKinds: ['tenant'],
		scopes: ['im:message', 'im:message:readonly', 'im:message.history:readonly'],
		rateLimits: [
			{ requests: 50, perMs: 1000 },
			{ requests: 1000, perMs: 60_000 },
		],
		fileNameFrom: ['fileKey'],
		run: 'file',
		docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/message/get-2',
		codes: {
			230110: {
				httpStatus: 400,
				msg: 'Action unavailable as the message has been deleted.',
				hint: 'The message was deleted, and its files with it.',
				kind: 'fatal',
			},
			234001: {
				httpStatus: 400,
				msg: 'Invalid request param.',
				hint: 'Check the message ID, the file key and the resource type.',
				kind: 'fatal',
			},
			234002: {
				httpStatus: 401,
				msg: 'Unauthorized.',
				hint: 'Authentication failed. Check the Feishu API credential.',
				kind: 'fatal',
			},
			234003: {
				httpStatus: 400,
				msg: 'File not in message.',
				hint: 'The file key does not belong to this message. Take both from the same message content.',
				kind: 'fatal',
			},
			234004: {
				httpStatus: 400,
				msg: 'App not in chat.',
				hint: "Add the app's bot to the chat the message was sent in.",
				kind: 'fatal',
			},
			234009: {
				httpStatus: 400,
				msg: 'Lack of necessary permissions.',
				hint: 'The app may not read this message. Check that its bot is in the chat and that the app has one of the scopes below.',
				kind: 'scopeMissing',
			},
			234019: {
				httpStatus: 400,
				msg: 'scope CheckAppTenant fail.',
				hint: "The message belongs to another tenant than the app. Use an app of the message's tenant.",
				kind: 'fatal',
			},
			234037: {
				httpStatus: 400,
				msg: 'Downloaded file size exceeds limit.',
				hint: 'Feishu serves message resources up to 100 MB through this API.',
				kind: 'fatal',
			},
			234038: {
				httpStatus: 400,
				msg: 'Do not allow downloading of message resources in restricted mode.',
				hint: "The chat is in restricted mode, which forbids downloading its files. Ask the chat's owner to turn it off.",
				kind: 'fatal',
			},
			234040: {
				httpStatus: 400,
				msg: 'The message is invisible to the operator.',
				hint: 'The bot cannot see this message (for example it was sent before the bot joined the chat).',
				kind: 'fatal',
			},
			...TENANT_STORAGE_CODES,
			234043: {
				httpStatus: 400,
				msg: 'Unsupported message type.',
				hint: 'Stickers, cards and merged-forward messages have no downloadable resource through this API.',
				kind: 'fatal',
			},
		},
	},
	{
		...DOCUMENT_LISTING,
		operation: 'downloadWhiteboards',
		operationName: 'Download All Whiteboards',
		action: 'Download all whiteboards of a document',
		description:
			'List the blocks of a docx document and download every whiteboard in it as an image, in document order',
		scopes: ['docx:document:readonly', 'docx:document', 'board:whiteboard:node:read'],
		pictures: ['whiteboard'],
	},
	{
		...DOCUMENT_LISTING,
		operation: 'downloadImages',
		operationName: 'Download All Images',
		action: 'Download all images of a document',
		description:
			'List the blocks of a docx document and download every image in it (and, as an option, every whiteboard), in document order',
		scopes: ['docx:document:readonly', 'docx:document', ...DRIVE_MEDIA_SCOPES],
		pictures: ['image'],
		options: [
			{
				displayName: 'Include Whiteboards',
				name: 'includeWhiteboards',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the whiteboards too, as images, so the items hold every picture of the document in document order (needs the scope board:whiteboard:node:read)',
			},
		],
	},
	DRIVE_MEDIA,
];

export function findEndpoint(resource: string, operation: string): DownloadEndpoint | undefined {
	return ENDPOINTS.find((e) => e.resource === resource && e.operation === operation);
}

/** A documented code's meaning for this endpoint, falling back to the platform-wide codes. */
export function documentedError(
	endpoint: DownloadEndpoint,
	code: number,
	msg?: string,
): DocumentedCode | undefined {
	return documentedCode(endpoint.codes, code, msg);
}
