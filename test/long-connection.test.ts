/**
 * Feishu's long connection, as the trigger's helper keeps it, against the emulator on
 * 127.0.0.1: every event acked at once with its own frame, fragments joined, pings at the
 * server's interval, reconnects after drops without losing an event, one connection per app
 * shared by every subscriber, nothing left running after the last one leaves, and clear errors
 * for the connection limit, refused credentials and a Node.js without WebSocket.
 */
import { randomUUID } from 'node:crypto';

import {
	listenLongConnection,
	NO_WEBSOCKET_MESSAGE,
} from '../nodes/FeishuImagesTrigger/long-connection';
import {
	runConnection,
	type WebSocketConstructor,
} from '../nodes/FeishuImagesTrigger/long-connection/client';
import {
	DEFAULT_CLIENT_CONFIG,
	discoverEndpoint,
} from '../nodes/FeishuImagesTrigger/long-connection/endpoint';
import type { LongConnectionFailure } from '../nodes/FeishuImagesTrigger/long-connection/errors';
import { probeRefusedUpgrade } from '../nodes/FeishuImagesTrigger/long-connection/handshake-probe';
import { openConnectionCount } from '../nodes/FeishuImagesTrigger/long-connection/registry';
import {
	startLongConnectionEmulator,
	type StandaloneLongConnection,
} from './emulator/events/long-connection-attach';
import type { LongConnectionOptions } from './emulator/events/long-connection-server';
import { triggerContext, type TestTrigger } from './long-connection-context';
import { trackTimers } from './support/timers';

const APP_ID = 'cli_a1b2c3d4e5f60718';
const APP_SECRET = 'lc-secret-0123456789abcdef';

let lc: StandaloneLongConnection;
const open: Array<{ close(): Promise<void> }> = [];

async function start(options: Partial<LongConnectionOptions> = {}) {
	lc = await startLongConnectionEmulator({ apps: { [APP_ID]: APP_SECRET }, ...options });
	return lc.emulator;
}

function trigger(secret = APP_SECRET): TestTrigger {
	return triggerContext({ baseUrl: lc.baseUrl, appId: APP_ID, appSecret: secret });
}

async function listen(
	t: TestTrigger,
	received: unknown[],
	handler?: (e: unknown) => Promise<void>,
) {
	const listener = await listenLongConnection(t.ctx, async (event) => {
		received.push(event);
		await handler?.(event);
	});
	open.push(listener);
	return listener;
}

function messageEvent(n: number) {
	return {
		schema: '2.0',
		header: {
			event_id: `ev_${n}_${randomUUID()}`,
			event_type: 'im.message.receive_v1',
			create_time: String(Date.now()),
			token: '',
			app_id: APP_ID,
			tenant_key: 'tenant',
		},
		event: {
			sender: { sender_id: { open_id: 'ou_1' }, sender_type: 'user', tenant_key: 'tenant' },
			message: {
				message_id: `om_${n}`,
				chat_id: 'oc_1',
				chat_type: 'p2p',
				message_type: 'image',
				content: JSON.stringify({ image_key: `img_v3_${n}` }),
			},
		},
	};
}

const eventIds = (events: unknown[]) =>
	new Set(events.map((e) => (e as { header: { event_id: string } }).header.event_id));

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

afterEach(async () => {
	for (const listener of open.splice(0)) await listener.close();
	await lc?.close();
});

describe('acknowledgement', () => {
	it('acks every event at once with its own frame, before the handler has finished', async () => {
		// Feishu's real deadline here: what is measured is that no handler stands in the way.
		const emulator = await start({ ackTimeoutMs: 3_000 });
		const received: unknown[] = [];
		let release = () => undefined as void;
		const handlersMayFinish = new Promise<void>((resolve) => (release = resolve));
		let finished = 0;
		await listen(trigger(), received, async () => {
			await handlersMayFinish;
			finished++;
		});
		const sent = Array.from({ length: 20 }, (_, i) => messageEvent(i));
		for (const event of sent) emulator.deliver(event);
		await waitFor('20 acks', () => emulator.counters.acks.length === 20);
		// Every handler is still running (it waits for the release) and every ack is in.
		expect(finished).toBe(0);
		await waitFor('20 events', () => received.length === 20);
		expect(received).toEqual(sent);
		release();
		await waitFor('the handlers', () => finished === 20);
		const { acks } = emulator.counters;
		expect(acks.every((a) => a.code === 200 && a.echoed)).toBe(true);
		expect(acks.every((a) => a.latencyMs < 3_000)).toBe(true);
		expect(acks.every((a) => /^\d+$/.test(a.bizRt ?? ''))).toBe(true);
		expect(new Set(acks.map((a) => a.messageId)).size).toBe(20);
		expect(emulator.counters.redeliveries).toBe(0);
	});

	it('joins an event Feishu split into fragments (cut inside UTF-8 characters) and acks it once', async () => {
		const emulator = await start();
		const received: unknown[] = [];
		await listen(trigger(), received);
		const big = { ...messageEvent(1), text: '飞书图片'.repeat(5_000) };
		const messageId = emulator.deliver(big, { fragments: 7 });
		await waitFor('the event', () => received.length === 1);
		expect(received[0]).toEqual(big);
		await waitFor('the ack', () => emulator.counters.acks.length === 1);
		expect(emulator.counters.acks[0]).toMatchObject({ messageId, code: 200, echoed: true });
	});

	it('answers an at-least-once duplicate again (deduping is the trigger’s job)', async () => {
		const emulator = await start();
		const received: unknown[] = [];
		await listen(trigger(), received);
		const event = messageEvent(1);
		emulator.deliver(event, { duplicate: true });
		await waitFor('both copies', () => received.length === 2);
		expect(received).toEqual([event, event]);
		expect(emulator.counters.acks.filter((a) => a.code === 200)).toHaveLength(2);
	});
});

describe('ping and ClientConfig', () => {
	it('pings at the PingInterval of the last pong, not only of the discovery', async () => {
		const emulator = await start({
			clientConfig: { PingInterval: 5 },
			pongConfig: { PingInterval: 0.05 },
		});
		await listen(trigger(), []);
		// At the discovery's 5 s only the first ping would go out; the pong's 50 ms takes over.
		await waitFor('ten pings', () => emulator.counters.pings >= 10, 3_000);
	});
});

describe('reconnects', () => {
	it('loses no event when the server drops the connection three times mid-burst', async () => {
		const emulator = await start();
		const received: unknown[] = [];
		await listen(trigger(), received);
		const sent = Array.from({ length: 120 }, (_, i) => messageEvent(i));
		for (const [i, event] of sent.entries()) {
			emulator.deliver(event);
			if (i % 40 === 20) {
				// Drop whatever connection the client has by now; events keep coming while it is away.
				await waitFor('a connection', () => emulator.openConnections(APP_ID) === 1);
				emulator.drop({ how: i === 60 ? 'close' : 'destroy' });
			}
		}
		await waitFor('every event acked', () => emulator.unacked() === 0, 20_000);
		expect(emulator.counters.drops).toBe(3);
		expect(emulator.counters.upgrades).toBe(4);
		expect(emulator.counters.lost).toBe(0);
		expect(eventIds(received)).toEqual(eventIds(sent));
		expect(emulator.counters.maxOpenPerApp[APP_ID]).toBe(1);
	});

	it('retries a discovery Feishu answers with "internal error" or "system busy", then connects', async () => {
		const emulator = await start();
		emulator.discoveryFaults.push(1000040343, 1);
		const t = trigger();
		const app = { baseUrl: lc.baseUrl, appId: APP_ID, appSecret: APP_SECRET };
		const failures: LongConnectionFailure[] = [];
		const received: unknown[] = [];
		const stop = new AbortController();
		const running = runConnection(
			globalThis.WebSocket as unknown as WebSocketConstructor,
			{
				discover: async (current) => await discoverEndpoint(t.ctx, app, current),
				probeRefusal: async (url) => await probeRefusedUpgrade(t.ctx, url),
				onOpen: () => undefined,
				onEvent: (event) => received.push(event),
				onFailure: (failure) => failures.push(failure),
				warn: () => undefined,
			},
			stop.signal,
			// Before any ClientConfig the waits are node-sdk's defaults (30 s nonce, 120 s
			// interval); scaled down here, as the emulator's own ClientConfig is.
			{
				initialConfig: {
					...DEFAULT_CLIENT_CONFIG,
					reconnectNonceMs: 20,
					reconnectIntervalMs: 20,
				},
			},
		);
		emulator.deliver(messageEvent(1));
		await waitFor('the event', () => received.length === 1);
		expect(emulator.counters.discoveries).toBe(3);
		expect(failures.map((f) => [f.kind, f.code])).toEqual([
			['transient', 1000040343],
			['transient', 1],
		]);
		stop.abort();
		await running;
		await waitFor('the emulator to see the close', () => emulator.openConnections() === 0, 2_000);
	});
});

describe('one connection per app, shared', () => {
	it('gives every event to both subscribers of an app over one connection', async () => {
		const emulator = await start();
		const production: unknown[] = [];
		const testListen: unknown[] = [];
		await listen(trigger(), production);
		await listen(trigger(), testListen);
		const sent = Array.from({ length: 30 }, (_, i) => messageEvent(i));
		for (const event of sent) emulator.deliver(event);
		await waitFor('both got all', () => production.length === 30 && testListen.length === 30);
		expect(production).toEqual(sent);
		expect(testListen).toEqual(sent);
		expect(emulator.counters.upgrades).toBe(1);
		expect(emulator.counters.maxOpenPerApp[APP_ID]).toBe(1);
		// One ack per event, not one per subscriber.
		await waitFor('30 acks', () => emulator.counters.acks.length === 30);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(emulator.counters.acks).toHaveLength(30);
	});

	it('keeps the connection while a subscriber remains; the last close leaves no connection and no timer', async () => {
		// A long ping interval: a ping wait that outlived the close would still pend below.
		const emulator = await start({ clientConfig: { PingInterval: 5 } });
		// n8n-core's context makes its own process-wide services (an SSH client sweep) once.
		const [one, two] = [trigger(), trigger()];
		const timers = trackTimers();
		try {
			const first = await listen(one, []);
			const second: unknown[] = [];
			const last = await listen(two, second);
			await first.close();
			emulator.deliver(messageEvent(1));
			await waitFor('the remaining subscriber’s event', () => second.length === 1);
			expect(emulator.openConnections(APP_ID)).toBe(1);
			expect(emulator.counters.upgrades).toBe(1);
			await last.close();
			expect(openConnectionCount()).toBe(0);
			await waitFor('the emulator to see the close', () => emulator.openConnections() === 0, 2_000);
			const pingsAfterClose = emulator.counters.pings;
			await lc.close();
			// Every timer made since the first listen (pings, waits, the emulator's) is gone.
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(timers.pending()).toEqual([]);
			expect(timers.created()).toBeGreaterThan(0);
			expect(emulator.counters.pings).toBe(pingsAfterClose);
		} finally {
			timers.stop();
		}
	});

	it('opens a fresh connection for a listen that comes after the last close', async () => {
		const emulator = await start();
		const first = await listen(trigger(), []);
		await first.close();
		const received: unknown[] = [];
		await listen(trigger(), received);
		emulator.deliver(messageEvent(1));
		await waitFor('the event', () => received.length === 1);
		expect(emulator.counters.upgrades).toBe(2);
		expect(emulator.counters.maxOpenPerApp[APP_ID]).toBe(1);
	});
});

describe('clear errors', () => {
	it('refuses the listen with the connection limit (1000040350) when the app has no connection left', async () => {
		const emulator = await start({ maxConnectionsPerApp: 1 });
		const other = await occupyOneConnection();
		try {
			const promise = listenLongConnection(trigger().ctx, () => undefined);
			await expect(promise).rejects.toThrow(/as many connections as Feishu allows.*1000040350/);
			expect(emulator.openConnections(APP_ID)).toBe(1);
			expect(openConnectionCount()).toBe(0);
		} finally {
			other.close();
		}
	});

	it('reports the limit through emitError when it strikes on a reconnect', async () => {
		const emulator = await start({ maxConnectionsPerApp: 2 });
		const t = trigger();
		await listen(t, []);
		const other = await occupyOneConnection();
		// Feishu lowers the limit, and our connection (the older one) drops: the reconnect is refused.
		emulator.maxConnectionsPerApp = 1;
		emulator.drop({ count: 1 });
		try {
			await waitFor('emitError', () => t.errors.length === 1);
			expect(t.errors[0].message).toMatch(/1000040350/);
			expect(t.errors[0].constructor.name).toBe('NodeOperationError');
			expect(openConnectionCount()).toBe(0);
		} finally {
			other.close();
		}
	});

	it('refuses the listen when Feishu refuses the App Secret, without the secret in the message', async () => {
		await start();
		const promise = listenLongConnection(trigger('wrong-secret-value').ctx, () => undefined);
		await expect(promise).rejects.toThrow(/refused the App ID or App Secret.*514/);
		await expect(promise).rejects.not.toThrow(/wrong-secret-value/);
		expect(openConnectionCount()).toBe(0);
	});

	it('explains a Node.js without a built-in WebSocket (Node 20) instead of failing obscurely', async () => {
		await start();
		const promise = listenLongConnection(trigger().ctx, () => undefined, { webSocket: null });
		await expect(promise).rejects.toThrow(NO_WEBSOCKET_MESSAGE);
		expect(lc.emulator.counters.discoveries).toBe(0);
	});
});

/** Another client of the same app (another n8n, an SDK script), outside this process's registry. */
async function occupyOneConnection(): Promise<WebSocket> {
	const answer = (await (
		await fetch(`${lc.baseUrl}/callback/ws/endpoint`, {
			method: 'POST',
			body: JSON.stringify({ AppID: APP_ID, AppSecret: APP_SECRET }),
		})
	).json()) as { data: { URL: string } };
	const socket = new WebSocket(answer.data.URL);
	await new Promise((resolve, reject) => {
		socket.onopen = resolve;
		socket.onerror = reject;
	});
	return socket;
}
