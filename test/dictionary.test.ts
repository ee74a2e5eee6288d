/**
 * Dictionary images: Lingo first, baike kept as the legacy operation.
 */
import { locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

describe('Dictionary: Lingo first, baike as legacy', () => {
	it('downloads through Lingo by default', async () => {
		const bytes = h.emulator.addLingoFile('boxLingo1', { fileName: '词条.png' });
		const result = await h.run({
			resource: 'dictionaryImage',
			fileToken: locator('boxLingo1'),
		} as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			operation: 'downloadLingo',
			fileName: '词条.png',
		});
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
		expect(h.emulator.counters.downloads.lingoFile).toBe(1);
	});
});
