/**
 * Ranged downloads (issue 17): a file Feishu will not serve whole is read as a small probe, then
 * chunks in order, joined into one stream. A chunk cut off is asked for again from its first
 * missing byte; the bytes delivered equal the total, or the stream fails clearly.
 *
 * Served by a local HTTP server on 127.0.0.1 written here, with the faults the emulator does not
 * make (a wrong Content-Range, a total that changes, a 5xx or 4xx to one chunk, an answer that
 * ends cleanly but short). What the emulator does make — the whole-file cap, cuts mid-chunk,
 * Range ignored, a 300 MiB file's memory — is specified through the node in big-files.test.ts.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import {
	asWholeFileAnswer,
	DEFAULT_CHUNK_BYTES,
	DEFAULT_PROBE_BYTES,
	isWholeFileCapError,
	openRangedDownload,
	parseContentRange,
	RangedDownloadError,
	type FetchRange,
	type RangedDownloadOptions,
} from '../nodes/FeishuImages/transport/ranged-download';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A prime period, so a byte delivered at the wrong offset never matches by chance. */
const PERIOD = 1_000_003;
const PATTERN = (() => {
	const buffer = Buffer.alloc(PERIOD * 2);
	let x = 0x9e3779b9;
	for (let i = 0; i < PERIOD; i++) {
		x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
		buffer[i] = x >>> 24;
	}
	buffer.copy(buffer, PERIOD, 0, PERIOD);
	return buffer;
})();

/** The file's bytes from `start` up to `end` (exclusive), at most one period at a time. */
function slice(start: number, end: number): Buffer {
	const offset = start % PERIOD;
	return PATTERN.subarray(offset, offset + Math.min(end - start, PERIOD));
}

function fileSha256(size: number): string {
	const hash = createHash('sha256');
	for (let at = 0; at < size;) {
		const part = slice(at, size);
		hash.update(part);
		at += part.length;
	}
	return hash.digest('hex');
}

interface Behaviour {
	size: number;
	/** Answer every request 200 with the whole file, as a server that ignores Range. */
	ignoreRange?: boolean;
	/** Absolute offsets: the first answer that would carry this byte breaks off just before it. */
	cutAt?: number[];
	/** Answers to later range requests whose Content-Range start is one byte off (counted down). */
	wrongStartTimes?: number;
	/** From this request on (1-based), Content-Range reports a total one byte larger. */
	totalGrowsAtRequest?: number;
	/** Answers that claim the bytes asked for but end early, cleanly (counted down). */
	shortCleanTimes?: number;
	/** Later range requests answered with this status (counted down by `failTimes`). */
	failStatus?: number;
	failTimes?: number;
	/** The probe's Content-Range total is `*`. */
	unknownTotal?: boolean;
	/** 200 answers go out chunked, without Content-Length. */
	noContentLength?: boolean;
}

interface Served {
	range?: string;
	status: number;
}

class RangeServer {
	readonly log: Served[] = [];
	private server?: http.Server;
	private port = 0;
	private pendingCuts: number[] = [];

	constructor(private behaviour: Behaviour) {
		this.pendingCuts = [...(behaviour.cutAt ?? [])].sort((a, b) => a - b);
	}

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => void this.answer(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}

	/** A FetchRange as the lead's transport will provide it: one GET with a Range header. */
	readonly fetchRange: FetchRange = async (start, end) =>
		await new Promise((resolve, reject) => {
			const request = http.get(
				{
					host: '127.0.0.1',
					port: this.port,
					path: '/file',
					headers: { range: `bytes=${start}-${end}` },
				},
				(res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
			);
			request.on('error', reject);
		});

	private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const b = this.behaviour;
		const requestNumber = this.log.length + 1;
		const asked = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
		const isProbe = requestNumber === 1;
		const headers: http.OutgoingHttpHeaders = {
			'content-type': 'application/octet-stream',
			'content-disposition': 'attachment; filename="big.bin"',
		};
		if (!isProbe && b.failStatus && (b.failTimes ?? 0) > 0) {
			b.failTimes!--;
			this.log.push({ range: req.headers.range, status: b.failStatus });
			res.writeHead(b.failStatus, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 1, msg: 'refused' }));
			return;
		}
		if (b.ignoreRange || !asked) {
			this.log.push({ range: req.headers.range, status: 200 });
			if (!b.noContentLength) headers['content-length'] = b.size;
			res.writeHead(200, headers);
			await this.send(res, 0, b.size, b.size);
			return;
		}
		const start = Number(asked[1]);
		if (b.size === 0) {
			this.log.push({ range: req.headers.range, status: 416 });
			res.writeHead(416, { 'content-range': 'bytes */0' });
			res.end();
			return;
		}
		const end = Math.min(Number(asked[2]), b.size - 1);
		let claimedStart = start;
		if (!isProbe && (b.wrongStartTimes ?? 0) > 0) {
			b.wrongStartTimes!--;
			claimedStart = start + 1;
		}
		const total =
			b.unknownTotal && isProbe
				? '*'
				: b.totalGrowsAtRequest && requestNumber >= b.totalGrowsAtRequest
					? b.size + 1
					: b.size;
		let sendEnd = end + 1;
		if (!isProbe && (b.shortCleanTimes ?? 0) > 0 && end - start > 10) {
			b.shortCleanTimes!--;
			sendEnd = start + Math.floor((end - start) / 2);
		}
		this.log.push({ range: req.headers.range, status: 206 });
		headers['content-range'] = `bytes ${claimedStart}-${end}/${total}`;
		headers['content-length'] = sendEnd - start;
		res.writeHead(206, headers);
		await this.send(res, start, sendEnd, end + 1);
	}

	/** Writes bytes `from`..`to` (exclusive) with back-pressure; breaks off at a pending cut. */
	private async send(res: http.ServerResponse, from: number, to: number, claimedTo: number) {
		const cut = this.pendingCuts.find((at) => at >= from && at < claimedTo);
		if (cut !== undefined) this.pendingCuts.splice(this.pendingCuts.indexOf(cut), 1);
		const stop = cut !== undefined ? Math.min(cut, to) : to;
		for (let at = from; at < stop;) {
			const part = slice(at, Math.min(stop, at + 64 * KiB));
			at += part.length;
			if (!res.write(part)) {
				await new Promise<void>((resolve) => {
					const done = () => {
						res.off('drain', done);
						res.off('close', done);
						resolve();
					};
					res.once('drain', done);
					res.once('close', done);
				});
			}
			if (res.destroyed) return;
		}
		if (cut !== undefined) {
			// Let the bytes before the cut leave, then break the connection as a network would.
			await new Promise<void>((resolve) => res.socket?.write('', () => resolve()) ?? resolve());
			res.socket?.destroy();
			return;
		}
		res.end();
	}
}

interface Received {
	sha256: string;
	size: number;
	error?: Error;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Received> {
	const hash = createHash('sha256');
	let size = 0;
	try {
		for await (const chunk of stream) {
			hash.update(chunk);
			size += chunk.length;
		}
	} catch (error) {
		return { sha256: '', size, error: error as Error };
	}
	return { sha256: hash.digest('hex'), size };
}

let server: RangeServer;
afterEach(async () => await server?.close());

async function download(behaviour: Behaviour, options: RangedDownloadOptions = {}) {
	server = await new RangeServer(behaviour).start();
	const opened = await openRangedDownload(server.fetchRange, options);
	const received = await readAll(opened.stream as AsyncIterable<Buffer>);
	return { opened, received, counters: opened.counters };
}

/** The first byte each request asked for. */
const starts = () => server.log.map((s) => Number(/^bytes=(\d+)/.exec(s.range ?? '')?.[1]));

describe('a file read in ranges', () => {
	it('asks a 64 KiB probe, then 4 MiB chunks in order, and delivers the file byte-exact', async () => {
		const size = 9 * MiB + 123;
		const { opened, received, counters } = await download({ size });
		expect(received.error).toBeUndefined();
		expect(received).toEqual({ sha256: fileSha256(size), size });
		expect(opened.mode).toBe('ranged');
		expect(opened.total).toBe(size);
		expect(opened.headers['content-disposition']).toBe('attachment; filename="big.bin"');
		expect(server.log.map((s) => s.range)).toEqual([
			`bytes=0-${DEFAULT_PROBE_BYTES - 1}`,
			`bytes=${DEFAULT_PROBE_BYTES}-${DEFAULT_PROBE_BYTES + DEFAULT_CHUNK_BYTES - 1}`,
			`bytes=${DEFAULT_PROBE_BYTES + DEFAULT_CHUNK_BYTES}-${DEFAULT_PROBE_BYTES + 2 * DEFAULT_CHUNK_BYTES - 1}`,
			`bytes=${DEFAULT_PROBE_BYTES + 2 * DEFAULT_CHUNK_BYTES}-${size - 1}`,
		]);
		expect(counters).toEqual({
			requests: 4,
			refetches: 0,
			bytesRefetched: 0,
			bytesReceivedTwice: 0,
			restartsFromZero: 0,
			bytesDelivered: size,
		});
	});

	it('a file smaller than the probe takes one request', async () => {
		const { received, counters } = await download({ size: 1000 });
		expect(received).toEqual({ sha256: fileSha256(1000), size: 1000 });
		expect(counters.requests).toBe(1);
	});

	it('an empty file (416, bytes */0) is an empty stream', async () => {
		const { opened, received } = await download({ size: 0 });
		expect(opened.total).toBe(0);
		expect(received).toEqual({ sha256: fileSha256(0), size: 0 });
	});

	it('the chunk size is configurable', async () => {
		const { received, counters } = await download(
			{ size: 1 * MiB },
			{ probeBytes: 1000, chunkBytes: 256 * KiB },
		);
		expect(received.size).toBe(1 * MiB);
		expect(counters.requests).toBe(1 + Math.ceil((1 * MiB - 1000) / (256 * KiB)));
	});

	it('asks for the next chunk only when the consumer has taken the previous one', async () => {
		server = await new RangeServer({ size: 20 * MiB }).start();
		const opened = await openRangedDownload(server.fetchRange);
		const iterator = (opened.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
		let taken = 0;
		while (taken < 100 * KiB) taken += ((await iterator.next()).value as Buffer).length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		// The probe and the chunk being read: nothing read ahead, however long the consumer waits.
		expect(server.log).toHaveLength(2);
		await iterator.return?.();
	});
});

describe('the one stream n8n stores', () => {
	it('is a Node Readable: piped into a writer, with a peek put back first (as file/store.ts does)', async () => {
		const size = 5 * MiB + 3;
		server = await new RangeServer({ size }).start();
		const opened = await openRangedDownload(server.fetchRange);
		expect(opened.stream).toBeInstanceOf(Readable);
		const head = await new Promise<Buffer>((resolve) =>
			opened.stream.once('readable', () => resolve(opened.stream.read() as Buffer)),
		);
		opened.stream.unshift(head);
		const hash = createHash('sha256');
		let written = 0;
		await pipeline(
			opened.stream,
			new Writable({
				write(chunk: Buffer, _encoding, done) {
					hash.update(chunk);
					written += chunk.length;
					done();
				},
			}),
		);
		expect({ sha256: hash.digest('hex'), size: written }).toEqual({
			sha256: fileSha256(size),
			size,
		});
	});

	it('is handed to the store as a whole-file answer: 200, Content-Length the total', async () => {
		server = await new RangeServer({ size: 5 * MiB }).start();
		const opened = await openRangedDownload(server.fetchRange);
		const answer = asWholeFileAnswer(opened);
		expect(answer).toMatchObject({ statusCode: 200, contentLength: 5 * MiB, body: opened.stream });
		expect(answer.headers).toMatchObject({
			'content-type': 'application/octet-stream',
			'content-disposition': 'attachment; filename="big.bin"',
			'content-length': String(5 * MiB),
		});
		expect(answer.headers['content-range']).toBeUndefined();
		opened.stream.destroy();
	});

	it('any async iterable body works, given how to make the Readable', async () => {
		const size = 300_000;
		const fetchRange: FetchRange = async (start, end) => ({
			status: 206,
			headers: { 'content-range': `bytes ${start}-${Math.min(end, size - 1)}/${size}` },
			body: (async function* () {
				for (let at = start; at <= Math.min(end, size - 1); at += 10_000) {
					yield slice(at, Math.min(at + 10_000, end + 1, size));
				}
			})(),
		});
		const opened = await openRangedDownload(fetchRange, {
			chunkBytes: 100_000,
			readableFrom: (source) => Readable.from(source, { objectMode: false }),
		});
		expect(await readAll(opened.stream as AsyncIterable<Buffer>)).toEqual({
			sha256: fileSha256(size),
			size,
		});
		expect(opened.counters.requests).toBe(1 + Math.ceil((size - DEFAULT_PROBE_BYTES) / 100_000));
		await expect(
			openRangedDownload(async () => ({
				status: 206,
				headers: { 'content-range': 'bytes 0-9/10' },
				body: (async function* () {})(),
			})),
		).rejects.toThrow(/not a Node stream: pass `readableFrom`/);
	});

	it("destroyed before it is read, the probe's connection is released", async () => {
		server = await new RangeServer({ size: 5 * MiB }).start();
		let probeBody: http.IncomingMessage | undefined;
		const opened = await openRangedDownload(async (start, end) => {
			const answer = await server.fetchRange(start, end);
			probeBody ??= answer.body as http.IncomingMessage;
			return answer;
		});
		opened.stream.destroy();
		await new Promise((resolve) => setImmediate(resolve));
		expect(probeBody?.destroyed).toBe(true);
		expect(server.log).toHaveLength(1);
	});
});

describe('a chunk cut off is asked again from its first missing byte', () => {
	it('a re-fetch asks only for the rest of the same chunk', async () => {
		const cut = DEFAULT_PROBE_BYTES + 1000;
		await download({ size: 10 * MiB, cutAt: [cut] });
		const chunkEnd = DEFAULT_PROBE_BYTES + DEFAULT_CHUNK_BYTES - 1;
		expect(server.log[2].range).toBe(`bytes=${cut}-${chunkEnd}`);
		expect(server.log[3].range).toBe(`bytes=${chunkEnd + 1}-${chunkEnd + DEFAULT_CHUNK_BYTES}`);
	});

	it('a cut inside the probe is resumed too', async () => {
		const { received, counters } = await download({ size: 1 * MiB, cutAt: [30_000] });
		expect(received).toEqual({ sha256: fileSha256(1 * MiB), size: 1 * MiB });
		expect(starts()[1]).toBe(30_000);
		expect(counters.restartsFromZero).toBe(0);
	});

	it('an answer shorter than its Content-Range, ending cleanly, is a cut as well', async () => {
		const { received, counters } = await download({ size: 10 * MiB, shortCleanTimes: 1 });
		expect(received).toEqual({ sha256: fileSha256(10 * MiB), size: 10 * MiB });
		expect(counters.refetches).toBe(1);
	});

	it('a failed chunk request (5xx) is asked again, within the bound', async () => {
		const { received, counters } = await download({
			size: 5 * MiB,
			failStatus: 503,
			failTimes: 2,
		});
		expect(received.size).toBe(5 * MiB);
		expect(counters.refetches).toBe(2);
	});

	it('a chunk that keeps breaking off fails the stream after the bounded re-fetches, naming where', async () => {
		const at = 5 * MiB;
		const cutAt = [at, at + 10, at + 20, at + 30];
		const waits: number[] = [];
		const { received, counters } = await download(
			{ size: 10 * MiB, cutAt },
			{ maxRefetchesPerChunk: 3, beforeRefetch: async (attempt) => void waits.push(attempt) },
		);
		expect(received.error).toBeInstanceOf(RangedDownloadError);
		expect(received.error).toMatchObject({ reason: 'cutOff', offset: at + 30, total: 10 * MiB });
		expect(received.error?.message).toMatch(
			/failed at byte 5242910 of 10485760: .*3 re-fetches from the first missing byte/,
		);
		expect(received.size).toBe(at + 30);
		expect(counters.refetches).toBe(3);
		expect(waits).toEqual([1, 2, 3]);
	});

	it('a request that throws a refusal is not repeated when the caller says so', async () => {
		server = await new RangeServer({ size: 5 * MiB }).start();
		let calls = 0;
		const refusal = new Error('403 from the transport');
		const opened = await openRangedDownload(
			async (start, end) => {
				if (++calls === 2) throw refusal;
				return await server.fetchRange(start, end);
			},
			{ isRefetchable: (error) => error !== refusal },
		);
		const received = await readAll(opened.stream as AsyncIterable<Buffer>);
		expect(received.error).toBe(refusal);
		expect(opened.counters.refetches).toBe(0);
	});

	it('a 4xx to a chunk fails at once: asking again would not change it', async () => {
		const { received, counters } = await download({ size: 5 * MiB, failStatus: 403, failTimes: 1 });
		expect(received.error).toMatchObject({ reason: 'status', status: 403 });
		expect(counters.refetches).toBe(0);
	});
});

describe('Content-Range is checked on every chunk', () => {
	it('a wrong start once: asked again, the file still byte-exact', async () => {
		const { received, counters } = await download({ size: 10 * MiB, wrongStartTimes: 1 });
		expect(received).toEqual({ sha256: fileSha256(10 * MiB), size: 10 * MiB });
		expect(counters.refetches).toBe(1);
	});

	it('a wrong start every time fails the stream, and no misplaced byte is passed on', async () => {
		const { received } = await download({ size: 10 * MiB, wrongStartTimes: 100 });
		expect(received.error).toMatchObject({ reason: 'contentRange', offset: DEFAULT_PROBE_BYTES });
		expect(received.error?.message).toMatch(
			/answered bytes 65537-4259839 to a request for bytes 65536-4259839/,
		);
		expect(received.size).toBe(DEFAULT_PROBE_BYTES);
	});

	it('a total that changes mid-download fails: the file is not the one begun', async () => {
		const { received, counters } = await download({ size: 10 * MiB, totalGrowsAtRequest: 3 });
		expect(received.error).toMatchObject({ reason: 'sizeChanged' });
		expect(received.error?.message).toMatch(/size changed from 10485760 to 10485761 bytes/);
		expect(counters.refetches).toBe(0);
	});

	it('a 206 probe without a total (bytes a-b/*) is refused before anything streams', async () => {
		server = await new RangeServer({ size: 1 * MiB, unknownTotal: true }).start();
		await expect(openRangedDownload(server.fetchRange)).rejects.toMatchObject({
			reason: 'contentRange',
		});
	});

	it('parses Content-Range forms', () => {
		expect(parseContentRange('bytes 0-131071/142735026')).toEqual({
			start: 0,
			end: 131071,
			total: 142735026,
		});
		expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9 });
		expect(parseContentRange('bytes */0')).toEqual({ unsatisfied: true, total: 0 });
		expect(parseContentRange('bytes 9-5/10')).toBeUndefined();
		expect(parseContentRange('bytes 0-10/10')).toBeUndefined();
		expect(parseContentRange('items 0-1/2')).toBeUndefined();
		expect(parseContentRange(undefined)).toBeUndefined();
	});
});

describe('a server that ignores Range (200 to the probe)', () => {
	it('without Content-Length, the body is the file', async () => {
		const size = 3 * MiB;
		const { opened, received } = await download({ size, ignoreRange: true, noContentLength: true });
		expect(opened.total).toBeUndefined();
		expect(received).toEqual({ sha256: fileSha256(size), size });
	});
});

describe('234037 on a plain request switches to ranges', () => {
	it('recognises the code in the package errors and their causes', () => {
		expect(isWholeFileCapError({ failure: { code: 234037, kind: 'fatal' } })).toBe(true);
		expect(isWholeFileCapError({ errorResponse: { code: 234037 } })).toBe(true);
		expect(isWholeFileCapError(Object.assign(new Error('x'), { cause: { code: 234037 } }))).toBe(
			true,
		);
		expect(isWholeFileCapError({ failure: { code: 234038 } })).toBe(false);
		expect(isWholeFileCapError(new Error('234037'))).toBe(false);
		expect(isWholeFileCapError(undefined)).toBe(false);
	});
});
