/**
 * Downloads one file in HTTP ranges and hands it on as ONE stream, for files Feishu will not
 * serve whole (234037 on message resources) and for big Drive files and media.
 *
 * The algorithm follows the official Lark CLI (a small probe, then chunks read in order, the
 * total taken from Content-Range) with one addition: a chunk that breaks off is asked for again
 * from its first missing byte, never from byte 0, a bounded number of times per chunk.
 *
 * Independent of n8n's helpers: the caller injects `fetchRange`, backed by the package's paced,
 * retrying transport. Memory stays flat: the output is pulled chunk body by chunk body, so at
 * most one chunk's request is open and nothing is collected.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** The stream type n8n's helpers accept (the same as transport/answer.ts's), without node:stream. */
export type ByteStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/** A response body still streaming: a Node Readable or any async iterable of bytes. */
export type RangeBody = AsyncIterable<Buffer | Uint8Array | string> & {
	destroy?: (error?: Error) => unknown;
};

/** What one ranged request answered, its body not yet read. */
export interface RangeAnswer {
	status: number;
	headers: Record<string, unknown>;
	body: RangeBody;
}

/** Sends `Range: bytes=<start>-<endInclusive>`; throws only when the request itself failed. */
export type FetchRange = (start: number, endInclusive: number) => Promise<RangeAnswer>;

export interface RangedDownloadOptions {
	/** The first request's size: small, so a server that ignores Range costs nothing extra. */
	probeBytes?: number;
	/** Bytes per later request. */
	chunkBytes?: number;
	/** Re-fetches (from the first missing byte) one chunk may take before the download fails. */
	maxRefetchesPerChunk?: number;
	/**
	 * Whether a chunk request that threw may be tried again; default: yes. A body that breaks
	 * off is always tried again (within the bound): the bytes before the break are kept.
	 */
	isRefetchable?: (error: unknown) => boolean;
	/** Awaited before each re-fetch (e.g. n8n-workflow's `sleep` with a backoff). */
	beforeRefetch?: (attempt: number) => Promise<void>;
	/** Turns the byte source into the output stream; default: `Readable.from` of the probe body's class. */
	readableFrom?: (source: AsyncIterable<Buffer>) => ByteStream;
}

export const DEFAULT_PROBE_BYTES = 64 * 1024;
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_REFETCHES_PER_CHUNK = 3;

/** What the download cost, for benchmarks and the run's hints. Live: read them after the stream ends. */
export interface RangedDownloadCounters {
	/** Every request sent, the probe included. */
	requests: number;
	/** Requests that asked again for bytes of a chunk that broke off or failed. */
	refetches: number;
	/** Bytes that arrived in answer to those re-fetches (at most the rest of a chunk each). */
	bytesRefetched: number;
	/** Bytes that arrived a second time: only when a server ignoring Range sends byte 0 on again. */
	bytesReceivedTwice: number;
	/** Re-fetches that had to read the file from byte 0 again (only a server ignoring Range). */
	restartsFromZero: number;
	/** Bytes handed to the output stream. */
	bytesDelivered: number;
}

export interface RangedDownload {
	/** 'ranged': the probe answered 206; 'whole': it answered 200, the server ignores Range. */
	mode: 'ranged' | 'whole';
	/** The probe's headers: Content-Type and Content-Disposition name the file. */
	headers: Record<string, unknown>;
	/** The file's size: from Content-Range, or the 200's Content-Length; undefined if neither said. */
	total?: number;
	/** The whole file, in order; errors with a RangedDownloadError if it cannot be completed. */
	stream: ByteStream;
	counters: RangedDownloadCounters;
}

export type RangedFailureReason =
	/** The chunk kept breaking off or failing. */
	| 'cutOff'
	/** Content-Range missing, unreadable, or not the bytes asked for. */
	| 'contentRange'
	/** The total changed between requests: the file is not the one the download began with. */
	| 'sizeChanged'
	/** More bytes arrived than the answer announced. */
	| 'overrun'
	/** An answer other than 206 (or 200 to a server ignoring Range). */
	| 'status';

/** Why the ranged download failed, with where it stood; says nothing secret. */
export class RangedDownloadError extends Error {
	constructor(
		message: string,
		readonly reason: RangedFailureReason,
		/** Bytes delivered before the failure. */
		readonly offset: number,
		readonly total: number | undefined,
		readonly status?: number,
	) {
		super(message);
		this.name = 'RangedDownloadError';
	}
}

/** The documented code of a download over the whole-file cap (message resources, im files). */
export const WHOLE_FILE_CAP_CODE = 234037;

/**
 * Whether a plain download failed with 234037, so the same file is to be fetched in ranges.
 * Reads the code wherever the package's errors carry it: an AttemptError's `failure`, a
 * NodeApiError's `errorResponse`, a parsed body, or any of their causes.
 */
export function isWholeFileCapError(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
		const candidate = current as {
			code?: unknown;
			failure?: { code?: unknown };
			errorResponse?: { code?: unknown };
			cause?: unknown;
		};
		if (
			candidate.code === WHOLE_FILE_CAP_CODE ||
			candidate.failure?.code === WHOLE_FILE_CAP_CODE ||
			candidate.errorResponse?.code === WHOLE_FILE_CAP_CODE
		) {
			return true;
		}
		current = candidate.cause;
	}
	return false;
}

/** A Content-Range header: `bytes a-b/total`, `bytes a-b/*`, or `bytes *\/total` (416). */
export type ContentRange =
	{ start: number; end: number; total?: number } | { unsatisfied: true; total: number };

const SATISFIED = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i;
const UNSATISFIED = /^\s*bytes\s+\*\/(\d+)\s*$/i;

export function parseContentRange(value: string | undefined): ContentRange | undefined {
	if (value === undefined) return undefined;
	const unsatisfied = UNSATISFIED.exec(value);
	if (unsatisfied) return { unsatisfied: true, total: Number(unsatisfied[1]) };
	const match = SATISFIED.exec(value);
	if (!match) return undefined;
	const start = Number(match[1]);
	const end = Number(match[2]);
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
	if (match[3] === '*') return { start, end };
	const total = Number(match[3]);
	return Number.isSafeInteger(total) && total > end ? { start, end, total } : undefined;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

function contentLength(headers: Record<string, unknown>): number | undefined {
	const text = header(headers, 'content-length');
	const value = text === undefined || text.trim() === '' ? NaN : Number(text);
	return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
	if (typeof chunk === 'string') return Buffer.from(chunk);
	return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/** A fault the chunk loop may answer with a re-fetch from the first missing byte. */
class ChunkFault extends Error {
	constructor(
		message: string,
		readonly reason: RangedFailureReason,
		readonly status?: number,
	) {
		super(message);
	}
}

/** What an answer means for the bytes from `position` on. */
interface Reading {
	body: RangeBody;
	/** Leading body bytes already delivered (a 200 restarts at byte 0). */
	skip: number;
	/** Last byte this body should carry, or undefined: to its end (a 200 without length). */
	lastByte?: number;
}

/** Byte positions are 0-based; `end` values inclusive, as in the Range header. */
class RangedReader {
	readonly counters: RangedDownloadCounters = {
		requests: 0,
		refetches: 0,
		bytesRefetched: 0,
		bytesReceivedTwice: 0,
		restartsFromZero: 0,
		bytesDelivered: 0,
	};
	total?: number;
	mode: 'ranged' | 'whole' = 'ranged';
	/** The consumer has begun reading: from then on the generator owns the probe's body. */
	started = false;
	private position = 0;
	private readonly chunkBytes: number;
	private readonly maxRefetches: number;

	constructor(
		private readonly fetchRange: FetchRange,
		private readonly options: RangedDownloadOptions,
	) {
		this.chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
		this.maxRefetches = Math.max(
			0,
			options.maxRefetchesPerChunk ?? DEFAULT_MAX_REFETCHES_PER_CHUNK,
		);
	}

	async fetch(start: number, end: number): Promise<RangeAnswer> {
		this.counters.requests++;
		return await this.fetchRange(start, end);
	}

	/** Reads the probe's answer: the total, and whether the server honours Range at all. */
	interpretProbe(answer: RangeAnswer, probeEnd: number): Reading {
		if (answer.status === 200) {
			this.mode = 'whole';
			this.total = contentLength(answer.headers);
			return { body: answer.body, skip: 0, lastByte: this.lastByteOfWhole() };
		}
		const range = parseContentRange(header(answer.headers, 'content-range'));
		if (answer.status === 416 && range && 'unsatisfied' in range && range.total === 0) {
			this.total = 0; // An empty file: no byte range can be satisfied.
			return { body: answer.body, skip: 0, lastByte: -1 };
		}
		if (answer.status !== 206) {
			destroy(answer.body);
			throw this.fatal(
				`the server answered HTTP ${answer.status} to the first range request`,
				'status',
				answer.status,
			);
		}
		if (!range || 'unsatisfied' in range || range.total === undefined) {
			destroy(answer.body);
			throw this.fatal(
				`the server answered 206 without a usable Content-Range (${JSON.stringify(header(answer.headers, 'content-range') ?? null)}), so the file's size is unknown`,
				'contentRange',
			);
		}
		this.total = range.total;
		if (range.start !== 0 || range.end > probeEnd) {
			destroy(answer.body);
			throw this.fatal(
				`the server answered bytes ${range.start}-${range.end} to a request for bytes 0-${probeEnd}`,
				'contentRange',
			);
		}
		return { body: answer.body, skip: 0, lastByte: range.end };
	}

	/** Reads a later answer for the bytes `position`..`end`; a fault may be fetched again. */
	interpretChunk(answer: RangeAnswer, end: number): Reading {
		const { status } = answer;
		if (status === 200) {
			// The server ignores Range (now): the whole file again, of which `position` bytes are in.
			const length = contentLength(answer.headers);
			if (length !== undefined && this.total !== undefined && length !== this.total) {
				destroy(answer.body);
				throw this.sizeChanged(length);
			}
			this.total ??= length;
			if (this.position > 0) this.counters.restartsFromZero++;
			return { body: answer.body, skip: this.position, lastByte: this.lastByteOfWhole() };
		}
		if (status !== 206) {
			destroy(answer.body);
			const message = `the server answered HTTP ${status} to bytes ${this.position}-${end}`;
			// A 4xx other than a timeout or a rate limit will not change by asking again.
			if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
				throw this.fatal(message, 'status', status);
			}
			throw new ChunkFault(message, 'status', status);
		}
		const range = parseContentRange(header(answer.headers, 'content-range'));
		if (!range || 'unsatisfied' in range) {
			destroy(answer.body);
			throw new ChunkFault(
				`the server answered bytes ${this.position}-${end} without a usable Content-Range`,
				'contentRange',
			);
		}
		if (range.total !== undefined && this.total !== undefined && range.total !== this.total) {
			destroy(answer.body);
			throw this.sizeChanged(range.total);
		}
		this.total ??= range.total;
		// A shorter range than asked is progress (the rest is asked for next); any other is wrong.
		if (range.start !== this.position || range.end > end) {
			destroy(answer.body);
			throw new ChunkFault(
				`the server answered bytes ${range.start}-${range.end} to a request for bytes ${this.position}-${end}`,
				'contentRange',
			);
		}
		return { body: answer.body, skip: 0, lastByte: range.end };
	}

	/** Streams one answer's bytes from `position` on; returns when its body ended. */
	async *deliver(reading: Reading, refetch: boolean): AsyncGenerator<Buffer> {
		let skip = reading.skip;
		for await (const chunk of reading.body) {
			let buffer = toBuffer(chunk);
			if (refetch) this.counters.bytesRefetched += buffer.length;
			if (skip > 0) {
				const skipped = Math.min(skip, buffer.length);
				skip -= skipped;
				this.counters.bytesReceivedTwice += skipped;
				buffer = buffer.subarray(skipped);
				if (buffer.length === 0) continue;
			}
			if (reading.lastByte !== undefined && this.position + buffer.length > reading.lastByte + 1) {
				// Never pass on bytes the answer did not announce: their place in the file is unknown.
				throw this.fatal(
					`the server sent more bytes than announced (past byte ${reading.lastByte})`,
					'overrun',
				);
			}
			this.position += buffer.length;
			this.counters.bytesDelivered = this.position;
			yield buffer;
		}
	}

	/** The whole download, the probe's answer first. */
	async *bytes(probe: Reading): AsyncGenerator<Buffer> {
		this.started = true;
		let reading: Reading | undefined = probe;
		/** The last byte of the chunk being read: a re-fetch asks for the rest of the same chunk. */
		let end = probe.lastByte;
		let refetches = 0;
		while (!this.ended()) {
			// A server that ignored Range is asked for a chunk again: it may honour Range this time.
			if (!reading && (refetches === 0 || end === undefined || this.mode === 'whole')) {
				end = this.nextChunkEnd();
			}
			let fault: unknown;
			let current = reading;
			reading = undefined;
			if (!current) {
				try {
					const answer = await this.fetch(this.position, end as number);
					current = this.interpretChunk(answer, end as number);
				} catch (error) {
					fault = error;
				}
				// A request that threw after the transport's own retries: the caller judges it.
				const refusal =
					fault !== undefined &&
					!(fault instanceof ChunkFault) &&
					!(this.options.isRefetchable?.(fault) ?? true);
				if (fault instanceof RangedDownloadError || refusal) throw fault;
			}
			if (current) {
				try {
					yield* this.deliver(current, refetches > 0);
					if (current.lastByte === undefined) return; // A 200 without length ends with its body.
					if (this.position <= current.lastByte) {
						fault = new ChunkFault(
							`the answer ended after byte ${this.position - 1}, before byte ${current.lastByte}`,
							'cutOff',
						);
					}
				} catch (error) {
					fault = error; // The body broke off: the bytes before the break are kept.
				}
				if (fault instanceof RangedDownloadError) throw fault;
			}
			if (fault === undefined) {
				refetches = 0;
				continue;
			}
			if (refetches >= this.maxRefetches) throw this.gaveUp(fault, refetches);
			refetches++;
			this.counters.refetches++;
			await this.options.beforeRefetch?.(refetches);
		}
		if (this.total !== undefined && this.position !== this.total) {
			throw this.fatal(`${this.position} bytes arrived, but the file has ${this.total}`, 'cutOff');
		}
	}

	/** Whether every byte of the file is in (false while the total is unknown). */
	private ended(): boolean {
		return this.total !== undefined && this.position >= this.total;
	}

	/** The last byte of the next chunk (the size still unknown: a chunk's worth). */
	private nextChunkEnd(): number {
		const next = this.position + this.chunkBytes;
		return (this.total === undefined ? next : Math.min(next, this.total)) - 1;
	}

	private lastByteOfWhole(): number | undefined {
		return this.total === undefined ? undefined : this.total - 1;
	}

	private fatal(message: string, reason: RangedFailureReason, status?: number) {
		return new RangedDownloadError(
			`The ranged download failed at byte ${this.position}${this.total !== undefined ? ` of ${this.total}` : ''}: ${message}`,
			reason,
			this.position,
			this.total,
			status,
		);
	}

	private sizeChanged(newTotal: number) {
		return this.fatal(
			`the file's size changed from ${this.total} to ${newTotal} bytes during the download`,
			'sizeChanged',
		);
	}

	private gaveUp(fault: unknown, refetches: number) {
		const reason = fault instanceof ChunkFault ? fault.reason : 'cutOff';
		const said = String((fault as { message?: unknown })?.message ?? fault);
		return this.fatal(
			`${said}; ${refetches} re-fetch${refetches === 1 ? '' : 'es'} from the first missing byte did not complete the chunk`,
			reason,
			fault instanceof ChunkFault ? fault.status : undefined,
		);
	}
}

function destroy(body: RangeBody): void {
	body.destroy?.();
}

type ReadableFrom = (source: AsyncIterable<Buffer>, options: { objectMode: false }) => ByteStream;

/** `Readable.from`, taken from the body's class: the community rules forbid importing node:stream. */
function readableFromClassOf(body: RangeBody): (source: AsyncIterable<Buffer>) => ByteStream {
	const from = (body.constructor as unknown as { from?: ReadableFrom } | undefined)?.from;
	if (typeof from !== 'function') {
		throw new Error('The probe body is not a Node stream: pass `readableFrom`');
	}
	return (source) => from.call(body.constructor, source, { objectMode: false });
}

/**
 * Sends the probe (bytes 0..probeBytes-1) and returns the file as one stream: the probe's
 * bytes, then chunk after chunk, each asked for only when the consumer has taken the previous
 * one. The probe's failure (the request threw) rejects here; later failures error the stream.
 */
export async function openRangedDownload(
	fetchRange: FetchRange,
	options: RangedDownloadOptions = {},
): Promise<RangedDownload> {
	const reader = new RangedReader(fetchRange, options);
	const probeEnd = Math.max(1, options.probeBytes ?? DEFAULT_PROBE_BYTES) - 1;
	const answer = await reader.fetch(0, probeEnd);
	const probe = reader.interpretProbe(answer, probeEnd);
	const readableFrom = options.readableFrom ?? readableFromClassOf(answer.body);
	const stream = readableFrom(reader.bytes(probe));
	// A stream destroyed before it was read never runs the generator: release the probe's body.
	stream.once('close', () => {
		if (!reader.started) destroy(answer.body);
	});
	return {
		mode: reader.mode,
		headers: answer.headers,
		total: reader.total,
		stream,
		counters: reader.counters,
	};
}

/**
 * The download as the whole-file answer file/store.ts takes (status 200, Content-Length the
 * total, no Content-Range): the probe's Content-Type and Content-Disposition name the file.
 */
export function asWholeFileAnswer(download: RangedDownload): {
	statusCode: 200;
	headers: Record<string, unknown>;
	body: ByteStream;
	contentLength?: number;
} {
	const headers: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(download.headers)) {
		const lower = name.toLowerCase();
		if (lower !== 'content-range' && lower !== 'content-length') headers[lower] = value;
	}
	if (download.total !== undefined) headers['content-length'] = String(download.total);
	return {
		statusCode: 200,
		headers,
		body: download.stream,
		contentLength: download.total,
	};
}
