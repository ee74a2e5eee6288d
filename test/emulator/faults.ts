/** Fault scheduling and rate limiting for the emulator; no I/O here. */
import { mulberry32 } from './images';
import { isDownloadEndpoint } from './file-endpoints';
import type { EndpointName, Fault, FaultOptions } from './types';

interface QueuedFault {
	fault: Fault;
	endpoint: EndpointName | undefined;
	id: string | undefined;
	remaining: number;
}

/** What a request looks like to the fault matchers. */
export interface FaultTarget {
	endpoint: EndpointName;
	/** Ids the request names (path id, or ticket_id and msg_id). */
	ids: readonly string[];
}

/**
 * Injected faults, consumed in injection order: a request takes the first
 * queued fault that matches it. A fault without an endpoint matches only
 * file downloads, because every download is preceded by a token request
 * (and may be by JSON look-ups: wiki node, document blocks) that would
 * otherwise swallow a fault meant for the download.
 */
export class FaultQueue {
	private queue: QueuedFault[] = [];

	add(fault: Fault, opts: FaultOptions = {}): void {
		const times = opts.times ?? 1;
		if (!(times > 0)) throw new RangeError(`injectFault: times must be > 0 (got ${times})`);
		this.queue.push({ fault, endpoint: opts.endpoint, id: opts.id, remaining: times });
	}

	take(target: FaultTarget): Fault | undefined {
		const index = this.queue.findIndex(
			(q) =>
				(q.endpoint === undefined
					? isDownloadEndpoint(target.endpoint)
					: q.endpoint === target.endpoint) &&
				(q.id === undefined || target.ids.includes(q.id)),
		);
		const hit = this.queue[index];
		if (!hit) return undefined;
		hit.remaining -= 1;
		if (hit.remaining <= 0) this.queue.splice(index, 1);
		return hit.fault;
	}

	/** Matching requests still to be faulted (Infinity when a fault is endless). */
	get pending(): number {
		return this.queue.reduce((sum, q) => sum + q.remaining, 0);
	}

	clear(): void {
		this.queue = [];
	}
}

/**
 * Seeded random faults for soak tests. Two draws per file download request
 * (hit? which?), so the same request sequence always gets the same faults.
 */
export class RandomFaults {
	private readonly rand: () => number;
	private readonly ratio: number;
	private readonly faults: readonly Fault[];

	constructor(ratio: number, faults: readonly Fault[], seed: number) {
		if (!(ratio >= 0 && ratio <= 1))
			throw new RangeError(`failRandomly: ratio must be in [0, 1] (got ${ratio})`);
		if (ratio > 0 && faults.length === 0)
			throw new RangeError('failRandomly: no faults to choose from');
		this.ratio = ratio;
		this.faults = [...faults];
		this.rand = mulberry32(seed);
	}

	draw(): Fault | undefined {
		const hit = this.rand() < this.ratio;
		const pick = this.rand();
		return hit ? this.faults[Math.floor(pick * this.faults.length)] : undefined;
	}
}

/**
 * Sliding-window limiter, one window per key (the app a request's token belongs to): at most
 * `limit` admitted requests of one key in any `windowMs`, so every process of one app shares
 * the quota. Rejected requests do not use up a slot, as with Feishu's gateway. `set` changes
 * the limit while requests flow: those already admitted count against the new one.
 */
export class SlidingWindowLimiter {
	private readonly admitted = new Map<string, number[]>();
	limit = 0;
	windowMs = 1000;

	constructor(limit: number, windowMs: number) {
		this.set(limit, windowMs);
	}

	set(limit: number, windowMs: number): void {
		if (!(limit >= 0) || !(windowMs > 0))
			throw new RangeError('enforceRateLimit: bad limit or window');
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** Admits the request, or returns the whole seconds until a slot frees. */
	check(key: string, now: number): { ok: true } | { ok: false; resetSeconds: number } {
		let admitted = this.admitted.get(key);
		if (!admitted) this.admitted.set(key, (admitted = []));
		while (admitted.length > 0 && (admitted[0] ?? 0) <= now - this.windowMs) admitted.shift();
		if (admitted.length < this.limit) {
			admitted.push(now);
			return { ok: true };
		}
		// With a lowered limit, the slot frees when enough of the window's requests have aged out.
		const oldest = admitted[admitted.length - this.limit] ?? now;
		return {
			ok: false,
			resetSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)),
		};
	}
}
