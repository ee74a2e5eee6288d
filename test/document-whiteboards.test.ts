/**
 * Document → Download All Whiteboards: every whiteboard of a docx document, in document order,
 * through a docx or a wiki link.
 */
import { makePng } from './emulator';
import { byUrl, locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

function document(
	value: ReturnType<typeof locator> | ReturnType<typeof byUrl>,
	options: Record<string, unknown> = {},
) {
	return {
		resource: 'document',
		operation: 'downloadWhiteboards',
		documentId: value,
		options,
	} as never;
}

describe('Document → Download All Whiteboards', () => {
	it('downloads every whiteboard in document order, following page_token', async () => {
		const boards = ['wbOne', 'wbTwo', 'wbThree', 'wbFour', 'wbFive'];
		const served = boards.map((id, i) => h.emulator.addWhiteboard(id, makePng(8, 8, 300 + i)));
		h.emulator.addDocument(
			'doxcnDocWithBoards',
			[
				'text',
				{ whiteboard: 'wbOne' },
				'text',
				{ whiteboard: 'wbTwo' },
				{ whiteboard: 'wbThree' },
				'text',
				{ whiteboard: 'wbFour' },
				{ whiteboard: 'wbFive' },
			],
			{ pageSize: 3 },
		);
		const result = await h.run(document(locator('doxcnDocWithBoards')));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.whiteboardId)).toEqual(boards);
		expect(result.items.map((i) => i.json.position)).toEqual([0, 1, 2, 3, 4]);
		for (const [i, item] of result.items.entries()) {
			expect(item.json).toMatchObject({
				resource: 'document',
				documentId: 'doxcnDocWithBoards',
				blockId: expect.any(String),
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(await result.binaryBuffer(item)).toEqual(served[i]);
		}
		expect(h.emulator.counters.downloads.documentBlocks).toBe(3);
		const pages = h.emulator.requestLog
			.filter((r) => r.endpoint === 'documentBlocks')
			.map((r) => r.url);
		expect(pages[0]).toContain('page_size=500');
		expect(pages[1]).toContain('page_token=');
	});

	it('a document without whiteboards gives zero items, not an error', async () => {
		h.emulator.addDocument('doxcnNoBoards', ['text', 'text']);
		const result = await h.run(document(locator('doxcnNoBoards')));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(0);
	});

	it('takes a docx link, and a wiki link through the wiki node it points to', async () => {
		h.emulator.addWhiteboard('wbWiki');
		h.emulator.addDocument('doxcnWikiDoc', [{ whiteboard: 'wbWiki' }]);
		h.emulator.addWikiNode('wikcnPageToken', { objToken: 'doxcnWikiDoc' });
		const viaDocx = await h.run(document(byUrl('https://acme.feishu.cn/docx/doxcnWikiDoc')));
		expect(viaDocx.items.map((i) => i.json.whiteboardId)).toEqual(['wbWiki']);
		const viaWiki = await h.run(
			document(byUrl('https://acme.feishu.cn/wiki/wikcnPageToken?fromScene=spaceOverview')),
		);
		expect(viaWiki.error).toBeUndefined();
		expect(viaWiki.items[0].json).toMatchObject({
			documentId: 'doxcnWikiDoc',
			wikiToken: 'wikcnPageToken',
			whiteboardId: 'wbWiki',
		});
	});

	it('keeps input order across documents and numbers a fixed File Name', async () => {
		h.emulator.addWhiteboard('wbA1');
		h.emulator.addWhiteboard('wbA2');
		h.emulator.addWhiteboard('wbB1');
		h.emulator.addDocument('doxcnA', [{ whiteboard: 'wbA1' }, { whiteboard: 'wbA2' }]);
		h.emulator.addDocument('doxcnB', [{ whiteboard: 'wbB1' }]);
		const result = await h.run(document(locator('={{ $json.doc }}'), { fileName: 'export.png' }), {
			items: [{ json: { doc: 'doxcnA' } }, { json: { doc: 'doxcnB' } }],
		});
		expect(result.items.map((i) => [i.json.documentId, i.json.whiteboardId, i.pairedItem])).toEqual(
			[
				['doxcnA', 'wbA1', { item: 0 }],
				['doxcnA', 'wbA2', { item: 0 }],
				['doxcnB', 'wbB1', { item: 1 }],
			],
		);
		expect(result.items.map((i) => i.binary?.data?.fileName)).toEqual([
			'export-1.png',
			'export-2.png',
			'export.png',
		]);
	});

	it('a document the app cannot read is a clear error', async () => {
		h.emulator.addDocument('doxcnSecret', [{ whiteboard: 'wbX' }], { forbidden: true });
		const result = await h.run(document(locator('doxcnSecret')));
		expect(result.error?.message).toContain('Feishu error 1770032');
		expect((result.error as unknown as { description: string }).description).toMatch(
			/Add document app/,
		);
	});
});
