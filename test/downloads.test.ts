/**
 * Each operation downloads the bytes Feishu served into an n8n binary item, named and typed
 * the way downstream nodes (Send Email, S3, Drive, Write File) need.
 */
import { createHash } from 'node:crypto';
import { makeGif, makeJpeg, makePng } from './emulator';
import {
	baikeImage,
	messageImage,
	startHarness,
	ticketImage,
	whiteboard,
	type Harness,
} from './support/feishu';

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => await h.close());
beforeEach(() => h.emulator.resetCounters());

describe('whiteboard → Download as Image', () => {
	it('returns the PNG bytes with the name Feishu sends', async () => {
		const bytes = h.emulator.addWhiteboard('Ru8nwrWFOhEmaFbEU2VbPRsHcxb', makePng(16, 16, 7), {
			fileName: 'board.png',
		});
		const result = await h.run(whiteboard('Ru8nwrWFOhEmaFbEU2VbPRsHcxb'));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(await result.binaryBuffer(item)).toEqual(bytes);
		expect(item.binary?.data).toMatchObject({
			fileName: 'board.png',
			mimeType: 'image/png',
			fileExtension: 'png',
		});
		expect(item.json).toEqual({
			resource: 'whiteboard',
			operation: 'downloadAsImage',
			whiteboardId: 'Ru8nwrWFOhEmaFbEU2VbPRsHcxb',
			fileName: 'board.png',
			mimeType: 'image/png',
			fileExtension: 'png',
			fileSize: bytes.length,
			sha256: createHash('sha256').update(bytes).digest('hex'),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const [request] = h.emulator.requestLog.filter((r) => r.endpoint === 'whiteboard');
		expect(request.url).toBe(
			'/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image',
		);
	});

	it('names the file <id>.png when Feishu sends no Content-Disposition', async () => {
		h.emulator.addWhiteboard('wbNoName', makePng(4, 4, 3), { dispositionStyle: 'none' });
		const result = await h.run(whiteboard('wbNoName'));
		expect(result.items[0].binary?.data).toMatchObject({
			fileName: 'wbNoName.png',
			mimeType: 'image/png',
		});
	});
});

describe('message image → Download', () => {
	it('returns a JPEG with its type', async () => {
		const bytes = h.emulator.addMessageImage('img_v3_abc-123', {
			bytes: makeJpeg(),
			contentType: 'image/jpeg',
		});
		const result = await h.run(messageImage('img_v3_abc-123'));
		const [item] = result.items;
		expect(await result.binaryBuffer(item)).toEqual(bytes);
		expect(item.binary?.data).toMatchObject({
			mimeType: 'image/jpeg',
			fileName: 'img_v3_abc-123.jpg',
			fileExtension: 'jpg',
		});
		expect(item.json).toMatchObject({
			resource: 'messageImage',
			imageKey: 'img_v3_abc-123',
			fileSize: bytes.length,
		});
	});

	it('sniffs the type from the bytes when Feishu sends no Content-Type', async () => {
		const bytes = h.emulator.addMessageImage('img_untyped', {
			bytes: makeGif(),
			contentType: null,
		});
		const result = await h.run(messageImage('img_untyped'));
		const [item] = result.items;
		expect(await result.binaryBuffer(item)).toEqual(bytes);
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/gif', fileName: 'img_untyped.gif' });
	});

	it('sniffs past a generic application/octet-stream', async () => {
		h.emulator.addMessageImage('img_octet', {
			bytes: makePng(3, 3, 9),
			contentType: 'application/octet-stream',
		});
		const result = await h.run(messageImage('img_octet'));
		expect(result.items[0].binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: 'img_octet.png',
		});
	});
});

describe('helpdesk ticket image → Download', () => {
	it('sends the X-Lark-Helpdesk-Authorization header and the query parameters', async () => {
		const [bytes] = h.emulator.addTicketMessage('6948728206392295444', '6948728206392295445', {
			type: 'img',
			images: [{ fileName: 'screenshot.png' }],
		});
		const result = await h.run(ticketImage('6948728206392295444', '6948728206392295445'));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(await result.binaryBuffer(item)).toEqual(bytes);
		expect(item.json).toMatchObject({
			ticketId: '6948728206392295444',
			messageId: '6948728206392295445',
			fileName: 'screenshot.png',
		});
		const [request] = h.emulator.requestLog.filter((r) => r.endpoint === 'ticketImage');
		const expected = Buffer.from(`${h.emulator.helpdeskId}:${h.emulator.helpdeskToken}`).toString(
			'base64',
		);
		expect(request.headers['x-lark-helpdesk-authorization']).toBe(expected);
		expect(request.url).toBe(
			'/open-apis/helpdesk/v1/ticket_images?ticket_id=6948728206392295444&msg_id=6948728206392295445',
		);
	});

	it('passes the image index of a rich-text (post) message', async () => {
		const images = h.emulator.addTicketMessage('t-post', 'm-post', {
			type: 'post',
			images: [{}, {}, {}],
		});
		const result = await h.run(ticketImage('t-post', 'm-post', { imageIndex: 2 }));
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(images[2]);
		expect(result.items[0].json).toMatchObject({ imageIndex: 2 });
		expect(h.emulator.requestLog.at(-1)?.url).toContain('index=2');
	});
});

describe('dictionary image → Download', () => {
	it('keeps a Chinese file name sent as raw UTF-8 un-garbled', async () => {
		const bytes = h.emulator.addBaikeFile('boxbcEcmKiD3SGHvgqWTpvdc7jc', {
			bytes: makePng(5, 5, 5),
			contentType: 'image/png',
			fileName: '白板截图.png',
			dispositionStyle: 'raw',
		});
		const result = await h.run(baikeImage('boxbcEcmKiD3SGHvgqWTpvdc7jc'));
		const [item] = result.items;
		expect(await result.binaryBuffer(item)).toEqual(bytes);
		expect(item.binary?.data).toMatchObject({ fileName: '白板截图.png', mimeType: 'image/png' });
		expect(item.json.fileName).toBe('白板截图.png');
	});

	it('reads an RFC 5987 filename* too', async () => {
		h.emulator.addBaikeFile('boxRfc5987', {
			fileName: '词典 图片.png',
			dispositionStyle: 'rfc5987',
		});
		const result = await h.run(baikeImage('boxRfc5987'));
		expect(result.items[0].binary?.data?.fileName).toBe('词典 图片.png');
	});

	it('prefers filename* when both forms are sent', async () => {
		h.emulator.addBaikeFile('boxBoth', { fileName: '两种.png', dispositionStyle: 'both' });
		const result = await h.run(baikeImage('boxBoth'));
		expect(result.items[0].binary?.data?.fileName).toBe('两种.png');
	});
});

describe('options', () => {
	it('File Name overrides the name and Put Output File in Field the property', async () => {
		const bytes = h.emulator.addWhiteboard('wbOpts', makePng(6, 6, 6), {
			fileName: 'feishu-name.png',
		});
		const result = await h.run(
			whiteboard('wbOpts', { fileName: 'weekly-export.png', binaryPropertyName: 'attachment' }),
		);
		const [item] = result.items;
		expect(Object.keys(item.binary ?? {})).toEqual(['attachment']);
		expect(item.binary?.attachment).toMatchObject({
			fileName: 'weekly-export.png',
			mimeType: 'image/png',
		});
		expect(await result.binaryBuffer(item, 'attachment')).toEqual(bytes);
	});

	it('takes each item its own ID through an expression, in input order', async () => {
		const ids = ['wbA', 'wbB', 'wbC', 'wbD', 'wbE', 'wbF', 'wbG'];
		const served = ids.map((id, i) => h.emulator.addWhiteboard(id, makePng(4, 4, 100 + i)));
		const result = await h.run(whiteboard('={{ $json.id }}'), {
			items: ids.map((id) => ({ json: { id } })),
		});
		expect(result.items.map((i) => i.json.whiteboardId)).toEqual(ids);
		expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		for (const [i, item] of result.items.entries())
			expect(await result.binaryBuffer(item)).toEqual(served[i]);
	});
});

describe('binary data modes', () => {
	it('stores the file through n8n filesystem mode', async () => {
		const bytes = h.emulator.addWhiteboard('wbFs', makePng(32, 32, 11));
		const result = await h.run(whiteboard('wbFs'), { binaryMode: 'filesystem' });
		const data = result.items[0].binary?.data;
		expect(data?.id).toMatch(/^filesystem/);
		expect(data?.data).not.toContain(bytes.toString('base64').slice(0, 20));
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});
});
