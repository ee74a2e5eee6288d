/**
 * The endpoint table. A file endpoint is one entry of FILE_ENDPOINTS: its route, its own error
 * table (errors.ts, transcribed from its Feishu page, never from the node's catalogue), its
 * documented rate limit, the token kinds it accepts and how a request finds its fixture.
 * routes.ts routes by the table and FeishuEmulator serves every file endpoint with one generic
 * handler driven by it. The other endpoints (token, OAuth, docx blocks, wiki get_node) have an
 * entry in HANDLED_ENDPOINTS for routing, limits and errors, and a handler of their own.
 *
 * A new file endpoint: its stored fixture type in FileStores, its entry here, a fixture method.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
	AUTH_ERRORS,
	BAIKE_ERRORS,
	DOCX_ERRORS,
	DRIVE_MEDIA_ERRORS,
	HELPDESK_ERRORS,
	LINGO_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	OAUTH_ERRORS,
	WHITEBOARD_ERRORS,
	WIKI_ERRORS,
} from './errors';
import type { FeishuError } from './errors';
import type { FileFixture } from './reply';
import type { TokenKind } from './tokens';
import type { DownloadEndpoint, EndpointName, MessageResourceType } from './types';

export type ErrorTable = Readonly<Record<number, FeishuError>>;

/** At most `limit` requests in any `windowMs`. */
export interface RateLimit {
	readonly limit: number;
	readonly windowMs: number;
}

/**
 * How an endpoint refuses a request: a Feishu code (its HTTP status from the tables), or an
 * HTTP status without one (drive media's page documents statuses only).
 */
export type Refusal = { readonly code: number } | { readonly status: number };

export interface EndpointSpec {
	readonly name: EndpointName;
	readonly methods: readonly string[];
	/** Path template; `:name` segments are parameters, matched on the raw, still-encoded path. */
	readonly path: string;
	/** Feishu's page for the endpoint. */
	readonly doc: string;
	/** Looked up first for the codes this endpoint answers (then the platform's, then all). */
	readonly errors: ErrorTable;
	/** The documented limit: what x-ogw-ratelimit-limit says when a test sets none. */
	readonly rateLimit: RateLimit;
	/** HTTP status of 99991400: 429 on newer APIs, 400 on older ones (docx). */
	readonly rateLimitStatus: 429 | 400;
	/** The endpoint's "no such resource": what jsonOn200 sends when it names no code. */
	readonly notFound: Refusal;
	/** Query parameters that name ids for FaultOptions.id (path parameters always do). */
	readonly idQuery?: readonly string[];
}

/** What a file endpoint's look-up sees of a request whose token was accepted. */
export interface FileRequest {
	/** Path parameters by name, decoded (broken %-encoding was answered with `invalid`). */
	readonly params: Readonly<Record<string, string>>;
	readonly query: URLSearchParams;
	readonly headers: IncomingHttpHeaders;
	/** The emulated app's helpdesk credentials. */
	readonly app: { readonly helpdeskId: string; readonly helpdeskToken: string };
}

export interface FileEndpoint<S> extends EndpointSpec {
	readonly name: DownloadEndpoint;
	/** Token kinds the page lists. */
	readonly tokens: readonly TokenKind[];
	/** Answer to a valid token of a kind not in `tokens`. */
	readonly wrongToken?: Refusal;
	/** Answer to a path parameter with broken %-encoding. */
	readonly invalid: Refusal;
	/** Serves `Range: bytes=…` (206 with Content-Range, 416 when it cannot be served). */
	readonly ranges?: boolean;
	/** A check beyond the access token, before the look-up (helpdesk's second header). */
	readonly precheck?: (request: FileRequest) => Refusal | undefined;
	/** The fixture a request names, a refusal, or undefined for `notFound`. */
	lookup(request: FileRequest, store: ReadonlyMap<string, S>): FileFixture | Refusal | undefined;
}

export type MessageImageFixture = FileFixture & { uploadedByApp: boolean; deleted: boolean };
export type TicketMessageFixture = {
	type: 'img' | 'post';
	images: Array<FileFixture & { deleted: boolean }>;
};
export type MessageResourceFixture = FileFixture & { type: MessageResourceType };
export type DriveMediaFixture = FileFixture & { forbidden: boolean; deleted: boolean };

/** What each file endpoint stores per fixture key. */
export interface FileStores {
	whiteboard: FileFixture;
	messageImage: MessageImageFixture;
	ticketImage: TicketMessageFixture;
	baikeFile: FileFixture;
	lingoFile: FileFixture;
	messageResource: MessageResourceFixture;
	driveMedia: DriveMediaFixture;
}

/** The store key of fixtures named by two ids (ticket and message, message and file key). */
export function pairKey(a: string, b: string): string {
	return `${a}\u0000${b}`;
}

const GET = ['GET'] as const;
const POST = ['POST'] as const;
const perSecond = (limit: number): RateLimit => ({ limit, windowMs: 1000 });
/** Feishu image keys look like img_v2_…; an unknown key of that shape is "deleted", any other is malformed. */
const IMAGE_KEY_SHAPE = /^img_[A-Za-z0-9_-]+$/;

export const FILE_ENDPOINTS: { readonly [K in DownloadEndpoint]: FileEndpoint<FileStores[K]> } = {
	whiteboard: {
		name: 'whiteboard',
		methods: GET,
		path: '/open-apis/board/v1/whiteboards/:whiteboard_id/download_as_image',
		doc: 'https://open.feishu.cn/document/docs/board-v1/whiteboard/download_as_image',
		errors: WHITEBOARD_ERRORS,
		// The September 2025 page says 10/s, the 2026 pages 50/s; tenants may see either.
		rateLimit: perSecond(50),
		rateLimitStatus: 429,
		tokens: ['tenant', 'user'],
		invalid: { code: 2890001 },
		notFound: { code: 2890003 },
		lookup: ({ params }, store) => store.get(params['whiteboard_id'] ?? ''),
	},
	messageImage: {
		name: 'messageImage',
		methods: GET,
		path: '/open-apis/im/v1/images/:image_key',
		doc: 'https://open.feishu.cn/document/server-docs/im-v1/image/get',
		errors: MESSAGE_IMAGE_ERRORS,
		rateLimit: perSecond(50), // not on the page; the emulator's
		rateLimitStatus: 429,
		tokens: ['tenant'],
		wrongToken: { code: 234002 },
		invalid: { code: 234001 },
		notFound: { code: 234005 },
		lookup: ({ params }, store) => {
			const key = params['image_key'] ?? '';
			const image = store.get(key);
			if (!image) return IMAGE_KEY_SHAPE.test(key) ? undefined : { code: 234001 };
			if (image.deleted) return { code: 234005 };
			return image.uploadedByApp ? image : { code: 234008 };
		},
	},
	ticketImage: {
		name: 'ticketImage',
		methods: GET,
		path: '/open-apis/helpdesk/v1/ticket_images',
		doc: 'https://open.feishu.cn/document/server-docs/helpdesk-v1/ticket-management/ticket/ticket_image',
		errors: HELPDESK_ERRORS,
		rateLimit: perSecond(50), // not on the page; the emulator's
		rateLimitStatus: 429,
		idQuery: ['ticket_id', 'msg_id'],
		tokens: ['tenant'],
		// 154003's advice names both Authorization and X-Lark-Helpdesk-Authorization.
		wrongToken: { code: 154003 },
		precheck: ({ headers, app }) => {
			const expected = Buffer.from(`${app.helpdeskId}:${app.helpdeskToken}`, 'utf8');
			const sent = headers['x-lark-helpdesk-authorization'];
			return typeof sent === 'string' && sent.trim() === expected.toString('base64')
				? undefined
				: { code: 154003 };
		},
		invalid: { code: 154000 },
		notFound: { code: 154004 },
		lookup: ({ query }, store) => {
			const ticketId = query.get('ticket_id');
			const msgId = query.get('msg_id');
			if (!ticketId || !msgId) return { code: 154000 };
			const message = store.get(pairKey(ticketId, msgId));
			if (!message) return undefined;
			let image: (typeof message.images)[number] | undefined = message.images[0]; // img ignores index
			if (message.type === 'post') {
				const index = query.get('index');
				image = index !== null && /^\d+$/.test(index) ? message.images[Number(index)] : undefined;
			}
			if (!image) return { code: 154000 };
			return image.deleted ? { code: 154404 } : image;
		},
	},
	baikeFile: {
		name: 'baikeFile',
		methods: GET,
		path: '/open-apis/baike/v1/files/:file_token/download',
		doc: 'https://open.feishu.cn/document/server-docs/baike-v1/file/download',
		errors: BAIKE_ERRORS,
		rateLimit: perSecond(50), // and 1000/min
		rateLimitStatus: 429,
		tokens: ['tenant', 'user'],
		invalid: { code: 1540001 },
		notFound: { code: 1540001 },
		lookup: ({ params }, store) => store.get(params['file_token'] ?? ''),
	},
	lingoFile: {
		name: 'lingoFile',
		methods: GET,
		path: '/open-apis/lingo/v1/files/:file_token/download',
		doc: 'https://open.feishu.cn/document/lingo-v1/file/download',
		errors: LINGO_ERRORS,
		rateLimit: perSecond(50), // and 1000/min
		rateLimitStatus: 429,
		tokens: ['tenant', 'user'],
		invalid: { code: 2250001 },
		notFound: { code: 2250001 },
		lookup: ({ params }, store) => store.get(params['file_token'] ?? ''),
	},
	messageResource: {
		name: 'messageResource',
		methods: GET,
		path: '/open-apis/im/v1/messages/:message_id/resources/:file_key',
		doc: 'https://open.feishu.cn/document/server-docs/im-v1/message/get-2',
		errors: MESSAGE_RESOURCE_ERRORS,
		rateLimit: perSecond(50), // and 1000/min
		rateLimitStatus: 429,
		tokens: ['tenant', 'user'],
		invalid: { code: 234001 },
		notFound: { code: 234003 },
		// Not on the page, but Lark's official CLI fetches large resources in 8 MB ranges.
		ranges: true,
		lookup: ({ params, query }, store) => {
			const type = query.get('type');
			if (type !== 'image' && type !== 'file') return { code: 234001 };
			// A type that does not match the stored one is served anyway, as Feishu does.
			return store.get(pairKey(params['message_id'] ?? '', params['file_key'] ?? ''));
		},
	},
	driveMedia: {
		name: 'driveMedia',
		methods: GET,
		path: '/open-apis/drive/v1/medias/:file_token/download',
		doc: 'https://open.feishu.cn/document/server-docs/docs/drive-v1/media/download',
		errors: DRIVE_MEDIA_ERRORS,
		rateLimit: perSecond(5), // a special limit; 10,000 a day is also mentioned
		rateLimitStatus: 429,
		tokens: ['tenant', 'user'],
		invalid: { status: 400 },
		notFound: { status: 404 },
		ranges: true,
		lookup: ({ params }, store) => {
			const media = store.get(params['file_token'] ?? '');
			if (!media || media.deleted) return undefined;
			return media.forbidden ? { status: 403 } : media;
		},
	},
};

type HandledEndpoint = Exclude<EndpointName, DownloadEndpoint>;

export const HANDLED_ENDPOINTS: { readonly [K in HandledEndpoint]: EndpointSpec } = {
	token: {
		name: 'token',
		methods: POST,
		path: '/open-apis/auth/v3/tenant_access_token/internal',
		doc: 'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal',
		errors: AUTH_ERRORS,
		rateLimit: perSecond(50), // the emulator's
		rateLimitStatus: 429,
		notFound: { code: 10003 },
	},
	documentBlocks: {
		name: 'documentBlocks',
		methods: GET,
		path: '/open-apis/docx/v1/documents/:document_id/blocks',
		doc: 'https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document-block/list',
		errors: DOCX_ERRORS,
		rateLimit: perSecond(5), // per app
		rateLimitStatus: 400, // an older API: 99991400 comes at HTTP 400
		notFound: { code: 1770002 },
	},
	wikiNode: {
		name: 'wikiNode',
		methods: GET,
		path: '/open-apis/wiki/v2/spaces/get_node',
		doc: 'https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node',
		errors: WIKI_ERRORS,
		rateLimit: { limit: 100, windowMs: 60_000 },
		rateLimitStatus: 429,
		notFound: { code: 131005 },
		idQuery: ['token'],
	},
	oauthAuthorize: {
		name: 'oauthAuthorize',
		// GET shows the consent page, its form POSTs the user's answer back.
		methods: ['GET', 'POST'],
		// On Feishu this lives on accounts.feishu.cn; the emulator serves it on its own origin.
		path: '/open-apis/authen/v1/authorize',
		doc: 'https://open.feishu.cn/document/authentication-management/access-token/obtain-oauth-code',
		errors: OAUTH_ERRORS,
		rateLimit: perSecond(50), // the emulator's
		rateLimitStatus: 429,
		notFound: { code: 20002 },
	},
	oauthToken: {
		name: 'oauthToken',
		methods: POST,
		path: '/open-apis/authen/v2/oauth/token',
		doc: 'https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token',
		errors: OAUTH_ERRORS,
		rateLimit: perSecond(50),
		rateLimitStatus: 429,
		notFound: { code: 20003 },
	},
};

export const ENDPOINT_SPECS: { readonly [K in EndpointName]: EndpointSpec } = {
	...HANDLED_ENDPOINTS,
	...FILE_ENDPOINTS,
};

export const DOWNLOAD_ENDPOINTS = Object.keys(FILE_ENDPOINTS) as readonly DownloadEndpoint[];

/** Every endpoint the emulator answers. */
export const ENDPOINTS = Object.keys(ENDPOINT_SPECS) as readonly EndpointName[];

/**
 * The endpoints that answer with a file's bytes. Only these are matched by a fault injected
 * without `endpoint`, and only these draw from failRandomly.
 */
export function isDownloadEndpoint(endpoint: EndpointName): endpoint is DownloadEndpoint {
	return Object.hasOwn(FILE_ENDPOINTS, endpoint);
}
