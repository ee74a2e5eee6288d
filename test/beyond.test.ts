/**
 * The jobs behind the four endpoints: paste a link instead of an ID, export every whiteboard of
 * a document, every image of a helpdesk message, images users sent in chats, and Lingo.
 */
import { makePng } from './emulator';
import { locator, startHarness, ticketImage, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

const byUrl = (value: string) => ({ __rl: true, mode: 'url', value });

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

describe('Paste an ID or a URL', () => {
	it.each([
		'https://acme.feishu.cn/board/WbUrl123abc',
		'https://acme.larksuite.com/board/WbUrl123abc?from=share',
		'https://acme.larkoffice.com/board/WbUrl123abc#section',
	])('takes the whiteboard ID out of %s', async (url) => {
		const bytes = h.emulator.addWhiteboard('WbUrl123abc');
		const result = await h.run({ ...whiteboard(''), whiteboardId: byUrl(url) } as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.whiteboardId).toBe('WbUrl123abc');
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});

	it('says which link form it wants when a URL does not match', async () => {
		const result = await h.run(
			{ ...whiteboard(''), whiteboardId: byUrl('={{ $json.url }}') } as never,
			{
				items: [{ json: { url: 'https://evil.example.com/board/abc' } }],
			},
		);
		expect(result.error?.message).toMatch(/is not a link to a whiteboard id/);
		expect((result.error as unknown as { description: string }).description).toContain(
			'https://example.feishu.cn/board/',
		);
		expect(h.emulator.requestLog.filter((r) => r.endpoint !== 'token')).toHaveLength(0);
	});

	it('n8n flags a non-matching link typed into the field before the run', async () => {
		await expect(
			h.run({ ...whiteboard(''), whiteboardId: byUrl('https://acme.feishu.cn/docx/abc') } as never),
		).rejects.toThrow(/Not a Feishu or Lark link of this kind/);
	});
});

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

describe('Helpdesk → all images of a message', () => {
	it('fetches index 0, 1, 2… of a rich-text message until Feishu says out of range', async () => {
		const images = h.emulator.addTicketMessage('tPost', 'mPost', {
			type: 'post',
			images: [{}, {}, {}],
		});
		const result = await h.run(ticketImage('tPost', 'mPost', { allImages: true }));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.imageIndex)).toEqual([0, 1, 2]);
		for (const [i, item] of result.items.entries())
			expect(await result.binaryBuffer(item)).toEqual(images[i]);
	});

	it('an image message has its one image, fetched once', async () => {
		const [image] = h.emulator.addTicketMessage('tImg', 'mImg', { type: 'img', images: [{}] });
		const result = await h.run(ticketImage('tImg', 'mImg', { allImages: true }));
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.imageIndex).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(image);
		expect(h.emulator.counters.downloads.ticketImage).toBe(1);
	});
});

describe('Message → Download Resource', () => {
	it('downloads an image a user sent, with type=image', async () => {
		const bytes = h.emulator.addMessageResource('om_user_msg', 'img_v3_user', {
			type: 'image',
			contentType: 'image/png',
		});
		const result = await h.run({
			resource: 'message',
			operation: 'downloadResource',
			messageId: locator('om_user_msg'),
			fileKey: locator('img_v3_user'),
			resourceType: 'image',
		} as never);
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
		expect(result.items[0].json).toMatchObject({
			messageId: 'om_user_msg',
			fileKey: 'img_v3_user',
			resourceType: 'image',
		});
		expect(h.emulator.requestLog.at(-1)?.url).toBe(
			'/open-apis/im/v1/messages/om_user_msg/resources/img_v3_user?type=image',
		);
	});

	it('the 234008 of the image endpoint points to this operation', async () => {
		h.emulator.addMessageImage('img_from_user', { uploadedByApp: false });
		const result = await h.run({
			resource: 'messageImage',
			operation: 'download',
			imageKey: locator('img_from_user'),
		} as never);
		expect((result.error as unknown as { description: string }).description).toMatch(
			/Message → Download Resource/,
		);
	});
});

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
