/** Public types of the Feishu emulator (index.ts exports them all). */
import type { EndpointName } from './route-table';
import type { LongConnectionOptions } from './events/long-connection-server';

export type { DownloadEndpoint } from './file-endpoints';
export type { EndpointName } from './route-table';

/**
 * How the file name travels in Content-Disposition:
 * - raw:     `attachment; filename="<UTF-8 bytes>"` (what Feishu sends)
 * - rfc5987: `attachment; filename*=UTF-8''<percent-encoded>`
 * - both:    raw `filename` followed by `filename*`
 * - none:    no Content-Disposition header even though a name is known
 */
export type DispositionStyle = 'raw' | 'rfc5987' | 'both' | 'none';

export type Fault =
	/**
	 * Answer a Feishu error code; the status is the endpoint's table's unless given, so a code can
	 * come at a status other than its documented one (e.g. HTTP 500 carrying 234002).
	 */
	| {
			kind: 'error';
			code: number;
			status?: number | undefined;
			msg?: string | undefined;
			headers?: Record<string, string> | undefined;
	  }
	/** Gateway throttling: code 99991400 with x-ogw-ratelimit-* headers. */
	| {
			kind: 'rateLimit';
			status?: 429 | 400 | undefined;
			resetSeconds?: number | undefined;
			limit?: number | undefined;
	  }
	/**
	 * An HTTP status whose body carries no Feishu code, as drive media answers its 403 / 404:
	 * `{"msg": "<reason>"}` or an empty body (default: the emulator's bareErrorBody).
	 */
	| { kind: 'bareStatus'; status: number; body?: BareBody | undefined }
	/** A non-Feishu answer, e.g. a proxy's 502 HTML page. */
	| { kind: 'status'; status: number; body?: string | undefined; contentType?: string | undefined }
	/** Full Content-Length, half the body, then the socket is reset (RST: the client sees ECONNRESET). */
	| { kind: 'resetMidBody' }
	/** Full Content-Length, half the body, then a clean FIN (the client sees a premature close). */
	| { kind: 'shortBody' }
	/** Headers and the first half of the body, a pause, then the rest. */
	| { kind: 'slowBody'; delayMs: number }
	/** Wait, then answer normally. */
	| { kind: 'delay'; delayMs: number }
	/** HTTP 200 carrying a JSON Feishu error instead of the file. */
	| { kind: 'jsonOn200'; code?: number | undefined }
	/** 99991663 although the token is valid (token revoked server-side). */
	| { kind: 'tokenInvalid' };

/** Body of a codeless error answer: `{"msg": "not found"}` style, or none at all. */
export type BareBody = 'msg' | 'empty';

export interface FaultOptions {
	/** Only requests to this endpoint; when omitted, any file download endpoint (never a token or JSON endpoint). */
	endpoint?: EndpointName | undefined;
	/**
	 * Only requests for this id: whiteboard id, image key, file token (baike, Lingo, drive media), document id,
	 * wiki `token` query value, ticket_id or msg_id, message_id or file_key.
	 */
	id?: string | undefined;
	/** How many matching requests the fault applies to; default 1, Infinity allowed. */
	times?: number | undefined;
}

export interface EmulatorOptions {
	/** The long connection's knobs (scaled ack deadline, resend schedule, connection limit …). */
	longConnection?: Partial<LongConnectionOptions> | undefined;
	appId?: string | undefined;
	appSecret?: string | undefined;
	tokenTtlSeconds?: number | undefined;
	helpdeskId?: string | undefined;
	helpdeskToken?: string | undefined;
	/** HTTP status of 99991663 answers; Feishu uses 400, some gateways 200. */
	invalidTokenStatus?: number | undefined;
	/** Delay before every answer except the two token endpoints'. */
	latencyMs?: number | undefined;
	/** client_id the OAuth token endpoint accepts; default appId. */
	oauthClientId?: string | undefined;
	/** client_secret the OAuth token endpoint accepts; default appSecret. */
	oauthClientSecret?: string | undefined;
	/** The app's name on the OAuth consent page; default 'Feishu test app'. */
	appName?: string | undefined;
	/** Lifetime of user_access_tokens the OAuth token endpoint issues; default 7200. */
	userTokenTtlSeconds?: number | undefined;
	/** Lifetime of refresh tokens the OAuth token endpoint issues; default 604800. */
	refreshTokenTtlSeconds?: number | undefined;
	/** Body of answers without a Feishu code (drive media's 403 / 404); default 'msg'. */
	bareErrorBody?: BareBody | undefined;
}

export interface FileFixtureOptions {
	/** Served bytes; default a fresh PNG distinct from every other fixture. */
	bytes?: Uint8Array | undefined;
	/** undefined: sniffed from the bytes; null: no Content-Type header at all. */
	contentType?: string | null | undefined;
	/** Sent in Content-Disposition; when omitted no Content-Disposition is sent. */
	fileName?: string | undefined;
	/** Default 'raw' (Feishu's own style). */
	dispositionStyle?: DispositionStyle | undefined;
}

/** The picture formats Feishu may answer a whiteboard in (2026 pages). */
export type WhiteboardFormat = 'png' | 'jpeg' | 'gif' | 'svg';

export interface WhiteboardOptions extends Omit<FileFixtureOptions, 'bytes'> {
	/** Format of the generated default picture (when no bytes are given); default 'png'. */
	format?: WhiteboardFormat | undefined;
}

/** A whiteboard's new picture for setWhiteboardImage; name and disposition stay unless given. */
export interface WhiteboardImage extends FileFixtureOptions {
	format?: WhiteboardFormat | undefined;
}

export interface MessageImageOptions extends FileFixtureOptions {
	/** false: the image was sent by someone else, answer 234008. Default true. */
	uploadedByApp?: boolean | undefined;
	/** true: answer 234005. */
	deleted?: boolean | undefined;
}

export interface TicketImageOptions extends FileFixtureOptions {
	/** true: answer 401 / 154404. */
	deleted?: boolean | undefined;
}

export interface TicketMessageOptions {
	/** `img` carries one image and ignores `index`; `post` needs `index`. */
	type: 'img' | 'post';
	images: TicketImageOptions[];
}

export interface PatternFileOptions extends Omit<FileFixtureOptions, 'bytes'> {
	/** Stream `size` generated bytes (see patternBytes) instead of holding a buffer. */
	size: number;
	/** Seed of the generated content; default derived from the fixture counter. */
	seed?: number | undefined;
}

export interface DriveMediaFlags {
	/** true: answer 403 (no permission on the media). */
	forbidden?: boolean | undefined;
	/** true: answer 404, as for an unknown token. */
	deleted?: boolean | undefined;
}

export interface DriveMediaOptions extends FileFixtureOptions, DriveMediaFlags {}

export interface DriveMediaPatternOptions extends PatternFileOptions, DriveMediaFlags {}

export type MessageResourceType = 'image' | 'file';

export interface MessageResourceOptions extends FileFixtureOptions {
	/** What the resource is stored as; default 'image'. A request's `type` must be image or file, but need not match. */
	type?: MessageResourceType | undefined;
}

export interface MessageResourcePatternOptions extends PatternFileOptions {
	type?: MessageResourceType | undefined;
}

/** A docx block as the blocks endpoint serves it. */
export interface DocumentBlock {
	block_id: string;
	parent_id: string;
	block_type: number;
	children?: string[];
	/** block_type 43: `token` is the whiteboard id. */
	board?: DocumentBoard;
	/** block_type 27: `token` is downloaded through drive media. */
	image?: DocumentImage;
	[field: string]: unknown;
}

export interface DocumentBoard {
	token: string;
	width?: number | undefined;
	height?: number | undefined;
}

export interface DocumentImage {
	token: string;
	width: number;
	height: number;
}

/** A block given to addDocument: any fields, passed through; block_id and parent_id are filled in when omitted. */
export interface DocumentBlockSpec {
	block_id?: string | undefined;
	block_type: number;
	parent_id?: string | undefined;
	board?: DocumentBoard | undefined;
	image?: DocumentImage | undefined;
	[field: string]: unknown;
}

/**
 * One block of addDocument, in document order:
 * - 'text' or { text }: a text block (type 2), default content "Paragraph <position>"
 * - { whiteboard, width?, height? }: a board block (type 43) embedding that whiteboard
 * - { image, width?, height? }: an image block (type 27) whose token drive media serves; the
 *   size defaults to the drive media fixture's picture when added before, else 640x480
 * - any DocumentBlockSpec, served as given
 */
export type DocumentBlockInput =
	| 'text'
	| { text: string }
	| { whiteboard: string; width?: number | undefined; height?: number | undefined }
	| { image: string; width?: number | undefined; height?: number | undefined }
	| DocumentBlockSpec;

export interface DocumentOptions {
	/** Largest page the endpoint answers with, whatever page_size asks for (to exercise pagination). */
	pageSize?: number | undefined;
	/** true: answer 403 / 1770032. */
	forbidden?: boolean | undefined;
	/** true: answer 400 / 1770003 (resource deleted). */
	deleted?: boolean | undefined;
	/** Title in the page block; default 'Untitled'. */
	title?: string | undefined;
}

export type WikiObjType = 'doc' | 'docx' | 'sheet' | 'mindnote' | 'bitable' | 'file' | 'slides';

export interface WikiNodeOptions {
	/** Token of the document the node holds (a docx document_id for docx). */
	objToken: string;
	/** Default 'docx'. */
	objType?: WikiObjType | undefined;
	/** Default ''. */
	title?: string | undefined;
	/** Default '7000000000000000001'. */
	spaceId?: string | undefined;
	/** true: answer 131006. */
	forbidden?: boolean | undefined;
}

/** The `node` object get_node answers with. */
export interface WikiNode {
	space_id: string;
	node_token: string;
	obj_token: string;
	obj_type: WikiObjType;
	parent_node_token: string;
	node_type: 'origin';
	origin_node_token: string;
	origin_space_id: string;
	has_child: boolean;
	title: string;
	obj_create_time: string;
	obj_edit_time: string;
	node_create_time: string;
	creator: string;
	owner: string;
}

export interface AuthorizationCodeOptions {
	/** `scope` of the tokens issued for the code; default 'offline_access'. */
	scope?: string | undefined;
	/** When set, the exchange must send this redirect_uri (else 20003). */
	redirectUri?: string | undefined;
	/** Feishu's codes live 5 minutes; default 300. */
	ttlSeconds?: number | undefined;
}

/** What addBaikeFile returns for a generated (streamed) file. */
export interface PatternFile {
	readonly size: number;
	readonly seed: number;
	/** Hex SHA-256 of the content; computed on demand (about a second per 200 MiB). */
	sha256(): string;
}

export interface RequestLogEntry {
	endpoint: EndpointName | 'unknown';
	method: string;
	/** The raw request target as received, before any decoding. */
	url: string;
	/** performance.now() when the request arrived. */
	at: number;
	/** Status sent; 0 until the response head is written. */
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** Kind of the fault applied to this request, if any. */
	fault?: Fault['kind'] | undefined;
}

export interface EmulatorCounters {
	/** Requests to the tenant_access_token endpoint. */
	tokenRequests: number;
	/** Requests to the OAuth (user_access_token) endpoint; not in tokenRequests. */
	oauthTokenRequests: number;
	/** Requests per endpoint (token endpoints and JSON endpoints included), whatever their outcome. */
	requests: Record<EndpointName, number>;
	/** The same object as `requests`, by its older name. */
	downloads: Record<EndpointName, number>;
	status429: number;
	/** Answers carrying 99991400 per endpoint, whatever their HTTP status (docx answers it at 400). */
	rateLimited: Record<EndpointName, number>;
	byStatus: Record<number, number>;
	/** Injected or random faults that were applied. */
	faultsApplied: number;
}
