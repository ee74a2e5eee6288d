/** Public types of the emulator's issue-17 sources: ranged downloads, Base, Drive files, board nodes. */
import type { DriveMediaFlags, FileFixtureOptions, PatternFileOptions } from '../types';

/** The JSON endpoints of this folder (./endpoints.ts, registered in route-table.ts). */
export type SourceJsonEndpoint = 'bitableFields' | 'bitableSearch' | 'whiteboardNodes';

/** The download endpoints whose answers this folder writes: Range, the 234037 cap, cuts, counts. */
export type RangedEndpoint = 'messageResource' | 'driveMedia' | 'driveFile';

export interface DriveFileOptions extends FileFixtureOptions, DriveMediaFlags {
	/** Also a wiki node of obj_type `file` holding this file, under this wiki token. */
	wikiToken?: string | undefined;
}

export interface DriveFilePatternOptions extends PatternFileOptions, DriveMediaFlags {
	wikiToken?: string | undefined;
}

/** One answer of a ranged endpoint, as counted by the emulator. */
export interface TransferLogEntry {
	endpoint: RangedEndpoint;
	/** file_key (message resources) or file_token (Drive). */
	id: string;
	/** The Range header as received (undefined: none). */
	range: string | undefined;
	/** Status sent: 200, 206, 416, or an error's. */
	status: number;
	/** First byte of the file the answer carries (0 for a 200). */
	start: number;
	/** Content-Length sent (0 for an error). */
	length: number;
	/** The file's size. */
	total: number;
	/** Body bytes handed to the socket: less than `length` when the answer was cut. */
	bytesSent: number;
	/** True when a cut (cutRanges) or a body fault ended the answer early. */
	cut: boolean;
}

/** What the transfers of one file add up to. */
export interface TransferStats {
	/** Answers for the id (errors included). */
	requests: number;
	/** Answers that carried the file's bytes (200 or 206). */
	served: number;
	/** Body bytes sent in all of them. */
	bytesSent: number;
	/** Byte-serving answers that started at byte 0 after the first one: restarts from scratch. */
	restartsFromZero: number;
	/** bytesSent minus the file's size (0 or more when the file was delivered once). */
	refetchedBytes: number;
	/** The Range headers, in order. */
	ranges: Array<string | undefined>;
}

/** cutRanges: the next matching 206 answers close their connection after `afterBytes`. */
export interface CutOptions {
	/** Only this endpoint; default any ranged endpoint. */
	endpoint?: RangedEndpoint | undefined;
	/** Only this file_key / file_token. */
	id?: string | undefined;
	/** Body bytes sent before the cut; default half the answer. Capped to length - 1. */
	afterBytes?: number | undefined;
	/** 'close' (default): a clean FIN, a premature end; 'reset': an RST (ECONNRESET). */
	how?: 'close' | 'reset' | undefined;
	/** Matching answers let through before the first cut; default 0. */
	skip?: number | undefined;
	/** How many answers to cut; default 1, Infinity allowed. */
	times?: number | undefined;
	/** Cut also plain (200) answers, not only ranged ones; default false. */
	plainToo?: boolean | undefined;
}

// ---- Base (bitable) -----------------------------------------------------------

/** A field as list fields serves it; `type` 17 / ui_type "Attachment" is an attachment field. */
export interface BitableField {
	field_id: string;
	field_name: string;
	type: number;
	ui_type: string;
	is_primary: boolean;
	property: Record<string, unknown> | null;
	description?: string | undefined;
}

/** One file of an attachment cell (facts §4.3). */
export interface BitableAttachment {
	file_token: string;
	name: string;
	size: number;
	type: string;
	url: string;
	tmp_url: string;
}

/** A record as stored: cells by field name (attachment cells are BitableAttachment[]). */
export interface BitableRecord {
	record_id: string;
	fields: Record<string, unknown>;
	created_time: number;
	last_modified_time: number;
}

export interface BitableTableOptions {
	/** The Base's app_token. */
	appToken: string;
	tableId: string;
	/** Default 'Table 1'. */
	name?: string | undefined;
	/** Fields in order; the first is the primary one. */
	fields: Array<
		Omit<BitableField, 'is_primary' | 'property'> & { property?: BitableField['property'] }
	>;
	/** Records in order. */
	records: BitableRecord[];
	/** View ids; each lists the records it shows (default: all). Default one view `vew` + table id. */
	views?: Array<{ view_id: string; record_ids?: string[] | undefined }> | undefined;
	/**
	 * Advanced permissions (高级权限): drive media answers this table's attachments with 403
	 * (bitablePermStatus) unless `extra` names the table, the field, the record and the token.
	 */
	advancedPermissions?: boolean | undefined;
	/**
	 * With advanced permissions, the app is in no role that can read: searches succeed with
	 * no records (facts §4.1).
	 */
	appCannotRead?: boolean | undefined;
	/** The `rev` in the cells' url / tmp_url extra; default 1. */
	rev?: number | undefined;
	/** Also a wiki node of obj_type `bitable` whose obj_token is the app_token. */
	wikiToken?: string | undefined;
}

/** makeBitableTable: N records x M attachment fields of deterministic, streamed bytes. */
export interface BitableFixtureOptions {
	appToken: string;
	tableId: string;
	records: number;
	attachmentFields: number;
	/** Files per attachment cell; default 1. */
	filesPerCell?: number | undefined;
	/** Bytes per attachment: default 200 + (index * 37) % 1800 (small, all different). */
	size?: ((index: number) => number) | undefined;
	/** Every k-th record (1-based) has empty attachment cells; default none. */
	emptyEvery?: number | undefined;
	advancedPermissions?: boolean | undefined;
	appCannotRead?: boolean | undefined;
	wikiToken?: string | undefined;
	/** Seed base of the attachments' bytes; default 1000. */
	seed?: number | undefined;
}

/** One attachment of a fixture table, with what a spec needs to check its download. */
export interface BitableAttachmentFixture {
	recordId: string;
	fieldId: string;
	fieldName: string;
	attachment: BitableAttachment;
	/** Hex SHA-256 of the bytes drive media serves for it (computed on demand). */
	sha256(): string;
}

export interface BitableTableFixture {
	appToken: string;
	tableId: string;
	viewId: string;
	fields: BitableField[];
	records: BitableRecord[];
	attachments: BitableAttachmentFixture[];
}

// ---- whiteboard nodes -----------------------------------------------------------

/** A whiteboard node as `GET …/whiteboards/:id/nodes` serves it (facts §5; node-sdk names). */
export interface WhiteboardNode {
	id: string;
	type: string;
	parent_id?: string | undefined;
	children?: string[] | undefined;
	x?: number | undefined;
	y?: number | undefined;
	angle?: number | undefined;
	width?: number | undefined;
	height?: number | undefined;
	text?: Record<string, unknown> | undefined;
	style?: Record<string, unknown> | undefined;
	image?: { token: string } | undefined;
	composite_shape?: { type: string } | undefined;
	connector?: Record<string, unknown> | undefined;
	section?: { title?: string } | undefined;
	table?: Record<string, unknown> | undefined;
	mind_map_node?: Record<string, unknown> | undefined;
	mind_map_root?: Record<string, unknown> | undefined;
	/** A Mermaid / PlantUML code block: syntax_type 1 PlantUML, 2 Mermaid. */
	syntax?: { syntax_type?: number; code?: string; style_type?: number } | undefined;
	[field: string]: unknown;
}

export interface WhiteboardNodesOptions {
	/** true: 403 / 2890008. */
	forbidden?: boolean | undefined;
}
