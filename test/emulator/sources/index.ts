/**
 * Issue 17's sources in the emulator: ranged downloads (message resources, Drive files, Drive
 * media) with the 234037 cap, cuts and byte counts; Drive file download; Base fields, record
 * search and advanced-permission attachments; whiteboard nodes. FeishuEmulator holds one
 * Sources as `emu.sources` (controls.ts); the route handlers reach it as `ctx.sources`: the
 * generic file handler (file-downloads.ts) hands it every file it found, the JSON routes of
 * ./endpoints.ts (registered in route-table.ts) their requests.
 */
import { performance } from 'node:perf_hooks';
import type { FileRequest } from '../file-endpoints';
import { SlidingWindowLimiter } from '../faults';
import { makePng, sha256OfPattern, sniffImageMime } from '../images';
import type { FileFixture, Reply } from '../reply';
import type { Route } from '../route-match';
import type { DownloadEndpoint, PatternFile, WikiNode, WikiNodeOptions } from '../types';
import { assertHeaderSafeName } from '../wire';
import { BitableStore } from './bitable';
import { buildBitableTable } from './bitable-fixture';
import type { FixtureHost } from './bitable-fixture';
import { BoardStore, sampleWhiteboardNodes } from './board';
import type { DriveFileFixture } from './endpoints';
import { RangedFiles } from './ranged';
import type {
	BitableFixtureOptions,
	BitableTableFixture,
	BitableTableOptions,
	DriveFileOptions,
	DriveFilePatternOptions,
	RangedEndpoint,
	SourceJsonEndpoint,
	WhiteboardNode,
	WhiteboardNodesOptions,
} from './types';

/** What Sources needs of the emulator. */
export interface SourcesHost extends FixtureHost {
	addWikiNode(wikiToken: string, opts: WikiNodeOptions): WikiNode;
}

/** The code each endpoint answers past its own limit (Sources.throttle), and at which status. */
const THROTTLE_CODES: Record<SourceJsonEndpoint | 'driveFile', number> = {
	driveFile: 1061045, // HTTP 200, "can retry"
	bitableFields: 1254290, // HTTP 200, TooManyRequest
	bitableSearch: 1254290,
	whiteboardNodes: 2890009, // HTTP 429
};
const DOCUMENTED_LIMITS: Record<keyof typeof THROTTLE_CODES, number> = {
	driveFile: 5,
	bitableFields: 20,
	bitableSearch: 20,
	whiteboardNodes: 10,
};
const RANGED: ReadonlySet<string> = new Set<RangedEndpoint>([
	'messageResource',
	'driveMedia',
	'driveFile',
]);

export class Sources {
	/** Range, the 234037 cap, ignore-Range mode, cuts and per-answer byte counts. */
	readonly ranges = new RangedFiles();
	/** Bases: tables, fields, records; `bitable.permStatus` (403 or 400) for a missing extra. */
	readonly bitable = new BitableStore();
	readonly boards = new BoardStore();
	private readonly limiters = new Map<keyof typeof THROTTLE_CODES, SlidingWindowLimiter>();
	private nextSeed = 7_000_001;

	constructor(
		private readonly host: SourcesHost,
		/** The emulator's Drive file store (FILE_ENDPOINTS.driveFile looks files up there). */
		private readonly driveFiles: Map<string, DriveFileFixture>,
	) {}

	// ---- fixtures ------------------------------------------------------------

	/**
	 * A file stored in Drive for `GET /drive/v1/files/:file_token/download`: bytes (default a
	 * fresh PNG) or, with `size`, a streamed generated file. `forbidden` answers 403, `deleted`
	 * 404; `wikiToken` also adds a wiki node of obj_type `file` holding it.
	 */
	addDriveFile(token: string, opts: DriveFilePatternOptions): PatternFile;
	addDriveFile(token: string, opts?: DriveFileOptions): Buffer;
	addDriveFile(
		token: string,
		opts: DriveFileOptions | DriveFilePatternOptions = {},
	): Buffer | PatternFile {
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		const common = {
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
			forbidden: opts.forbidden ?? false,
			deleted: opts.deleted ?? false,
		} as const;
		let result: Buffer | PatternFile;
		if ('size' in opts) {
			const { size } = opts;
			const seed = opts.seed ?? this.nextSeed++;
			if (!Number.isSafeInteger(size) || size < 0)
				throw new RangeError(`addDriveFile: bad size ${size}`);
			this.driveFiles.set(token, {
				...common,
				body: { kind: 'pattern', size, seed },
				contentType: opts.contentType === undefined ? 'application/octet-stream' : opts.contentType,
			});
			result = { size, seed, sha256: () => sha256OfPattern(size, seed) };
		} else {
			const bytes = opts.bytes ? Buffer.from(opts.bytes) : makePng(16, 16, this.nextSeed++);
			this.driveFiles.set(token, {
				...common,
				body: { kind: 'buffer', bytes },
				contentType: opts.contentType === undefined ? sniffImageMime(bytes) : opts.contentType,
			});
			result = Buffer.from(bytes);
		}
		if (opts.wikiToken !== undefined)
			this.host.addWikiNode(opts.wikiToken, {
				objToken: token,
				objType: 'file',
				title: opts.fileName ?? '',
			});
		return result;
	}

	/** A Base table as given (cells by field name; attachment cells as in facts §4.3). */
	addBitableTable(opts: BitableTableOptions): void {
		this.bitable.add(opts);
		if (opts.wikiToken !== undefined)
			this.host.addWikiNode(opts.wikiToken, {
				objToken: opts.appToken,
				objType: 'bitable',
				title: opts.name ?? '',
			});
	}

	/** N records x M attachment fields; every attachment a drive media fixture (see bitable-fixture.ts). */
	makeBitableTable(opts: BitableFixtureOptions): BitableTableFixture {
		const { table, attachments } = buildBitableTable(this.host, opts);
		const stored = this.bitable.add(table);
		if (opts.wikiToken !== undefined)
			this.host.addWikiNode(opts.wikiToken, {
				objToken: opts.appToken,
				objType: 'bitable',
				title: stored.name,
			});
		return {
			appToken: opts.appToken,
			tableId: opts.tableId,
			viewId: [...stored.views.keys()][0] ?? '',
			fields: structuredClone(stored.fields),
			records: structuredClone(stored.records),
			attachments,
		};
	}

	/** A board's nodes as given; returns a copy. */
	addWhiteboardNodes(
		id: string,
		nodes: WhiteboardNode[],
		opts?: WhiteboardNodesOptions,
	): WhiteboardNode[] {
		return this.boards.add(id, nodes, opts);
	}

	/** The sample board (board.ts): a tree, texts, a mind map, one Mermaid and one PlantUML block. */
	addSampleWhiteboardNodes(id: string, opts?: WhiteboardNodesOptions): WhiteboardNode[] {
		return this.boards.add(id, sampleWhiteboardNodes(), opts);
	}

	// ---- limits and counters -------------------------------------------------

	/**
	 * Past `limit` requests in any `windowMs` (default the documented limit per second), the
	 * endpoint answers its own code: Drive file 1061045 at HTTP 200, Base 1254290 at HTTP 200,
	 * board nodes 2890009 at 429. One bucket for all callers. Infinity lifts it. (The gateway's
	 * 99991400 stays FeishuEmulator.enforceRateLimit's.)
	 */
	throttle(endpoint: keyof typeof THROTTLE_CODES, limit?: number, windowMs = 1000): void {
		const max = limit ?? DOCUMENTED_LIMITS[endpoint];
		if (max === Infinity) this.limiters.delete(endpoint);
		else this.limiters.set(endpoint, new SlidingWindowLimiter(max, windowMs));
	}

	resetCounters(): void {
		this.ranges.resetCounters();
	}

	// ---- request handling (called by FeishuEmulator) --------------------------

	/**
	 * The answer of a ranged endpoint whose fixture was found; undefined for the other file
	 * endpoints (the emulator answers those itself).
	 */
	serveFile(
		endpoint: DownloadEndpoint,
		request: FileRequest,
		reply: Reply,
		fixture: FileFixture,
	): Promise<void> | undefined {
		if (!RANGED.has(endpoint)) return undefined;
		const ranged = endpoint as RangedEndpoint;
		const id = request.params['file_key'] ?? request.params['file_token'] ?? '';
		const range = request.headers.range;
		if (ranged === 'driveFile' && this.throttled('driveFile')) {
			this.ranges.logRefusal(ranged, id, range, 200);
			return reply.error(THROTTLE_CODES.driveFile);
		}
		if (ranged === 'driveMedia') {
			const refusal = this.bitable.mediaRefusal(id, request.query.get('extra'));
			if (refusal !== undefined) {
				this.ranges.logRefusal(ranged, id, range, refusal);
				return reply.bare(refusal);
			}
		}
		return this.ranges.serve(ranged, id, range, reply, fixture);
	}

	/**
	 * The JSON endpoints of this folder, after the emulator's limits and faults and the bearer
	 * check (./endpoints.ts); `body` is records/search's.
	 */
	async handleJson(route: Route, body: Buffer | undefined, reply: Reply): Promise<void> {
		const endpoint = route.endpoint as SourceJsonEndpoint;
		if (this.throttled(endpoint)) return reply.error(THROTTLE_CODES[endpoint]);
		switch (endpoint) {
			case 'bitableFields':
				return this.bitable.fields(route, reply);
			case 'bitableSearch':
				return this.bitable.search(route, body, reply);
			case 'whiteboardNodes':
				return this.boards.nodes(route, reply);
		}
	}

	private throttled(endpoint: keyof typeof THROTTLE_CODES): boolean {
		const limiter = this.limiters.get(endpoint);
		return limiter !== undefined && !limiter.check('', performance.now()).ok;
	}
}

export { MERMAID_SOURCE, PLANTUML_SOURCE, sampleWhiteboardNodes } from './board';
export { attachmentCell, cellExtra, idFor } from './bitable-fixture';
export {
	BITABLE_ERRORS,
	BITABLE_RETRYABLE,
	DRIVE_FILE_ERRORS,
	WHITEBOARD_NODE_ERRORS,
} from './errors';
export {
	BITABLE_FIELDS_ENDPOINT,
	BITABLE_SEARCH_ENDPOINT,
	DRIVE_FILE_ENDPOINT,
	WHITEBOARD_NODES_ENDPOINT,
} from './endpoints';
export type { DriveFileFixture } from './endpoints';
export { MESSAGE_RESOURCE_CAP, RangedFiles } from './ranged';
export { patternSlice } from './pattern';
export type * from './types';
