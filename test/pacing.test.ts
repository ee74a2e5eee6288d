/**
 * Requests to one endpoint with one credential stay under the endpoint's documented limit,
 * so a normal run against an emulator that enforces it sees no 429 at all.
 * (Throughput against the limit is measured in the benchmark, not asserted here.)
 */
import { baikeImage, startHarness, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

it('whiteboard: 25 items at concurrency 10 never exceed 10 requests per second', async () => {
	const ids = Array.from({ length: 25 }, (_, i) => `wb${i}`);
	for (const id of ids) h.emulator.addWhiteboard(id);
	h.emulator.enforceRateLimit('whiteboard', 10, 1000);
	const result = await h.run(whiteboard('={{ $json.id }}', { concurrency: 10 }), {
		items: ids.map((id) => ({ json: { id } })),
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(25);
	expect(h.emulator.counters.status429).toBe(0);
	expect(h.emulator.counters.downloads.whiteboard).toBe(25);
});

it('dictionary: 60 items never exceed 50 requests per second', async () => {
	const ids = Array.from({ length: 60 }, (_, i) => `box${i}`);
	for (const id of ids) h.emulator.addBaikeFile(id);
	h.emulator.enforceRateLimit('baikeFile', 50, 1000);
	const result = await h.run(baikeImage('={{ $json.id }}', { concurrency: 20 }), {
		items: ids.map((id) => ({ json: { id } })),
	});
	expect(result.items).toHaveLength(60);
	expect(h.emulator.counters.status429).toBe(0);
});

it('"Requests per Second" lowers the pace for an app with a smaller quota', async () => {
	const ids = Array.from({ length: 8 }, (_, i) => `wbq${i}`);
	for (const id of ids) h.emulator.addWhiteboard(id);
	h.emulator.enforceRateLimit('whiteboard', 4, 1000);
	const result = await h.run(
		whiteboard('={{ $json.id }}', { concurrency: 8, requestsPerSecond: 4 }),
		{
			items: ids.map((id) => ({ json: { id } })),
		},
	);
	expect(result.items).toHaveLength(8);
	expect(h.emulator.counters.status429).toBe(0);
});

it('consecutive executions share the budget of their credential', async () => {
	const ids = Array.from({ length: 8 }, (_, i) => `wbs${i}`);
	for (const id of ids) h.emulator.addWhiteboard(id);
	h.emulator.enforceRateLimit('whiteboard', 10, 1000);
	const items = ids.map((id) => ({ json: { id } }));
	await h.run(whiteboard('={{ $json.id }}', { concurrency: 8 }), { items });
	await h.run(whiteboard('={{ $json.id }}', { concurrency: 8 }), { items });
	expect(h.emulator.counters.status429).toBe(0);
	expect(h.emulator.counters.downloads.whiteboard).toBe(16);
});
