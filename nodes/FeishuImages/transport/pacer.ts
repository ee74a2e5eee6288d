import { sleep } from 'n8n-workflow';

import type { RateLimitWindow } from '../catalogue';

/**
 * Keeps requests to one endpoint with one credential under every documented window
 * (e.g. 50/s and 1000/min). A sliding log of send times, not a fixed bucket: at most
 * `requests` sends in ANY `perMs` span, so no server-side bucket boundary can see more.
 */
export class Pacer {
	private readonly sent: number[] = [];

	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly windows: RateLimitWindow[],
		private readonly now: () => number = () => Date.now(),
	) {}

	/** Resolves when one more request may go out; callers are served in arrival order. */
	async acquire(): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn.catch(() => undefined);
		return await turn;
	}

	private async waitForSlot(): Promise<void> {
		for (;;) {
			const now = this.now();
			const wait = Math.max(0, ...this.windows.map((w) => this.waitFor(w, now)));
			if (wait <= 0) {
				this.sent.push(now);
				this.forgetOlderThan(now);
				return;
			}
			await sleep(wait);
		}
	}

	/** How long until a send would keep this window within its limit. */
	private waitFor(window: RateLimitWindow, now: number): number {
		if (window.requests <= 0) return 0;
		let inWindow = 0;
		for (let i = this.sent.length - 1; i >= 0 && now - this.sent[i] < window.perMs; i--) inWindow++;
		if (inWindow < window.requests) return 0;
		// The send that must leave the window before we may go.
		const blocking = this.sent[this.sent.length - window.requests];
		return blocking + window.perMs - now + 1;
	}

	private forgetOlderThan(now: number): void {
		const longest = Math.max(...this.windows.map((w) => w.perMs));
		let drop = 0;
		while (drop < this.sent.length && now - this.sent[drop] >= longest) drop++;
		if (drop > 0) this.sent.splice(0, drop);
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
