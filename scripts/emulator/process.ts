/**
 * The Feishu emulator (test/emulator) in a process of its own: the one way to run it as a
 * process, for `npm run bench` (bench/emulator-client.ts forks it and calls it over IPC) and for
 * the real-app checks (scripts/n8n-app/lib.sh starts it and calls it over HTTP).
 *
 *   node scripts/register-ts.js scripts/emulator/process.ts [--state=<file>] [--boards=N]
 *
 * Why a process: the real-app checks drive an n8n that runs in processes of its own; for the
 * bench, an in-process emulator would share the client's event loop and RSS on a 2-core machine.
 *
 * Its calls (`handlers` below) are the same on both doors:
 *   IPC (forked with an IPC channel): messages { id, method, args } answered { id, ok, value |
 *     error }; { ready: true } once listening; it exits when the parent disconnects.
 *   HTTP (--state): a control server on 127.0.0.1, `POST /<method>` with a JSON array of
 *     arguments (or GET without arguments) answers the value as JSON. With --state it also adds
 *     the real-app fixtures (scripts/emulator/fixtures.ts; --boards=N small whiteboards more) and
 *     writes <file> once ready: { pid, baseUrl, controlUrl, appId, appSecret, ...fixtures }.
 *     It stops on SIGTERM / SIGINT, when its parent goes away, or after
 *     EMULATOR_MAX_LIFETIME_MS (15 minutes), so it cannot outlive a killed script.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FeishuEmulator, makePng } from '../../test/emulator';
import type { EndpointName } from '../../test/emulator';
import type { CutOptions } from '../../test/emulator/sources/types';
import { triggerHandlers } from '../../bench/trigger-feishu';
import { FeishuWebhookSender } from '../../test/emulator/events/webhook-delivery';
import { messageEvent } from '../../test/emulator/events/webhook-events';
import type { MessageEventOptions } from '../../test/emulator/events/webhook-events';
import { addAppFixtures, sha256 } from './fixtures';
import { sourceHandlers } from './source-controls';
import { triggerHandlers as appTriggerHandlers } from './trigger-controls';

let emulator: FeishuEmulator;
/** TCP connections accepted so far (the plain axios loop keeps its sockets alive; does the node?). */
let connections = 0;
let redraws = 0;
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
	/** A limit per second on one endpoint; null lifts it. */
	enforceRateLimit: (endpoint: EndpointName, limit: number | null) => {
		emulator.enforceRateLimit(endpoint, limit ?? Infinity);
		return true;
	},
	resetCounters: () => {
		emulator.resetCounters();
		return true;
	},
	counters: () => emulator.counters,
	/** Counters, the tokens issued and the request log since the last reset. */
	stats: () => ({
		tokenRequests: emulator.counters.tokenRequests,
		issuedTokens: emulator.issuedTokens,
		downloads: emulator.counters.downloads,
		byStatus: emulator.counters.byStatus,
		status429: emulator.counters.status429,
		requests: emulator.requestLog.map(({ endpoint, method, url, status }) => ({
			endpoint,
			method,
			url,
			status,
		})),
	}),
	/** Draws a whiteboard anew: its bytes, so its sha256, change. */
	redrawWhiteboard: (id: string) => ({
		id,
		sha256: sha256(emulator.setWhiteboardImage(id, makePng(64, 48, 9000 + ++redraws))),
	}),
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
	/** Whose bearer token each request to `endpoint` since the last reset carried: tenant, user or other. */
	bearers: (endpoint: EndpointName) =>
		emulator.requestLog
			.filter((e) => e.endpoint === endpoint)
			.map((e) => {
				const token = String(e.headers.authorization ?? '').replace(/^Bearer /, '');
				if (emulator.issuedTokens.includes(token)) return 'tenant';
				return emulator.issuedUserTokens.includes(token) ? 'user' : 'other';
			}),

	// ---- events (the Feishu Images Trigger): a picture message as Feishu pushes it ----------
	/** A message's resource (image by default) for the trigger to download: its size and sha256. */
	addMessageResource: (messageId: string, fileKey: string, type: 'image' | 'file' = 'image') => {
		const bytes = emulator.addMessageResource(messageId, fileKey, {
			type,
			contentType: 'image/png',
		});
		return { size: bytes.length, sha256: sha256(bytes) };
	},
	/**
	 * An `im.message.receive_v1` event pushed over the long connection to ONE open connection of
	 * the app (the emulator's app unless named), as Feishu does; returns its event ID.
	 */
	deliverLongConnectionEvent: (event: Omit<MessageEventOptions, 'appId'>, appId?: string) => {
		const app = appId ?? emulator.appId;
		const body = messageEvent({ ...event, appId: app });
		emulator.longConnection.deliver(body, { appId: app });
		return { eventId: (body.header as { event_id: string }).event_id };
	},
	/** Open long connections (of one app, default all), and what Feishu's side counted. */
	appConnectionStats: (appId?: string) => {
		const { acks, ...counters } = emulator.longConnection.counters;
		return {
			open: emulator.longConnection.openConnections(appId),
			unacked: emulator.longConnection.unacked(),
			acks: acks.length,
			...counters,
		};
	},
	/** The event POSTed to a request URL as Feishu seals it (one push, no retry): the answer. */
	pushWebhookEvent: (
		url: string,
		event: Omit<MessageEventOptions, 'appId'>,
		keys: { verificationToken: string; encryptKey?: string },
	) =>
		new FeishuWebhookSender({ url, ...keys }).push(
			messageEvent({ ...event, appId: emulator.appId, token: keys.verificationToken }),
		),
	/** This process's CPU time so far, in ms (user + system). */
	cpuMs: () => {
		const usage = process.cpuUsage();
		return (usage.user + usage.system) / 1000;
	},
	/** Feishu's side of the trigger benchmark (`npm run bench -- --only=trigger`). */
	...triggerHandlers(() => emulator),
	// ---- issue 17's benchmark (`npm run bench -- --only=big-files`, bench/big-files.ts) ----
	/** A generated chat file (type=file) of `size` bytes; its sha256 is computed here, streamed. */
	bigAddChatFile: (messageId: string, fileKey: string, size: number) => {
		const file = emulator.addMessageResource(messageId, fileKey, {
			type: 'file',
			size,
			contentType: 'application/octet-stream',
			fileName: `${fileKey}.bin`,
		});
		return { size: file.size, sha256: file.sha256() };
	},
	/**
	 * How message resources answer: the whole-file cap in bytes (null: none), whether Range is
	 * ignored (a plain 200 stream), and cuts to queue (after clearing any left).
	 */
	bigConfigureRanges: (opts: { cap: number | null; ignoreRange: boolean; cuts: CutOptions[] }) => {
		const ranges = emulator.sources.ranges;
		ranges.messageResourceCap = opts.cap ?? Infinity;
		ranges.ignoreRange('messageResource', opts.ignoreRange);
		ranges.clearCuts();
		for (const cut of opts.cuts) ranges.cutRanges(cut);
		return true;
	},
	/** What the emulator sent for one file since the last reset, and the cuts it applied. */
	bigRangeStats: (id: string) => {
		const ranges = emulator.sources.ranges;
		const { ranges: headers, ...stats } = ranges.stats(id);
		const mine = ranges.transfers.filter((t) => t.id === id);
		return {
			...stats,
			cuts: mine.filter((t) => t.cut).length,
			/** Each cut answer: where it started, bytes sent, where the next request started. */
			cutAt: mine.flatMap((t, at) =>
				t.cut ? [{ start: t.start, sent: t.bytesSent, next: mine[at + 1]?.start }] : [],
			),
			allRanged: headers.every((r) => r?.startsWith('bytes=')),
			pendingCuts: ranges.pendingCuts,
		};
	},
	/** A Base table (makeBitableTable); the attachments' manifest with each one's sha256. */
	bigMakeTable: (opts: {
		appToken: string;
		tableId: string;
		records: number;
		attachmentFields: number;
		advancedPermissions: boolean;
	}) => {
		const table = emulator.sources.makeBitableTable(opts);
		return {
			appToken: table.appToken,
			tableId: table.tableId,
			attachments: table.attachments.map((a) => ({
				recordId: a.recordId,
				fieldId: a.fieldId,
				fileToken: a.attachment.file_token,
				size: a.attachment.size,
				sha256: a.sha256(),
			})),
		};
	},
	/** One endpoint since the last reset: requests, the most in any `windowMs`, statuses, 99991400s. */
	bigEndpointWindow: (endpoint: EndpointName, windowMs: number) => {
		const mine = emulator.requestLog.filter((e) => e.endpoint === endpoint);
		const times = mine.map((e) => e.at).sort((a, b) => a - b);
		let peak = 0;
		for (let start = 0, end = 0; end < times.length; end++) {
			while (times[end] - times[start] >= windowMs) start++;
			peak = Math.max(peak, end - start + 1);
		}
		const byStatus: Record<string, number> = {};
		for (const e of mine) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
		return {
			requests: mine.length,
			peak,
			spanMs: times.length ? times[times.length - 1] - times[0] : 0,
			byStatus,
			rateLimited: emulator.counters.rateLimited[endpoint],
		};
	},
	// ---- end of issue 17's block ----
	close: () => {
		setImmediate(() => void stop());
		return true;
	},
	// ---- Feishu Images Trigger: events delivered both ways (scripts/emulator/trigger-controls.ts)
	...appTriggerHandlers(() => emulator),
	// ---- issue 17's sources: a Base, the whole-file cap (scripts/emulator/source-controls.ts)
	...sourceHandlers(() => emulator),
};

export type EmulatorHandlers = typeof handlers;
export type MethodName = keyof EmulatorHandlers;
export interface EmulatorCall {
	id: number;
	method: MethodName;
	args: unknown[];
}
export type EmulatorReply =
	{ id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

async function call(method: string, args: unknown[]): Promise<unknown> {
	if (!Object.hasOwn(handlers, method)) throw new Error(`no emulator call ${method}`);
	const fn = handlers[method as MethodName] as (...a: unknown[]) => unknown;
	return await fn(...args);
}

let stopping = false;
async function stop(): Promise<void> {
	if (stopping) return;
	stopping = true;
	await emulator.close();
	process.exit(0);
}

function serveIpc(): void {
	process.on('message', (raw) => {
		const { id, method, args } = raw as EmulatorCall;
		void call(method, args).then(
			(value) => process.send?.({ id, ok: true, value } satisfies EmulatorReply),
			(error: unknown) =>
				process.send?.({
					id,
					ok: false,
					error: String((error as Error)?.stack ?? error),
				} satisfies EmulatorReply),
		);
	});
	// The parent going away must not leave a server behind.
	process.on('disconnect', () => void stop());
	process.send?.({ ready: true });
}

async function serveHttp(): Promise<string> {
	const server = createServer((req, res) => {
		const method = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(1);
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (body += chunk));
		req.on('end', () => {
			const send = (status: number, value: unknown): void => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			Promise.resolve()
				.then(() => call(method, body.trim() ? (JSON.parse(body) as unknown[]) : []))
				.then(
					(value) => send(200, value),
					(error: unknown) => send(400, { error: String((error as Error)?.message ?? error) }),
				);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function flag(name: string): string | undefined {
	return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
	const stateFile = flag('state');
	const boardCount = Number(flag('boards') ?? 0);
	if (!Number.isSafeInteger(boardCount) || boardCount < 0) throw new Error('--boards=N, N >= 0');
	emulator = await FeishuEmulator.start();
	(emulator as unknown as { server?: import('node:http').Server }).server?.on(
		'connection',
		() => connections++,
	);
	if (process.send) serveIpc();
	if (!stateFile) return;

	const fixtures = addAppFixtures(emulator, boardCount);
	const controlUrl = await serveHttp();
	process.on('SIGTERM', () => void stop());
	process.on('SIGINT', () => void stop());
	const parent = process.ppid;
	const maxLifetimeMs = Number(process.env.EMULATOR_MAX_LIFETIME_MS ?? 15 * 60 * 1000);
	const startedAt = Date.now();
	setInterval(() => {
		if (process.ppid !== parent || Date.now() - startedAt > maxLifetimeMs) void stop();
	}, 1000);
	writeFileSync(
		`${stateFile}.tmp`,
		`${JSON.stringify({ ...handlers.info(), controlUrl, ...fixtures }, null, 2)}\n`,
	);
	renameSync(`${stateFile}.tmp`, stateFile);
}

main().catch((error: unknown) => {
	process.stderr.write(`emulator process: ${(error as Error)?.stack ?? String(error)}\n`);
	process.exit(1);
});
