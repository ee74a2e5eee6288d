/** The file endpoints: each one's bytes, headers and refusals, as its Feishu page says. */
import { createHash } from 'node:crypto';

import { makeGif, makeJpeg, makePng } from '..';
import {
	answersEach,
	bytesOf,
	DRIVE,
	expectError,
	HELPDESK,
	sha256,
	statusOf,
	useEmulator,
	utf8Header,
	WB,
} from './support';

describe('whiteboard download_as_image', () => {
	const ctx = useEmulator();

	it('serves the picture with its sniffed type and length, and no disposition without a name', async () => {
		const bytes = ctx.emu.addWhiteboard('Ru8nwrWFOhEmaFbEU2VbPRsHcxb');
		const res = await ctx.get(WB('Ru8nwrWFOhEmaFbEU2VbPRsHcxb'));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/png');
		expect(res.headers.get('content-length')).toBe(String(bytes.length));
		expect(res.headers.get('content-disposition')).toBeNull();
		expect(await bytesOf(res)).toEqual(bytes);
	});

	it('an unknown id is 2890003; a hostile id stays one encoded path segment', async () => {
		await expectError(await ctx.get(WB('missing')), 400, 2890003);
		const hostile = encodeURIComponent('../../im/v1/images/x');
		await expectError(await ctx.get(WB(hostile)), 400, 2890003);
		expect(ctx.emu.requestLog.at(-1)?.url).toBe(WB(hostile));
		await expectError(await ctx.get(WB('%E2%9C%93%ZZ')), 400, 2890001);
	});

	it.each([
		['png', 'image/png'],
		['jpeg', 'image/jpeg'],
		['gif', 'image/gif'],
		['svg', 'image/svg+xml'],
	] as const)('may come as %s (%s)', async (format, mime) => {
		const bytes = ctx.emu.addWhiteboard(`wb_${format}`, undefined, { format });
		const res = await ctx.get(WB(`wb_${format}`));
		expect(res.headers.get('content-type')).toBe(mime);
		expect(await bytesOf(res)).toEqual(bytes);
	});

	it('setWhiteboardImage changes the picture (and its sha256) but keeps the file name', async () => {
		const before = ctx.emu.addWhiteboard('wbEdited', makePng(8, 8, 1), { fileName: 'plan.png' });
		const after = ctx.emu.setWhiteboardImage('wbEdited', makePng(64, 48, 2));
		const res = await ctx.get(WB('wbEdited'));
		const served = await bytesOf(res);
		expect(sha256(served)).toBe(sha256(after));
		expect(sha256(served)).not.toBe(sha256(before));
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="plan.png"');
		ctx.emu.setWhiteboardImage('wbEdited', { format: 'jpeg' });
		expect((await ctx.get(WB('wbEdited'))).headers.get('content-type')).toBe('image/jpeg');
		expect(() => ctx.emu.setWhiteboardImage('nope', makeGif())).toThrow(RangeError);
	});

	it('accepts a user token', async () => {
		ctx.emu.addUserToken('u-user-1');
		expect(
			await statusOf(
				ctx.get(WB('Ru8nwrWFOhEmaFbEU2VbPRsHcxb'), { Authorization: 'Bearer u-user-1' }),
			),
		).toBe(200);
	});
});

describe('message image (im/v1/images)', () => {
	const ctx = useEmulator();
	const IMG = (key: string) => `/open-apis/im/v1/images/${key}`;

	it("puts the file name's raw UTF-8 in Content-Disposition, as Feishu does", async () => {
		const jpeg = ctx.emu.addMessageImage('img_v2_abc', {
			bytes: makeJpeg(),
			fileName: '白板截图.jpg',
		});
		const res = await ctx.get(IMG('img_v2_abc'));
		expect(res.headers.get('content-type')).toBe('image/jpeg');
		expect(utf8Header(res, 'content-disposition')).toBe('attachment; filename="白板截图.jpg"');
		expect(await bytesOf(res)).toEqual(jpeg);
	});

	it('can send no Content-Type, and both filename forms', async () => {
		ctx.emu.addMessageImage('img_v2_gif', {
			bytes: makeGif(),
			contentType: null,
			fileName: 'a b.gif',
			dispositionStyle: 'both',
		});
		const res = await ctx.get(IMG('img_v2_gif'));
		expect(res.headers.get('content-type')).toBeNull();
		expect(res.headers.get('content-disposition')).toBe(
			`attachment; filename="a b.gif"; filename*=UTF-8''a%20b.gif`,
		);
		await res.arrayBuffer();
	});

	it('234008 for an image another sender uploaded, 234005 deleted or unknown, 234001 malformed', async () => {
		ctx.emu.addMessageImage('img_v2_other', { uploadedByApp: false });
		ctx.emu.addMessageImage('img_v2_gone', { deleted: true });
		await expectError(await ctx.get(IMG('img_v2_other')), 400, 234008);
		await expectError(await ctx.get(IMG('img_v2_gone')), 400, 234005);
		await expectError(await ctx.get(IMG('img_v2_unknown')), 400, 234005);
		await expectError(await ctx.get(IMG('%E2%9C%93bad')), 400, 234001);
	});

	it('refuses a user token with 234002 (the page lists tenant_access_token only)', async () => {
		ctx.emu.addUserToken('u-user-2');
		await expectError(
			await ctx.get(IMG('img_v2_abc'), { Authorization: 'Bearer u-user-2' }),
			401,
			234002,
		);
	});
});

describe('helpdesk ticket images', () => {
	const ctx = useEmulator();
	const TICKET = (query: string) => `/open-apis/helpdesk/v1/ticket_images?${query}`;
	let images: Buffer[];
	beforeAll(() => {
		images = ctx.emu.addTicketMessage('T1', 'M1', {
			type: 'post',
			images: [{}, { fileName: 'b.png' }, { deleted: true }],
		});
		ctx.emu.addTicketMessage('T1', 'M2', { type: 'img', images: [{}] });
	});

	it('a post message serves the image at index', async () => {
		expect(
			await bytesOf(await ctx.get(TICKET('ticket_id=T1&msg_id=M1&index=1'), HELPDESK)),
		).toEqual(images[1]);
	});

	answersEach(
		ctx,
		[
			['no index', 'ticket_id=T1&msg_id=M1', 400, 154000],
			['an index out of range', 'ticket_id=T1&msg_id=M1&index=3', 400, 154000],
			['an index that is not a number', 'ticket_id=T1&msg_id=M1&index=abc', 400, 154000],
			['an empty index', 'ticket_id=T1&msg_id=M1&index=', 400, 154000],
			['a negative index', 'ticket_id=T1&msg_id=M1&index=-1', 400, 154000],
			['a deleted image', 'ticket_id=T1&msg_id=M1&index=2', 401, 154404],
			['a message of another ticket', 'ticket_id=T2&msg_id=M1&index=0', 404, 154004],
			['no ticket_id', 'msg_id=M1', 400, 154000],
		],
		TICKET,
		HELPDESK,
	);

	it('without X-Lark-Helpdesk-Authorization it is 403 / 154003', async () => {
		await expectError(await ctx.get(TICKET('ticket_id=T1&msg_id=M1&index=0')), 403, 154003);
	});

	it('an img message has one image and ignores index', async () => {
		expect(await statusOf(ctx.get(TICKET('ticket_id=T1&msg_id=M2&index=9'), HELPDESK))).toBe(200);
		expect(await statusOf(ctx.get(TICKET('ticket_id=T1&msg_id=M2'), HELPDESK))).toBe(200);
	});
});

describe.each([
	['baike', '/open-apis/baike/v1/files', 'addBaikeFile', 1540001],
	['Lingo', '/open-apis/lingo/v1/files', 'addLingoFile', 2250001],
] as const)('dictionary files (%s)', (_name, base, add, unknownCode) => {
	const ctx = useEmulator();
	const FILE = (token: string) => `${base}/${token}/download`;

	it('serves a small file with an RFC 5987 name', async () => {
		const small = ctx.emu[add]('boxSmall', { fileName: 'x.png', dispositionStyle: 'rfc5987' });
		const res = await ctx.get(FILE('boxSmall'));
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''x.png`);
		expect(await bytesOf(res)).toEqual(small);
	});

	it('streams a large generated file whose hash is known without holding it', async () => {
		const big = ctx.emu[add]('boxBig', { size: 5 * 1024 * 1024 + 123, seed: 42 });
		const res = await ctx.get(FILE('boxBig'), { Authorization: `Bearer ${ctx.token}` });
		expect(res.headers.get('content-length')).toBe(String(big.size));
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		const hash = createHash('sha256');
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
		expect(hash.digest('hex')).toBe(big.sha256());
	});

	it(`an unknown token is ${unknownCode}`, async () => {
		await expectError(await ctx.get(FILE('nope')), 400, unknownCode);
	});
});

describe('message resources', () => {
	const ctx = useEmulator();
	const RES = (msg: string, key: string, type?: string) =>
		`/open-apis/im/v1/messages/${msg}/resources/${key}${type ? `?type=${type}` : ''}`;
	let png: Buffer;
	beforeAll(() => {
		png = ctx.emu.addMessageResource('om_msg1', 'img_v3_res');
	});

	it('serves an image asked as image, and also asked as file', async () => {
		for (const type of ['image', 'file']) {
			const res = await ctx.get(RES('om_msg1', 'img_v3_res', type));
			expect(res.headers.get('content-type')).toBe('image/png');
			expect(await bytesOf(res)).toEqual(png);
		}
	});

	it('serves a file to a user token, with both filename forms', async () => {
		const pdf = ctx.emu.addMessageResource('om_msg1', 'file_v3_doc', {
			bytes: Buffer.from('%PDF-1.4 emulator'),
			type: 'file',
			contentType: 'application/pdf',
			fileName: '报告 v2.pdf',
			dispositionStyle: 'both',
		});
		ctx.emu.addUserToken('u-reader');
		const res = await ctx.get(RES('om_msg1', 'file_v3_doc', 'file'), {
			Authorization: 'Bearer u-reader',
		});
		expect(utf8Header(res, 'content-disposition')).toBe(
			`attachment; filename="报告 v2.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v2.pdf`,
		);
		expect(await bytesOf(res)).toEqual(pdf);
	});

	it("serves a large file in ranges, as Lark's CLI fetches one", async () => {
		const big = ctx.emu.addMessageResource('om_msg2', 'file_v3_big', {
			size: 300_000,
			seed: 9,
			type: 'file',
		});
		const first = await ctx.get(RES('om_msg2', 'file_v3_big', 'file'), { Range: 'bytes=0-199999' });
		const rest = await ctx.get(RES('om_msg2', 'file_v3_big', 'file'), { Range: 'bytes=200000-' });
		expect([first.status, rest.status]).toEqual([206, 206]);
		expect(rest.headers.get('content-range')).toBe('bytes 200000-299999/300000');
		expect(sha256(Buffer.concat([await bytesOf(first), await bytesOf(rest)]))).toBe(big.sha256());
	});

	it('234001 for a missing or unknown type or a broken id; 234003 "File not in message."', async () => {
		await expectError(await ctx.get(RES('om_msg1', 'img_v3_res')), 400, 234001);
		await expectError(await ctx.get(RES('om_msg1', 'img_v3_res', 'video')), 400, 234001);
		await expectError(await ctx.get(RES('om_msg1', '%ZZbad', 'image')), 400, 234001);
		const notIn = await expectError(
			await ctx.get(RES('om_msg2', 'img_v3_res', 'image')),
			400,
			234003,
		);
		expect(notIn.msg).toBe('File not in message.');
		await expectError(await ctx.get(RES('om_nope', 'img_v3_res', 'image')), 400, 234003);
	});
});

describe('drive media download', () => {
	const ctx = useEmulator();
	let bytes: Buffer;
	beforeAll(() => {
		bytes = ctx.emu.addDriveMedia('boxcnImage', { fileName: 'diagram.png' });
		ctx.emu.addDriveMedia('boxcnLocked', { forbidden: true });
		ctx.emu.addDriveMedia('boxcnGone', { deleted: true });
	});

	it('serves the whole file to a tenant or a user token', async () => {
		const res = await ctx.get(DRIVE('boxcnImage'));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="diagram.png"');
		expect(await bytesOf(res)).toEqual(bytes);
		ctx.emu.addUserToken('u-drive');
		expect(await statusOf(ctx.get(DRIVE('boxcnImage'), { Authorization: 'Bearer u-drive' }))).toBe(
			200,
		);
	});

	it.each([
		['bytes=0-9', 0, 9],
		['bytes=10-', 10, undefined],
		['bytes=-5', -5, undefined],
		['bytes=3-99999', 3, undefined],
	])('%s is a 206 with Content-Range and that part', async (range, start, end) => {
		const res = await ctx.get(DRIVE('boxcnImage'), { Range: range });
		const from = start < 0 ? bytes.length + start : start;
		const to = end ?? bytes.length - 1;
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes ${from}-${to}/${bytes.length}`);
		expect(res.headers.get('content-length')).toBe(String(to - from + 1));
		expect(await bytesOf(res)).toEqual(bytes.subarray(from, to + 1));
	});

	it.each(['bytes=99999-', 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-1', 'bytes=-0'])(
		'%s cannot be served: 416 with bytes */size',
		async (range) => {
			const res = await ctx.get(DRIVE('boxcnImage'), { Range: range });
			expect(res.status).toBe(416);
			expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
			await res.arrayBuffer();
		},
	);

	it('403 (forbidden) and 404 (unknown or deleted) carry no Feishu code', async () => {
		for (const [token, status, msg] of [
			['boxcnLocked', 403, 'forbidden'],
			['boxcnGone', 404, 'not found'],
			['boxcnNever', 404, 'not found'],
		] as const) {
			const res = await ctx.get(DRIVE(token));
			expect(res.status).toBe(status);
			expect(await res.json()).toEqual({ msg });
		}
	});

	it('bareErrorBody "empty" sends no body; a bareStatus fault chooses per request', async () => {
		ctx.emu.bareErrorBody = 'empty';
		const empty = await ctx.get(DRIVE('boxcnGone'));
		expect([
			empty.status,
			empty.headers.get('content-type'),
			(await bytesOf(empty)).length,
		]).toEqual([404, null, 0]);
		ctx.emu.injectFault({ kind: 'bareStatus', status: 404, body: 'msg' }, { id: 'boxcnImage' });
		expect(await (await ctx.get(DRIVE('boxcnImage'))).json()).toEqual({ msg: 'not found' });
		ctx.emu.bareErrorBody = 'msg';
	});

	it('a download cut off by a fault resumes with Range', async () => {
		const big = ctx.emu.addDriveMedia('boxcnBig', { size: 400_000, seed: 5 });
		ctx.emu.injectFault({ kind: 'resetMidBody' }, { endpoint: 'driveMedia', id: 'boxcnBig' });
		const cut = await ctx.get(DRIVE('boxcnBig'));
		const received: Buffer[] = [];
		await expect(
			(async () => {
				for await (const chunk of cut.body as unknown as AsyncIterable<Uint8Array>)
					received.push(Buffer.from(chunk));
			})(),
		).rejects.toThrow();
		const have = Buffer.concat(received).length;
		expect(have).toBeGreaterThan(0);
		expect(have).toBeLessThan(big.size);
		const rest = await ctx.get(DRIVE('boxcnBig'), { Range: `bytes=${have}-` });
		expect(rest.status).toBe(206);
		expect(sha256(Buffer.concat([...received, await bytesOf(rest)]))).toBe(big.sha256());
	});

	it('shortBody cuts a 206 too', async () => {
		ctx.emu.injectFault({ kind: 'shortBody' }, { endpoint: 'driveMedia' });
		await expect(
			(await ctx.get(DRIVE('boxcnImage'), { Range: 'bytes=0-99' })).arrayBuffer(),
		).rejects.toThrow();
	});
});
