/**
 * Requests to one endpoint with one credential stay under the endpoint's documented limit,
 * so a normal run against an emulator that enforces it sees no 429 at all; a run that Feishu
 * slowed down says so. (Throughput against the limit is measured in the benchmark, not
 * asserted here.)
 */
import type { RunResult } from './engine';
import { baikeImage, itemsWithIds, startHarness, whiteboard, type Harness } from './support/feishu';

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

/** The execution hints the node left on its run (n8n shows them in the output pane). */
function hintsOf(result: RunResult): string[] {
	const runs = result.raw.data.resultData.runData[result.node.name] ?? [];
	return runs.flatMap((run) => (run.hints ?? []).map((hint) => hint.message));
}

it('a run Feishu did not slow down adds no execution hint', async () => {
	const ids = Array.from({ length: 8 }, (_, i) => `wbn${i}`);
	for (const id of ids) h.emulator.addWhiteboard(id);
	h.emulator.enforceRateLimit('whiteboard', 10, 1000);
	const result = await h.run(whiteboard('={{ $json.id }}'), { items: itemsWithIds(ids) });
	expect(result.items).toHaveLength(8);
	expect(hintsOf(result)).toEqual([]);
});

it('a run Feishu slowed down says so: the 429s, the time waited, the pace it settled at', async () => {
	const ids = Array.from({ length: 16 }, (_, i) => `wbz${i}`);
	for (const id of ids) h.emulator.addWhiteboard(id);
	h.emulator.enforceRateLimit('whiteboard', 4, 1000);
	const result = await h.run(whiteboard('={{ $json.id }}', { concurrency: 8 }), {
		items: itemsWithIds(ids),
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(16);
	const [hint, ...others] = hintsOf(result);
	expect(others).toEqual([]);
	const throttled = h.emulator.counters.status429;
	expect(hint).toContain(`Feishu slowed this run down: ${throttled} of ${16 + throttled} requests`);
	expect(hint).toMatch(/waited [\d.]+ m?s in all and were sent again/);
	expect(hint).toContain("Whiteboard requests now go at 4.0/s (Feishu's limit for the app: 4.0/s)");
});
