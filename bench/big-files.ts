/**
 * `npm run bench -- --only=big-files`: issue 17's "done when", measured against the emulator
 * in its own process (scripts/emulator/process.ts, the `big…` calls):
 *   ranged. A 300 MiB chat file (Message → Download Resource, type=file) in n8n's filesystem
 *     binary mode, two ways in the same run: in ranges under a 20 MiB whole-file cap with 5 answers
 *     cut mid-chunk, and streamed whole (cap off, Range ignored: one 200). Each download in a
 *     fresh process (`node bench/index.js child big-files <json>`), warmed the same way, peak RSS
 *     growth by the kernel's high-water mark as phase 3 (bench/memory-case.ts) measures it;
 *     sha256 of the stored file, requests, restarts from byte 0, bytes re-fetched.
 *   base. Base → Download Attachments of a table of N records × M attachment fields with
 *     advanced permissions, default options, the emulator enforcing drive media's documented
 *     5 requests/s: every item's bytes against the emulator's sha256, the most requests the
 *     emulator saw in any 1 s, its rate-limit answers, items lost.
 * Counts and ratios are printed; nothing is asserted.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';

import { CHUNK_BYTES } from '../nodes/FeishuImages/transport/download';
import type { CutOptions } from '../test/emulator/sources/types';
import { ENTRY, type RemoteEmulator } from './emulator-client';
import { procStatusKb, resetPeak, settle } from './proc-memory';
import type { Reporter } from './trigger';
import type { EmulatorInfo } from './workload';

const MiB = 1024 * 1024;
const CAP = 20 * MiB;
const CUTS = 5;
const mib = (bytes: number, digits = 1) => (bytes / MiB).toFixed(digits);

export interface BigFilesOptions {
	parts: string[];
	/** The big file's size in MiB (300). */
	sizeMiB: number;
	/** Fresh processes per way (3). */
	repeats: number;
	records: number;
	fields: number;
}

type Way = 'ranged' | 'whole';

interface CaseInput {
	way: Way;
	info: EmulatorInfo;
	messageId: string;
	warmKey: string;
	bigKey: string;
}

interface CaseResult {
	way: Way;
	baselineMb: number;
	growthMb: number;
	sampledGrowthMb: number;
	method: 'VmHWM' | 'sampler';
	seconds: number;
	bytes: number;
	/** Of the file n8n stored, read back from its binary data service. */
	storedSha256: string;
	/** What the node put in the item's json. */
	jsonSha256: string;
	error?: string;
}

/** Most bytes, in MiB, between where a cut answer stopped at the emulator and where the next began. */
function resumeGap(
	cutAt: Array<{ start: number; sent: number; next?: number | undefined }>,
): number {
	return Math.max(0, ...cutAt.map((c) => (c.start + c.sent - (c.next ?? c.start)) / MiB));
}

// ---- part "ranged": the parent -------------------------------------------------------------

async function runCase(input: CaseInput): Promise<CaseResult> {
	const child = fork(ENTRY, ['child', 'big-files', JSON.stringify(input)], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return await new Promise<CaseResult>((resolve, reject) => {
		let result: CaseResult | undefined;
		child.on('message', (message) => {
			result = message as CaseResult;
		});
		child.once('exit', (code) => {
			if (!result)
				reject(new Error(`big-files case ${input.way} exited (${code}) without a result`));
			else if (result.error) reject(new Error(`big-files case ${input.way}: ${result.error}`));
			else resolve(result);
		});
	});
}

/**
 * Where the 5 cuts fall: spread over the file (every 12th ranged answer of 300 MiB's 75
 * chunks), each mid-chunk, a little further in each time.
 */
function cuts(bigKey: string, size: number): CutOptions[] {
	const skip = Math.max(1, Math.floor(size / CHUNK_BYTES / (CUTS + 1)) - 1);
	return Array.from({ length: CUTS }, (_, n) => ({
		endpoint: 'messageResource' as const,
		id: bigKey,
		skip,
		afterBytes: CHUNK_BYTES / 2 + n * 4099,
	}));
}

/**
 * RSS scatters by a few MiB between identical runs (allocator, GC timing); a ratio of two
 * growths near zero is noise. Below one chunk's worth for the whole-file way, the goal is
 * read on absolute numbers: ranged growth at most one chunk above it.
 */
const NOISE_MB = CHUNK_BYTES / MiB;

async function rangedPart(
	emulator: RemoteEmulator,
	info: EmulatorInfo,
	opts: BigFilesOptions,
	r: Reporter,
): Promise<void> {
	const size = opts.sizeMiB * MiB;
	const messageId = 'om_bench_big';
	const bigKey = 'file_bench_big';
	const warmKey = 'file_bench_warm';
	r.log(`big-files: generating the ${opts.sizeMiB} MiB chat file (sha256 at the emulator)`);
	const big = await emulator.call('bigAddChatFile', messageId, bigKey, size);
	await emulator.call('bigAddChatFile', messageId, warmKey, 16 * MiB);
	const results: Record<Way, CaseResult[]> = { ranged: [], whole: [] };
	const stats: Array<Awaited<ReturnType<typeof emulator.call<'bigRangeStats'>>>> = [];
	for (let rep = 0; rep < opts.repeats; rep++) {
		// Alternate which way goes first, so neither always meets the machine in the same state.
		const order: Way[] = rep % 2 ? ['ranged', 'whole'] : ['whole', 'ranged'];
		for (const way of order) {
			await emulator.call('bigConfigureRanges', {
				cap: way === 'ranged' ? CAP : null,
				ignoreRange: way === 'whole',
				cuts: way === 'ranged' ? cuts(bigKey, size) : [],
			});
			await emulator.call('resetCounters');
			r.log(`big-files: ${way}, ${rep + 1}/${opts.repeats} (a fresh process)`);
			const result = await runCase({ way, info, messageId, warmKey, bigKey });
			results[way].push(result);
			if (way === 'ranged') stats.push(await emulator.call('bigRangeStats', bigKey));
			else {
				const whole = await emulator.call('bigRangeStats', bigKey);
				if (whole.requests !== 1 || whole.bytesSent !== size)
					r.log(`big-files: the whole download took ${whole.requests} requests`);
			}
		}
	}
	await emulator.call('bigConfigureRanges', { cap: 100 * MiB, ignoreRange: false, cuts: [] });

	const worst = (way: Way) => Math.max(...results[way].map((x) => x.growthMb));
	const median = (way: Way) => {
		const sorted = results[way].map((x) => x.growthMb).sort((a, b) => a - b);
		const mid = Math.floor(sorted.length / 2);
		return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	};
	const exact = (x: CaseResult) =>
		x.bytes === size && x.storedSha256 === big.sha256 && x.jsonSha256 === big.sha256;
	const method = [...results.ranged, ...results.whole].every((x) => x.method === 'VmHWM')
		? 'kernel peak (VmHWM)'
		: 'sampler';
	const rows = (['ranged', 'whole'] as Way[]).map((way) => {
		const list = results[way];
		const s = way === 'ranged' ? stats : [];
		return [
			way === 'ranged'
				? `in ranges: cap ${mib(CAP, 0)} MiB, ${CUTS} cuts mid-chunk`
				: 'streamed whole: cap off, Range ignored (one 200)',
			mib(worst(way) * MiB),
			mib(median(way) * MiB),
			list.map((x) => x.growthMb.toFixed(1)).join(' '),
			list.map((x) => x.sampledGrowthMb.toFixed(1)).join(' '),
			list.map((x) => x.baselineMb.toFixed(0)).join(' '),
			list.map((x) => (opts.sizeMiB / x.seconds).toFixed(0)).join(' '),
			list.every(exact) ? `yes (${list.length}/${list.length})` : 'NO',
			s.length ? s.map((x) => x.requests).join(' ') : '1',
			s.length ? s.map((x) => x.cuts).join(' ') : '0',
			s.length ? s.map((x) => x.restartsFromZero).join(' ') : '–',
			s.length
				? s
						.map(
							(x) => `${mib(x.refetchedBytes, 2)} (${(x.refetchedBytes / CHUNK_BYTES).toFixed(2)})`,
						)
						.join(' ')
				: '–',
			s.length ? s.map((x) => mib(resumeGap(x.cutAt) * MiB, 3)).join(' ') : '–',
		];
	});
	const ratio = worst('ranged') / worst('whole');
	const noise = worst('whole') < NOISE_MB;
	r.add(
		r.table(
			`Big files a — one ${opts.sizeMiB} MiB chat file (type=file), n8n filesystem binary mode, one fresh process per download, ${opts.repeats} each way, peak RSS growth by ${method}; chunk ${mib(CHUNK_BYTES, 0)} MiB`,
			[
				'download',
				'growth MiB (worst)',
				'median',
				'growth MiB (each)',
				'10 ms sampler (each)',
				'baseline RSS MiB',
				'MiB/s',
				'byte-exact (sha256 stored = emulator)',
				'requests',
				'cuts',
				'restarts from 0',
				're-fetched MiB (chunks)',
				'resume gap MiB (max)',
			],
			rows,
		),
	);
	const medianNoise = Math.abs(median('whole')) < NOISE_MB;
	r.add(
		`Median peak RSS growth: ranged ${mib(median('ranged') * MiB)} MiB, whole ${mib(median('whole') * MiB)} MiB${medianNoise ? ` (under ${NOISE_MB} MiB: no ratio of medians, it would be noise)` : `, ratio ${(median('ranged') / median('whole')).toFixed(2)}`}.\n`,
	);
	r.add(
		`Peak RSS growth ranged ÷ whole (worst of each): ${mib(worst('ranged') * MiB)} ÷ ${mib(worst('whole') * MiB)} MiB = ${ratio.toFixed(2)}${noise ? ` — the whole-file growth is under ${NOISE_MB} MiB (one chunk), so the ratio is noise: read the absolute numbers` : ''}\n`,
	);
	const allExact = [...results.ranged, ...results.whole].every(exact);
	const restarts = Math.max(...stats.map((x) => x.restartsFromZero));
	const refetched = Math.max(...stats.map((x) => x.refetchedBytes));
	// A cut answer's next request starts inside the cut chunk (not at its start, not at 0); how
	// far before the bytes the emulator handed its socket is the resume gap.
	const cutsSeen = stats.every(
		(x) => x.cuts === CUTS && x.allRanged && x.cutAt.every((c) => (c.next ?? 0) > c.start),
	);
	r.goal(
		`17a. ${opts.sizeMiB} MiB chat file byte-exact (both ways)`,
		'sha256 equal',
		allExact ? 'equal' : 'DIFFERENT',
		allExact,
	);
	r.goal('17a. restarts from byte 0 after 5 cuts', '0', String(restarts), restarts === 0);
	r.goal(
		'17a. bytes re-fetched after 5 cuts',
		`≤ 5 chunks (${mib(5 * CHUNK_BYTES, 0)} MiB)`,
		`${mib(refetched, 2)} MiB (${(refetched / CHUNK_BYTES).toFixed(2)} chunks); ${cutsSeen ? `${CUTS} cuts, each resumed inside its chunk` : 'CUTS NOT AS PLANNED'}`,
		refetched <= 5 * CHUNK_BYTES && cutsSeen,
	);
	r.goal(
		'17a. peak RSS growth ranged ÷ streamed whole',
		`≤ 1.2 (whole < ${NOISE_MB} MiB: ranged ≤ whole + ${NOISE_MB} MiB)`,
		`${noise ? 'ratio is noise; ' : ''}${ratio.toFixed(2)} (${mib(worst('ranged') * MiB)} vs ${mib(worst('whole') * MiB)} MiB)`,
		noise ? worst('ranged') <= worst('whole') + NOISE_MB : ratio <= 1.2,
	);
	r.raw.bigFilesRanged = { size, sha256: big.sha256, chunk: CHUNK_BYTES, results, stats };
}

// ---- part "base": Base → Download Attachments at 5/s ----------------------------------------

async function basePart(
	emulator: RemoteEmulator,
	info: EmulatorInfo,
	opts: BigFilesOptions,
	r: Reporter,
): Promise<void> {
	const { Credential, runFeishuNode } = await import('./workload');
	const { locator } = await import('../test/support/feishu');
	const { records, fields } = opts;
	r.log(`big-files: a Base of ${records} × ${fields} attachments with advanced permissions`);
	const table = await emulator.call('bigMakeTable', {
		appToken: `bascnBench${records}x${fields}`,
		tableId: `tblBench${records}x${fields}`,
		records,
		attachmentFields: fields,
		advancedPermissions: true,
	});
	// Drive media's documented limit (the route table's 5 in 1 s), enforced per app.
	await emulator.call('enforceRateLimit', 'driveMedia', 5);
	await emulator.call('resetCounters');
	const expected = table.attachments.length;
	r.log(`big-files: ${expected} downloads at 5/s take about ${Math.ceil(expected / 5 / 60)} min`);
	const progress = setInterval(() => {
		void emulator.call('arrivals', 'driveMedia').then(
			(a) => r.log(`big-files: ${a.count} of ${expected} drive media requests so far`),
			() => undefined,
		);
	}, 60_000);
	let run;
	try {
		run = await runFeishuNode(
			new Credential(info),
			{
				resource: 'base',
				operation: 'downloadAttachments',
				baseId: locator(table.appToken),
				tableId: locator(table.tableId),
				options: {},
			} as never,
			[{ json: {} }],
			{ continueOnFail: true },
		);
	} finally {
		clearInterval(progress);
	}
	const media = await emulator.call('bigEndpointWindow', 'driveMedia', 1000);
	const counters = await emulator.call('counters');
	const byToken = new Map(table.attachments.map((a) => [a.fileToken, a]));
	const seen = new Set<string>();
	let right = 0;
	let wrong = 0;
	let failed = 0;
	for (const item of run.result.items as INodeExecutionData[]) {
		const want = byToken.get(String(item.json.fileToken));
		if (!item.binary?.data || !want) {
			failed++;
			continue;
		}
		const bytes = await run.result.binaryBuffer(item);
		const ok =
			!seen.has(want.fileToken) &&
			createHash('sha256').update(bytes).digest('hex') === want.sha256 &&
			item.json.sha256 === want.sha256 &&
			item.json.recordId === want.recordId &&
			item.json.fieldId === want.fieldId &&
			bytes.length === want.size;
		seen.add(want.fileToken);
		if (ok) right++;
		else wrong++;
	}
	const lost = expected - seen.size;
	const statuses = Object.entries(media.byStatus)
		.map(([status, n]) => `${status}: ${n}`)
		.join(', ');
	r.add(
		r.table(
			`Big files b — Base → Download Attachments, ${records} records × ${fields} attachment fields, advanced permissions, default options, the emulator enforcing drive media's 5/s`,
			[
				'attachments',
				'items out',
				'right (sha256 of stored bytes = emulator, record, field, size)',
				'wrong',
				'failed items',
				'lost',
				'drive media requests',
				'max in any 1 s',
				'rate-limit answers (99991400)',
				'429s (all endpoints)',
				'statuses',
				'wall min',
				'downloads/s',
			],
			[
				[
					String(expected),
					String(run.result.items.length),
					String(right),
					String(wrong),
					String(failed),
					String(lost),
					String(media.requests),
					String(media.peak),
					String(media.rateLimited),
					String(counters.status429),
					statuses,
					(run.wallMs / 60_000).toFixed(1),
					(media.requests > 1 ? (media.requests - 1) / (media.spanMs / 1000) : 0).toFixed(2),
				],
			],
		),
	);
	if (run.result.error) r.add(`The run failed: ${run.result.error.message}\n`);
	const label = `${records} × ${fields}`;
	r.goal(
		`17b. Base ${label}: every attachment right`,
		`${expected}`,
		`${right} right, ${wrong} wrong, ${failed} failed`,
		right === expected,
	);
	r.goal(
		`17b. Base ${label}: requests over 5/s at drive media`,
		'0 (max in 1 s ≤ 5, 0 rate-limited)',
		`max ${media.peak} in 1 s, ${media.rateLimited} rate-limited`,
		media.peak <= 5 && media.rateLimited === 0,
	);
	r.goal(`17b. Base ${label}: items lost`, '0', String(lost), lost === 0);
	r.raw.bigFilesBase = {
		records,
		fields,
		expected,
		right,
		wrong,
		failed,
		lost,
		media,
		wallMs: run.wallMs,
	};
}

export async function bigFilesPhase(
	emulator: RemoteEmulator,
	info: EmulatorInfo,
	opts: BigFilesOptions,
	r: Reporter,
): Promise<void> {
	if (opts.parts.includes('ranged')) await rangedPart(emulator, info, opts, r);
	if (opts.parts.includes('base')) await basePart(emulator, info, opts, r);
}

// ---- part "ranged": one download in a fresh process ----------------------------------------

async function measure(input: CaseInput): Promise<CaseResult> {
	const { locator } = await import('../test/support/feishu');
	const { removeEngineTempFolder, useBinaryMode } = await import('../test/engine');
	const { Credential, runFeishuNode, describeFailure } = await import('./workload');
	const credential = new Credential(input.info);
	const service = await useBinaryMode('filesystem');
	const storedSha = async (id: string) => {
		const hash = createHash('sha256');
		for await (const chunk of (await service.getAsStream(id)) as AsyncIterable<Buffer>)
			hash.update(chunk);
		return hash.digest('hex');
	};
	const download = async (fileKey: string) => {
		const run = await runFeishuNode(
			credential,
			{
				resource: 'message',
				operation: 'downloadResource',
				messageId: locator(input.messageId),
				fileKey: locator(fileKey),
				resourceType: 'file',
			} as never,
			[{ json: {} }],
			{ binaryMode: 'filesystem', continueOnFail: false },
		);
		const item = run.result.items[0];
		const id = item?.binary?.data?.id;
		if (!id) throw new Error(`the node stored no file: ${describeFailure(run) ?? 'no binary id'}`);
		return { id, bytes: Number(item.json.fileSize), jsonSha256: String(item.json.sha256) };
	};
	try {
		// The same warm-up either way: a 16 MiB file twice, by this way (modules, JIT, sockets, pools).
		for (let i = 0; i < 2; i++) await storedSha((await download(input.warmKey)).id);
		await settle();
		const baselineKb = procStatusKb('VmRSS') ?? process.memoryUsage().rss / 1024;
		const kernelPeak = resetPeak() && procStatusKb('VmHWM') !== undefined;
		let sampledPeak = process.memoryUsage().rss;
		const sampler = setInterval(() => {
			sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
		}, 10);
		const t0 = performance.now();
		let big;
		try {
			big = await download(input.bigKey);
		} finally {
			clearInterval(sampler);
		}
		const seconds = (performance.now() - t0) / 1000;
		sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
		const hwmKb = kernelPeak ? (procStatusKb('VmHWM') ?? 0) : 0;
		const sampledGrowthMb = (sampledPeak / 1024 - baselineKb) / 1024;
		const growthMb = kernelPeak
			? (Math.max(hwmKb, sampledPeak / 1024) - baselineKb) / 1024
			: sampledGrowthMb;
		return {
			way: input.way,
			baselineMb: baselineKb / 1024,
			growthMb,
			sampledGrowthMb,
			method: kernelPeak ? 'VmHWM' : 'sampler',
			seconds,
			bytes: big.bytes,
			storedSha256: await storedSha(big.id),
			jsonSha256: big.jsonSha256,
		};
	} finally {
		removeEngineTempFolder();
	}
}

if (process.argv[2] === 'child' && process.argv[3] === 'big-files') {
	const input = JSON.parse(process.argv[4] ?? '{}') as CaseInput;
	measure(input).then(
		(result) => process.send?.(result, () => process.exit(0)),
		(error: unknown) =>
			process.send?.(
				{ way: input.way, error: String((error as Error)?.stack ?? error) } as Partial<CaseResult>,
				() => process.exit(0),
			),
	);
}
