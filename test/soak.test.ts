/**
 * Soak: 1,000 items with 5% injected faults. Every item ends correct or as a clear error,
 * none lost or duplicated, and no secret appears anywhere in the output.
 */
import type { Fault } from './emulator';
import { messageImage, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => await h.close());

it('1,000 items, 5% faults: nothing lost, duplicated, corrupt or leaked', async () => {
	const ids = Array.from({ length: 1000 }, (_, i) => `img_soak_${i}`);
	const served = new Map(
		ids.map((id, i) => [
			id,
			h.emulator.addMessageImage(id, { contentType: 'image/png', fileName: `${i}.png` }),
		]),
	);
	const faults: Fault[] = [
		{ kind: 'status', status: 502 },
		{ kind: 'status', status: 500 },
		{ kind: 'resetMidBody' },
		{ kind: 'shortBody' },
		{ kind: 'rateLimit', status: 429, resetSeconds: 0 },
		{ kind: 'rateLimit', status: 400 },
		{ kind: 'tokenInvalid' },
		{ kind: 'jsonOn200', code: 234005 },
		{ kind: 'error', code: 234008 },
	];
	h.emulator.failRandomly(0.05, faults, 20261121);

	const result = await h.run(
		messageImage('={{ $json.id }}', { concurrency: 16, requestsPerSecond: 5000, retries: 4 }),
		{
			items: ids.map((id) => ({ json: { id } })),
			continueOnFail: true,
		},
	);
	h.emulator.failRandomly(0, [], 0);

	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1000);
	expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));

	let ok = 0;
	let failed = 0;
	for (const [i, item] of result.items.entries()) {
		if (item.binary?.data) {
			expect(item.json.imageKey).toBe(ids[i]);
			expect(await result.binaryBuffer(item)).toEqual(served.get(ids[i]));
			ok++;
		} else {
			// Only answers that retrying cannot fix may end as errors, each with Feishu's code.
			expect([234005, 234008]).toContain(item.json.code);
			expect(String(item.json.error)).toMatch(/^Feishu error 2340\d\d: /);
			failed++;
		}
	}
	expect(ok + failed).toBe(1000);
	expect(failed).toBeGreaterThan(0);
	expect(failed).toBeLessThan(30);
	// One token at the start and at most a few refreshes for the injected 99991663s.
	expect(h.emulator.counters.tokenRequests).toBeLessThanOrEqual(
		1 + h.emulator.counters.faultsApplied,
	);
	const everything = h.everything(result);
	for (const secret of h.secrets()) expect(everything).not.toContain(secret);
}, 120_000);
