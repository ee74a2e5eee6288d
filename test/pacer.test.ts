/** The pacer's arithmetic, on jest's fake clock: at most N arrivals in any window, in arrival order. */
import { Pacer } from '../nodes/FeishuImages/transport/pacer';

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
