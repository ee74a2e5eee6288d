/**
 * One long connection per app (domain + App ID) per n8n process. Feishu hands each event to ONE
 * random connection of an app, so two connections in one process (two active workflows, or a
 * workflow and a test listen) would split the events between them. Every subscriber of an app
 * shares its connection and gets every event; the last one to leave closes it and stops its
 * loops.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INode, ITriggerFunctions } from 'n8n-workflow';

import type { AppIdentity } from './app';
import { appKey } from './app';
import { runConnection } from './client';
import type { WebSocketConstructor } from './client';
import { discoverEndpoint } from './endpoint';
import { LongConnectionFailure } from './errors';
import { probeRefusedUpgrade } from './handshake-probe';

export type EventHandler = (event: unknown) => void | Promise<void>;

/** How a subscription's first connection attempt ended. */
export type FirstOutcome = { ok: true } | { ok: false; failure: LongConnectionFailure };

interface Subscriber {
	ctx: ITriggerFunctions;
	onEvent: EventHandler;
	/** Set until the first outcome is known; listen waits for it. */
	settle?: (outcome: FirstOutcome) => void;
}

export interface Subscription {
	ready: Promise<FirstOutcome>;
	close(): Promise<void>;
}

class SharedConnection {
	readonly subscribers = new Set<Subscriber>();
	private readonly abort = new AbortController();
	private settled = false;
	private lastNode: INode;
	private done: Promise<void> = Promise.resolve();

	constructor(
		private readonly key: string,
		private readonly app: AppIdentity,
		first: INode,
	) {
		this.lastNode = first;
	}

	start(WebSocketImpl: WebSocketConstructor, after: Promise<void>): void {
		const signal = this.abort.signal;
		this.done = after
			.then(async () => {
				if (signal.aborted) return;
				await runConnection(
					WebSocketImpl,
					{
						discover: async (current) =>
							await discoverEndpoint(this.anyContext(), this.app, current),
						probeRefusal: async (url) => await probeRefusedUpgrade(this.anyContext(), url),
						onOpen: () => this.settleAll({ ok: true }),
						onEvent: (event) => this.dispatch(event),
						onFailure: (failure) => this.fail(failure),
						warn: (message) => this.warn(message),
					},
					signal,
				);
			})
			.catch((error: unknown) => {
				// A fault of this code, not of Feishu: end the connection visibly rather than silently.
				this.fail(
					new LongConnectionFailure(
						'refused',
						`The long connection stopped: ${(error as Error).message}`,
					),
				);
			});
	}

	add(subscriber: Subscriber): void {
		this.lastNode = subscriber.ctx.getNode();
		this.subscribers.add(subscriber);
		if (this.settled) subscriber.settle?.({ ok: true });
		if (this.settled) delete subscriber.settle;
	}

	/** Stops the connection; resolves once its socket is closed and its loops have returned. */
	async stop(): Promise<void> {
		this.abort.abort();
		await this.done;
	}

	/** The connection's requests go through any current subscriber's helpers (all the same app). */
	private anyContext(): ITriggerFunctions {
		const first = this.subscribers.values().next();
		if (first.done)
			throw new NodeOperationError(this.lastNode, 'The long connection has no subscriber left');
		return first.value.ctx;
	}

	private warn(message: string): void {
		const first = this.subscribers.values().next();
		if (!first.done) first.value.ctx.logger.warn(`Feishu long connection: ${message}`);
	}

	private settleAll(outcome: FirstOutcome): void {
		this.settled = true;
		for (const subscriber of this.subscribers) {
			subscriber.settle?.(outcome);
			delete subscriber.settle;
		}
	}

	/** Every subscriber gets every event; one that throws does not keep it from the others. */
	private dispatch(event: unknown): void {
		for (const subscriber of [...this.subscribers]) {
			void Promise.resolve()
				.then(async () => await subscriber.onEvent(event))
				.catch((error: unknown) =>
					subscriber.ctx.logger.warn(
						`Feishu long connection: handling an event failed: ${(error as Error).message}`,
					),
				);
		}
	}

	private fail(failure: LongConnectionFailure): void {
		if (failure.retryable) {
			this.warn(`${failure.message}; retrying`);
			// A start that only met a passing failure does not fail the activation: it keeps trying.
			if (!this.settled) this.settleAll({ ok: true });
			return;
		}
		// Final: this connection is over. A later listen of the same app starts a fresh one.
		if (registry.get(this.key) === this) registry.delete(this.key);
		for (const subscriber of this.subscribers) {
			if (subscriber.settle) {
				subscriber.settle({ ok: false, failure });
				delete subscriber.settle;
			} else {
				// Read at call time: n8n swaps emitError when a test listen starts.
				subscriber.ctx.emitError(new NodeOperationError(subscriber.ctx.getNode(), failure.message));
			}
		}
		this.settled = true;
	}
}

const registry = new Map<string, SharedConnection>();
/** Connections still closing, so that a new one of the same app opens only after. */
const closing = new Map<string, Promise<void>>();

export function subscribe(
	app: AppIdentity,
	ctx: ITriggerFunctions,
	onEvent: EventHandler,
	WebSocketImpl: WebSocketConstructor,
): Subscription {
	const key = appKey(app);
	let shared = registry.get(key);
	const subscriber: Subscriber = { ctx, onEvent };
	const ready = new Promise<FirstOutcome>((resolve) => (subscriber.settle = resolve));
	if (!shared) {
		shared = new SharedConnection(key, app, ctx.getNode());
		registry.set(key, shared);
		shared.add(subscriber);
		shared.start(WebSocketImpl, closing.get(key) ?? Promise.resolve());
	} else {
		shared.add(subscriber);
	}
	const owner = shared;
	let closed: Promise<void> | undefined;
	return {
		ready,
		close: async () => {
			closed ??= leave(key, owner, subscriber);
			await closed;
		},
	};
}

async function leave(key: string, shared: SharedConnection, subscriber: Subscriber): Promise<void> {
	shared.subscribers.delete(subscriber);
	subscriber.settle?.({ ok: true });
	if (shared.subscribers.size > 0) return;
	if (registry.get(key) === shared) registry.delete(key);
	const stopped = shared.stop();
	closing.set(key, stopped);
	await stopped;
	if (closing.get(key) === stopped) closing.delete(key);
}

/** How many app connections this process holds (for specs and diagnostics). */
export function openConnectionCount(): number {
	return registry.size;
}
