/**
 * The catalogue's two kinds of rows. A Feishu **endpoint** is what Feishu's page documents:
 * path, parameters, token kinds, scopes, limits, codes. An **operation** is what the user picks
 * in the node (Resource → Operation): its names, the handler that runs it, its options, how its
 * files are named, and the endpoint(s) it calls.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { CodeTable } from './codes';

export type TokenKind = 'tenant' | 'user';

/**
 * An endpoint's key, the same name the project's Feishu emulator uses for it (test/emulator),
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
	| 'driveMedia'
	| 'driveFile'
	| 'bitableFields'
	| 'bitableSearch'
	| 'whiteboardNodes';

/**
 * How an operation runs, one handler each (router.ts):
 * - file: one request, one file;
 * - documentPictures: list the document's blocks, then download every picture of the kinds
 *   the operation names (`pictures`), in document order;
 * - ticketImages: one image of a helpdesk message, or (option) every image of it;
 * - baseAttachments: page a Base table's records, then download every attachment of its
 *   attachment fields through drive media (with the bitablePerm `extra`);
 * - whiteboardContent: one JSON listing (a board's nodes) → its tree, texts and code blocks.
 */
export type HandlerKind =
	'file' | 'documentPictures' | 'ticketImages' | 'baseAttachments' | 'whiteboardContent';

/** The pictures a docx document holds: image blocks (drive media) and whiteboard blocks. */
export type PictureKind = 'image' | 'whiteboard';

/**
 * What a parameter is, and so where the editor keeps it and how it is checked
 * (parameter-kinds.ts): id, a validated token in a field of its own (By ID, By URL);
 * index, a whole number ≥ 0 in Options; choice, one of `choices`; internal, set by a handler
 * (e.g. a listing's page_token), never a field of the node.
 */
export type ParameterKind = 'id' | 'index' | 'choice' | 'internal';

export interface EndpointParameter {
	/** n8n parameter name. */
	name: string;
	/** The field's label in the node. */
	label: string;
	/** Feishu's name, in the path template, the query string or the JSON body. */
	apiName: string;
	/** `body`: a POST endpoint's handler puts it into the JSON body it builds. */
	in: 'path' | 'query' | 'body';
	kind: ParameterKind;
	required: boolean;
	description: string;
	placeholder?: string;
	choices?: Array<{ name: string; value: string; description?: string }>;
	/** Feishu/Lark links that carry this ID: the "By URL" mode of the field. */
	url?: UrlForm;
}

/** What a wiki page (get_node's `obj_type`) holds: a docx document, a Drive file, a Base. */
export type WikiObjectType = 'docx' | 'file' | 'bitable';

/**
 * A link form: the regex's first group is the ID; `wiki` links carry a wiki node token
 * instead, resolved to the token of the object the page must hold (`wikiHolds`).
 */
export interface UrlForm {
	example: string;
	patterns: Array<{ regex: string; kind: 'direct' | 'wiki' }>;
	wikiHolds?: WikiObjectType;
}

/**
 * Feishu serves the endpoint's bytes in HTTP ranges (transport/ranged-download.ts): for every
 * request, or only where the query value `query` (Feishu's name) is one of `values` (message
 * resources of type=file, as the official Lark CLI does). Any other request of the endpoint switches to
 * ranges when Feishu answers it with the whole-file cap (234037).
 */
export interface RangeSupport {
	onlyWhen?: { query: string; values: string[] };
}

export interface RateLimitWindow {
	requests: number;
	perMs: number;
}

/** One Feishu endpoint, as its page documents it. */
export interface FeishuEndpoint {
	key: EndpointKey;
	/** For people: the pace hint says "<name> requests now go at …". */
	name: string;
	/** POST endpoints take a JSON body (records/search), built by their handler. */
	method: 'GET' | 'POST';
	/** Path template; `{apiName}` is replaced by the URL-encoded, validated parameter. */
	path: string;
	parameters: EndpointParameter[];
	/** Query values every request to this endpoint sends as they are. */
	fixedQuery?: Record<string, string>;
	tokenKinds: TokenKind[];
	/** Any one of these lets the caller use the endpoint (the page's scope list). */
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
	/** Downloads in HTTP ranges (see RangeSupport); absent: one plain request per file. */
	ranges?: RangeSupport;
	/** What the page promises the bytes are, used when Feishu sends no Content-Type. */
	defaultMimeType?: string;
	codes: CodeTable;
	/**
	 * What an HTTP status means where the page documents statuses and no codes (drive media):
	 * the user's message when Feishu's answer carries no documented code.
	 */
	statuses?: Record<number, { msg: string; hint: string }>;
	docsUrl: string;
}

/** One operation of the node: Resource → Operation. */
export interface FeishuOperation {
	resource: string;
	resourceName: string;
	operation: string;
	operationName: string;
	action: string;
	description: string;
	/** The endpoint the item's parameters are for: its fields are the operation's fields. */
	endpoint: FeishuEndpoint;
	/** Endpoints the handler calls besides (a wiki lookup, the pictures of a document). */
	alsoCalls?: FeishuEndpoint[];
	handler: HandlerKind;
	/** Options of this operation's handler, shown in the node's Options for it only. */
	options?: INodeProperties[];
	/**
	 * The parameters whose values name the file when Feishu sends no Content-Disposition,
	 * joined with "-" (those present): e.g. a helpdesk message's images are <msg>-0, <msg>-1…
	 */
	fileNameFrom: string[];
	/** documentPictures: the kinds always downloaded (an option may add whiteboards). */
	pictures?: PictureKind[];
}

/** What one resource's file adds to the catalogue (a wiki lookup adds an endpoint only). */
export interface ResourceRows {
	endpoints: FeishuEndpoint[];
	/** In the order of the node's Operation field; the first is the resource's default. */
	operations: FeishuOperation[];
}
