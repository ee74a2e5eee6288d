/**
 * The pacer's arithmetic, on jest's fake clock: at most N arrivals in any window, in arrival
 * order; and how the pace follows Feishu's answers.
 */
import { Pacer, type Clock, type Slot } from '../nodes/FeishuImages/transport/pacer';
import { mulberry32 } from './emulator';
import { SlidingWindowLimiter } from './emulator/faults';

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

/** Starts an acquire and records the fake time at which it is granted. */
function track(pacer: Pacer) {
	const state: { at?: number; slot?: { done(): void } } = {};
	void pacer.acquire().then((slot) => {
		state.at = Date.now();
		state.slot = slot;
	});
	return state;
}

it('allows a burst up to the limit, then waits until the first answer leaves the window', async () => {
	const pacer = new Pacer([{ requests: 3, perMs: 1000 }]);
	const burst = [track(pacer), track(pacer), track(pacer)];
	await jest.advanceTimersByTimeAsync(0);
	expect(burst.map((b) => b.at)).toEqual([0, 0, 0]);
	await jest.advanceTimersByTimeAsync(40);
	for (const b of burst) b.slot?.done();
	const fourth = track(pacer);
	await jest.advanceTimersByTimeAsync(900);
	expect(fourth.at).toBeUndefined();
	await jest.advanceTimersByTimeAsync(200);
	// The answers came back at 40 ms; the window is 1000 ms plus a 2 ms margin.
	expect(fourth.at).toBeGreaterThanOrEqual(1042);
	expect(fourth.at).toBeLessThanOrEqual(1046);
});

it('counts a request still in flight as arriving now', async () => {
	const pacer = new Pacer([{ requests: 1, perMs: 100 }]);
	const first = track(pacer);
	await jest.advanceTimersByTimeAsync(0);
	const second = track(pacer);
	await jest.advanceTimersByTimeAsync(5000);
	expect(second.at).toBeUndefined();
	first.slot?.done();
	await jest.advanceTimersByTimeAsync(200);
	expect(second.at).toBeGreaterThanOrEqual(5102);
	expect(second.at).toBeLessThanOrEqual(5106);
});

it('honours every window (e.g. 50 per second and 2 per minute)', async () => {
	const pacer = new Pacer([
		{ requests: 50, perMs: 1000 },
		{ requests: 2, perMs: 60_000 },
	]);
	const two = [track(pacer), track(pacer)];
	await jest.advanceTimersByTimeAsync(0);
	for (const t of two) t.slot?.done();
	const third = track(pacer);
	await jest.advanceTimersByTimeAsync(59_000);
	expect(third.at).toBeUndefined();
	await jest.advanceTimersByTimeAsync(2_000);
	expect(third.at).toBeGreaterThanOrEqual(60_002);
	expect(third.at).toBeLessThanOrEqual(60_006);
});

it('serves waiters in the order they came', async () => {
	const pacer = new Pacer([{ requests: 1, perMs: 100 }]);
	const order: number[] = [];
	const waiters = [0, 1, 2, 3].map((i) =>
		pacer.acquire().then((slot) => {
			order.push(i);
			slot.done();
		}),
	);
	await jest.advanceTimersByTimeAsync(1000);
	await Promise.all(waiters);
	expect(order).toEqual([0, 1, 2, 3]);
});

// ---- following Feishu's answers -------------------------------------------------------------

/** `workers` callers that each take a slot, hold it `holdMs` (the round trip), and go again. */
function load(pacer: Pacer, workers: number, holdMs = 5) {
	const started = Date.now();
	const grants: number[] = [];
	let stop = false;
	const state: { last?: Slot } = {};
	const loops = Array.from({ length: workers }, async () => {
		while (!stop) {
			const slot = await pacer.acquire();
			state.last = slot;
			grants.push(Date.now() - started);
			await new Promise((resolve) => setTimeout(resolve, holdMs));
			slot.done();
		}
	});
	return {
		grants,
		state,
		/** Time since the load started. */
		elapsed: () => Date.now() - started,
		/** Most grants in any window of `ms` that ends in [from, to) (times since the start). */
		most(from: number, to: number, ms = 1000) {
			let best = 0;
			for (const t of grants) {
				if (t < from || t >= to) continue;
				best = Math.max(best, grants.filter((g) => g > t - ms && g <= t).length);
			}
			return best;
		},
		async stop() {
			stop = true;
			let ended = false;
			void Promise.all(loops).then(() => (ended = true));
			while (!ended) await jest.advanceTimersByTimeAsync(100);
		},
	};
}

it('probes above the documented limit only when more callers wait than it lets through', async () => {
	const busy = load(new Pacer([{ requests: 10, perMs: 1000 }], { probeUpTo: 50 }), 10);
	await jest.advanceTimersByTimeAsync(2500);
	// Ten callers fit the documented ten a second: no reason to risk a 429 (yet).
	expect(busy.most(0, 2500)).toBe(10);
	await busy.stop();

	const crowded = load(new Pacer([{ requests: 10, perMs: 1000 }], { probeUpTo: 50 }), 30);
	await jest.advanceTimersByTimeAsync(2500);
	expect(crowded.most(1000, 2500)).toBeGreaterThan(25);
	expect(crowded.most(0, 2500)).toBeLessThanOrEqual(50);
	await crowded.stop();
});

it('a full window at the documented limit probes after 3 s, whatever the number of callers', async () => {
	const busy = load(new Pacer([{ requests: 10, perMs: 1000 }], { probeUpTo: 50 }), 10, 0);
	await jest.advanceTimersByTimeAsync(3000);
	expect(busy.most(0, 3000)).toBe(10);
	await jest.advanceTimersByTimeAsync(2000);
	expect(busy.most(3000, 5000)).toBeGreaterThan(10);
	await busy.stop();
});

it("never probes a row without a higher limit, and Feishu's x-ogw-ratelimit-limit caps the pace", async () => {
	const plain = load(new Pacer([{ requests: 10, perMs: 1000 }]), 30);
	await jest.advanceTimersByTimeAsync(5000);
	expect(plain.most(0, 5000)).toBe(10);
	await plain.stop();

	const pacer = new Pacer([{ requests: 10, perMs: 1000 }], { probeUpTo: 50 });
	const crowded = load(pacer, 30);
	await jest.advanceTimersByTimeAsync(1500);
	expect(pacer.report().ratePerSecond).toBeGreaterThan(14);
	// Feishu answers the latest request "too many requests, your limit is 14".
	pacer.throttled(crowded.state.last as Slot, { limit: 14, resetMs: 1000 });
	const cutAt = crowded.elapsed();
	expect(pacer.report()).toMatchObject({ ratePerSecond: 14, feishuLimitPerSecond: 14 });
	await jest.advanceTimersByTimeAsync(20_000);
	expect(crowded.most(cutAt + 1000, cutAt + 20_000)).toBeLessThanOrEqual(14);
	await crowded.stop();
});

it('a throttle cuts once per event, to what got through when the window was in full use', async () => {
	const pacer = new Pacer([{ requests: 10, perMs: 1000 }], { clock: seededClock(1) });
	const slots = await Promise.all(Array.from({ length: 10 }, () => pacer.acquire()));
	for (const s of slots) s.done();
	// Another process took six of the ten: Feishu throttles those six, all sent before the cut.
	for (const s of slots.slice(4)) pacer.throttled(s, { limit: 10, resetMs: 1000 });
	expect(pacer.report().ratePerSecond).toBe(4);

	// One request alone, throttled, says nothing about the share: an ordinary cut.
	const quiet = new Pacer([{ requests: 10, perMs: 1000 }], { clock: seededClock(1) });
	const one = await quiet.acquire();
	one.done();
	quiet.throttled(one, {});
	expect(quiet.report().ratePerSecond).toBeGreaterThanOrEqual(8);
	expect(quiet.report().ratePerSecond).toBeLessThanOrEqual(9);
});

it('the throttled request waits what Feishu said; without x-ogw-ratelimit-reset, backoff grows', async () => {
	const pacer = new Pacer([{ requests: 50, perMs: 1000 }], { clock: seededClock(2) });
	const slot = await pacer.acquire();
	slot.done();
	const told = pacer.throttled(slot, { resetMs: 2000 });
	expect(told).toBeGreaterThanOrEqual(2000);
	expect(told).toBeLessThan(2100);
	const first = pacer.throttled(slot, {});
	const second = pacer.throttled(slot, {});
	expect(first).toBeGreaterThanOrEqual(500);
	expect(second).toBeGreaterThanOrEqual(1000);
	// The others are slowed down, not held: a new caller gets a slot at once.
	const other = track(pacer);
	await jest.advanceTimersByTimeAsync(0);
	expect(other.at).toBe(Date.now());
});

it('three processes sharing one 10/s quota use it and all finish (simulated, fake clock)', async () => {
	const limiter = new SlidingWindowLimiter(10, 1000);
	const admitted: number[] = [];
	let throttled = 0;
	const processes = [1, 2, 3].map(async (seed) => {
		const clock = seededClock(seed);
		const pacer = new Pacer([{ requests: 10, perMs: 1000 }], { probeUpTo: 50, clock });
		let next = 0;
		await Promise.all(
			Array.from({ length: 20 }, async () => {
				while (next < 100) {
					next++;
					for (;;) {
						const slot = await pacer.acquire();
						await clock.sleep(1 + clock.random() * 10);
						const verdict = limiter.check('cli_app', Date.now());
						await clock.sleep(1);
						slot.done();
						if (verdict.ok) {
							admitted.push(Date.now());
							pacer.answered();
							break;
						}
						throttled++;
						await clock.sleep(
							pacer.throttled(slot, { limit: 10, resetMs: verdict.resetSeconds * 1000 }),
						);
					}
				}
			}),
		);
	});
	let finished = false;
	void Promise.all(processes).then(() => (finished = true));
	while (!finished) await jest.advanceTimersByTimeAsync(50);
	expect(admitted).toHaveLength(300);
	const spanS = (admitted[299] - admitted[0]) / 1000;
	// The same measure as the benchmark: the fastest legal span over the span seen.
	expect(29 / spanS).toBeGreaterThan(0.8);
	expect(throttled / (300 + throttled)).toBeLessThan(0.25);
});

/** Jest's fake time and timers, with a seeded random for reproducible jitter. */
function seededClock(seed: number): Clock {
	const random = mulberry32(seed);
	return {
		now: () => Date.now(),
		sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
		random,
	};
}
