/**
 * Feishu's long connection as the emulator plays it (events.md §2): endpoint discovery
 * (`POST /callback/ws/endpoint`), the WebSocket (`/ws/v2?…&ticket=…`, one ticket per
 * discovery), pbbp2 ping → pong with the ClientConfig, and event delivery as Feishu does it:
 * each event to ONE random open connection of the app, an ack expected within the (scaled-down)
 * 3 s, the unacked resent on the retry schedule (scaled-down 15 s / 5 min / 1 h / 6 h), at-least-
 * once duplicates, fragments, drops, and a connection limit per app refused at the handshake
 * with `handshake-status` 514 / `handshake-autherrcode` 1000040350.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';

import { decodeWireFrame, encodeWireFrame, wireHeader } from './long-connection-frame';
import type { WireFrame } from './long-connection-frame';
import { acceptUpgrade, refuseUpgrade, ServerWebSocket } from './long-connection-websocket';

export const ENDPOINT_PATH = '/callback/ws/endpoint';
export const WS_PATH = '/ws/v2';
export const CODES = {
	ok: 0,
	systemBusy: 1,
	forbidden: 403,
	authFailed: 514,
	internalError: 1000040343,
	connectionLimit: 1000040350,
} as const;

/** Durations in seconds, as Feishu sends them (fractions scale the emulator down). */
export interface WireClientConfig {
	PingInterval: number;
	ReconnectCount: number;
	ReconnectInterval: number;
	ReconnectNonce: number;
}

export interface LongConnectionOptions {
	/** app_id → app_secret of the apps that may connect. */
	apps: Record<string, string>;
	/** ClientConfig of the discovery answer (default: scaled down, see below). */
	clientConfig?: Partial<WireClientConfig>;
	/** ClientConfig sent in every pong (default: clientConfig). */
	pongConfig?: Partial<WireClientConfig>;
	/** Feishu's 3 s ack deadline, scaled (default 300 ms). */
	ackTimeoutMs?: number;
	/** Feishu's resend schedule 15 s, 5 min, 1 h, 6 h, scaled (default 100, 200, 400, 800 ms). */
	retryDelaysMs?: number[];
	/** Feishu: 50 per app. */
	maxConnectionsPerApp?: number;
	/** `service_id` of the WebSocket URL: the `service` of every frame. */
	serviceId?: number;
}

export const SCALED_CLIENT_CONFIG: WireClientConfig = {
	PingInterval: 0.2,
	ReconnectCount: -1,
	ReconnectInterval: 0.1,
	ReconnectNonce: 0.05,
};

export interface DeliverOptions {
	appId?: string;
	/** Split the payload across this many frames (sum/seq headers). */
	fragments?: number;
	/** Once acked, Feishu delivers it once more (at-least-once), under a new message_id. */
	duplicate?: boolean;
}

export interface AckRecord {
	messageId: string;
	connectionId: number;
	code: number;
	latencyMs: number;
	bizRt: string | undefined;
	/** The ack echoed the data frame's SeqID, LogID, service, method and headers. */
	echoed: boolean;
}

interface Connection {
	id: number;
	appId: string;
	ws: ServerWebSocket;
	open: boolean;
}

interface Pending {
	messageId: string;
	appId: string;
	payload: Buffer;
	fragments: number;
	duplicate: boolean;
	attempts: number;
	acked: boolean;
	sentAt: number;
	/** SeqID → the frame sent, to check the ack's echo. */
	sent: Map<bigint, WireFrame>;
	connectionId?: number;
}

export interface LongConnectionCounters {
	discoveries: number;
	upgrades: number;
	refusedUpgrades: number;
	pings: number;
	eventsDelivered: number;
	redeliveries: number;
	duplicatesSent: number;
	acks: AckRecord[];
	/** Pushes of an unacked event that gave up after the whole retry schedule. */
	lost: number;
	drops: number;
	/** Most connections one app had open at the same time. */
	maxOpenPerApp: Record<string, number>;
}

const zeroCounters = (): LongConnectionCounters => ({
	discoveries: 0,
	upgrades: 0,
	refusedUpgrades: 0,
	pings: 0,
	eventsDelivered: 0,
	redeliveries: 0,
	duplicatesSent: 0,
	acks: [],
	lost: 0,
	drops: 0,
	maxOpenPerApp: {},
});

export class LongConnectionEmulator {
	counters = zeroCounters();

	/** Counters back to zero, in place (callers may hold the object). */
	resetCounters(): void {
		Object.assign(this.counters, zeroCounters());
	}
	ackTimeoutMs: number;
	retryDelaysMs: number[];
	maxConnectionsPerApp: number;
	clientConfig: WireClientConfig;
	pongConfig: WireClientConfig;
	/** The next discoveries answer these codes instead of an URL (front first). */
	readonly discoveryFaults: number[] = [];

	private readonly apps: Map<string, string>;
	private readonly tickets = new Map<string, string>();
	private readonly connections = new Map<number, Connection>();
	private readonly pending = new Map<string, Pending>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private nextConnectionId = 1;
	private nextSeq = 1n;
	private nextMessage = 1;
	private readonly serviceId: number;
	private stopped = false;

	constructor(
		private readonly server: Server,
		options: LongConnectionOptions,
	) {
		this.apps = new Map(Object.entries(options.apps));
		this.clientConfig = { ...SCALED_CLIENT_CONFIG, ...options.clientConfig };
		this.pongConfig = { ...this.clientConfig, ...options.pongConfig };
		this.ackTimeoutMs = options.ackTimeoutMs ?? 300;
		this.retryDelaysMs = options.retryDelaysMs ?? [100, 200, 400, 800];
		this.maxConnectionsPerApp = options.maxConnectionsPerApp ?? 50;
		this.serviceId = options.serviceId ?? 33554678;
	}

	// ---- HTTP: endpoint discovery --------------------------------------------------------

	/** True when the request was the emulator's (endpoint discovery) and has been answered. */
	handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
		if ((req.url ?? '').split('?')[0] !== ENDPOINT_PATH) return false;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => this.discover(req, Buffer.concat(chunks), res));
		return true;
	}

	private discover(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
		this.counters.discoveries++;
		const answer = (payload: object) => {
			res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
			res.end(JSON.stringify(payload));
		};
		if (req.method !== 'POST') return answer({ code: 403, msg: 'method not allowed' });
		let parsed: { AppID?: unknown; AppSecret?: unknown } = {};
		try {
			parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
		} catch {
			return answer({ code: CODES.authFailed, msg: 'invalid body' });
		}
		const fault = this.discoveryFaults.shift();
		if (fault !== undefined) return answer({ code: fault, msg: `injected ${fault}` });
		const appId = String(parsed.AppID ?? '');
		if (!this.apps.has(appId) || this.apps.get(appId) !== parsed.AppSecret) {
			return answer({ code: CODES.authFailed, msg: 'auth failed' });
		}
		const ticket = randomBytes(12).toString('hex');
		this.tickets.set(ticket, appId);
		const { port } = this.server.address() as AddressInfo;
		const deviceId = randomBytes(8).toString('hex');
		const URL =
			`ws://127.0.0.1:${port}${WS_PATH}?fpid=493&aid=552564&device_id=${deviceId}` +
			`&access_key=${randomBytes(8).toString('hex')}&service_id=${this.serviceId}&ticket=${ticket}`;
		answer({ code: 0, msg: 'ok', data: { URL, ClientConfig: this.clientConfig } });
	}

	// ---- WebSocket -------------------------------------------------------------------------

	/** True when the upgrade was the emulator's and has been answered. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname !== WS_PATH) return false;
		const ticket = url.searchParams.get('ticket') ?? '';
		const appId = this.tickets.get(ticket);
		if (appId === undefined || this.stopped) {
			this.counters.refusedUpgrades++;
			refuseUpgrade(socket, 403, 'Forbidden', {
				'handshake-status': String(CODES.authFailed),
				'handshake-msg': 'invalid ticket',
			});
			return true;
		}
		if (this.openConnections(appId) >= this.maxConnectionsPerApp) {
			this.counters.refusedUpgrades++;
			refuseUpgrade(socket, 403, 'Forbidden', {
				'handshake-status': String(CODES.authFailed),
				'handshake-msg': 'exceed connection limit',
				'handshake-autherrcode': String(CODES.connectionLimit),
			});
			return true;
		}
		if (!acceptUpgrade(req, socket)) return true;
		this.tickets.delete(ticket);
		this.counters.upgrades++;
		const id = this.nextConnectionId++;
		const connection: Connection = {
			id,
			appId,
			open: true,
			ws: new ServerWebSocket(
				socket,
				{
					onBinary: (message) => this.receive(connection, message),
					onClose: () => {
						connection.open = false;
						this.connections.delete(id);
					},
				},
				head,
			),
		};
		this.connections.set(id, connection);
		const open = this.openConnections(appId);
		this.counters.maxOpenPerApp[appId] = Math.max(this.counters.maxOpenPerApp[appId] ?? 0, open);
		// Events that waited for a connection of this app go out now.
		for (const pending of this.pending.values()) {
			if (pending.appId === appId && !pending.acked && pending.connectionId === undefined)
				this.push(pending);
		}
		return true;
	}

	openConnections(appId?: string): number {
		let count = 0;
		for (const c of this.connections.values()) if (c.open && (!appId || c.appId === appId)) count++;
		return count;
	}

	private receive(connection: Connection, message: Buffer): void {
		let frame: WireFrame;
		try {
			frame = decodeWireFrame(message);
		} catch {
			connection.ws.close(1002, 'bad frame');
			return;
		}
		const type = wireHeader(frame, 'type');
		if (frame.method === 0 && type === 'ping') {
			this.counters.pings++;
			connection.ws.sendBinary(
				encodeWireFrame({
					SeqID: 0n,
					LogID: 0n,
					service: frame.service,
					method: 0,
					headers: [{ key: 'type', value: 'pong' }],
					payload: Buffer.from(JSON.stringify(this.pongConfig)),
				}),
			);
			return;
		}
		if (frame.method === 1) this.ack(connection, frame);
	}

	private ack(connection: Connection, frame: WireFrame): void {
		const messageId = wireHeader(frame, 'message_id') ?? '';
		const pending = this.pending.get(messageId);
		if (!pending) return;
		const sent = pending.sent.get(frame.SeqID);
		let code = 0;
		try {
			code = Number((JSON.parse(frame.payload?.toString('utf8') ?? '') as { code?: unknown }).code);
		} catch {
			code = 0;
		}
		const sentHeaders = sent?.headers ?? [];
		const echoed =
			sent !== undefined &&
			sent.LogID === frame.LogID &&
			sent.service === frame.service &&
			sent.method === frame.method &&
			sentHeaders.every(
				(h, i) => frame.headers[i]?.key === h.key && frame.headers[i]?.value === h.value,
			);
		this.counters.acks.push({
			messageId,
			connectionId: connection.id,
			code,
			latencyMs: performance.now() - pending.sentAt,
			bizRt: wireHeader(frame, 'biz_rt'),
			echoed,
		});
		// Only a 200 settles the event; a 500 is left to the resend (Feishu's exact reaction: unconfirmed).
		if (code !== 200 || pending.acked) return;
		pending.acked = true;
		if (pending.duplicate) {
			this.counters.duplicatesSent++;
			this.deliverPayload(pending.payload, pending.appId, pending.fragments, false);
		}
	}

	// ---- delivery --------------------------------------------------------------------------

	/** Pushes an event (the JSON of HTTP delivery); returns its message_id. */
	deliver(event: object, options: DeliverOptions = {}): string {
		const appId = options.appId ?? this.apps.keys().next().value ?? '';
		return this.deliverPayload(
			Buffer.from(JSON.stringify(event), 'utf8'),
			appId,
			options.fragments ?? 1,
			options.duplicate ?? false,
		);
	}

	private deliverPayload(
		payload: Buffer,
		appId: string,
		fragments: number,
		duplicate: boolean,
	): string {
		const messageId = `msg_${this.nextMessage++}_${randomBytes(4).toString('hex')}`;
		const pending: Pending = {
			messageId,
			appId,
			payload,
			fragments: Math.max(1, Math.min(fragments, payload.length)),
			duplicate,
			attempts: 0,
			acked: false,
			sentAt: 0,
			sent: new Map(),
		};
		this.pending.set(messageId, pending);
		this.push(pending);
		return messageId;
	}

	/** One push: to ONE random open connection of the app; no connection → waits for one. */
	private push(pending: Pending): void {
		if (this.stopped || pending.acked) return;
		const candidates = [...this.connections.values()].filter(
			(c) => c.open && c.appId === pending.appId,
		);
		if (candidates.length === 0) {
			delete pending.connectionId;
			return;
		}
		const target = candidates[Math.floor(Math.random() * candidates.length)];
		if (pending.attempts > 0) this.counters.redeliveries++;
		pending.attempts++;
		pending.connectionId = target.id;
		pending.sentAt = performance.now();
		this.counters.eventsDelivered++;
		const size = Math.ceil(pending.payload.length / pending.fragments);
		const logId = BigInt(`0x${randomBytes(7).toString('hex')}`);
		for (let seq = 0; seq < pending.fragments; seq++) {
			const frame: WireFrame = {
				SeqID: this.nextSeq++,
				LogID: logId,
				service: this.serviceId,
				method: 1,
				headers: [
					{ key: 'type', value: 'event' },
					{ key: 'message_id', value: pending.messageId },
					{ key: 'sum', value: String(pending.fragments) },
					{ key: 'seq', value: String(seq) },
					{ key: 'trace_id', value: randomBytes(8).toString('hex') },
					{ key: 'timestamp', value: String(Date.now()) },
				],
				payload: pending.payload.subarray(seq * size, (seq + 1) * size),
			};
			pending.sent.set(frame.SeqID, frame);
			target.ws.sendBinary(encodeWireFrame(frame));
		}
		this.later(this.ackTimeoutMs, () => this.checkAck(pending, pending.attempts));
	}

	private checkAck(pending: Pending, attempt: number): void {
		if (pending.acked || pending.attempts !== attempt) return;
		const delay = this.retryDelaysMs[attempt - 1];
		if (delay === undefined) {
			this.counters.lost++;
			this.pending.delete(pending.messageId);
			return;
		}
		this.later(delay, () => this.push(pending));
	}

	/** Events pushed and not acked yet. */
	unacked(): number {
		let count = 0;
		for (const p of this.pending.values()) if (!p.acked) count++;
		return count;
	}

	/**
	 * The server drops connections of an app (default all): `destroy` without a closing
	 * handshake (a network drop), `close` with one (going away).
	 */
	drop(options: { appId?: string; how?: 'destroy' | 'close'; count?: number } = {}): number {
		let dropped = 0;
		for (const c of this.connections.values()) {
			if (!c.open || (options.appId && c.appId !== options.appId)) continue;
			if (options.count !== undefined && dropped >= options.count) break;
			// Gone at once for delivery and counting, whatever the TCP teardown still does.
			c.open = false;
			if (options.how === 'close') c.ws.close(1001, 'going away');
			else c.ws.destroy();
			dropped++;
		}
		this.counters.drops += dropped;
		return dropped;
	}

	/** Stops resends and destroys every connection (the HTTP server's close calls it). */
	stop(): void {
		this.stopped = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const c of this.connections.values()) c.ws.destroy();
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}
}
