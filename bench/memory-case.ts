/**
 * Phase 3, one case per process: `node bench/index.js child memory-case <case> <json>`.
 *
 * A fresh process per case keeps the baselines clean: nothing the other cases (or phases 1,
 * 2, 4) allocated, and no heap the collector has not yet given back, is in this process's
 * RSS. Each case first downloads a small file the same way (loads every module, opens the
 * connection, JITs the path), collects garbage, reads VmRSS as the baseline, resets the
 * kernel's peak-RSS mark (`echo 5 > /proc/self/clear_refs`), downloads the big file, and
 * reads the peak back (VmHWM): the exact peak, even between two samples. An in-process
 * sampler (process.memoryUsage().rss every 10 ms) runs alongside as a cross-check and as
 * the fallback where clear_refs is not available.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import axios from 'axios';

import { procStatusKb, resetPeak, settle } from './proc-memory';
import type { EmulatorInfo } from './workload';

export type MemoryCaseName = 'stream' | 'buffer' | 'node';

export interface MemoryCaseInput {
	case: MemoryCaseName;
	info: EmulatorInfo;
	warmToken: string;
	bigToken: string;
}

export interface MemoryCaseResult {
	case: MemoryCaseName;
	baselineMb: number;
	/** Peak RSS minus baseline, from the kernel's high-water mark (or the sampler if unavailable). */
	growthMb: number;
	/** Same, from the 10 ms sampler. */
	sampledGrowthMb: number;
	method: 'VmHWM' | 'sampler';
	seconds: number;
	bytes: number;
	sha256: string;
	error?: string;
}

async function sha256OfStream(stream: NodeJS.ReadableStream): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
	return hash.digest('hex');
}

function fileUrl(info: EmulatorInfo, token: string): string {
	return `${info.baseUrl}/open-apis/baike/v1/files/${token}/download`;
}

async function tokenFor(info: EmulatorInfo): Promise<string> {
	const response = await axios.post<{ tenant_access_token: string }>(
		`${info.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`,
		{ app_id: info.appId, app_secret: info.appSecret },
	);
	return response.data.tenant_access_token;
}

/** One download of `token` the case's way; returns the bytes' size and a way to hash what was stored. */
type Download = (
	token: string,
) => Promise<{ bytes: number; hash: () => Promise<string>; release: () => void }>;

async function prepare(
	input: MemoryCaseInput,
): Promise<{ download: Download; cleanup: () => void }> {
	const { info } = input;
	if (input.case === 'stream') {
		const bearer = await tokenFor(info);
		const dir = mkdtempSync(path.join(tmpdir(), 'feishu-bench-floor-'));
		let n = 0;
		const download: Download = async (token) => {
			const file = path.join(dir, `${token}-${n++}.bin`);
			await new Promise<void>((resolve, reject) => {
				http
					.get(fileUrl(info, token), { headers: { Authorization: `Bearer ${bearer}` } }, (res) => {
						pipeline(res, createWriteStream(file)).then(resolve, reject);
					})
					.on('error', reject);
			});
			return {
				bytes: statSync(file).size,
				hash: async () => await sha256OfStream(createReadStream(file)),
				release: () => rmSync(file, { force: true }),
			};
		};
		return { download, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
	}
	if (input.case === 'buffer') {
		const bearer = await tokenFor(info);
		const download: Download = async (token) => {
			const response = await axios.get<ArrayBuffer>(fileUrl(info, token), {
				responseType: 'arraybuffer',
				headers: { Authorization: `Bearer ${bearer}` },
				maxContentLength: Infinity,
			});
			let body: Buffer | undefined = Buffer.from(response.data);
			const bytes = body.length;
			return {
				bytes,
				hash: async () =>
					createHash('sha256')
						.update(body ?? Buffer.alloc(0))
						.digest('hex'),
				release: () => {
					body = undefined;
				},
			};
		};
		return { download, cleanup: () => undefined };
	}
	// The node, in n8n's filesystem binary mode (test/engine), one item, default options.
	const { baikeImage } = await import('../test/support/feishu');
	const { removeEngineTempFolder, useBinaryMode } = await import('../test/engine');
	const { Credential, runFeishuNode, describeFailure } = await import('./workload');
	const credential = new Credential(info);
	const service = await useBinaryMode('filesystem');
	const download: Download = async (token) => {
		const run = await runFeishuNode(credential, baikeImage(token), [{ json: {} }], {
			binaryMode: 'filesystem',
			continueOnFail: false,
		});
		const binary = run.result.items[0]?.binary?.data;
		if (!binary?.id)
			throw new Error(`the node stored no file: ${describeFailure(run) ?? 'no binary id'}`);
		const id = binary.id;
		return {
			bytes: Number(run.result.items[0].json.fileSize),
			hash: async () => await sha256OfStream(await service.getAsStream(id)),
			release: () => undefined,
		};
	};
	return { download, cleanup: () => removeEngineTempFolder() };
}

async function measure(input: MemoryCaseInput): Promise<MemoryCaseResult> {
	const { download, cleanup } = await prepare(input);
	try {
		const warm = await download(input.warmToken);
		await warm.hash();
		warm.release();
		await settle();

		const baselineKb = procStatusKb('VmRSS') ?? process.memoryUsage().rss / 1024;
		const kernelPeak = resetPeak() && procStatusKb('VmHWM') !== undefined;
		let sampledPeak = process.memoryUsage().rss;
		const sampler = setInterval(() => {
			sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
		}, 10);
		const t0 = performance.now();
		const big = await download(input.bigToken);
		const seconds = (performance.now() - t0) / 1000;
		clearInterval(sampler);
		sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
		const hwmKb = kernelPeak ? (procStatusKb('VmHWM') ?? 0) : 0;
		const sampledGrowthMb = (sampledPeak / 1024 - baselineKb) / 1024;
		const growthMb = kernelPeak
			? (Math.max(hwmKb, sampledPeak / 1024) - baselineKb) / 1024
			: sampledGrowthMb;
		const sha256 = await big.hash();
		big.release();
		return {
			case: input.case,
			baselineMb: baselineKb / 1024,
			growthMb,
			sampledGrowthMb,
			method: kernelPeak ? 'VmHWM' : 'sampler',
			seconds,
			bytes: big.bytes,
			sha256,
		};
	} finally {
		cleanup();
	}
}

const input = JSON.parse(process.argv[4] ?? '{}') as MemoryCaseInput;
measure(input).then(
	(result) => process.send?.(result, () => process.exit(0)),
	(error: unknown) =>
		process.send?.(
			{
				case: input.case,
				error: String((error as Error)?.stack ?? error),
			} as Partial<MemoryCaseResult>,
			() => process.exit(0),
		),
);
