import { sleep } from 'n8n-workflow';

import type { RateLimitWindow } from '../catalogue';

/** A small margin for clock granularity between our stamps and Feishu's count. */
const ARRIVAL_JITTER_MS = 2;

/** How often a waiter looks again while the send it waits on is still in flight. */
const IN_FLIGHT_POLL_MS = 2;

/** `sent` is swept whole only past this length (and past twice what survived the last sweep). */
const SWEEP_AT_LEAST = 1024;

export interface Slot {
	/** The answer (or the failure) came back: the request reached Feishu no later than now. */
	done(): void;
}

interface Stamp {
	at: number;
	inFlight: boolean;
}

/**
 * Keeps requests to one endpoint with one credential under every documented window
 * (e.g. 50/s and 1000/min): at most `requests` arrivals in ANY `perMs` span, so no
 * server-side window, sliding or fixed, can count more.
 *
 * Feishu counts a request when it arrives, which we cannot see: it is somewhere between
 * taking the slot and the answer (later still for the request that fetched the token
 * first, or when the event loop is busy). So a request counts as "arriving now" while it
 * is in flight, and from its answer's time once it is done: conservative by one round
 * trip, and never a 429 for pacing's sake.
 */
export class Pacer {
	private sent: Stamp[] = [];

	private queue: Promise<unknown> = Promise.resolve();

	/** Length of `sent` past which stale stamps are swept from anywhere, not just the front. */
	private sweepAt = SWEEP_AT_LEAST;

	constructor(
		private readonly windows: RateLimitWindow[],
		private readonly now: () => number = () => Date.now(),
	) {}

	/** Resolves when one more request may go out; callers are served in arrival order. */
	async acquire(): Promise<Slot> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return await turn;
	}

	private async waitForSlot(): Promise<Slot> {
		for (;;) {
			const now = this.now();
			this.forgetOlderThan(now);
			const wait = Math.max(0, ...this.windows.map((w) => this.waitFor(w, now)));
			if (wait <= 0) {
				const stamp: Stamp = { at: now, inFlight: true };
				this.sent.push(stamp);
				return {
					done: () => {
						if (!stamp.inFlight) return;
						stamp.inFlight = false;
						stamp.at = this.now();
					},
				};
			}
			await sleep(wait);
		}
	}

	/** How long until one more arrival keeps this window within its limit. */
	private waitFor(window: RateLimitWindow, now: number): number {
		if (window.requests <= 0) return 0;
		// Fewer stamps than the limit cannot fill the window (the usual case below the limit).
		if (this.sent.length < window.requests) return 0;
		const span = window.perMs + ARRIVAL_JITTER_MS;
		// A request in flight counts as arriving now: later than any answered one.
		let inFlight = 0;
		const answered: number[] = [];
		for (const s of this.sent) {
			if (s.inFlight) inFlight++;
			else if (now - s.at < span) answered.push(s.at);
		}
		if (inFlight + answered.length < window.requests) return 0;
		// The arrival that must leave the window before we may go; sorted only when the window is full.
		let blocking = now;
		if (inFlight < window.requests) {
			answered.sort((a, b) => b - a);
			blocking = answered[window.requests - inFlight - 1];
		}
		const wait = blocking + span - now + 1;
		return inFlight > 0 ? Math.min(wait, IN_FLIGHT_POLL_MS) : wait;
	}

	private forgetOlderThan(now: number): void {
		const longest = Math.max(...this.windows.map((w) => w.perMs)) + ARRIVAL_JITTER_MS;
		const stale = (s: Stamp) => !s.inFlight && now - s.at >= longest;
		// Stamps are pushed in send order, so the stale ones gather at the front.
		let drop = 0;
		while (drop < this.sent.length && stale(this.sent[drop])) drop++;
		if (drop > 0) this.sent.splice(0, drop);
		// A long download still in flight at the front holds the rest back: sweep now and then.
		if (this.sent.length > this.sweepAt) {
			this.sent = this.sent.filter((s) => !stale(s));
			this.sweepAt = Math.max(SWEEP_AT_LEAST, 2 * this.sent.length);
		}
	}
}

const pacers = new Map<string, Pacer>();

/**
 * One pacer per (credential, endpoint, limits) for the whole process, so that consecutive
 * executions of a scheduled workflow share the budget too.
 */
export function pacerFor(key: string, windows: RateLimitWindow[]): Pacer {
	const fullKey = `${key}|${windows.map((w) => `${w.requests}/${w.perMs}`).join(',')}`;
	let pacer = pacers.get(fullKey);
	if (!pacer) {
		pacer = new Pacer(windows);
		pacers.set(fullKey, pacer);
	}
	return pacer;
}
