/**
 * `npm run bench`: the Feishu Images node against the Feishu emulator on 127.0.0.1, in four
 * phases (see BENCHMARKS.md). Goals are reported, not asserted: the exit code is non-zero
 * only when the benchmark itself crashes.
 *
 *   --only=throughput,pacing,memory,tokens   run some phases (default: all four)
 *   --only=trigger [--quick]                 the Feishu Images Trigger (bench/trigger.ts); --quick
 *                                            shortens the 60 s ack run to 20 s;
 *   --trigger-parts=a,b,c,d,e                some of the trigger's parts (default: all)
 *   --only=big-files                         issue 17 (bench/big-files.ts): a 300 MiB chat file in
 *                                            ranges vs whole, and Base attachments at 5/s;
 *   --big-parts=ranged,base --big-mib=300 --big-repeats=3 --base-records=2000 --base-fields=3
 *   --runs=N                                 timed runs per side in phase 1 (default 5)
 *   --sides=node,nodeFs,reference,axios      phase 1 clients (default: all; e.g. one, to profile it)
 *   --json=FILE                              also write the raw numbers as JSON
 *   --profile=DIR                            phase 1: CPU-profile each timed run into DIR and
 *                                            print where each client's time went (slows the runs)
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { removeEngineTempFolder } from '../test/engine';
import { baikeImage, itemsWithIds, messageImage, whiteboard } from '../test/support/feishu';
import { ENTRY, RemoteEmulator } from './emulator-client';
import { ReferenceDownload } from './reference-node';
import { bigFilesPhase } from './big-files';
import { triggerPhase } from './trigger';
import { breakdown, startProfile, stopProfile } from './profile';
import type { MemoryCaseInput, MemoryCaseName, MemoryCaseResult } from './memory-case';
import type { PaceWorkerInput, PaceWorkerResult } from './pace-worker';
import {
	Credential,
	describeFailure,
	fetchToken,
	runAxiosLoop,
	runFeishuNode,
	type EmulatorInfo,
} from './workload';

const PHASES = ['throughput', 'pacing', 'memory', 'tokens', 'trigger', 'big-files'] as const;
type Phase = (typeof PHASES)[number];
/** The node's phases; the trigger's and issue 17's run when asked for (--only=trigger, --only=big-files). */
const DEFAULT_PHASES: Phase[] = ['throughput', 'pacing', 'memory', 'tokens'];
const SIDES = ['node', 'nodeFs', 'reference', 'axios'] as const;
type Side = (typeof SIDES)[number];

function parseArgs(argv: string[]) {
	const get = (name: string) =>
		argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
	const only = get('only')?.split(',').filter(Boolean) ?? [...DEFAULT_PHASES];
	const unknown = only.filter((p) => !(PHASES as readonly string[]).includes(p));
	if (unknown.length)
		throw new Error(`unknown phase(s): ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
	const sides = get('sides')?.split(',').filter(Boolean) ?? [...SIDES];
	const unknownSides = sides.filter((s) => !(SIDES as readonly string[]).includes(s));
	if (unknownSides.length)
		throw new Error(`unknown side(s): ${unknownSides.join(', ')} (known: ${SIDES.join(', ')})`);
	return {
		phases: new Set(only as Phase[]),
		runs: Math.max(1, Number(get('runs') ?? 5)),
		sides: sides as Side[],
		json: get('json'),
		profile: get('profile'),
		quick: argv.includes('--quick'),
		triggerParts: get('trigger-parts')?.split(',') ?? ['a', 'b', 'c', 'd', 'e'],
		bigFiles: {
			parts: get('big-parts')?.split(',') ?? ['ranged', 'base'],
			sizeMiB: Number(get('big-mib') ?? 300),
			repeats: Math.max(1, Number(get('big-repeats') ?? 3)),
			records: Number(get('base-records') ?? 2000),
			fields: Number(get('base-fields') ?? 3),
		},
	};
}

// ---- report helpers -----------------------------------------------------------------------

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (value: number, digits = 0) => value.toFixed(digits);

function table(title: string, header: string[], rows: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	return [
		`### ${title}`,
		'',
		line(header),
		`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...rows.map(line),
		'',
	].join('\n');
}

const report: string[] = [];
const goals: string[][] = [];
const raw: Record<string, unknown> = {};

function goal(name: string, target: string, got: string, met: boolean): void {
	goals.push([name, target, got, met ? 'met' : 'MISSED']);
}

function log(message: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ---- how busy the machine was -------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time the whole machine spent busy so far, in ms (all CPUs), from /proc/stat; NaN elsewhere. */
function machineBusyMs(): number {
	try {
		const fields = readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		const [user, nice, system, , , irq, softirq, steal] = fields;
		return (user + nice + system + irq + softirq + steal) * TICK_MS;
	} catch {
		return NaN;
	}
}

/** CPU time of this process and of its children that have ended, in ms, from /proc/self/stat. */
function ownTreeMs(): number {
	try {
		const stat = readFileSync('/proc/self/stat', 'utf8');
		const fields = stat
			.slice(stat.lastIndexOf(')') + 2)
			.split(' ')
			.map(Number);
		// utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the command name.
		return (fields[11] + fields[12] + fields[13] + fields[14]) * TICK_MS;
	} catch {
		return NaN;
	}
}

/** The share of the machine's CPUs that processes outside the benchmark used, given busy/own deltas. */
function othersShare(busyMs: number, ownMs: number, wallMs: number): string {
	if (!Number.isFinite(busyMs) || !Number.isFinite(ownMs)) return 'unknown';
	const share = Math.max(0, busyMs - ownMs) / (wallMs * os.cpus().length);
	return `${fmt(share * 100)}%`;
}

// ---- phase 1: throughput ------------------------------------------------------------------

async function throughput(
	emulator: RemoteEmulator,
	info: EmulatorInfo,
	runs: number,
	sides: Side[],
	profileDir: string | undefined,
): Promise<void> {
	const N = 1000;
	const CONCURRENCY = 16;
	const ids = Array.from({ length: N }, (_, i) => `img_bench_tp_${i}`);
	const { bytes } = await emulator.call('addFiles', 'messageImage', ids);
	const items = itemsWithIds(ids);
	const params = messageImage('={{ $json.id }}', {
		concurrency: CONCURRENCY,
		requestsPerSecond: 1_000_000,
	});
	const referenceParams: INodeParameters = {
		imageKey: '={{ $json.id }}',
		concurrency: CONCURRENCY,
	};
	const urls = ids.map((id) => `${info.baseUrl}/open-apis/im/v1/images/${id}`);
	const token = await fetchToken(info);
	const credentials: Record<Side, Credential> = {
		node: new Credential(info),
		nodeFs: new Credential(info),
		reference: new Credential(info),
		axios: new Credential(info),
	};
	const results: Record<
		Side,
		Array<{ wallMs: number; cpuMs: number; emulatorCpuMs: number; connections: number }>
	> = {
		node: [],
		nodeFs: [],
		reference: [],
		axios: [],
	};
	const once = async (side: Side) => {
		const emu0 = await emulator.call('cpuMs');
		const connections0 = await emulator.call('connections');
		let wallMs: number;
		let cpuMs: number;
		if (side === 'axios') {
			const run = await runAxiosLoop(urls, token, CONCURRENCY);
			if (run.ok !== N || run.bytes !== bytes)
				throw new Error(`axios loop: ${run.ok}/${N} files, ${run.bytes}/${bytes} bytes`);
			({ wallMs, cpuMs } = run);
		} else {
			const run = await runFeishuNode(
				credentials[side],
				side === 'reference' ? referenceParams : params,
				items,
				{
					binaryMode: side === 'nodeFs' ? 'filesystem' : 'memory',
					nodeType: side === 'reference' ? new ReferenceDownload() : undefined,
				},
			);
			if (run.ok !== N) throw new Error(`${side}: ${run.ok}/${N} files: ${describeFailure(run)}`);
			({ wallMs, cpuMs } = run);
		}
		const emulatorCpuMs = (await emulator.call('cpuMs')) - emu0;
		const connections = (await emulator.call('connections')) - connections0;
		return { wallMs, cpuMs, emulatorCpuMs, connections };
	};

	const profiles: Partial<Record<Side, Map<string, number>>> = {};
	if (profileDir) mkdirSync(profileDir, { recursive: true });
	log(
		`phase 1: ${N} small images (${fmt(bytes / N)} B each), concurrency ${CONCURRENCY}: 2 warm-up runs per client`,
	);
	for (let i = 0; i < 2; i++) for (const side of sides) await once(side);
	const busy0 = machineBusyMs();
	const own0 = process.cpuUsage();
	const emulatorCpu0 = await emulator.call('cpuMs');
	const timed0 = performance.now();
	for (let r = 0; r < runs; r++) {
		// Rotate the order, so no client always runs right after the same other one.
		const order = sides.map((_, i) => sides[(i + r) % sides.length]);
		for (const side of order) {
			if (profileDir) await startProfile();
			results[side].push(await once(side));
			if (profileDir) {
				const profile = await stopProfile();
				writeFileSync(
					path.join(profileDir, `${side}-${r + 1}.cpuprofile`),
					JSON.stringify(profile),
				);
				for (const [kind, ms] of breakdown(profile)) {
					const perSide = (profiles[side] ??= new Map());
					perSide.set(kind, (perSide.get(kind) ?? 0) + ms);
				}
			}
		}
		log(
			`phase 1: run ${r + 1}/${runs}: ${sides.map((s) => `${s} ${fmt(results[s][r].wallMs)} ms`).join(', ')}`,
		);
	}

	const ownUsage = process.cpuUsage(own0);
	const others = othersShare(
		machineBusyMs() - busy0,
		(ownUsage.user + ownUsage.system) / 1000 + (await emulator.call('cpuMs')) - emulatorCpu0,
		performance.now() - timed0,
	);
	const summary = (side: Side) => ({
		wall: median(results[side].map((x) => x.wallMs)),
		cpu: median(results[side].map((x) => x.cpuMs)),
		emu: median(results[side].map((x) => x.emulatorCpuMs)),
		all: results[side].map((x) => x.wallMs),
		connections: median(results[side].map((x) => x.connections)),
	});
	const label: Record<Side, string> = {
		node: 'Feishu Images node, engine, memory binary mode',
		nodeFs: 'Feishu Images node, engine, filesystem binary mode',
		reference: 'n8n floor: minimal node, same credential + helpers, memory mode',
		axios: 'plain axios loop into Buffers',
	};
	const axiosWall = sides.includes('axios') ? summary('axios').wall : NaN;
	const rows = sides.map((side) => {
		const s = summary(side);
		return [
			label[side],
			fmt(s.wall),
			s.all.map((v) => fmt(v)).join(' '),
			fmt((N / s.wall) * 1000),
			fmt((s.cpu / N) * 1000),
			`${fmt((s.emu / s.wall) * 100)}%`,
			fmt(s.connections),
			fmt(s.wall / axiosWall, 2),
		];
	});
	report.push(
		table(
			`Phase 1 — throughput, ${N} small images, concurrency ${CONCURRENCY}, median of ${runs} runs (after 2 warm-ups); other processes used ${others} of the machine meanwhile`,
			[
				'client',
				'wall ms (median)',
				`wall ms (each run)`,
				'items/s',
				'client CPU µs/item',
				'emulator CPU',
				'TCP connections',
				'ratio to axios',
			],
			rows,
		),
	);
	if (sides.includes('node') && sides.includes('axios')) {
		const ratio = summary('node').wall / axiosWall;
		const cpuRatio = summary('node').cpu / summary('axios').cpu;
		goal(
			'1. node ÷ axios wall time (1,000 images)',
			'≤ 1.15',
			`${fmt(ratio, 2)} (CPU time: ${fmt(cpuRatio, 2)})`,
			ratio <= 1.15,
		);
	}
	if (profileDir) {
		const kinds = [...new Set(sides.flatMap((side) => [...(profiles[side]?.keys() ?? [])]))];
		const perItem = (side: Side, kind: string) =>
			((profiles[side]?.get(kind) ?? 0) / runs / N) * 1000;
		kinds.sort((a, b) => perItem(sides[0], b) - perItem(sides[0], a));
		const rows = kinds.map((kind) => [kind, ...sides.map((side) => fmt(perItem(side, kind)))]);
		rows.push([
			'total (wall, while profiled)',
			...sides.map((side) => fmt(kinds.reduce((sum, k) => sum + perItem(side, k), 0))),
		]);
		report.push(
			table(
				`Phase 1 — where the time went: µs per item by kind of work (CPU profiles of the timed runs, in ${profileDir})`,
				['kind of work', ...sides],
				rows,
			),
		);
	}
	raw.throughput = { N, CONCURRENCY, bytes, results, others };
}

// ---- phase 2: pacing against an enforced limit -------------------------------------------

interface PaceCase {
	name: string;
	endpoint: 'whiteboard' | 'baikeFile';
	/** What the emulator enforces, requests per second (sliding window, for the whole app). */
	limit: number;
	/** Items per process. */
	items: number;
	/** Processes sharing the app's quota, each with its own n8n-core engine (default 1). */
	processes?: number;
	goals: { share?: number; max429?: number };
}

const PACE_CASES: PaceCase[] = [
	{
		name: 'whiteboard, the documented limit',
		endpoint: 'whiteboard',
		limit: 10,
		items: 500,
		goals: { share: 0.95, max429: 0.02 },
	},
	{
		name: "whiteboard, the newer pages' limit",
		endpoint: 'whiteboard',
		limit: 50,
		items: 500,
		goals: { share: 0.8, max429: 0.05 },
	},
	{
		name: 'whiteboard, a quota shared with others',
		endpoint: 'whiteboard',
		limit: 4,
		items: 40,
		goals: { max429: 0.2 },
	},
	{
		name: 'whiteboard, a quota shared with others',
		endpoint: 'whiteboard',
		limit: 2,
		items: 60,
		goals: { max429: 0.2 },
	},
	{
		name: 'whiteboard, 3 processes sharing one app',
		endpoint: 'whiteboard',
		limit: 10,
		items: 100,
		processes: 3,
		goals: { share: 0.85, max429: 0.25 },
	},
	{
		name: 'dictionary (baike), the documented limit',
		endpoint: 'baikeFile',
		limit: 50,
		items: 500,
		goals: { share: 0.95, max429: 0 },
	},
];

const PACE_CONCURRENCY = 20;

interface PaceRun {
	ok: number;
	failed: number;
	wallMs: number;
	firstFailure?: string;
}

/** `processes` workers (bench/pace-worker.ts), each its own engine, started together. */
async function runPaceWorkers(
	info: EmulatorInfo,
	warmImage: string,
	ids: string[][],
): Promise<PaceRun[]> {
	const children = ids.map((slice) =>
		fork(
			ENTRY,
			[
				'child',
				'pace-worker',
				JSON.stringify({
					info,
					warmImage,
					ids: slice,
					options: { concurrency: PACE_CONCURRENCY },
				} satisfies PaceWorkerInput),
			],
			{ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
		),
	);
	const exits = children.map(
		(child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
	);
	const results = children.map(
		(child) =>
			new Promise<PaceWorkerResult>((resolve, reject) => {
				child.on('message', (message) => {
					if ((message as { ready?: boolean }).ready) return;
					const result = message as PaceWorkerResult;
					if (result.error) reject(new Error(`pace worker: ${result.error}`));
					else resolve(result);
				});
				child.once('exit', (code) =>
					reject(new Error(`pace worker exited (${code}) without a result`)),
				);
			}),
	);
	await Promise.all(
		children.map(
			(child) =>
				new Promise<void>((resolve) =>
					child.on('message', (message) => {
						if ((message as { ready?: boolean }).ready) resolve();
					}),
				),
		),
	);
	for (const child of children) child.send('go');
	try {
		return await Promise.all(results);
	} finally {
		await Promise.all(exits);
	}
}

async function pacing(emulator: RemoteEmulator, info: EmulatorInfo): Promise<void> {
	const rows: string[][] = [];
	const out: unknown[] = [];
	const warmImage = 'img_bench_pace_warm';
	await emulator.call('addFiles', 'messageImage', [warmImage]);
	for (const [index, c] of PACE_CASES.entries()) {
		const processes = c.processes ?? 1;
		const ids = Array.from({ length: processes }, (_, p) =>
			Array.from({ length: c.items }, (_, i) => `bench_pace_${index}_${c.endpoint}_${p}_${i}`),
		);
		await emulator.call('addFiles', c.endpoint, ids.flat());
		await emulator.call('enforceRateLimit', c.endpoint, c.limit);
		const total = processes * c.items;
		log(
			`phase 2: ${c.name}: ${processes > 1 ? `${processes} processes × ` : ''}${c.items} items, ${c.limit} req/s enforced (about ${fmt(total / c.limit)} s at the limit)`,
		);
		// Warm-ups (engine, token) touch only the token and message-image endpoints.
		await emulator.call('resetCounters');
		let runs: PaceRun[];
		const t0 = performance.now();
		if (processes === 1) {
			const params =
				c.endpoint === 'whiteboard'
					? whiteboard('={{ $json.id }}', { concurrency: PACE_CONCURRENCY })
					: baikeImage('={{ $json.id }}', { concurrency: PACE_CONCURRENCY });
			const run = await runFeishuNode(new Credential(info), params, itemsWithIds(ids[0]));
			runs = [{ ...run, firstFailure: run.failed ? describeFailure(run) : undefined }];
		} else {
			runs = await runPaceWorkers(info, warmImage, ids);
		}
		const wallMs = performance.now() - t0;
		await emulator.call('enforceRateLimit', c.endpoint, null);
		const counters = await emulator.call('counters');
		const admitted = await emulator.call('arrivals', c.endpoint, 200);
		const requests = counters.downloads[c.endpoint];
		const throttled = counters.status429;
		const failed = runs.reduce((sum, r) => sum + r.failed, 0);
		const ok = runs.reduce((sum, r) => sum + r.ok, 0);
		const spanS = (admitted.last - admitted.first) / 1000;
		// The fastest any client may go under a sliding window of `limit` per second: arrival i and
		// arrival i + limit at least 1 s apart, so n arrivals span at least floor((n-1)/limit) s.
		const share = Math.floor((admitted.count - 1) / c.limit) / spanS;
		const share429 = requests ? throttled / requests : 0;
		rows.push([
			c.name,
			String(c.limit),
			processes > 1 ? `${processes} × ${c.items}` : String(c.items),
			String(requests),
			fmt(wallMs / 1000, 1),
			fmt(spanS, 2),
			fmt((admitted.count - 1) / spanS, 2),
			`${fmt(share * 100, 1)}%`,
			`${throttled} (${fmt(share429 * 100, 1)}%)`,
			`${ok} / ${failed}`,
			processes > 1 ? runs.map((r) => fmt(r.wallMs / 1000, 1)).join(' ') : '',
		]);
		const label = `2. ${c.name} @ ${c.limit}/s`;
		if (c.goals.share !== undefined) {
			goal(
				`${label}: share of limit`,
				`≥ ${fmt(c.goals.share * 100)}%`,
				`${fmt(share * 100, 1)}%`,
				share >= c.goals.share,
			);
		}
		if (c.goals.max429 !== undefined) {
			goal(
				`${label}: 429s / requests`,
				c.goals.max429 ? `≤ ${fmt(c.goals.max429 * 100)}%` : '0',
				`${throttled} / ${requests} (${fmt(share429 * 100, 1)}%)`,
				share429 <= c.goals.max429,
			);
		}
		goal(`${label}: failed items`, '0', `${failed} of ${total}`, failed === 0 && ok === total);
		for (const r of runs)
			if (r.firstFailure) log(`phase 2: ${c.name}: first failure: ${r.firstFailure}`);
		out.push({ ...c, wallMs, counters, admitted, share, share429, runs });
	}
	report.push(
		table(
			`Phase 2 — pacing against the emulator's enforced limit (one app, sliding window), concurrency ${PACE_CONCURRENCY}, default pacing`,
			[
				'scenario',
				'limit/s',
				'items',
				'requests',
				'wall s',
				'span of 200s, s',
				'200s/s (n−1)/span',
				'share of limit',
				'429s (share of requests)',
				'items ok / failed',
				'wall s per process',
			],
			rows,
		),
	);
	raw.pacing = out;
}

// ---- phase 3: memory of a 200 MB file -------------------------------------------------------

async function runMemoryCase(input: MemoryCaseInput): Promise<MemoryCaseResult> {
	const child = fork(ENTRY, ['child', 'memory-case', JSON.stringify(input)], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return await new Promise<MemoryCaseResult>((resolve, reject) => {
		let result: MemoryCaseResult | undefined;
		child.on('message', (message) => {
			result = message as MemoryCaseResult;
		});
		child.once('exit', (code) => {
			if (!result) reject(new Error(`memory case ${input.case} exited (${code}) without a result`));
			else if (result.error) reject(new Error(`memory case ${input.case}: ${result.error}`));
			else resolve(result);
		});
	});
}

async function memory(
	emulator: RemoteEmulator,
	info: EmulatorInfo,
	repeats: number,
): Promise<void> {
	const SIZE = 200 * 1024 * 1024;
	const bigToken = 'bench_big_200mb';
	const warmToken = 'bench_warm_1mb';
	await emulator.call('addPatternFile', bigToken, SIZE);
	await emulator.call('addPatternFile', warmToken, 1024 * 1024);
	const expected = await emulator.call('sha256', bigToken);
	const cases: Array<{ name: MemoryCaseName; label: string }> = [
		{ name: 'stream', label: 'floor: http.get → fs.createWriteStream' },
		{ name: 'buffer', label: 'reference: axios arraybuffer (whole file in memory)' },
		{ name: 'node', label: 'Feishu Images node, engine, filesystem binary mode' },
	];
	const results = new Map<MemoryCaseName, MemoryCaseResult[]>();
	for (let r = 0; r < repeats; r++) {
		for (const c of cases) {
			log(`phase 3: 200 MiB, ${c.name}, ${r + 1}/${repeats} (a fresh process)`);
			const result = await runMemoryCase({ case: c.name, info, warmToken, bigToken });
			results.set(c.name, [...(results.get(c.name) ?? []), result]);
		}
	}
	const worst = (name: MemoryCaseName) =>
		Math.max(...(results.get(name) ?? []).map((x) => x.growthMb));
	const floor = worst('stream');
	const rows = cases.map((c) => {
		const list = results.get(c.name) ?? [];
		const all = list.map((x) => fmt(x.growthMb)).join(' ');
		const sampled = list.map((x) => fmt(x.sampledGrowthMb)).join(' ');
		const ok = list.every((x) => x.sha256 === expected && x.bytes === SIZE);
		return [
			c.label,
			fmt(worst(c.name), 1),
			all,
			sampled,
			fmt(median(list.map((x) => x.baselineMb))),
			fmt(median(list.map((x) => SIZE / 1024 / 1024 / x.seconds))),
			fmt(worst(c.name) / floor, 2),
			ok ? 'yes' : 'NO',
		];
	});
	const method = [...results.values()].flat().every((x) => x.method === 'VmHWM')
		? 'kernel peak (VmHWM)'
		: 'sampler';
	report.push(
		table(
			`Phase 3 — peak RSS growth while downloading one 200 MiB file, one fresh process per case, ${repeats} repeats, peak by ${method}`,
			[
				'client',
				'growth MiB (worst)',
				'growth MiB (each)',
				'10 ms sampler (each)',
				'baseline RSS MiB',
				'MiB/s',
				'ratio to floor',
				'sha256 = emulator',
			],
			rows,
		),
	);
	const node = worst('node');
	const nodeOk = (results.get('node') ?? []).every(
		(x) => x.sha256 === expected && x.bytes === SIZE,
	);
	goal(
		'3. node RSS growth, 200 MiB file (filesystem mode)',
		'≤ 64 MiB',
		`${fmt(node, 1)} MiB (${fmt(node / floor, 2)}× floor)`,
		node <= 64,
	);
	goal('3. stored file sha256 = emulator sha256', 'equal', nodeOk ? 'equal' : 'DIFFERENT', nodeOk);
	raw.memory = { SIZE, expected, results: Object.fromEntries(results), floorMb: floor };
}

// ---- phase 4: token endpoint hits ----------------------------------------------------------

async function tokens(emulator: RemoteEmulator, info: EmulatorInfo): Promise<void> {
	const ids = Array.from({ length: 1000 }, (_, i) => `img_bench_tok_${i}`);
	await emulator.call('addFiles', 'messageImage', ids);
	const params = messageImage('={{ $json.id }}', { concurrency: 16, requestsPerSecond: 1_000_000 });

	log('phase 4: token hits, 1,000 items in one execution');
	await emulator.call('resetCounters');
	const single = await runFeishuNode(new Credential(info), params, itemsWithIds(ids));
	const singleHits = (await emulator.call('counters')).tokenRequests;

	log('phase 4: token hits, 10 executions of 100 items sharing one credential store');
	await emulator.call('resetCounters');
	const shared = new Credential(info);
	let sharedOk = 0;
	let sharedFailed = 0;
	for (let e = 0; e < 10; e++) {
		const run = await runFeishuNode(
			shared,
			params,
			itemsWithIds(ids.slice(e * 100, e * 100 + 100)),
		);
		sharedOk += run.ok;
		sharedFailed += run.failed;
	}
	const sharedHits = (await emulator.call('counters')).tokenRequests;
	report.push(
		table(
			'Phase 4 — tenant_access_token requests (emulator counter), concurrency 16, fresh credential each row',
			['workload', 'items ok', 'failed', 'token requests'],
			[
				['1 execution × 1,000 items', String(single.ok), String(single.failed), String(singleHits)],
				[
					'10 executions × 100 items, one credential store',
					String(sharedOk),
					String(sharedFailed),
					String(sharedHits),
				],
			],
		),
	);
	goal('4. token requests, 1 execution × 1,000 items', '1', String(singleHits), singleHits === 1);
	goal(
		'4. token requests, 10 executions sharing a credential',
		'1',
		String(sharedHits),
		sharedHits === 1,
	);
	raw.tokens = {
		singleHits,
		sharedHits,
		single: { ok: single.ok, failed: single.failed },
		shared: { ok: sharedOk, failed: sharedFailed },
	};
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const started = performance.now();
	const busyAtStart = machineBusyMs();
	const ownAtStart = ownTreeMs();
	const cpus = os.cpus();
	log(
		`node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB`,
	);
	const emulator = await RemoteEmulator.start();
	try {
		const info = (await emulator.call('info')) as EmulatorInfo;
		if (args.phases.has('throughput'))
			await throughput(emulator, info, args.runs, args.sides, args.profile);
		if (args.phases.has('pacing')) await pacing(emulator, info);
		if (args.phases.has('memory')) await memory(emulator, info, 3);
		if (args.phases.has('tokens')) await tokens(emulator, info);
		if (args.phases.has('trigger'))
			await triggerPhase(
				emulator,
				info,
				{ quick: args.quick, parts: args.triggerParts },
				{
					table,
					add: (section) => report.push(section),
					goal,
					log,
					raw,
				},
			);
		if (args.phases.has('big-files'))
			await bigFilesPhase(emulator, info, args.bigFiles, {
				table,
				add: (section) => report.push(section),
				goal,
				log,
				raw,
			});
	} finally {
		await emulator.close();
		removeEngineTempFolder();
	}
	const seconds = (performance.now() - started) / 1000;
	const header = [
		`## Feishu Images benchmark — ${new Date().toISOString()}`,
		'',
		`Node ${process.version} on ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB; emulator in its own process on 127.0.0.1; took ${fmt(seconds)} s.`,
		`Processes outside the benchmark used ${othersShare(machineBusyMs() - busyAtStart, ownTreeMs() - ownAtStart, seconds * 1000)} of the machine's CPU time during the run (they compete with the client and the emulator: wall times grow and scatter).`,
		'',
	];
	const summary = table('Goals', ['goal', 'target', 'measured', 'verdict'], goals);
	process.stdout.write(`${[...header, ...report, summary].join('\n')}\n`);
	if (args.json) writeFileSync(args.json, JSON.stringify({ seconds, ...raw }, null, 2));
}

main().then(
	// n8n-core may leave timers behind; the report is out, so the process ends here.
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`bench crashed: ${String((error as Error)?.stack ?? error)}\n`);
		process.exit(1);
	},
);
