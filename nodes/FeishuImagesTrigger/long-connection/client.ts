/**
 * One long connection of one app, as long as its AbortSignal lets it live: endpoint discovery,
 * the WebSocket, pings at the server's PingInterval, fragment reassembly, an ack frame for every
 * event the moment it is complete (before anyone handles it: Feishu resends what is not acked
 * within 3 s), and reconnects with the server's ReconnectNonce / ReconnectInterval /
 * ReconnectCount after a drop. Every wait is `sleep(ms, signal)`: when the signal aborts, the
 * socket is closed and every loop returns.
 */
import { sleep } from 'n8n-workflow';

import type { ClientConfig, Endpoint } from './endpoint';
import { applyClientConfig, DEFAULT_CLIENT_CONFIG } from './endpoint';
import { LongConnectionFailure } from './errors';
import { FragmentBuffer } from './fragments';
import type { Frame } from './pbbp2';
import { decodeFrame, encodeFrame, FRAME_METHOD, headerValue } from './pbbp2';

/** The part of the runtime's WebSocket this client uses (injectable for Node without one). */
export interface SocketLike {
	binaryType: string;
	readonly readyState: number;
	onopen: ((event: unknown) => void) | null;
	onmessage: ((event: { data: unknown }) => void) | null;
	onerror: ((event: unknown) => void) | null;
	onclose: ((event: unknown) => void) | null;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => SocketLike;

export interface ConnectionCallbacks {
	discover(current: ClientConfig): Promise<Endpoint>;
	/** After a refused upgrade: what the gateway says about it. */
	probeRefusal(url: string): Promise<LongConnectionFailure>;
	/** A socket is open. */
	onOpen(): void;
	/** A complete event, parsed; its ack is already on the wire. */
	onEvent(event: unknown): void;
	/** Every failure; a non-retryable one ends the connection for good. */
	onFailure(failure: LongConnectionFailure): void;
	warn(message: string): void;
}

const OPEN = 1;
const NORMAL_CLOSURE = 1000;
/** No answer to the upgrade within this long: give the attempt up. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** Silence (no frame at all, not even a pong) this many ping intervals long means a dead peer. */
const SILENT_PINGS = 3;
const SILENCE_MARGIN_MS = 10_000;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8');

/** Waits; false when the signal aborted first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
	return await sleep(Math.max(0, ms), signal).then(
		() => !signal.aborted,
		() => false,
	);
}

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(fromUtf8.decode(bytes)) as unknown };
	} catch {
		return { ok: false };
	}
}

interface SessionResult {
	opened: boolean;
	config: ClientConfig;
}

/** One WebSocket, from the upgrade to its close. */
class Session {
	private opened = false;
	private lastInbound = Date.now();
	private readonly fragments = new FragmentBuffer();
	private socket: SocketLike | undefined;
	private wakePingLoop: AbortController | undefined;

	constructor(
		private readonly endpoint: Endpoint,
		private config: ClientConfig,
		private readonly callbacks: ConnectionCallbacks,
	) {}

	async run(WebSocketImpl: WebSocketConstructor, signal: AbortSignal): Promise<SessionResult> {
		const local = new AbortController();
		const sessionSignal = AbortSignal.any([signal, local.signal]);
		let socket: SocketLike;
		try {
			socket = new WebSocketImpl(this.endpoint.url);
		} catch (error) {
			this.callbacks.warn(`Cannot open the WebSocket: ${(error as Error).message}`);
			return { opened: false, config: this.config };
		}
		this.socket = socket;
		socket.binaryType = 'arraybuffer';
		return await new Promise<SessionResult>((resolve) => {
			const closeOnAbort = () => socket.close(NORMAL_CLOSURE);
			signal.addEventListener('abort', closeOnAbort, { once: true });
			socket.onopen = () => {
				this.opened = true;
				this.lastInbound = Date.now();
				this.callbacks.onOpen();
				void this.pingLoop(sessionSignal);
			};
			socket.onmessage = (event) => this.receive(event.data);
			// An error is always followed by close, which is where the session ends.
			socket.onerror = () => undefined;
			socket.onclose = () => {
				signal.removeEventListener('abort', closeOnAbort);
				local.abort();
				this.fragments.clear();
				resolve({ opened: this.opened, config: this.config });
			};
			void pause(HANDSHAKE_TIMEOUT_MS, sessionSignal).then((elapsed) => {
				if (elapsed && !this.opened) socket.close();
			});
		});
	}

	/**
	 * A ping every PingInterval. A pong that changes the interval wakes the wait, so the new
	 * interval counts from the last ping at once (not only after the old one has run out).
	 */
	private async pingLoop(signal: AbortSignal): Promise<void> {
		let lastPingAt = 0;
		while (!signal.aborted) {
			const dueInMs = lastPingAt + this.config.pingIntervalMs - Date.now();
			if (dueInMs > 0) {
				const wake = new AbortController();
				this.wakePingLoop = wake;
				await pause(dueInMs, AbortSignal.any([signal, wake.signal]));
				continue;
			}
			const silentFor = Date.now() - this.lastInbound;
			if (silentFor > this.config.pingIntervalMs * SILENT_PINGS + SILENCE_MARGIN_MS) {
				this.callbacks.warn('The long connection went silent; reconnecting');
				this.socket?.close();
				return;
			}
			this.send({
				seqId: 0n,
				logId: 0n,
				service: this.endpoint.serviceId,
				method: FRAME_METHOD.control,
				headers: [{ key: 'type', value: 'ping' }],
			});
			lastPingAt = Date.now();
		}
	}

	private receive(data: unknown): void {
		if (!(data instanceof ArrayBuffer)) return;
		this.lastInbound = Date.now();
		let frame: Frame;
		try {
			frame = decodeFrame(new Uint8Array(data));
		} catch (error) {
			this.callbacks.warn(`Dropped an undecodable frame: ${(error as Error).message}`);
			return;
		}
		if (frame.method === FRAME_METHOD.control) this.control(frame);
		else if (frame.method === FRAME_METHOD.data) this.data(frame);
	}

	/** A pong carries the server's ClientConfig: adopt it (ping and reconnect timing). */
	private control(frame: Frame): void {
		if (headerValue(frame, 'type') !== 'pong' || !frame.payload?.length) return;
		const parsed = parseJson(frame.payload);
		if (!parsed.ok) return;
		const before = this.config.pingIntervalMs;
		this.config = applyClientConfig(this.config, parsed.value);
		if (this.config.pingIntervalMs !== before) this.wakePingLoop?.abort();
	}

	private data(frame: Frame): void {
		// Both SDKs act on `event` only (a `card` is a callback this trigger does not serve).
		if (headerValue(frame, 'type') !== 'event') return;
		const receivedAt = Date.now();
		const whole = this.fragments.add({
			messageId: headerValue(frame, 'message_id') ?? '',
			sum: Number(headerValue(frame, 'sum') ?? '1'),
			seq: Number(headerValue(frame, 'seq') ?? '0'),
			payload: frame.payload ?? new Uint8Array(0),
		});
		if (!whole) return;
		const parsed = parseJson(whole);
		if (!parsed.ok) this.callbacks.warn('Feishu sent an event that is not JSON; answered 500');
		// The ack first: handling (downloads, executions) happens after Feishu has its answer.
		this.send({
			...frame,
			headers: [...frame.headers, { key: 'biz_rt', value: String(Date.now() - receivedAt) }],
			payload: utf8.encode(JSON.stringify({ code: parsed.ok ? 200 : 500 })),
		});
		if (parsed.ok) this.callbacks.onEvent(parsed.value);
	}

	private send(frame: Frame): void {
		if (this.socket?.readyState === OPEN) this.socket.send(encodeFrame(frame));
	}
}

/**
 * Keeps one long connection up until the signal aborts or Feishu refuses it for good
 * (callbacks.onFailure with a non-retryable failure). Resolves when every loop has stopped and
 * the socket is closed.
 */
export async function runConnection(
	WebSocketImpl: WebSocketConstructor,
	callbacks: ConnectionCallbacks,
	signal: AbortSignal,
	options: {
		/** The waits before the server has sent any ClientConfig (default: node-sdk's). */
		initialConfig?: ClientConfig;
		random?: () => number;
	} = {},
): Promise<void> {
	const random = options.random ?? Math.random;
	let config: ClientConfig = { ...(options.initialConfig ?? DEFAULT_CLIENT_CONFIG) };
	let failedAttempts = 0;
	let everOpened = false;
	while (!signal.aborted) {
		let failure: LongConnectionFailure | undefined;
		let opened = false;
		const endpoint = await callbacks.discover(config).then(
			(found) => found,
			(error: unknown) => {
				failure =
					error instanceof LongConnectionFailure
						? error
						: new LongConnectionFailure('transient', (error as Error).message);
				return undefined;
			},
		);
		if (endpoint && !signal.aborted) {
			const result = await new Session(endpoint, endpoint.config, callbacks).run(
				WebSocketImpl,
				signal,
			);
			opened = result.opened;
			config = result.config;
			if (!opened && !signal.aborted) failure = await callbacks.probeRefusal(endpoint.url);
		}
		if (signal.aborted) return;
		if (failure) {
			callbacks.onFailure(failure);
			if (!failure.retryable) return;
		}
		// node-sdk's schedule: a random share of ReconnectNonce before the first attempt after a
		// drop (or a failed start), then ReconnectInterval between attempts, here plus the same
		// jitter so that many clients spread out. ReconnectCount < 0: no limit.
		const jitter = random() * config.reconnectNonceMs;
		let waitMs = jitter;
		if (opened) {
			everOpened = true;
			failedAttempts = 0;
		} else {
			failedAttempts++;
			if (config.reconnectCount >= 0 && failedAttempts > Math.max(config.reconnectCount, 1)) {
				callbacks.onFailure(
					new LongConnectionFailure(
						'refused',
						`Feishu's long connection could not be reopened after ${failedAttempts} attempts${failure ? `: ${failure.message}` : ''}`,
					),
				);
				return;
			}
			if (everOpened || failedAttempts > 1) waitMs = config.reconnectIntervalMs + jitter;
		}
		if (!(await pause(waitMs, signal))) return;
	}
}
