/**
 * THE endpoint catalogue: one row per Feishu download. Everything the node knows about an
 * endpoint lives here (path, parameters, token kinds, limits, documented errors with the fix
 * to try); the UI fields, the request and the error messages are all derived from it.
 * Sources: the Feishu Open Platform pages for each endpoint (see shared/feishu-api).
 */

export type TokenKind = 'tenant' | 'user';

/** How the transport treats a documented code. */
export type ErrorKind = 'fatal' | 'rateLimit' | 'transient' | 'invalidToken';

export interface DocumentedError {
	httpStatus: number;
	msg: string;
	/** The page's "排查建议", in English, phrased as what the user should do. */
	hint: string;
	kind?: ErrorKind;
}

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

function linkPattern(segment: string): string {
	return `^\\s*${HOST}/${segment}/([A-Za-z0-9]+)(?:[/?#].*)?\\s*$`;
}

export interface RateLimitWindow {
	requests: number;
	perMs: number;
}

export interface DownloadEndpoint {
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
	tokenKinds: TokenKind[];
	scopes: string[];
	/** Documented limits; the transport paces each (credential, endpoint) below all of them. */
	rateLimits: RateLimitWindow[];
	/** Needs the X-Lark-Helpdesk-Authorization header from the credential. */
	helpdeskAuth?: boolean;
	/** What the page promises the bytes are, used when Feishu sends no Content-Type. */
	defaultMimeType?: string;
	/**
	 * The parameters whose values name the file when Feishu sends no Content-Disposition,
	 * joined with "-" (those present): e.g. a helpdesk message's images are <msg>-0, <msg>-1…
	 */
	fileNameFrom: string[];
	/** `json` endpoints answer `{ code, msg, data }`; `file` endpoints answer bytes. */
	answers?: 'file' | 'json';
	/** An operation that lists first and then downloads (see operations/). */
	expand?: 'documentWhiteboards';
	/** For the AI agent and the UI: where the IDs come from. */
	hint?: string;
	errors: Record<number, DocumentedError>;
	docsUrl: string;
}

/** Platform-wide codes every endpoint can answer. */
export const PLATFORM_ERRORS: Record<number, DocumentedError> = {
	99991400: {
		httpStatus: 429,
		msg: 'request trigger frequency limit',
		hint: 'Feishu throttled the app. Lower "Requests per Second" or the batch size, or try again later.',
		kind: 'rateLimit',
	},
	99991661: {
		httpStatus: 400,
		msg: 'Missing access token for authorization',
		hint: 'The request carried no token. Check the Feishu API credential.',
		kind: 'invalidToken',
	},
	99991663: {
		httpStatus: 400,
		msg: 'Invalid access token for authorization',
		hint: 'The tenant_access_token was rejected even after a fresh one was fetched. Check that the App ID and the domain (Feishu or Lark) belong together.',
		kind: 'invalidToken',
	},
	99991664: {
		httpStatus: 400,
		msg: 'Invalid app access token',
		hint: 'The token was rejected even after a fresh one was fetched. Check the Feishu API credential.',
		kind: 'invalidToken',
	},
	99991671: {
		httpStatus: 400,
		msg: 'Invalid token format',
		hint: 'The token was rejected even after a fresh one was fetched. Check the Feishu API credential.',
		kind: 'invalidToken',
	},
	99991672: {
		httpStatus: 400,
		msg: 'Access denied: the app lacks the required scope',
		hint: 'Enable the scope named in the message under "Permissions & Scopes" of the app in the Feishu developer console, then publish a new app version.',
	},
	99991679: {
		httpStatus: 400,
		msg: 'Unauthorized: the user has not granted the required scope',
		hint: 'Enable the scope for the app and have the user authorize it again.',
	},
};

const BOARD_FORBIDDEN_HINT =
	'The app cannot read this whiteboard. Add the app to the document that holds the whiteboard (document "…" menu → "More" → "Add document app"), or share the document with the app, then try again.';

/** The docx "list blocks" codes (the page's error table). */
const DOCX_ERRORS: Record<number, DocumentedError> = {
	1770001: {
		httpStatus: 400,
		msg: 'invalid param',
		hint: 'A parameter is invalid. Check the document ID or link.',
	},
	1770002: {
		httpStatus: 404,
		msg: 'not found',
		hint: 'No such document, or it was deleted. Check the document ID; a wiki page needs its wiki link, not the ID.',
	},
	1770003: { httpStatus: 400, msg: 'resource deleted', hint: 'The document was deleted.' },
	1770022: {
		httpStatus: 400,
		msg: 'invalid page token',
		hint: 'The listing was interrupted; run the node again.',
	},
	1770032: {
		httpStatus: 403,
		msg: 'forbidden',
		hint: 'The app cannot read this document. Add the app to the document ("…" → "More" → "Add document app") or share the document with it.',
	},
	1771001: {
		httpStatus: 500,
		msg: 'server internal error',
		hint: 'Feishu had an internal error. Retry later; if it persists, contact Feishu support with the log ID.',
		kind: 'transient',
	},
};

/** Lingo and its predecessor baike serve dictionary files the same way. */
const DICTIONARY_FILE: Pick<
	DownloadEndpoint,
	'parameters' | 'tokenKinds' | 'rateLimits' | 'fileNameFrom' | 'errors'
> = {
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
	errors: {
		1540001: {
			httpStatus: 400,
			msg: 'invalid param',
			hint: 'A parameter is wrong. Check the file token.',
		},
		1540002: {
			httpStatus: 500,
			msg: 'network anomaly, please try again',
			hint: 'Usually a Feishu timeout: try again. If it keeps happening, contact Feishu support with the log ID.',
			kind: 'transient',
		},
	},
};

/** Not an operation of its own: resolves a wiki link to the document it shows. */
export const WIKI_NODE: DownloadEndpoint = {
	resource: 'wiki',
	resourceName: 'Wiki',
	operation: 'getNode',
	operationName: 'Get Node',
	action: 'Resolve a wiki node',
	description: 'Resolve a wiki node token to the document it shows',
	method: 'GET',
	path: '/open-apis/wiki/v2/spaces/get_node',
	answers: 'json',
	parameters: [],
	tokenKinds: ['tenant', 'user'],
	scopes: ['wiki:wiki:readonly', 'wiki:wiki'],
	rateLimits: [{ requests: 100, perMs: 60_000 }],
	fileNameFrom: ['token'],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node',
	errors: {
		131005: {
			httpStatus: 400,
			msg: 'not found',
			hint: 'No such wiki page, or the app cannot see it. Add the app to the wiki space or the page.',
		},
		131006: {
			httpStatus: 400,
			msg: 'permission denied',
			hint: 'The app cannot read this wiki page. Add the app to the wiki space or the page.',
		},
	},
};

export const ENDPOINTS: DownloadEndpoint[] = [
	{
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
		defaultMimeType: 'image/png',
		fileNameFrom: ['whiteboardId'],
		docsUrl: 'https://open.feishu.cn/document/docs/board-v1/whiteboard/download_as_image',
		errors: {
			2890001: {
				httpStatus: 400,
				msg: 'invalid format',
				hint: 'The parameters are malformed. Check the whiteboard ID.',
			},
			2890002: {
				httpStatus: 400,
				msg: 'invalid arg',
				hint: 'A parameter is invalid. Check the whiteboard ID.',
			},
			2890003: {
				httpStatus: 400,
				msg: 'record missing',
				hint: 'No such whiteboard or image. Check that the whiteboard ID is the block.token of a whiteboard block (block_type 43).',
			},
			2890004: {
				httpStatus: 401,
				msg: 'auth failed',
				hint: 'Authentication failed. Check the Feishu API credential (App ID, App Secret, domain).',
			},
			2890005: { httpStatus: 403, msg: 'forbidden', hint: BOARD_FORBIDDEN_HINT },
			2890006: {
				httpStatus: 429,
				msg: 'too many request',
				hint: 'The whiteboard API allows 10 requests per second. Lower "Requests per Second" or try again later.',
				kind: 'rateLimit',
			},
			2891001: {
				httpStatus: 500,
				msg: 'server internal error',
				hint: 'Feishu had an internal error. Retry later; if it persists, contact Feishu support with the log ID.',
				kind: 'transient',
			},
		},
	},
	{
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
		docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/image/get',
		errors: {
			234001: {
				httpStatus: 400,
				msg: 'Invalid request param.',
				hint: 'The request parameters are invalid. Check the image key.',
			},
			234002: {
				httpStatus: 401,
				msg: 'Unauthorized.',
				hint: 'Authentication failed. Check the Feishu API credential; if it is correct, contact Feishu support with the log ID.',
			},
			234005: {
				httpStatus: 400,
				msg: 'Image has been deleted',
				hint: 'The image does not exist or was deleted. Check the image key.',
			},
			234007: {
				httpStatus: 400,
				msg: 'App does not enable bot feature.',
				hint: 'Enable the Bot feature of the app ("Features" → "Bot" in the Feishu developer console) and publish a new version.',
			},
			234008: {
				httpStatus: 400,
				msg: 'The app is not the resource sender',
				hint: 'This endpoint only returns images the app itself uploaded. For an image a user sent in a chat, use the operation Message → Download Resource (GET /open-apis/im/v1/messages/{message_id}/resources/{file_key}) with the message ID and the image key.',
			},
			234041: {
				httpStatus: 400,
				msg: 'Tenant master key has been deleted, please contact the tenant administrator.',
				hint: "The tenant's encryption key was deleted, so the data cannot be read. Ask the tenant administrator.",
			},
			234042: {
				httpStatus: 400,
				msg: 'Hybrid deployment tenant storage error, such as full storage space, please contact tenant administrator.',
				hint: "The tenant's own storage failed (for example it is full). Ask the tenant administrator or Feishu support.",
			},
		},
	},
	{
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
		helpdeskAuth: true,
		fileNameFrom: ['messageId', 'imageIndex'],
		docsUrl:
			'https://open.feishu.cn/document/server-docs/helpdesk-v1/ticket-management/ticket/ticket_image',
		errors: {
			154000: {
				httpStatus: 400,
				msg: 'Bad request, please check your request body',
				hint: 'The request is invalid, most likely the image index: a rich-text (post) message needs an index from 0 to its number of images minus one; an image (img) message needs none.',
			},
			154003: {
				httpStatus: 403,
				msg: 'Please check you have the correct access',
				hint: 'Check the Helpdesk ID and Helpdesk Token in the Feishu API credential (they form the X-Lark-Helpdesk-Authorization header), and that the app and the helpdesk belong to the same tenant.',
			},
			154004: {
				httpStatus: 404,
				msg: 'Resource not found',
				hint: 'Not found: the message ID probably does not belong to this ticket. Check both IDs.',
			},
			154404: { httpStatus: 401, msg: 'Image might be deleted', hint: 'The image was deleted.' },
			155000: {
				httpStatus: 500,
				msg: 'Internal error',
				hint: 'Feishu had an internal error. Retry later; if it persists, contact Feishu support with the log ID.',
				kind: 'transient',
			},
		},
	},
	{
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
		scopes: ['lingo:entity', 'lingo:entity:readonly'],
		docsUrl: 'https://open.feishu.cn/document/lingo-v1/file/download',
	},
	{
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
		scopes: ['baike:entity', 'baike:entity:exempt_review', 'baike:entity:readonly'],
		docsUrl: 'https://open.feishu.cn/document/server-docs/baike-v1/file/download',
	},
	{
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
		docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/message/get-2',
		errors: {
			234001: {
				httpStatus: 400,
				msg: 'Invalid request param.',
				hint: 'Check the message ID, the file key and the resource type.',
			},
			234002: {
				httpStatus: 401,
				msg: 'Unauthorized.',
				hint: 'Authentication failed. Check the Feishu API credential.',
			},
			234003: {
				httpStatus: 400,
				msg: 'File not in msg.',
				hint: 'The file key does not belong to this message. Take both from the same message content.',
			},
			234004: {
				httpStatus: 400,
				msg: 'App not in chat.',
				hint: "Add the app's bot to the chat the message was sent in.",
			},
			234007: {
				httpStatus: 400,
				msg: 'App does not enable bot feature.',
				hint: 'Enable the Bot feature of the app ("Features" → "Bot" in the Feishu developer console) and publish a new version.',
			},
			234037: {
				httpStatus: 400,
				msg: 'Downloaded file size exceeds limit.',
				hint: 'Feishu serves message resources up to 100 MB through this API.',
			},
		},
	},
	{
		resource: 'document',
		resourceName: 'Document',
		operation: 'downloadWhiteboards',
		operationName: 'Download All Whiteboards',
		action: 'Download all whiteboards of a document',
		description:
			'List the blocks of a docx document and download every whiteboard in it as a PNG, in document order',
		method: 'GET',
		path: '/open-apis/docx/v1/documents/{document_id}/blocks',
		answers: 'json',
		expand: 'documentWhiteboards',
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
		],
		tokenKinds: ['tenant', 'user'],
		scopes: ['docx:document:readonly', 'docx:document', 'board:whiteboard:node:read'],
		rateLimits: [{ requests: 5, perMs: 1000 }],
		fileNameFrom: ['documentId'],
		docsUrl: 'https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document/list',
		errors: DOCX_ERRORS,
	},
];

export function findEndpoint(resource: string, operation: string): DownloadEndpoint | undefined {
	return ENDPOINTS.find((e) => e.resource === resource && e.operation === operation);
}

/** A documented code's meaning for this endpoint, falling back to the platform-wide codes. */
export function documentedError(
	endpoint: DownloadEndpoint,
	code: number,
): DocumentedError | undefined {
	return endpoint.errors[code] ?? PLATFORM_ERRORS[code];
}
