import { sleep } from 'n8n-workflow';

import type { RateLimitWindow } from '../catalogue';

/** A small margin for clock granularity between our stamps and Feishu's count. */
const ARRIVAL_JITTER_MS = 2;

/** How often a waiter looks again while the send it waits on is still in flight. */
const IN_FLIGHT_POLL_MS = 2;

/** `sent` is swept whole only past this length (and past twice what survived the last sweep). */
const SWEEP_AT_LEAST = 1024;

/*
 * How the pace follows Feishu's answers. BENCHMARKS.md ("Adaptive pacing") says how these
 * values were chosen: a fake-clock simulation of several processes against the emulator's
 * sliding window, then the benchmark itself.
 *
 * - A new pacer starts at the documented limit.
 * - It goes above it, up to the newer pages' limit (`probeUpTo`), only when the run needs it:
 *   more callers wait than the documented limit lets through in one window, or the window has
 *   been full at the documented limit for PROBE_AFTER_MS (a short run never risks a 429). The
 *   pace then doubles every DOUBLING_MS, one request more at a time, so overshooting a lower
 *   real limit costs about one 429.
 * - A throttle answer (429, 99991400, 2890006) cuts the pace once per event (answers to
 *   requests sent before the last cut are the same event): to x-ogw-ratelimit-limit when the
 *   pace was above it, else by CUT and by at least one request per window. Every throttle
 *   answer also caps the pace at what got through: the requests of the last window Feishu did
 *   not throttle. Processes that collide at the start so learn their share at once. Feishu's
 *   limit caps the pace for LEARNED_LIMIT_MS.
 * - After a cut the pace climbs by INCREASE_SHARE of the limit per second, an increase that
 *   doubles every ACCELERATE_MS after the first ACCELERATE_MS without a throttle. After
 *   RESTART_AFTER_MS without one it doubles again (every FAST_DOUBLING_MS while under half of
 *   Feishu's limit), up to Feishu's limit, or, when Feishu named none, to just below where it
 *   was last cut. A process left alone soon takes the whole quota again.
 * - The window counts whole requests (the integer part of the pace): processes whose shares
 *   add up to the limit each reuse their own slots as Feishu frees them, with no 429 at all.
 *   Shares need not be equal; the quota is used either way.
 * - Only the request that was throttled waits out x-ogw-ratelimit-reset; the others keep
 *   going at the cut pace. Holding everyone leaves the quota idle while other processes could
 *   use it (simulated: 77% of a shared limit instead of 89%).
 */
const DOUBLING_MS = 250;
const FAST_DOUBLING_MS = 100;
const PROBE_AFTER_MS = 3000;
const CUT = 0.9;
const INCREASE_SHARE = 0.01;
const ACCELERATE_MS = 1000;
const MAX_ACCELERATION = 32;
const RESTART_AFTER_MS = 2000;
const LEARNED_LIMIT_MS = 15 * 60_000;
/** Cuts vary by up to this share, and waits by up to WAIT_JITTER_MS, to desynchronise processes. */
const CUT_JITTER = 0.1;
const WAIT_JITTER_MS = 100;
/** The lowest pace a throttle can cut to, requests per second. */
const MIN_RATE_PER_S = 0.2;
/** While the pace may still grow, a waiter looks again at least this often. */
const GROWING_POLL_MS = 25;
/** Without x-ogw-ratelimit-reset: 0.25–0.5 s, then 0.5–1 s… up to 30 s while throttles continue. */
const WAIT_BASE_MS = 500;
const WAIT_MAX_MS = 30_000;

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
	random(): number;
}

const SYSTEM_CLOCK: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(ms),
	random: () => Math.random(),
};

export interface Slot {
	/** When the slot was granted. */
	readonly sentAt: number;
	/** @internal the pacer's record of this request. */
	readonly stamp: unknown;
	/** The answer (or the failure) came back: the request reached Feishu no later than now. */
	done(): void;
}

/** What a throttle answer said. */
export interface Throttle {
	/** x-ogw-ratelimit-limit: the app's limit for this endpoint, per (shortest) window. */
	limit?: number;
	/** x-ogw-ratelimit-reset, in ms: when Feishu takes requests again. */
	resetMs?: number;
}

/** Where the pace stands, for the execution hints. */
export interface PaceReport {
	/** The pace now, requests per second (of the shortest window). */
	ratePerSecond: number;
	/** The documented limit, requests per second. */
	documentedPerSecond: number;
	/** Feishu's x-ogw-ratelimit-limit while it is believed, requests per second. */
	feishuLimitPerSecond?: number;
}

export interface PacerOptions {
	/** A pace above the documented one that the pacer may probe up to (requests per second). */
	probeUpTo?: number;
	clock?: Clock;
}

interface Stamp {
	at: number;
	readonly sentAt: number;
	inFlight: boolean;
	throttled: boolean;
}

/**
 * Keeps requests to one endpoint with one credential under every window (e.g. 50/s and
 * 1000/min): at most `requests` arrivals in ANY `perMs` span, so no server-side window,
 * sliding or fixed, can count more. The shortest window's count is not fixed: it follows what
 * Feishu answers (see above); the longer windows stay as documented.
 *
 * Feishu counts a request when it arrives, which we cannot see: it is somewhere between
 * taking the slot and the answer (later still for the request that fetched the token
 * first, or when the event loop is busy). So a request counts as "arriving now" while it
 * is in flight, and from its answer's time once it is done: conservative by one round
 * trip, and never a 429 for pacing's sake below the real limit. A throttled request keeps
 * its stamp: Feishu did not count it, but the pacer's own count slows the next sends down
 * (without it, each 429 would free the slot for the next request, straight into the next 429).
 */
export class Pacer {
	private sent: Stamp[] = [];

	private queue: Promise<unknown> = Promise.resolve();

	/** Callers waiting for a slot. */
	private waiting = 0;

	/** Length of `sent` past which stale stamps are swept from anywhere, not just the front. */
	private sweepAt = SWEEP_AT_LEAST;

	private readonly clock: Clock;

	/** The shortest window, whose count adapts; the others stay as documented. */
	private readonly primary: RateLimitWindow;

	private readonly others: RateLimitWindow[];

	private readonly longestMs: number;

	/** Requests allowed in the primary window now; below 1, one per a longer span. */
	private allowance: number;

	/** The most the allowance may grow to: the newer pages' limit, else the documented one. */
	private readonly ceiling: number;

	private readonly floor: number;

	/** Feishu's x-ogw-ratelimit-limit, believed until `until`. */
	private learned?: { limit: number; until: number };

	/** No throttle yet (or none since Feishu's limit was forgotten): grow fast. */
	private slowStart = true;

	private lastCutAt = -Infinity;

	/** Just below the allowance of the last cut: a restart without Feishu's limit stops there. */
	private restartBelow = Infinity;

	private grownAt = -Infinity;

	/** Since when the window has been full at the documented limit (NaN: it has not). */
	private fullAtDocumentedSince = NaN;

	/** Throttles since the last other answer, for waits without x-ogw-ratelimit-reset. */
	private streak = 0;

	constructor(windows: RateLimitWindow[], options: PacerOptions = {}) {
		this.clock = options.clock ?? SYSTEM_CLOCK;
		const active = windows.filter((w) => w.requests > 0);
		const sorted = [...active].sort((a, b) => a.perMs - b.perMs);
		this.primary = sorted[0] ?? { requests: 0, perMs: 1000 };
		this.others = sorted.slice(1);
		this.longestMs = Math.max(0, ...active.map((w) => w.perMs)) + ARRIVAL_JITTER_MS;
		this.floor = Math.min(this.primary.requests, (MIN_RATE_PER_S * this.primary.perMs) / 1000);
		this.allowance = this.primary.requests;
		const probe = ((options.probeUpTo ?? 0) * this.primary.perMs) / 1000;
		this.ceiling = Math.max(this.primary.requests, probe);
	}

	/** Resolves when one more request may go out; callers are served in arrival order. */
	async acquire(): Promise<Slot> {
		this.waiting++;
		const turn = this.queue.then(async () => {
			try {
				return await this.waitForSlot();
			} finally {
				this.waiting--;
			}
		});
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return await turn;
	}

	/**
	 * Feishu answered that the app is over its limit for the request that held `slot`.
	 * Adjusts the pace and returns how long that request waits before it is sent again.
	 */
	throttled(slot: Slot, signal: Throttle): number {
		const now = this.clock.now();
		this.streak++;
		const limit = signal.limit !== undefined && signal.limit > 0 ? signal.limit : undefined;
		if (limit !== undefined) this.learned = { limit, until: now + LEARNED_LIMIT_MS };
		const before = this.allowance;
		if (slot.sentAt > this.lastCutAt) {
			this.restartBelow = before - 1;
			const jitter = 1 - CUT_JITTER * this.clock.random();
			this.allowance =
				limit !== undefined && before > limit
					? limit
					: Math.max(
							this.floor,
							Math.min(Math.min(before, limit ?? before) * CUT * jitter, before - 1),
						);
			this.lastCutAt = now;
			this.slowStart = false;
		}
		// What got through: the requests of the last window Feishu did not throttle. It tells the
		// share only if the window was in full use (one request alone says nothing of the quota).
		const stamp = slot.stamp as Stamp;
		if (!stamp.throttled) {
			stamp.throttled = true;
			let sent = 0;
			let through = 0;
			for (const s of this.sent) {
				if (now - s.sentAt >= this.primary.perMs) continue;
				sent++;
				if (!s.throttled) through++;
			}
			if (sent >= Math.floor(before)) {
				this.allowance = Math.min(this.allowance, Math.max(this.floor, through));
			}
		}
		return signal.resetMs !== undefined
			? signal.resetMs + WAIT_JITTER_MS * this.clock.random()
			: backoffMs(this.streak, WAIT_BASE_MS, WAIT_MAX_MS, this.clock.random());
	}

	/** Feishu answered something other than "too many requests". */
	answered(): void {
		this.streak = 0;
	}

	report(): PaceReport {
		const perS = 1000 / this.primary.perMs;
		const learned =
			this.learned && this.clock.now() < this.learned.until ? this.learned : undefined;
		return {
			ratePerSecond: this.allowance * perS,
			documentedPerSecond: this.primary.requests * perS,
			feishuLimitPerSecond: learned ? learned.limit * perS : undefined,
		};
	}

	private async waitForSlot(): Promise<Slot> {
		for (;;) {
			const now = this.clock.now();
			this.forgetOlderThan(now);
			let wait = this.waitForPrimary(now);
			for (const w of this.others) wait = Math.max(wait, this.waitFor(w.requests, w.perMs, now));
			if (wait <= 0) {
				const stamp: Stamp = { at: now, sentAt: now, inFlight: true, throttled: false };
				this.sent.push(stamp);
				return {
					sentAt: now,
					stamp,
					done: () => {
						if (!stamp.inFlight) return;
						stamp.inFlight = false;
						stamp.at = this.clock.now();
					},
				};
			}
			await this.clock.sleep(wait);
		}
	}

	/** The primary window at the allowance of the moment, which grows while callers wait. */
	private waitForPrimary(now: number): number {
		if (this.primary.requests <= 0) return 0;
		const requests = Math.max(1, Math.floor(this.allowance));
		// Fewer stamps than the allowance cannot fill the window (the usual case below the limit).
		if (this.sent.length < requests) return 0;
		const span = this.allowance >= 1 ? this.primary.perMs : this.primary.perMs / this.allowance;
		const wait = this.waitFor(requests, span, now);
		if (wait <= 0) return 0;
		// The window is full: demand exceeds the pace, so the pace may grow (never while unused).
		const ceiling = this.ceilingAt(now);
		if (this.allowance >= ceiling) return wait;
		this.grow(now, ceiling);
		return Math.min(wait, GROWING_POLL_MS);
	}

	private ceilingAt(now: number): number {
		if (this.learned && now >= this.learned.until) {
			this.learned = undefined;
			this.slowStart = true;
		}
		return this.learned ? Math.min(this.ceiling, this.learned.limit) : this.ceiling;
	}

	private grow(now: number, ceiling: number): void {
		const dt = now - this.grownAt;
		this.grownAt = now;
		// Only time spent with a full window counts (waiters look again every GROWING_POLL_MS).
		if (dt <= 0 || dt > 4 * GROWING_POLL_MS) {
			this.fullAtDocumentedSince = NaN;
			return;
		}
		const documented = this.primary.requests;
		const quiet = now - this.lastCutAt;
		let next: number;
		if (this.slowStart) {
			next = this.allowance * 2 ** (dt / DOUBLING_MS);
			if (next >= documented && !this.mayProbe(now)) next = Math.max(this.allowance, documented);
		} else if (
			quiet > RESTART_AFTER_MS &&
			this.allowance < (this.learned ? this.learned.limit : this.restartBelow)
		) {
			const fast = this.learned && this.allowance < this.learned.limit / 2;
			next = this.allowance * 2 ** (dt / (fast ? FAST_DOUBLING_MS : DOUBLING_MS));
		} else {
			const base = this.learned?.limit ?? documented;
			const speed = Math.min(
				MAX_ACCELERATION,
				2 ** (Math.max(0, quiet - ACCELERATE_MS) / ACCELERATE_MS),
			);
			next = this.allowance + ((INCREASE_SHARE * base * dt) / 1000) * speed;
		}
		this.allowance = Math.min(next, ceiling);
	}

	/** Above the documented limit only when the run needs it (see the top of this file). */
	private mayProbe(now: number): boolean {
		if (this.allowance < this.primary.requests) return false;
		if (this.waiting > this.primary.requests) return true;
		if (Number.isNaN(this.fullAtDocumentedSince)) this.fullAtDocumentedSince = now;
		return now - this.fullAtDocumentedSince >= PROBE_AFTER_MS;
	}

	/** How long until one more arrival keeps `requests` per `span` ms. */
	private waitFor(requests: number, spanMs: number, now: number): number {
		if (requests <= 0) return 0;
		if (this.sent.length < requests) return 0;
		const span = spanMs + ARRIVAL_JITTER_MS;
		// A request in flight counts as arriving now: later than any answered one.
		let inFlight = 0;
		const answered: number[] = [];
		for (const s of this.sent) {
			if (s.inFlight) inFlight++;
			else if (now - s.at < span) answered.push(s.at);
		}
		if (inFlight + answered.length < requests) return 0;
		// The arrival that must leave the window before we may go; sorted only when the window is full.
		let blocking = now;
		if (inFlight < requests) {
			answered.sort((a, b) => b - a);
			blocking = answered[requests - inFlight - 1];
		}
		const wait = blocking + span - now + 1;
		return inFlight > 0 ? Math.min(wait, IN_FLIGHT_POLL_MS) : wait;
	}

	private forgetOlderThan(now: number): void {
		const longest =
			this.allowance >= 1
				? this.longestMs
				: Math.max(this.longestMs, this.primary.perMs / this.allowance + ARRIVAL_JITTER_MS);
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

/** Exponential backoff with jitter: attempt 1 waits base/2–base, attempt 2 base–2·base… up to `max`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
	const ceiling = Math.min(baseMs * 2 ** (attempt - 1), maxMs);
	return ceiling / 2 + random * (ceiling / 2);
}

const pacers = new Map<string, Pacer>();

/**
 * One pacer per (credential, endpoint, limits) for the whole process, so that consecutive
 * and concurrent executions share the budget and what Feishu taught about it.
 */
export function pacerFor(key: string, windows: RateLimitWindow[], probeUpTo?: number): Pacer {
	const fullKey = `${key}|${windows.map((w) => `${w.requests}/${w.perMs}`).join(',')}|${probeUpTo ?? ''}`;
	let pacer = pacers.get(fullKey);
	if (!pacer) {
		pacer = new Pacer(windows, { probeUpTo });
		pacers.set(fullKey, pacer);
	}
	return pacer;
}
