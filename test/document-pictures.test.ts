/**
 * Document → Download All Images, and Drive Media → Download: every picture of a docx document
 * in document order (its images through the drive media endpoint, its whiteboards as an
 * option), each with where it stood and how big the block says it is, and its SHA-256 so a
 * weekly export can send only what changed.
 */
import { createHash } from 'node:crypto';

import { makePng } from './emulator';
import { byUrl, locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function pictures(
	documentId: ReturnType<typeof locator> | ReturnType<typeof byUrl>,
	options: Record<string, unknown> = {},
) {
	return { resource: 'document', operation: 'downloadImages', documentId, options } as never;
}

function media(token: string, options: Record<string, unknown> = {}) {
	return {
		resource: 'driveMedia',
		operation: 'download',
		mediaToken: locator(token),
		options,
	} as never;
}

/** A document of text, two images and a whiteboard between them. */
function addMixedDocument(documentId: string) {
	const first = h.emulator.addDriveMedia('boxcnFirst', { bytes: makePng(10, 6, 1) });
	const board = h.emulator.addWhiteboard('wbMiddle', makePng(12, 8, 2));
	const second = h.emulator.addDriveMedia('boxcnSecond', { bytes: makePng(4, 4, 3) });
	h.emulator.addDocument(
		documentId,
		[
			'text',
			{ image: 'boxcnFirst', width: 1000, height: 600 },
			{ text: 'between' },
			{ whiteboard: 'wbMiddle', width: 1200, height: 800 },
			{ image: 'boxcnSecond', width: 400, height: 400 },
		],
		{ pageSize: 2 },
	);
	return { first, board, second };
}

describe('Document → Download All Images', () => {
	it("downloads the document's images in document order, one item each, with block, position and size", async () => {
		const { first, second } = addMixedDocument('doxcnMixed');
		const result = await h.run(pictures(locator('doxcnMixed')));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			expect.objectContaining({
				resource: 'document',
				operation: 'downloadImages',
				documentId: 'doxcnMixed',
				kind: 'image',
				position: 0,
				width: 1000,
				height: 600,
				mediaToken: 'boxcnFirst',
				blockId: expect.any(String),
				sha256: sha256(first),
			}),
			expect.objectContaining({
				kind: 'image',
				position: 1,
				width: 400,
				height: 400,
				sha256: sha256(second),
			}),
		]);
		expect(await result.binaryBuffer(result.items[0])).toEqual(first);
		expect(await result.binaryBuffer(result.items[1])).toEqual(second);
		expect(
			result.items.every((i) => i.pairedItem && (i.pairedItem as { item: number }).item === 0),
		).toBe(true);
	});

	it('with "Include Whiteboards", every picture of the document in document order', async () => {
		const { first, board, second } = addMixedDocument('doxcnAll');
		const result = await h.run(pictures(locator('doxcnAll'), { includeWhiteboards: true }));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.kind, i.json.position, i.json.width])).toEqual([
			['image', 0, 1000],
			['whiteboard', 1, 1200],
			['image', 2, 400],
		]);
		const served = [first, board, second];
		for (const [i, item] of result.items.entries()) {
			expect(await result.binaryBuffer(item)).toEqual(served[i]);
		}
		expect(result.items[1].json.whiteboardId).toBe('wbMiddle');
	});

	it('a document without pictures gives no items', async () => {
		h.emulator.addDocument('doxcnPlain', ['text', { text: 'only words' }]);
		const result = await h.run(pictures(locator('doxcnPlain'), { includeWhiteboards: true }));
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it('takes a wiki link, through the wiki node it points to', async () => {
		addMixedDocument('doxcnInWiki');
		h.emulator.addWikiNode('wikcnPictures', { objToken: 'doxcnInWiki' });
		const result = await h.run(pictures(byUrl('https://acme.feishu.cn/wiki/wikcnPictures')));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			expect.objectContaining({
				documentId: 'doxcnInWiki',
				wikiToken: 'wikcnPictures',
				position: 0,
			}),
			expect.objectContaining({
				documentId: 'doxcnInWiki',
				wikiToken: 'wikcnPictures',
				position: 1,
			}),
		]);
	});

	it('numbers a fixed File Name across the pictures', async () => {
		addMixedDocument('doxcnNamed');
		const result = await h.run(pictures(locator('doxcnNamed'), { fileName: 'figure.png' }));
		expect(result.items.map((i) => i.binary?.data?.fileName)).toEqual([
			'figure-1.png',
			'figure-2.png',
		]);
	});
});

describe('one bad picture fails alone, named by its block', () => {
	function addDocumentWithBrokenPictures(documentId: string) {
		const images = Array.from({ length: 20 }, (_, i) => `boxcnPic${i}`);
		const served = images.map((token, i) =>
			i === 7 ? undefined : h.emulator.addDriveMedia(token, { bytes: makePng(3, 3, 100 + i) }),
		);
		h.emulator.addDocument(documentId, [
			...images.map((token) => ({ image: token })),
			{ block_id: 'blkNoToken', block_type: 27, image: { width: 10, height: 10 } } as never,
		]);
		return served;
	}

	it('under Continue On Fail: a 404 on one image of twenty and a block without a token become error items, the rest arrive', async () => {
		const served = addDocumentWithBrokenPictures('doxcnBroken');
		const result = await h.run(pictures(locator('doxcnBroken')), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(21);
		const missing = result.items[7].json;
		expect(missing).toMatchObject({ blockId: expect.any(String), kind: 'image', position: 7 });
		expect(String(missing.error)).toMatch(
			/The image in block \S+ \(picture 8 of 21\): Feishu answered HTTP 404/,
		);
		expect(String(missing.description)).toContain('No such media');
		const noToken = result.items[20].json;
		expect(String(noToken.error)).toBe(
			'The image in block blkNoToken (picture 21 of 21): the block has no image.token',
		);
		for (const [i, bytes] of served.entries()) {
			if (bytes) expect(await result.binaryBuffer(result.items[i])).toEqual(bytes);
		}
		// Nothing was sent for the block without a token.
		expect(h.emulator.requestLog.filter((r) => r.endpoint === 'driveMedia')).toHaveLength(20);
	});

	it('without it, the node fails with the error of the first bad picture', async () => {
		addDocumentWithBrokenPictures('doxcnBrokenStop');
		const result = await h.run(pictures(locator('doxcnBrokenStop')));
		expect(result.error?.message).toMatch(
			/^The image in block \S+ \(picture 8 of 21\): Feishu answered HTTP 404/,
		);
	});

	it('a token with "/" or ".." from the listing is refused before anything is sent', async () => {
		h.emulator.addDocument('doxcnHostileToken', [
			{
				block_id: 'blkEscape',
				block_type: 27,
				image: { token: '../../auth/v3/tenant_access_token', width: 1, height: 1 },
			},
		]);
		const result = await h.run(pictures(locator('doxcnHostileToken')), { continueOnFail: true });
		expect(String(result.items[0].json.error)).toMatch(/blkEscape.*is not a Feishu token/);
		expect(h.emulator.requestLog.filter((r) => r.endpoint === 'driveMedia')).toHaveLength(0);
	});

	it('a document the app cannot read is one clear error for the item', async () => {
		h.emulator.addDocument('doxcnClosed', [{ image: 'boxcnX' }], { forbidden: true });
		const result = await h.run(pictures(locator('doxcnClosed')));
		expect(result.error?.message).toContain('Feishu error 1770032');
	});
});

describe('Drive Media → Download', () => {
	it('downloads one media by its token, with its name, type and SHA-256', async () => {
		const bytes = h.emulator.addDriveMedia('boxcnOne', {
			bytes: makePng(5, 5, 9),
			fileName: '架构图.png',
		});
		const result = await h.run(media('boxcnOne'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			resource: 'driveMedia',
			mediaToken: 'boxcnOne',
			fileName: '架构图.png',
			mimeType: 'image/png',
			sha256: sha256(bytes),
		});
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});

	it.each([['box/cn'], ['box?cn'], ['box#cn'], ['..'], ['box..cn']])(
		'refuses the media token %s before anything is sent',
		async (token) => {
			const result = await h.run(media('={{ $json.token }}'), { items: [{ json: { token } }] });
			expect(result.error?.message).toMatch(/Media Token .* is not a valid Feishu ID/);
			expect(h.emulator.requestLog.filter((r) => r.endpoint === 'driveMedia')).toHaveLength(0);
		},
	);

	it('a connection cut in the middle of a file fetches it again: never a truncated binary', async () => {
		const bytes = h.emulator.addDriveMedia('boxcnCut', { bytes: Buffer.alloc(256 * 1024, 7) });
		h.emulator.injectFault({ kind: 'resetMidBody' }, { endpoint: 'driveMedia', times: 1 });
		const result = await h.run(media('boxcnCut'));
		expect(result.error).toBeUndefined();
		expect((await result.binaryBuffer(result.items[0])).equals(bytes)).toBe(true);
		expect(result.items[0].json.sha256).toBe(sha256(bytes));
	});
});

describe('SHA-256, for sending only what changed', () => {
	it('stays the same for the same picture and changes with the picture', async () => {
		h.emulator.addWhiteboard('wbWeekly', makePng(8, 8, 1));
		h.emulator.addDocument('doxcnWeekly', [{ whiteboard: 'wbWeekly' }]);
		const run = async () =>
			(
				await h.run({
					resource: 'document',
					operation: 'downloadWhiteboards',
					documentId: locator('doxcnWeekly'),
				} as never)
			).items[0].json.sha256;
		const monday = await run();
		expect(await run()).toBe(monday);
		const changed = h.emulator.setWhiteboardImage('wbWeekly', makePng(8, 8, 2));
		const next = await run();
		expect(next).not.toBe(monday);
		expect(next).toBe(sha256(changed));
	});
});
