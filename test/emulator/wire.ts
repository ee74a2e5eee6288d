/** Low-level wire helpers: log ids, Content-Disposition, and body writing. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { PATTERN_CHUNK_SIZE, patternBytes } from './images';
import type { DispositionStyle } from './types';

/** Feishu-style log id: UTC timestamp (yyyyMMddHHmmss) + 20 upper-case hex digits. */
export function newLogId(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
	return stamp + randomBytes(10).toString('hex').toUpperCase();
}

/** Rejects names Node could not put in a header (CR, LF, other controls), at fixture time. */
export function assertHeaderSafeName(fileName: string): void {
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(fileName)) {
		throw new TypeError(`file name ${JSON.stringify(fileName)} contains control characters`);
	}
}

/** RFC 5987 attr-char encoding: encodeURIComponent leaves ' ( ) * bare, which attr-char does not allow. */
function rfc5987(value: string): string {
	return encodeURIComponent(value).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

/**
 * The Content-Disposition value as Node must be handed it. Feishu puts the
 * name's raw UTF-8 bytes in `filename="..."` (no escaping, no percent
 * encoding); Node writes header strings as latin1, so the UTF-8 bytes are
 * smuggled through a latin1 string to reach the wire unchanged.
 */
export function contentDisposition(fileName: string, style: DispositionStyle): string | undefined {
	const raw = `filename="${Buffer.from(fileName, 'utf8').toString('latin1')}"`;
	const extended = `filename*=UTF-8''${rfc5987(fileName)}`;
	switch (style) {
		case 'raw':
			return `attachment; ${raw}`;
		case 'rfc5987':
			return `attachment; ${extended}`;
		case 'both':
			return `attachment; ${raw}; ${extended}`;
		case 'none':
			return undefined;
	}
}

/** A response body: bytes in memory, generated content streamed on demand, or a 206's part. */
export type Body =
	| { kind: 'buffer'; bytes: Buffer }
	| { kind: 'pattern'; size: number; seed: number }
	| { kind: 'slice'; of: Body; start: number; length: number };

export function bodyLength(body: Body): number {
	switch (body.kind) {
		case 'buffer':
			return body.bytes.length;
		case 'pattern':
			return body.size;
		case 'slice':
			return body.length;
	}
}

/**
 * The single byte range a `Range` header asks for within `size` bytes (bytes=start-end,
 * bytes=start- or the suffix bytes=-n); undefined when it is unsatisfiable or not one bytes
 * range (the emulator sends no multipart/byteranges), which is answered with 416.
 */
export function parseRange(
	header: string,
	size: number,
): { start: number; end: number } | undefined {
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	const [first, last] = [m?.[1] ?? '', m?.[2] ?? ''];
	if (!m || (first === '' && last === '')) return undefined;
	if (first === '') {
		const suffix = Number(last);
		return suffix > 0 && size > 0
			? { start: Math.max(0, size - suffix), end: size - 1 }
			: undefined;
	}
	const start = Number(first);
	if (start >= size || (last !== '' && Number(last) < start)) return undefined;
	return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** A body's bytes in the chunks they come in; a slice runs on to its source's end. */
function* chunksOf(body: Body): Generator<Buffer, void, undefined> {
	if (body.kind === 'buffer') yield body.bytes;
	else if (body.kind === 'pattern') yield* patternBytes(body.size, body.seed);
	else {
		// Generated content has no random access: what precedes the part is produced and dropped.
		let skip = body.start;
		for (const chunk of chunksOf(body.of)) {
			if (skip >= chunk.length) skip -= chunk.length;
			else {
				yield skip > 0 ? chunk.subarray(skip) : chunk;
				skip = 0;
			}
		}
	}
}

/** Hands out a body's bytes in pieces of at most N bytes, whatever its chunking. */
export class ChunkCursor {
	private readonly source: Iterator<Buffer>;
	private carry: Buffer | undefined;

	constructor(body: Body) {
		this.source = chunksOf(body);
	}

	next(max: number): Buffer | undefined {
		let chunk = this.carry;
		this.carry = undefined;
		if (!chunk) {
			const step = this.source.next();
			if (step.done) return undefined;
			chunk = step.value;
		}
		if (chunk.length > max) {
			this.carry = chunk.subarray(max);
			return chunk.subarray(0, max);
		}
		return chunk;
	}
}

/** Writes one chunk and waits until the socket took it; false when the client went away. */
export function writeAndWait(res: ServerResponse, chunk: Buffer): Promise<boolean> {
	return new Promise((resolve) => {
		if (res.destroyed) return resolve(false);
		const onClose = (): void => resolve(false);
		res.once('close', onClose);
		res.write(chunk, (err) => {
			res.off('close', onClose);
			resolve(!err);
		});
	});
}

/**
 * Writes the next `count` bytes of `cursor` in chunks of at most 64 KiB,
 * waiting for each to reach the socket: that is both backpressure and the
 * guarantee that bytes are on the wire before a fault cuts the connection.
 */
export async function writeBytes(
	res: ServerResponse,
	cursor: ChunkCursor,
	count: number,
): Promise<boolean> {
	let left = count;
	while (left > 0) {
		const chunk = cursor.next(Math.min(left, PATTERN_CHUNK_SIZE));
		if (!chunk) break;
		left -= chunk.length;
		if (!(await writeAndWait(res, chunk))) return false;
	}
	return true;
}
