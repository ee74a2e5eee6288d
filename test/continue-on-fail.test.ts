/** With "Continue On Fail", a failing item becomes an error item and the others go on. */
import { startHarness, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	for (const id of ['wbA', 'wbB', 'wbD']) h.emulator.addWhiteboard(id);
});
afterAll(async () => await h.close());

it('keeps every item, in order, each paired with its input', async () => {
	h.emulator.injectFault({ kind: 'error', code: 2890005 }, { endpoint: 'whiteboard', id: 'wbB' });
	const ids = ['wbA', 'wbB', 'bad/id', 'wbD', 'missing'];
	const result = await h.run(whiteboard('={{ $json.id }}'), {
		items: ids.map((id) => ({ json: { id } })),
		continueOnFail: true,
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(5);
	expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));

	expect(result.items[0].binary?.data).toBeDefined();
	expect(result.items[3].binary?.data).toBeDefined();

	expect(result.items[1].binary).toBeUndefined();
	expect(result.items[1].json).toMatchObject({
		code: 2890005,
		logId: expect.stringMatching(/\w{10,}/),
	});
	expect(result.items[1].json.error).toContain('Feishu error 2890005: forbidden');

	expect(result.items[2].json.error).toMatch(/Whiteboard ID "bad\/id" is not a valid Feishu ID/);
	expect(result.items[2].json.code).toBeNull();

	expect(result.items[4].json).toMatchObject({ code: 2890003 });
});

it('without it, the first failing item (in input order) stops the node', async () => {
	const result = await h.run(whiteboard('={{ $json.id }}', { concurrency: 3 }), {
		items: ['wbA', 'missing', 'bad/id', 'wbD'].map((id) => ({ json: { id } })),
	});
	expect(result.error?.message).toContain('2890003');
	expect((result.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);
});
