/**
 * What the emulator's ranged download endpoints answer (issue 17), checked with plain fetch
 * and no node code: Range on message resources, Drive files and Drive media; the 234037
 * whole-file cap; a server that ignores Range; answers cut mid-chunk; the bytes each answer
 * carried. Generated files are checked against images.ts patternBytes, an independent reader.
 */
import { createHash } from 'node:crypto';

import { MESSAGE_RESOURCE_CAP, patternBytes, sha256OfPattern } from '..';
import { useEmulator } from './support';
import type { Ctx, Json } from './support';

const MiB = 1024 * 1024;

const RES = (message: string, key: string, type = 'file') =>
	`/open-apis/im/v1/messages/${message}/resources/${key}?type=${type}`;
const FILE = (token: string) => `/open-apis/drive/v1/files/${token}/download`;
const MEDIA = (token: string) => `/open-apis/drive/v1/medias/${token}/download`;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The bytes of patternBytes(size, seed) in [start, end], read from the start (the slow, plain way). */
function expectedPart(size: number, seed: number, start: number, end: number): Buffer {
	const parts: Buffer[] = [];
	let offset = 0;
	for (const chunk of patternBytes(size, seed)) {
		const from = Math.max(start, offset);
		const to = Math.min(end + 1, offset + chunk.length);
		if (from < to) parts.push(chunk.subarray(from - offset, to - offset));
		offset += chunk.length;
		if (offset > end) break;
	}
	return Buffer.concat(parts);
}

/** Reads a body until it ends or is cut; the bytes that arrived and whether it was cut. */
async function readAll(res: Response): Promise<{ bytes: Buffer; cut: boolean }> {
	const parts: Buffer[] = [];
	try {
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
			parts.push(Buffer.from(chunk));
		return { bytes: Buffer.concat(parts), cut: false };
	} catch {
		return { bytes: Buffer.concat(parts), cut: true };
	}
}

/**
 * A client as Lark's CLI downloads (facts §1.2): a 128 KiB probe, then chunks, each resumed
 * from its first missing byte when cut. Returns the joined bytes' sha256 and size.
 */
async function rangedDownload(ctx: Ctx, path: string, chunk: number) {
	const hash = createHash('sha256');
	let have = 0;
	let total = Infinity;
	let end = 128 * 1024 - 1;
	while (have < total) {
		const res = await ctx.get(path, { Range: `bytes=${have}-${end}` });
		expect(res.status).toBe(206);
		const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
		expect(m && Number(m[1])).toBe(have);
		total = Number(m?.[3]);
		const { bytes } = await readAll(res);
		hash.update(bytes);
		have += bytes.length;
		end = Math.min(have + chunk - 1, total - 1);
	}
	return { sha256: hash.digest('hex'), size: have };
}

describe('message resources in ranges', () => {
	const ctx = useEmulator();

	it('a probe is 206 with Content-Range bytes 0-131071/total; chunks join to the file', async () => {
		const file = ctx.emu.addMessageResource('om_r1', 'file_v3_r1', {
			size: 20 * MiB + 77,
			seed: 3,
			type: 'file',
		});
		const probe = await ctx.get(RES('om_r1', 'file_v3_r1'), { Range: 'bytes=0-131071' });
		expect(probe.status).toBe(206);
		expect(probe.headers.get('content-range')).toBe(`bytes 0-131071/${file.size}`);
		expect(probe.headers.get('content-length')).toBe('131072');
		expect(await readAll(probe)).toEqual({
			bytes: expectedPart(file.size, 3, 0, 131071),
			cut: false,
		});
		const got = await rangedDownload(ctx, RES('om_r1', 'file_v3_r1'), 8 * MiB);
		expect(got).toEqual({ sha256: file.sha256(), size: file.size });
	});

	it('serves any part of a 300 MiB generated file without producing the bytes before it', async () => {
		const size = 300 * MiB;
		ctx.emu.addMessageResource('om_r2', 'file_v3_huge', { size, seed: 11, type: 'file' });
		const start = size - 3 * MiB - 5;
		const res = await ctx.get(RES('om_r2', 'file_v3_huge'), { Range: `bytes=${start}-` });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes ${start}-${size - 1}/${size}`);
		const { bytes } = await readAll(res);
		expect(sha256(bytes)).toBe(sha256(expectedPart(size, 11, start, size - 1)));
	});

	it('open-ended and suffix ranges are 206; an unsatisfiable one is 416 bytes */size', async () => {
		const file = ctx.emu.addMessageResource('om_r3', 'file_v3_small', {
			size: 1000,
			seed: 4,
			type: 'file',
		});
		const open = await ctx.get(RES('om_r3', 'file_v3_small'), { Range: 'bytes=900-' });
		expect([open.status, open.headers.get('content-range')]).toEqual([206, 'bytes 900-999/1000']);
		expect((await readAll(open)).bytes).toEqual(expectedPart(file.size, 4, 900, 999));
		const suffix = await ctx.get(RES('om_r3', 'file_v3_small'), { Range: 'bytes=-10' });
		expect([suffix.status, suffix.headers.get('content-range')]).toEqual([
			206,
			'bytes 990-999/1000',
		]);
		await suffix.arrayBuffer();
		for (const range of ['bytes=1000-', 'bytes=5-2', 'bytes=0-1,4-5']) {
			const res = await ctx.get(RES('om_r3', 'file_v3_small'), { Range: range });
			expect([res.status, res.headers.get('content-range')]).toEqual([416, 'bytes */1000']);
			await res.arrayBuffer();
		}
	});

	it('the whole-file cap: a plain request above it is 234037, ranges of the same file pass', async () => {
		expect(ctx.emu.sources.ranges.messageResourceCap).toBe(MESSAGE_RESOURCE_CAP);
		expect(MESSAGE_RESOURCE_CAP).toBe(100 * MiB);
		ctx.emu.addMessageResource('om_r4', 'file_v3_over100', { size: 100 * MiB + 1, type: 'file' });
		const over = await ctx.get(RES('om_r4', 'file_v3_over100'));
		expect([over.status, ((await over.json()) as Json).code]).toEqual([400, 234037]);

		ctx.emu.sources.ranges.messageResourceCap = 1 * MiB;
		const file = ctx.emu.addMessageResource('om_r4', 'file_v3_capped', {
			size: 3 * MiB,
			seed: 6,
			type: 'file',
		});
		const plain = await ctx.get(RES('om_r4', 'file_v3_capped'));
		const body = (await plain.json()) as Json;
		expect([plain.status, body.code, body.msg]).toEqual([
			400,
			234037,
			'Downloaded file size exceeds limit.',
		]);
		expect(await rangedDownload(ctx, RES('om_r4', 'file_v3_capped'), 512 * 1024)).toEqual({
			sha256: file.sha256(),
			size: file.size,
		});
		ctx.emu.addMessageResource('om_r4', 'img_v3_under', { size: MiB, type: 'image' });
		expect((await ctx.get(RES('om_r4', 'img_v3_under', 'image'))).status).toBe(200);
		ctx.emu.sources.ranges.messageResourceCap = MESSAGE_RESOURCE_CAP;
	});

	it('maxRangeBytes, when set, refuses longer ranges with 234037 too', async () => {
		ctx.emu.addMessageResource('om_r5', 'file_v3_r5', { size: 4 * MiB, type: 'file' });
		ctx.emu.sources.ranges.maxRangeBytes = MiB;
		const long = await ctx.get(RES('om_r5', 'file_v3_r5'), { Range: `bytes=0-${2 * MiB - 1}` });
		expect(((await long.json()) as Json).code).toBe(234037);
		const fits = await ctx.get(RES('om_r5', 'file_v3_r5'), { Range: `bytes=0-${MiB - 1}` });
		expect(fits.status).toBe(206);
		await fits.arrayBuffer();
		ctx.emu.sources.ranges.maxRangeBytes = Infinity;
	});

	it('ignore-Range mode answers 200 with the whole file, and 234037 when that is over the cap', async () => {
		const file = ctx.emu.addMessageResource('om_r6', 'file_v3_r6', {
			size: 300_000,
			seed: 8,
			type: 'file',
		});
		ctx.emu.sources.ranges.ignoreRange('messageResource');
		const res = await ctx.get(RES('om_r6', 'file_v3_r6'), { Range: 'bytes=0-131071' });
		expect([
			res.status,
			res.headers.get('content-range'),
			res.headers.get('content-length'),
		]).toEqual([200, null, '300000']);
		expect(sha256((await readAll(res)).bytes)).toBe(file.sha256());
		ctx.emu.sources.ranges.messageResourceCap = 100_000;
		const capped = await ctx.get(RES('om_r6', 'file_v3_r6'), { Range: 'bytes=0-131071' });
		expect(((await capped.json()) as Json).code).toBe(234037);
		ctx.emu.sources.ranges.messageResourceCap = MESSAGE_RESOURCE_CAP;
		ctx.emu.sources.ranges.ignoreRange('messageResource', false);
		expect((await ctx.get(RES('om_r6', 'file_v3_r6'), { Range: 'bytes=0-9' })).status).toBe(206);
	});
});

describe('cuts and counters', () => {
	const ctx = useEmulator();

	it('a cut closes the connection after N bytes of a ranged answer; the log counts them', async () => {
		const file = ctx.emu.addMessageResource('om_c1', 'file_v3_c1', {
			size: 200_000,
			seed: 12,
			type: 'file',
		});
		ctx.emu.resetCounters();
		ctx.emu.sources.ranges.cutRanges({ id: 'file_v3_c1', afterBytes: 1000 });
		const cut = await readAll(
			await ctx.get(RES('om_c1', 'file_v3_c1'), { Range: 'bytes=0-99999' }),
		);
		expect([cut.cut, cut.bytes.length]).toEqual([true, 1000]);
		const rest = await ctx.get(RES('om_c1', 'file_v3_c1'), { Range: 'bytes=1000-' });
		const tail = await readAll(rest);
		expect(sha256(Buffer.concat([cut.bytes, tail.bytes]))).toBe(file.sha256());
		const [first, second] = ctx.emu.sources.ranges.transfers;
		expect(first).toMatchObject({
			range: 'bytes=0-99999',
			status: 206,
			start: 0,
			length: 100_000,
			bytesSent: 1000,
			cut: true,
		});
		expect(second).toMatchObject({
			range: 'bytes=1000-',
			status: 206,
			start: 1000,
			bytesSent: 199_000,
			cut: false,
		});
		expect(ctx.emu.sources.ranges.stats('file_v3_c1')).toEqual({
			requests: 2,
			served: 2,
			bytesSent: 200_000,
			restartsFromZero: 0,
			refetchedBytes: 0,
			ranges: ['bytes=0-99999', 'bytes=1000-'],
		});
	});

	it("an RST cut ('reset'), skip and times: only the chosen answers are cut", async () => {
		ctx.emu.addDriveMedia('boxcnCut', { size: 50_000, seed: 2 });
		ctx.emu.sources.ranges.cutRanges({ endpoint: 'driveMedia', how: 'reset', skip: 1, times: 2 });
		const results = [];
		for (let i = 0; i < 4; i++)
			results.push(
				(await readAll(await ctx.get(MEDIA('boxcnCut'), { Range: 'bytes=0-19999' }))).cut,
			);
		expect(results).toEqual([false, true, true, false]);
		expect(ctx.emu.sources.ranges.pendingCuts).toBe(0);
		// A plain answer is not cut unless plainToo.
		ctx.emu.sources.ranges.cutRanges({ id: 'boxcnCut' });
		expect((await readAll(await ctx.get(MEDIA('boxcnCut')))).cut).toBe(false);
		ctx.emu.sources.ranges.clearCuts();
	});

	it('five cuts mid-chunk: a resuming client restarts nothing and re-fetches no byte', async () => {
		const file = ctx.emu.addMessageResource('om_c2', 'file_v3_c2', {
			size: 24 * MiB + 3,
			seed: 21,
			type: 'file',
		});
		ctx.emu.sources.ranges.cutRanges({ id: 'file_v3_c2', skip: 1, times: 5 });
		const got = await rangedDownload(ctx, RES('om_c2', 'file_v3_c2'), 4 * MiB);
		expect(got).toEqual({ sha256: file.sha256(), size: file.size });
		const stats = ctx.emu.sources.ranges.stats('file_v3_c2');
		expect(stats.restartsFromZero).toBe(0);
		expect(stats.refetchedBytes).toBe(0);
		expect(
			ctx.emu.sources.ranges.transfers.filter((t) => t.id === 'file_v3_c2' && t.cut),
		).toHaveLength(5);
	});

	it('a client that restarts from byte 0 after a cut shows in the counters', async () => {
		const file = ctx.emu.addMessageResource('om_c3', 'file_v3_c3', {
			size: 100_000,
			seed: 5,
			type: 'file',
		});
		ctx.emu.sources.ranges.cutRanges({ id: 'file_v3_c3' });
		await readAll(await ctx.get(RES('om_c3', 'file_v3_c3'), { Range: 'bytes=0-99999' }));
		await readAll(await ctx.get(RES('om_c3', 'file_v3_c3'), { Range: 'bytes=0-99999' }));
		const stats = ctx.emu.sources.ranges.stats('file_v3_c3');
		expect([stats.restartsFromZero, stats.refetchedBytes]).toEqual([1, 50_000]);
		expect(file.size).toBe(100_000);
	});

	it('the body faults of injectFault still apply to these routes, and are counted as cuts', async () => {
		ctx.emu.addMessageResource('om_c4', 'file_v3_c4', { size: 10_000, seed: 1, type: 'file' });
		ctx.emu.injectFault({ kind: 'shortBody' }, { endpoint: 'messageResource' });
		const cut = await readAll(await ctx.get(RES('om_c4', 'file_v3_c4'), { Range: 'bytes=0-9999' }));
		expect([cut.cut, cut.bytes.length]).toEqual([true, 5000]);
		ctx.emu.injectFault({ kind: 'slowBody', delayMs: 20 }, { endpoint: 'messageResource' });
		const slow = await readAll(await ctx.get(RES('om_c4', 'file_v3_c4')));
		expect([slow.cut, slow.bytes.length]).toEqual([false, 10_000]);
		expect(slow.bytes).toEqual(expectedPart(10_000, 1, 0, 9999));
		const log = ctx.emu.sources.ranges.transfers.filter((t) => t.id === 'file_v3_c4');
		expect(log.map((t) => [t.cut, t.bytesSent])).toEqual([
			[true, 5000],
			[false, 10_000],
		]);
	});
});

describe('Drive file download', () => {
	const ctx = useEmulator();

	it('200 whole with its name, 206 for bytes=start-end, 416 when unsatisfiable', async () => {
		const file = ctx.emu.sources.addDriveFile('boxcnReport', {
			size: 5 * MiB,
			seed: 31,
			contentType: 'application/pdf',
			fileName: 'report.pdf',
		});
		const whole = await ctx.get(FILE('boxcnReport'));
		expect([
			whole.status,
			whole.headers.get('content-type'),
			whole.headers.get('content-disposition'),
		]).toEqual([200, 'application/pdf', 'attachment; filename="report.pdf"']);
		expect(sha256((await readAll(whole)).bytes)).toBe(file.sha256());
		const part = await ctx.get(FILE('boxcnReport'), { Range: 'bytes=0-1024' });
		expect([
			part.status,
			part.headers.get('content-range'),
			part.headers.get('content-length'),
		]).toEqual([206, `bytes 0-1024/${5 * MiB}`, '1025']);
		expect((await readAll(part)).bytes).toEqual(expectedPart(file.size, 31, 0, 1024));
		const bad = await ctx.get(FILE('boxcnReport'), { Range: `bytes=${5 * MiB}-` });
		expect(bad.status).toBe(416);
		await bad.arrayBuffer();
		expect(await rangedDownload(ctx, FILE('boxcnReport'), MiB)).toEqual({
			sha256: file.sha256(),
			size: file.size,
		});
	});

	it('403 without permission, 404 missing or deleted, both without a code', async () => {
		ctx.emu.sources.addDriveFile('boxcnLocked', { forbidden: true });
		ctx.emu.sources.addDriveFile('boxcnGone', { deleted: true });
		for (const [token, status] of [
			['boxcnLocked', 403],
			['boxcnGone', 404],
			['boxcnNever', 404],
		] as const) {
			const res = await ctx.get(FILE(token));
			expect(res.status).toBe(status);
			expect(((await res.json()) as Json).code).toBeUndefined();
		}
	});

	it('past 5 QPS it answers 1061045 at HTTP 200; an injected 1061045 comes at 200 too', async () => {
		const bytes = ctx.emu.sources.addDriveFile('boxcnPaced', { bytes: Buffer.from('paced') });
		ctx.emu.sources.throttle('driveFile');
		const answers = [];
		for (let i = 0; i < 6; i++) {
			const res = await ctx.get(FILE('boxcnPaced'));
			const text = Buffer.from(await res.arrayBuffer());
			answers.push([
				res.status,
				text.equals(bytes) ? 'file' : (JSON.parse(text.toString()) as Json).code,
			]);
		}
		expect(answers).toEqual([...Array(5).fill([200, 'file']), [200, 1061045]]);
		ctx.emu.sources.throttle('driveFile', Infinity);
		ctx.emu.injectFault({ kind: 'error', code: 1061045 }, { endpoint: 'driveFile' });
		const injected = await ctx.get(FILE('boxcnPaced'));
		expect([injected.status, ((await injected.json()) as Json).code]).toEqual([200, 1061045]);
	});

	it('a wiki node of obj_type file names the file', async () => {
		ctx.emu.sources.addDriveFile('boxcnInWiki', { wikiToken: 'wikcnFileNode', fileName: 'a.png' });
		const res = await ctx.get('/open-apis/wiki/v2/spaces/get_node?token=wikcnFileNode');
		const node = ((await res.json()) as Json).data.node;
		expect([node.obj_type, node.obj_token]).toEqual(['file', 'boxcnInWiki']);
		expect((await ctx.get(FILE(node.obj_token))).status).toBe(200);
	});
});

describe('the generated files themselves', () => {
	it('sha256OfPattern is the hash of patternBytes, so a spec can know a 300 MiB file by its seed', () => {
		const hash = createHash('sha256');
		for (const chunk of patternBytes(3 * MiB + 5, 9)) hash.update(chunk);
		expect(sha256OfPattern(3 * MiB + 5, 9)).toBe(hash.digest('hex'));
	});
});
