/**
 * The file endpoints: the ones that answer with a file's bytes. Each is one entry of
 * FILE_ENDPOINTS: its route, error table and rate limit (an EndpointSpec), the token kinds it
 * accepts and how a request finds its fixture. One generic handler (file-downloads.ts) serves
 * them all, driven by the entry.
 *
 * A new file endpoint: its stored fixture type in FileStores, its entry here, a fixture method
 * (fixtures.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
	BAIKE_ERRORS,
	DRIVE_MEDIA_ERRORS,
	HELPDESK_ERRORS,
	LINGO_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	WHITEBOARD_ERRORS,
} from './errors';
import { driveTokenLookup, GET, perSecond } from './endpoint-spec';
import type { EndpointSpec, Refusal } from './endpoint-spec';
import type { FileFixture } from './reply';
import type { EndpointName } from './route-table';
import { DRIVE_FILE_ENDPOINT } from './sources/endpoints';
import type { DriveFileFixture } from './sources/endpoints';
import type { TokenKind } from './tokens';
import type { MessageResourceType } from './types';

/**
 * The endpoints that answer with a file's bytes. Only these are matched by a fault injected
 * without `endpoint`, and only these draw from failRandomly; the token endpoints and the JSON
 * endpoints (documentBlocks, wikiNode) must be named to be faulted.
 */
export type DownloadEndpoint = keyof FileStores;

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
	driveFile: DriveFileFixture;
}

/** The store key of fixtures named by two ids (ticket and message, message and file key). */
export function pairKey(a: string, b: string): string {
	return `${a}\u0000${b}`;
}

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
		lookup: driveTokenLookup,
	},
	driveFile: DRIVE_FILE_ENDPOINT,
};

export const DOWNLOAD_ENDPOINTS = Object.keys(FILE_ENDPOINTS) as readonly DownloadEndpoint[];

/**
 * The endpoints that answer with a file's bytes. Only these are matched by a fault injected
 * without `endpoint`, and only these draw from failRandomly.
 */
export function isDownloadEndpoint(endpoint: EndpointName): endpoint is DownloadEndpoint {
	return Object.hasOwn(FILE_ENDPOINTS, endpoint);
}
