/**
 * Phase 2, one of several n8n processes sharing one app's quota:
 * `node bench/index.js child pace-worker <json>`.
 *
 * Each worker is a process of its own with its own n8n-core engine, credential store and
 * pacer (as queue-mode workers or two n8n instances are): nothing is shared but the emulator,
 * which counts all of them against one app's limit. The worker loads the engine and fetches
 * its token with one message image (not rate limited), says it is ready, waits for "go" (the
 * parent sends it to all workers at once), runs the node over its whiteboards and reports.
 */
import type { INodeParameters } from 'n8n-workflow';

import { itemsWithIds, messageImage, whiteboard } from '../test/support/feishu';
import { Credential, describeFailure, runFeishuNode, type EmulatorInfo } from './workload';

export interface PaceWorkerInput {
	info: EmulatorInfo;
	/** A message image to warm up with. */
	warmImage: string;
	ids: string[];
	options: Record<string, unknown>;
}

export interface PaceWorkerResult {
	ok: number;
	failed: number;
	wallMs: number;
	firstFailure?: string;
	error?: string;
}

async function main(): Promise<void> {
	const input = JSON.parse(process.argv[4]) as PaceWorkerInput;
	const credential = new Credential(input.info);
	const warm = await runFeishuNode(credential, messageImage(input.warmImage), [{ json: {} }]);
	if (warm.ok !== 1) throw new Error(`warm-up failed: ${describeFailure(warm)}`);
	await new Promise<void>((resolve) => {
		process.once('message', () => resolve());
		process.send?.({ ready: true });
	});
	const parameters: INodeParameters = whiteboard('={{ $json.id }}', input.options);
	const run = await runFeishuNode(credential, parameters, itemsWithIds(input.ids));
	const result: PaceWorkerResult = {
		ok: run.ok,
		failed: run.failed,
		wallMs: run.wallMs,
		firstFailure: run.failed ? describeFailure(run) : undefined,
	};
	process.send?.(result);
}

main().then(
	// n8n-core may leave timers behind; the result is out, so the process ends here.
	() => process.exit(0),
	(error: unknown) => {
		process.send?.({
			ok: 0,
			failed: 0,
			wallMs: 0,
			error: String(error),
		} satisfies PaceWorkerResult);
		process.exit(1);
	},
);
