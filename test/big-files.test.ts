/**
 * Big files (issue 17): message files, Drive files and drive media are read in HTTP ranges —
 * a first request, then chunks, the total from Content-Range — and stored as ONE binary. A
 * chunk cut off is asked for again from its first missing byte; 234037 on a plain request
 * switches to ranges; a server that ignores Range is read as one stream. Through n8n's engine
 * against the emulator, which counts every byte it sends (emu.sources.ranges.stats).
 */
import { CHUNK_BYTES } from '../nodes/FeishuImages/transport/download';
import { locator, startHarness, type Harness } from './support/feishu';

const MiB = 1024 * 1024;

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

const chatFile = (messageId: string, fileKey: string, resourceType = 'file') => ({
	resource: 'message',
	operation: 'downloadResource',
	messageId: locator(messageId),
	fileKey: locator(fileKey),
	resourceType,
});

/** Peak RSS growth over a run, sampled every 10 ms (the run streams; the sampler keeps up). */
async function measured<T>(run: () => Promise<T>): Promise<{ result: T; growth: number }> {
	global.gc?.();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 10);
	try {
		const result = await run();
		peak = Math.max(peak, process.memoryUsage().rss);
		return { result, growth: peak - before };
	} finally {
		clearInterval(sampler);
	}
}

describe('a chat file over the whole-file cap', () => {
	it('20 MiB cap, 5 cuts mid-chunk: byte-exact, 0 restarts from byte 0, at most 5 chunks re-fetched', async () => {
		const ranges = h.emulator.sources.ranges;
		ranges.messageResourceCap = 20 * MiB;
		const size = 45 * MiB + 123;
		const file = h.emulator.addMessageResource('om_big', 'file_big', {
			type: 'file',
			size,
			contentType: 'application/zip',
			fileName: 'archive.zip',
		});
		// Cut the 2nd, 4th, 6th, 8th and 10th ranged answers somewhere inside their body.
		for (const [skip, afterBytes] of [
			[1, 1_000_003],
			[1, 17],
			[1, 3 * MiB],
			[1, 4321],
			[1, 2 * MiB + 1],
		] as const) {
			ranges.cutRanges({ endpoint: 'messageResource', id: 'file_big', skip, afterBytes });
		}
		const result = await h.run(chatFile('om_big', 'file_big') as never);
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json).toMatchObject({
			fileSize: size,
			sha256: file.sha256(),
			fileName: 'archive.zip',
		});
		expect((await result.binaryBuffer(item)).length).toBe(size);
		const stats = ranges.stats('file_big');
		expect(stats.restartsFromZero).toBe(0);
		expect(stats.refetchedBytes).toBeLessThanOrEqual(5 * CHUNK_BYTES);
		// Each cut answer is followed by a request from its first missing byte.
		const log = ranges.transfers.filter((t) => t.id === 'file_big');
		const cuts = log.flatMap((t, at) => (t.cut ? [[t, log[at + 1]] as const] : []));
		expect(cuts).toHaveLength(5);
		for (const [cut, next] of cuts) expect(next.start).toBe(cut.start + cut.bytesSent);
		// Every request carried a Range; none asked for the whole file.
		expect(stats.ranges.every((r) => r?.startsWith('bytes='))).toBe(true);
		expect(ranges.pendingCuts).toBe(0);
		process.stdout.write(
			`ranged chat file ${size} bytes, 5 cuts: ${stats.requests} requests, ${stats.refetchedBytes} bytes re-fetched (${(stats.refetchedBytes / CHUNK_BYTES).toFixed(2)} chunks), ${stats.restartsFromZero} restarts from 0\n`,
		);
	});

	it('300 MiB with a 20 MiB cap and 5 cuts, in filesystem mode: memory stays flat, as when the file streams whole', async () => {
		const ranges = h.emulator.sources.ranges;
		const size = 300 * MiB;
		const file = h.emulator.addMessageResource('om_huge', 'file_huge', { type: 'file', size });
		h.emulator.addMessageResource('om_warm', 'file_warm', { type: 'file', size: 16 * MiB });
		// Warm up both paths (JIT, buffer pools, sockets), so neither measured run pays for it.
		ranges.ignoreRange('messageResource');
		await h.run(chatFile('om_warm', 'file_warm') as never, { binaryMode: 'filesystem' });
		ranges.ignoreRange('messageResource', false);
		await h.run(chatFile('om_warm', 'file_warm') as never, { binaryMode: 'filesystem' });

		// Whole: the cap off and Range ignored, the file is one 200 stream.
		ranges.messageResourceCap = Infinity;
		ranges.ignoreRange('messageResource');
		const whole = await measured(() =>
			h.run(chatFile('om_huge', 'file_huge') as never, { binaryMode: 'filesystem' }),
		);
		expect(whole.result.error).toBeUndefined();
		expect(whole.result.items[0].json.sha256).toBe(file.sha256());
		ranges.ignoreRange('messageResource', false);
		h.emulator.resetCounters();

		ranges.messageResourceCap = 20 * MiB;
		for (let n = 0; n < 5; n++) {
			ranges.cutRanges({
				endpoint: 'messageResource',
				id: 'file_huge',
				skip: 10,
				afterBytes: MiB + n,
			});
		}
		const ranged = await measured(() =>
			h.run(chatFile('om_huge', 'file_huge') as never, { binaryMode: 'filesystem' }),
		);
		expect(ranged.result.error).toBeUndefined();
		expect(ranged.result.items[0].json).toMatchObject({ fileSize: size, sha256: file.sha256() });
		const stats = ranges.stats('file_huge');
		expect(ranges.transfers.filter((t) => t.id === 'file_huge' && t.cut)).toHaveLength(5);
		expect(stats.restartsFromZero).toBe(0);
		expect(stats.refetchedBytes).toBeLessThanOrEqual(5 * CHUNK_BYTES);
		process.stdout.write(
			`300 MiB chat file: peak RSS growth ranged (cap 20 MiB, 5 cuts) ${(ranged.growth / MiB).toFixed(1)} MiB, streamed whole ${(whole.growth / MiB).toFixed(1)} MiB; ${stats.requests} requests, ${(stats.refetchedBytes / MiB).toFixed(2)} MiB re-fetched, ${stats.restartsFromZero} restarts from 0\n`,
		);
		// Held whole, the file alone would be 300 MiB.
		expect(ranged.growth).toBeLessThan(100 * MiB);
	}, 240_000);

	it('an image over the cap: the plain request answers 234037, and the same image comes in ranges', async () => {
		const ranges = h.emulator.sources.ranges;
		ranges.messageResourceCap = 1 * MiB;
		const size = 3 * MiB;
		const file = h.emulator.addMessageResource('om_img', 'img_big', {
			type: 'image',
			size,
			contentType: 'image/png',
		});
		const result = await h.run(chatFile('om_img', 'img_big', 'image') as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fileSize: size, sha256: file.sha256() });
		const stats = ranges.stats('img_big');
		expect(stats.ranges[0]).toBeUndefined();
		expect(stats.ranges.slice(1).every((r) => r?.startsWith('bytes=0-'))).toBe(true);
	});

	it('a file the cap refuses even in ranges fails with 234037 and what it means', async () => {
		const ranges = h.emulator.sources.ranges;
		ranges.messageResourceCap = 1 * MiB;
		ranges.maxRangeBytes = 1 * MiB;
		h.emulator.addMessageResource('om_no', 'file_no', { type: 'file', size: 6 * MiB });
		const result = await h.run(chatFile('om_no', 'file_no') as never);
		const error = result.error as unknown as { message: string; description: string };
		expect(error.message).toContain('Feishu error 234037');
		expect(error.description).toMatch(/in ranges/);
		expect(error.description).not.toMatch(/100 MB/);
	});
});

describe('a file that cannot be completed', () => {
	it('a chunk that keeps breaking off fails the item clearly, saying where it stopped', async () => {
		const ranges = h.emulator.sources.ranges;
		const size = 2 * CHUNK_BYTES;
		h.emulator.addMessageResource('om_cut', 'file_cut', { type: 'file', size });
		ranges.cutRanges({ id: 'file_cut', skip: 1, afterBytes: 1000, times: Infinity });
		const result = await h.run(chatFile('om_cut', 'file_cut') as never, { continueOnFail: true });
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		expect(String(item.json.error)).toMatch(
			new RegExp(
				`^The ranged download failed at byte \\d+ of ${size}: .*re-fetches from the first missing byte`,
			),
		);
		expect(String(item.json.description)).toMatch(/in ranges \(HTTP Range\)/);
		// Every re-fetch asked from where the last answer stopped, never from byte 0 again.
		expect(ranges.stats('file_cut').restartsFromZero).toBe(0);
		ranges.clearCuts();
	});
});

describe('a server that ignores Range', () => {
	it('answers 200 to the first request: the file is read as one stream, in one request', async () => {
		const ranges = h.emulator.sources.ranges;
		ranges.ignoreRange('messageResource');
		const size = 9 * MiB + 5;
		const file = h.emulator.addMessageResource('om_ign', 'file_ign', { type: 'file', size });
		const result = await h.run(chatFile('om_ign', 'file_ign') as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fileSize: size, sha256: file.sha256() });
		const stats = ranges.stats('file_ign');
		expect(stats.requests).toBe(1);
		expect(stats.ranges[0]).toBe(`bytes=0-${CHUNK_BYTES - 1}`);
	});

	it('cut off, it is read again and the bytes already delivered are skipped', async () => {
		const ranges = h.emulator.sources.ranges;
		ranges.ignoreRange('driveMedia');
		const size = 6 * MiB;
		const file = h.emulator.addDriveMedia('boxIgnCut', { size });
		ranges.cutRanges({ endpoint: 'driveMedia', plainToo: true, afterBytes: 2 * MiB + 5 });
		const result = await h.run({
			resource: 'driveMedia',
			operation: 'download',
			mediaToken: locator('boxIgnCut'),
		} as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fileSize: size, sha256: file.sha256() });
		// Asked again from the first missing byte, a chunk's worth; the server sent it all again.
		const stats = ranges.stats('boxIgnCut');
		expect(stats.served).toBe(2);
		expect(stats.ranges[1]).toBe(
			`bytes=${2 * MiB + 5}-${Math.min(2 * MiB + 5 + CHUNK_BYTES, size) - 1}`,
		);
		expect(stats.restartsFromZero).toBe(1);
	});
});

describe('drive media and Drive files come in ranges too', () => {
	it('drive media: chunk after chunk, each one paced request', async () => {
		const size = 2 * CHUNK_BYTES + 10;
		const file = h.emulator.addDriveMedia('boxRanged', { size });
		const result = await h.run({
			resource: 'driveMedia',
			operation: 'download',
			mediaToken: locator('boxRanged'),
		} as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fileSize: size, sha256: file.sha256() });
		expect(h.emulator.sources.ranges.stats('boxRanged').ranges).toEqual([
			`bytes=0-${CHUNK_BYTES - 1}`,
			`bytes=${CHUNK_BYTES}-${2 * CHUNK_BYTES - 1}`,
			`bytes=${2 * CHUNK_BYTES}-${2 * CHUNK_BYTES + 9}`,
		]);
		const sent = h.emulator.requestLog.filter((r) => r.endpoint === 'driveMedia');
		expect(sent.every((r) => r.headers['accept-encoding'] === 'identity')).toBe(true);
	});

	it('12 chunks of drive media: every chunk one paced request, none over the 5/s limit the emulator enforces', async () => {
		h.emulator.enforceRateLimit('driveMedia');
		const file = h.emulator.addDriveMedia('boxPaced', { size: 12 * CHUNK_BYTES });
		const result = await h.run({
			resource: 'driveMedia',
			operation: 'download',
			mediaToken: locator('boxPaced'),
		} as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.sha256).toBe(file.sha256());
		expect(h.emulator.counters.rateLimited.driveMedia).toBe(0);
		expect(h.emulator.sources.ranges.stats('boxPaced').requests).toBe(12);
	});
});
