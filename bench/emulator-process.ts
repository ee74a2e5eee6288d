/**
 * The Feishu emulator in a process of its own, driven over IPC by bench/main.ts.
 *
 * Why a separate process: on the 2-core machine, an in-process emulator would share the
 * client's event loop, and its own cost (the same for the node and the axios loop) would
 * dilute the ratio being measured; in phase 3 its buffers would count in the client's RSS.
 * Feishu is a remote server; a server on another core is the closer stand-in.
 */
import type { Server } from 'node:http';

import { FeishuEmulator } from '../test/emulator';
import type { EndpointName } from '../test/emulator';
import type { EmulatorCall, EmulatorReply } from './emulator-client';
import { triggerHandlers } from './trigger-feishu';

let emulator: FeishuEmulator;
/** TCP connections accepted so far (the plain axios loop keeps its sockets alive; does the node?). */
let connections = 0;
const patternFiles = new Map<string, { sha256(): string }>();

const handlers = {
	info: () => ({
		baseUrl: emulator.baseUrl,
		appId: emulator.appId,
		appSecret: emulator.appSecret,
		helpdeskId: emulator.helpdeskId,
		helpdeskToken: emulator.helpdeskToken,
		pid: process.pid,
	}),
	/** Small PNG fixtures; only the bytes' total size goes back. */
	addFiles: (kind: 'messageImage' | 'whiteboard' | 'baikeFile', ids: string[]) => {
		let bytes = 0;
		for (const [i, id] of ids.entries()) {
			const opts = { contentType: 'image/png', fileName: `${id}-${i}.png` };
			if (kind === 'messageImage') bytes += emulator.addMessageImage(id, opts).length;
			else if (kind === 'whiteboard') bytes += emulator.addWhiteboard(id, undefined, opts).length;
			else bytes += emulator.addBaikeFile(id, opts).length;
		}
		return { count: ids.length, bytes };
	},
	addPatternFile: (token: string, size: number) => {
		const file = emulator.addBaikeFile(token, { size, fileName: `${token}.bin` });
		patternFiles.set(token, file);
		return { size: file.size, seed: file.seed };
	},
	sha256: (token: string) => {
		const file = patternFiles.get(token);
		if (!file) throw new Error(`no pattern file ${token}`);
		return file.sha256();
	},
	enforceRateLimit: (endpoint: EndpointName, limit: number | null) => {
		emulator.enforceRateLimit(endpoint, limit ?? Infinity);
		return true;
	},
	resetCounters: () => {
		emulator.resetCounters();
		return true;
	},
	counters: () => emulator.counters,
	/** Arrivals at one endpoint since the last reset (those answered `status`, if given): count and first/last performance.now(). */
	arrivals: (endpoint: EndpointName, status?: number) => {
		const at = emulator.requestLog
			.filter((e) => e.endpoint === endpoint && (status === undefined || e.status === status))
			.map((e) => e.at);
		return {
			count: at.length,
			first: at.length ? Math.min(...at) : 0,
			last: at.length ? Math.max(...at) : 0,
		};
	},
	connections: () => connections,
	/** This process's CPU time so far, in ms (user + system). */
	cpuMs: () => {
		const usage = process.cpuUsage();
		return (usage.user + usage.system) / 1000;
	},
	/** Feishu's side of `--only=trigger` (bench/trigger-feishu.ts). */
	...triggerHandlers(() => emulator),
	close: async () => {
		await emulator.close();
		setImmediate(() => process.exit(0));
		return true;
	},
};

export type EmulatorHandlers = typeof handlers;

async function main(): Promise<void> {
	emulator = await FeishuEmulator.start();
	(emulator as unknown as { server?: Server }).server?.on('connection', () => connections++);
	process.on('message', (raw) => {
		const call = raw as EmulatorCall;
		void (async () => {
			let reply: EmulatorReply;
			try {
				const fn = handlers[call.method] as (...args: unknown[]) => unknown;
				reply = { id: call.id, ok: true, value: await fn(...call.args) };
			} catch (error) {
				reply = { id: call.id, ok: false, error: String((error as Error)?.stack ?? error) };
			}
			process.send?.(reply);
		})();
	});
	// The parent going away must not leave a server behind.
	process.on('disconnect', () => {
		void emulator.close().finally(() => process.exit(0));
	});
	process.send?.({ ready: true });
}

void main();
