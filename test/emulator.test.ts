/**
 * What the Feishu emulator answers, checked with the platform's fetch and no node code: the
 * spec of the project's own witness. Each endpoint's codes come from its table in
 * test/emulator/errors.ts, transcribed from its Feishu page.
 */
import { createHash } from 'node:crypto';

import {
	DOCX_ERRORS,
	drawChatScreenshot,
	drawDictionaryDiagram,
	drawWhiteboard,
	DRIVE_MEDIA_ERRORS,
	ENDPOINT_SPECS,
	FeishuEmulator,
	FILE_ENDPOINTS,
	imageSize,
	LINGO_ERRORS,
	makeGif,
	makeJpeg,
	makePng,
	MESSAGE_RESOURCE_ERRORS,
	sniffImageMime,
	WIKI_ERRORS,
} from './emulator';
import type { DownloadEndpoint, EmulatorOptions, Fault, FaultOptions } from './emulator';

type Json = Record<string, any>;

const JSON_TYPE = 'application/json; charset=utf-8';
const HELPDESK = {
	'X-Lark-Helpdesk-Authorization': Buffer.from('7001:hd-token-abc').toString('base64'),
};

interface Ctx {
	emu: FeishuEmulator;
	/** A tenant token of the default app, fetched before each describe's tests. */
	token: string;
	/** GET with the tenant token (unless headers name another Authorization). */
	get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** A fresh emulator for the enclosing describe, closed after it. */
function useEmulator(opts: EmulatorOptions = {}): Ctx {
	const ctx = {} as Ctx;
	beforeAll(async () => {
		ctx.emu = await FeishuEmulator.start(opts);
		ctx.token = await tenantToken(ctx.emu);
		ctx.get = (path, headers = {}) =>
			fetch(ctx.emu.baseUrl + path, {
				headers: { Authorization: `Bearer ${ctx.token}`, ...headers },
			});
	});
	afterAll(async () => await ctx.emu.close());
	return ctx;
}

function postToken(emu: FeishuEmulator, body: string): Promise<Response> {
	return fetch(`${emu.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
		method: 'POST',
		headers: { 'Content-Type': JSON_TYPE },
		body,
	});
}

async function tenantToken(emu: FeishuEmulator, appId = emu.appId, appSecret = emu.appSecret) {
	const res = await postToken(emu, JSON.stringify({ app_id: appId, app_secret: appSecret }));
	return ((await res.json()) as Json).tenant_access_token as string;
}

/** A Feishu error answer: status, JSON type, code, and a log id in body and header alike. */
async function expectError(res: Response, status: number, code: number): Promise<Json> {
	expect([res.status, ((await res.clone().json()) as Json).code]).toEqual([status, code]);
	expect(res.headers.get('content-type')).toBe(JSON_TYPE);
	const body = (await res.json()) as Json;
	expect(body.error.log_id.length).toBeGreaterThanOrEqual(20);
	expect(res.headers.get('x-tt-logid')).toBe(body.error.log_id);
	return body;
}

/**
 * One test per case: the request `path(query)` is answered with `status` and `code`.
 * Cases are [what the request is, query, status, code].
 */
function answersEach(
	ctx: Ctx,
	cases: ReadonlyArray<readonly [string, string, number, number]>,
	path: (query: string) => string,
	headers?: Record<string, string>,
): void {
	const rows = cases.map(([name, query, status, code]) => [name, status, code, query] as const);
	it.each(rows)('%s is %d / %d', async (_name, status, code, query) => {
		await expectError(await ctx.get(path(query), headers), status, code);
	});
}

async function bytesOf(res: Response): Promise<Buffer> {
	return Buffer.from(await res.arrayBuffer());
}

/** The status of a request whose body is drained. */
async function statusOf(res: Response | Promise<Response>): Promise<number> {
	const r = await res;
	await r.arrayBuffer();
	return r.status;
}

/** fetch shows header bytes as latin1 code points; this undoes it to see the UTF-8 on the wire. */
function utf8Header(res: Response, name: string): string {
	return Buffer.from(res.headers.get(name) ?? '', 'latin1').toString('utf8');
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const WB = (id: string) => `/open-apis/board/v1/whiteboards/${id}/download_as_image`;
const DRIVE = (token: string) => `/open-apis/drive/v1/medias/${token}/download`;
const DOC = (id: string, query = '') => `/open-apis/docx/v1/documents/${id}/blocks${query}`;

describe('tenant_access_token', () => {
	const ctx = useEmulator({ tokenTtlSeconds: 60 });

	it('refuses an unknown app (10003), a wrong secret (10014) and a body that is not JSON', async () => {
		const { emu } = ctx;
		await expectError(await postToken(emu, '{"app_id":"nope","app_secret":"x"}'), 400, 10003);
		const wrong = JSON.stringify({ app_id: emu.appId, app_secret: 'bad' });
		await expectError(await postToken(emu, wrong), 400, 10014);
		await expectError(await postToken(emu, 'not json'), 400, 10003);
	});

	it('issues t- tokens with the configured lifetime', async () => {
		const { emu } = ctx;
		const res = await postToken(
			emu,
			JSON.stringify({ app_id: emu.appId, app_secret: emu.appSecret }),
		);
		expect(res.status).toBe(200);
		const body = (await res.json()) as Json;
		expect(body).toMatchObject({ code: 0, expire: 60 });
		expect(body.tenant_access_token).toMatch(/^t-[0-9a-f]{40}$/);
		expect(emu.issuedTokens).toContain(body.tenant_access_token);
	});

	it('another app added with addApp gets tokens of its own', async () => {
		ctx.emu.addApp('cli_other', 'other-secret');
		expect(await tenantToken(ctx.emu, 'cli_other', 'other-secret')).toMatch(/^t-/);
	});
});

describe('access tokens on the file endpoints', () => {
	const ctx = useEmulator();
	const path = '/open-apis/baike/v1/files/box1/download';
	beforeAll(() => ctx.emu.addBaikeFile('box1'));

	it('no token is 99991661, an unknown one 99991663 (at invalidTokenStatus)', async () => {
		await expectError(await fetch(ctx.emu.baseUrl + path), 400, 99991661);
		await expectError(await ctx.get(path, { Authorization: 'Bearer t-forged' }), 400, 99991663);
		ctx.emu.invalidTokenStatus = 200;
		await expectError(await ctx.get(path, { Authorization: 'Bearer t-forged' }), 200, 99991663);
		ctx.emu.invalidTokenStatus = 400;
	});

	it('an expired user token is 99991677; expired or invalidated tenant tokens 99991663', async () => {
		const { emu } = ctx;
		emu.addUserToken('u-stale', 0);
		const stale = await expectError(
			await ctx.get(path, { Authorization: 'Bearer u-stale' }),
			400,
			99991677,
		);
		expect(stale.msg).toBe('user access token expired');
		emu.expireAllTokens();
		await expectError(await ctx.get(path), 400, 99991663);
		ctx.token = await tenantToken(emu);
		expect(await statusOf(ctx.get(path))).toBe(200);
		emu.invalidateToken(ctx.token);
		await expectError(await ctx.get(path), 400, 99991663);
		ctx.token = await tenantToken(emu);
	});

	it('each file endpoint takes a user token exactly where its entry (its page) lists one', async () => {
		ctx.emu.addUserToken('u-matrix');
		const asUser = { Authorization: 'Bearer u-matrix', ...HELPDESK };
		for (const spec of Object.values(FILE_ENDPOINTS)) {
			// Unknown ids: an accepted token gets as far as "not found", a refused one no further.
			const path = spec.path.replace(/:[a-z_]+/g, 'img_x') + '?type=image&ticket_id=t&msg_id=m';
			const res = await ctx.get(path, asUser);
			const expected = spec.tokens.includes('user') ? spec.notFound : spec.wrongToken;
			const got = expected && 'code' in expected ? ((await res.json()) as Json).code : res.status;
			expect([spec.name, got]).toEqual([spec.name, expected && Object.values(expected)[0]]);
		}
	});

	it('an unknown path is a gateway 404', async () => {
		const res = await fetch(`${ctx.emu.baseUrl}/open-apis/nothing/here`);
		expect(res.status).toBe(404);
		expect(((await res.json()) as Json).msg).toBe('404 page not found');
	});
});

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
		const after = ctx.emu.setWhiteboardImage(
			'wbEdited',
			drawWhiteboard({ title: 'v2', boxes: ['A', 'B'] }),
		);
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

describe('docx list blocks', () => {
	const ctx = useEmulator();

	it('mixes text, images and whiteboards in document order', async () => {
		ctx.emu.addDriveMedia('boxcnPhoto', { bytes: makePng(33, 17, 3) });
		const served = ctx.emu.addDocument('doxcnMixed', [
			{ text: 'Intro' },
			{ image: 'boxcnPhoto' },
			{ whiteboard: 'wbPlan', width: 800, height: 450 },
			'text',
			{ image: 'boxcnLater', width: 10 },
			{ block_type: 27, image: { token: 'boxcnFull', width: 1, height: 2 } },
		]);
		expect(served.map((b) => b.block_type)).toEqual([1, 2, 27, 43, 2, 27, 27]);
		expect(served[1]?.text).toMatchObject({ elements: [{ text_run: { content: 'Intro' } }] });
		expect(served[2]?.image).toEqual({ token: 'boxcnPhoto', width: 33, height: 17 });
		expect(served[3]?.board).toEqual({ token: 'wbPlan', width: 800, height: 450 });
		expect(served[5]?.image).toEqual({ token: 'boxcnLater', width: 10, height: 480 });
		expect(served[0]?.children).toEqual(served.slice(1).map((b) => b.block_id));
		const body = (await (await ctx.get(DOC('doxcnMixed'))).json()) as Json;
		expect(body.data.items).toEqual(served);
		// The image block's token is what drive media serves.
		expect(await statusOf(ctx.get(DRIVE(served[2]?.image?.token ?? '')))).toBe(200);
	});

	it('pages by page_size and the fixture pageSize, following opaque page tokens', async () => {
		const served = ctx.emu.addDocument(
			'doxcnDoc1',
			['text', { whiteboard: 'wbInDoc' }, 'text', 'text'],
			{
				pageSize: 2,
				title: 'Spec',
			},
		);
		expect(served[0]).toMatchObject({ block_id: 'doxcnDoc1', parent_id: '', block_type: 1 });
		const items: Json[] = [];
		let pageToken: string | undefined;
		let pages = 0;
		do {
			const query = `?page_size=500${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
			const body = (await (await ctx.get(DOC('doxcnDoc1', query))).json()) as Json;
			expect(body).toMatchObject({ code: 0, msg: 'success' });
			expect('page_token' in body.data).toBe(body.data.has_more);
			items.push(...body.data.items);
			pageToken = body.data.has_more ? body.data.page_token : undefined;
			pages += 1;
		} while (pageToken);
		expect(pages).toBe(3);
		expect(items).toEqual(served);
		const one = (await (
			await ctx.get(DOC('doxcnDoc1', '?page_size=1&document_revision_id=-1'))
		).json()) as Json;
		expect([one.data.items.length, one.data.has_more]).toEqual([1, true]);
	});

	answersEach(
		ctx,
		[
			['page_size over 500', '?page_size=501', 400, 1770001],
			['page_size 0', '?page_size=0', 400, 1770001],
			['a page_size that is not a number', '?page_size=ten', 400, 1770001],
			['a page_token never handed out', '?page_token=not-a-token', 400, 1770022],
			['a revision that is not a number', '?document_revision_id=latest', 400, 1770001],
		],
		(query) => DOC('doxcnDoc1', query),
	);

	it("another document's page token is 1770022", async () => {
		ctx.emu.addDocument('doxcnDoc2', ['text', 'text', 'text'], { pageSize: 1 });
		const other = (await (await ctx.get(DOC('doxcnDoc2'))).json()) as Json;
		await expectError(
			await ctx.get(DOC('doxcnDoc1', `?page_token=${other.data.page_token}`)),
			400,
			1770022,
		);
	});

	it('missing 404 / 1770002, deleted 400 / 1770003, forbidden 403 / 1770032', async () => {
		ctx.emu.addDocument('doxcnSecret', [], { forbidden: true });
		ctx.emu.addDocument('doxcnBinned', [], { deleted: true });
		expect((await expectError(await ctx.get(DOC('nope')), 404, 1770002)).msg).toBe('not found');
		await expectError(await ctx.get(DOC('doxcnBinned')), 400, 1770003);
		await expectError(await ctx.get(DOC('doxcnSecret')), 403, 1770032);
	});

	it('the server-side codes come at 500, maintenance at 503', async () => {
		for (const code of [1771001, 1771002, 1771003, 1771004, 1771005]) {
			ctx.emu.injectFault({ kind: 'error', code }, { endpoint: 'documentBlocks' });
			await expectError(await ctx.get(DOC('doxcnDoc1')), code === 1771005 ? 503 : 500, code);
		}
	});
});

describe('wiki get_node', () => {
	const ctx = useEmulator();
	const NODE = (query: string) => `/open-apis/wiki/v2/spaces/get_node?${query}`;
	beforeAll(() => {
		ctx.emu.addWikiNode('wikcnNode1', { objToken: 'doxcnDoc1', title: 'Spec' });
		ctx.emu.addWikiNode('wikcnLocked', { objToken: 'shtcnX', objType: 'sheet', forbidden: true });
	});

	it('finds a node by wiki token (the default obj_type) and by its document token', async () => {
		for (const query of [
			'token=wikcnNode1&obj_type=wiki',
			'token=wikcnNode1',
			'token=doxcnDoc1&obj_type=docx',
		]) {
			const body = (await (await ctx.get(NODE(query))).json()) as Json;
			expect(body.data.node).toMatchObject({
				node_token: 'wikcnNode1',
				obj_token: 'doxcnDoc1',
				obj_type: 'docx',
				title: 'Spec',
			});
		}
	});

	it('131005 not found, 131006 permission denied, 131002 bad parameters', async () => {
		expect((await expectError(await ctx.get(NODE('token=wikcnNope')), 400, 131005)).msg).toBe(
			'not found',
		);
		await expectError(await ctx.get(NODE('token=doxcnDoc1&obj_type=sheet')), 400, 131005);
		await expectError(await ctx.get(NODE('token=wikcnLocked')), 400, 131006);
		await expectError(await ctx.get(NODE('obj_type=wiki')), 400, 131002);
		await expectError(await ctx.get(NODE('token=wikcnNode1&obj_type=pdf')), 400, 131002);
	});
});

describe('error tables', () => {
	const ctx = useEmulator();
	const paths: Record<DownloadEndpoint, string> = {
		whiteboard: WB('wb1'),
		messageImage: '/open-apis/im/v1/images/img_1',
		ticketImage: '/open-apis/helpdesk/v1/ticket_images?ticket_id=t&msg_id=m',
		baikeFile: '/open-apis/baike/v1/files/box1/download',
		lingoFile: '/open-apis/lingo/v1/files/box1/download',
		messageResource: '/open-apis/im/v1/messages/om_1/resources/f1?type=file',
		driveMedia: DRIVE('box1'),
	};

	const rows = Object.values(FILE_ENDPOINTS).flatMap((spec) =>
		Object.values(spec.errors).map((e) => [spec.name, e.code, e.httpStatus, e.msg] as const),
	);
	it.each(rows)('%s answers %d at HTTP %d with its msg', async (endpoint, code, status, msg) => {
		ctx.emu.injectFault({ kind: 'error', code }, { endpoint });
		expect((await expectError(await ctx.get(paths[endpoint]), status, code)).msg).toBe(msg);
	});

	it('message resources have their own table: 234003 is "File not in message.", no 234007', () => {
		expect(Object.keys(MESSAGE_RESOURCE_ERRORS).map(Number)).toEqual([
			230110, 234001, 234002, 234003, 234004, 234009, 234019, 234037, 234038, 234040, 234041,
			234042, 234043,
		]);
		expect(MESSAGE_RESOURCE_ERRORS[234003]).toMatchObject({
			httpStatus: 400,
			msg: 'File not in message.',
		});
		expect(MESSAGE_RESOURCE_ERRORS[234002]?.httpStatus).toBe(401);
	});

	it('docx, Lingo and wiki codes as the 2026 pages give them; drive media documents none', () => {
		const statuses = (t: Readonly<Record<number, { httpStatus: number }>>) =>
			Object.fromEntries(Object.entries(t).map(([code, e]) => [code, e.httpStatus]));
		expect(statuses(DOCX_ERRORS)).toEqual({
			1770001: 400,
			1770002: 404,
			1770003: 400,
			1770022: 400,
			1770032: 403,
			1771001: 500,
			1771002: 500,
			1771003: 500,
			1771004: 500,
			1771005: 503,
		});
		expect(statuses(LINGO_ERRORS)).toEqual({ 2250001: 400, 2250002: 500 });
		expect(statuses(WIKI_ERRORS)).toMatchObject({ 131005: 400, 131006: 400 });
		expect(DRIVE_MEDIA_ERRORS).toEqual({});
	});

	it('a code can come at another status than its documented one (HTTP 500 carrying 234002)', async () => {
		ctx.emu.injectFault(
			{ kind: 'error', code: 234002, status: 500 },
			{ endpoint: 'messageResource' },
		);
		expect((await expectError(await ctx.get(paths.messageResource), 500, 234002)).msg).toBe(
			'Unauthorized.',
		);
	});
});

describe('rate limits', () => {
	const ctx = useEmulator();
	beforeAll(() => {
		ctx.emu.addWhiteboard('wbRl');
		ctx.emu.addDocument('doxcnRl', ['text']);
		ctx.emu.addApp('cli_second', 'second-secret');
	});
	beforeEach(() => ctx.emu.resetCounters());
	afterEach(() => {
		for (const e of ['whiteboard', 'documentBlocks'] as const)
			ctx.emu.enforceRateLimit(e, Infinity);
	});

	const burst = (n: number, token: string, path = WB('wbRl')) =>
		Promise.all(
			Array.from({ length: n }, () => ctx.get(path, { Authorization: `Bearer ${token}` })),
		);

	it('past the limit: 429 / 99991400 with x-ogw-ratelimit-limit and -reset in seconds', async () => {
		ctx.emu.enforceRateLimit('whiteboard', 3, 1000);
		const results = await burst(5, ctx.token);
		expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
		const limited = results.find((r) => r.status === 429);
		expect(limited?.headers.get('x-ogw-ratelimit-limit')).toBe('3');
		expect(limited?.headers.get('x-ogw-ratelimit-reset')).toBe('1');
		expect(((await limited?.clone().json()) as Json).code).toBe(99991400);
		await Promise.all(results.map((r) => r.arrayBuffer()));
		expect(ctx.emu.counters).toMatchObject({ status429: 2, byStatus: { 200: 3, 429: 2 } });
		expect(ctx.emu.counters.requests.whiteboard).toBe(5);
		expect(ctx.emu.counters.rateLimited.whiteboard).toBe(2);
	});

	it('all tokens of one app share its quota; another app has its own', async () => {
		ctx.emu.enforceRateLimit('whiteboard', 4, 1000);
		const [a1, a2, b] = [
			await tenantToken(ctx.emu),
			await tenantToken(ctx.emu),
			await tenantToken(ctx.emu, 'cli_second', 'second-secret'),
		];
		const sameApp = [...(await burst(3, a1)), ...(await burst(3, a2))];
		expect(sameApp.filter((r) => r.status === 429)).toHaveLength(2);
		expect((await burst(4, b)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
	});

	it('can be lowered or raised while running; admitted requests count against the new limit', async () => {
		ctx.emu.enforceRateLimit('whiteboard', 10, 60_000);
		expect(await Promise.all((await burst(3, ctx.token)).map(statusOf))).toEqual([200, 200, 200]);
		ctx.emu.enforceRateLimit('whiteboard', 2, 60_000);
		expect(await statusOf(ctx.get(WB('wbRl')))).toBe(429);
		ctx.emu.enforceRateLimit('whiteboard', 100, 60_000);
		expect(await statusOf(ctx.get(WB('wbRl')))).toBe(200);
	});

	it('without a limit it enforces the documented one; docx answers it at HTTP 400', async () => {
		expect(ENDPOINT_SPECS.documentBlocks.rateLimit).toEqual({ limit: 5, windowMs: 1000 });
		ctx.emu.enforceRateLimit('documentBlocks');
		const results = await burst(7, ctx.token, DOC('doxcnRl'));
		const limited = results.filter((r) => r.status !== 200);
		expect(limited.map((r) => r.status)).toEqual([400, 400]);
		await expectError(limited[0] as Response, 400, 99991400);
		expect(limited[1]?.headers.get('x-ogw-ratelimit-limit')).toBe('5');
		expect(ctx.emu.counters.rateLimited.documentBlocks).toBe(2);
		expect(ctx.emu.counters.status429).toBe(0);
	});

	it('documented limits: whiteboard 50/s, drive media 5/s, wiki 100/min', () => {
		expect(ENDPOINT_SPECS.whiteboard.rateLimit).toEqual({ limit: 50, windowMs: 1000 });
		expect(ENDPOINT_SPECS.driveMedia.rateLimit).toEqual({ limit: 5, windowMs: 1000 });
		expect(ENDPOINT_SPECS.wikiNode.rateLimit).toEqual({ limit: 100, windowMs: 60_000 });
	});
});

describe('faults', () => {
	const ctx = useEmulator();
	const wb = WB('wbF');
	const docPath = DOC('doxcnF');
	const wikiPath = '/open-apis/wiki/v2/spaces/get_node?token=wikcnF';
	const resPath = '/open-apis/im/v1/messages/om_f/resources/img_f?type=image';
	const oauthUrl = () => `${ctx.emu.baseUrl}/open-apis/authen/v2/oauth/token`;
	beforeAll(() => {
		ctx.emu.addWhiteboard('wbF');
		ctx.emu.addDocument('doxcnF', ['text']);
		ctx.emu.addWikiNode('wikcnF', { objToken: 'doxcnF' });
		ctx.emu.addMessageResource('om_f', 'img_f');
		ctx.emu.addLingoFile('lingoF');
	});
	afterEach(() => {
		expect(ctx.emu.pendingFaults).toBe(0);
		ctx.emu.clearFaults();
	});

	const inject = (fault: Fault, opts?: FaultOptions) => ctx.emu.injectFault(fault, opts);

	it('error, rateLimit, status, jsonOn200 and tokenInvalid answer as told', async () => {
		inject({ kind: 'error', code: 2891001 });
		await expectError(await ctx.get(wb), 500, 2891001);
		inject({ kind: 'rateLimit', resetSeconds: 3 }, { endpoint: 'whiteboard' });
		const rl = await ctx.get(wb);
		expect(rl.headers.get('x-ogw-ratelimit-reset')).toBe('3');
		expect(rl.headers.get('x-ogw-ratelimit-limit')).toBe('50');
		expect((await expectError(rl, 429, 99991400)).msg).toBe('request trigger frequency limit');
		inject({ kind: 'status', status: 502 }, { id: 'wbF' });
		const bad = await ctx.get(wb);
		expect([bad.status, await bad.text()]).toEqual([502, expect.stringMatching(/502 Bad Gateway/)]);
		inject({ kind: 'jsonOn200' });
		await expectError(await ctx.get(wb), 200, 2890003);
		inject({ kind: 'tokenInvalid' }, { times: 2 });
		await expectError(await ctx.get(wb), 400, 99991663);
		await expectError(await ctx.get(wb), 400, 99991663);
		expect(await statusOf(ctx.get(wb))).toBe(200);
	});

	it('resetMidBody, shortBody, slowBody and delay', async () => {
		inject({ kind: 'resetMidBody' });
		await expect((await ctx.get(wb)).arrayBuffer()).rejects.toThrow();
		inject({ kind: 'shortBody' });
		await expect((await ctx.get(wb)).arrayBuffer()).rejects.toThrow();
		inject({ kind: 'slowBody', delayMs: 150 });
		let t0 = performance.now();
		const slow = await ctx.get(wb);
		expect((await slow.arrayBuffer()).byteLength).toBe(Number(slow.headers.get('content-length')));
		expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
		inject({ kind: 'delay', delayMs: 120 });
		t0 = performance.now();
		await statusOf(ctx.get(wb));
		expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
	});

	it('an unscoped fault only hits file downloads, never a JSON or token endpoint', async () => {
		inject({ kind: 'status', status: 502 });
		expect(await statusOf(ctx.get(docPath))).toBe(200);
		expect(await statusOf(ctx.get(wikiPath))).toBe(200);
		expect(await statusOf(fetch(oauthUrl(), { method: 'POST', body: '{}' }))).toBe(400);
		expect(await statusOf(ctx.get(resPath))).toBe(502);
	});

	it("a scoped fault hits the endpoint it names, with that endpoint's defaults", async () => {
		inject({ kind: 'jsonOn200' }, { endpoint: 'wikiNode', id: 'wikcnF' });
		await expectError(await ctx.get(wikiPath), 200, 131005);
		inject({ kind: 'jsonOn200' }, { endpoint: 'documentBlocks' });
		await expectError(await ctx.get(docPath), 200, 1770002);
		inject({ kind: 'rateLimit' }, { endpoint: 'documentBlocks' });
		await expectError(await ctx.get(docPath), 400, 99991400);
		inject({ kind: 'error', code: 2250002 }, { endpoint: 'lingoFile' });
		await expectError(await ctx.get('/open-apis/lingo/v1/files/lingoF/download'), 500, 2250002);
		inject({ kind: 'jsonOn200' }, { endpoint: 'driveMedia' });
		const drive = await ctx.get(DRIVE('anything'));
		expect([drive.status, await drive.json()]).toEqual([200, { msg: 'not found' }]);
		inject({ kind: 'shortBody' }, { endpoint: 'documentBlocks' });
		await expect((await ctx.get(docPath)).arrayBuffer()).rejects.toThrow();
		inject({ kind: 'error', code: 10014 }, { endpoint: 'token' });
		await expectError(await postToken(ctx.emu, '{}'), 400, 10014);
	});

	it('on the OAuth token endpoint, error and jsonOn200 answer in the OAuth shape', async () => {
		inject({ kind: 'error', code: 20050 }, { endpoint: 'oauthToken' });
		const oe = await fetch(oauthUrl(), { method: 'POST', body: '{}' });
		expect([oe.status, await oe.json()]).toEqual([
			500,
			{
				code: 20050,
				error: 'server_error',
				error_description: 'Internal server error, please retry.',
			},
		]);
		inject({ kind: 'jsonOn200' }, { endpoint: 'oauthToken' });
		const oj = await fetch(oauthUrl(), { method: 'POST', body: '{}' });
		expect([oj.status, ((await oj.json()) as Json).error]).toEqual([200, 'invalid_grant']);
	});

	it('failRandomly draws only for file downloads, the same faults for the same seed', async () => {
		const run = async (): Promise<number[]> => {
			ctx.emu.failRandomly(
				0.5,
				[
					{ kind: 'error', code: 2891001 },
					{ kind: 'status', status: 503 },
				],
				7,
			);
			const out: number[] = [];
			for (let i = 0; i < 20; i++) out.push(await statusOf(ctx.get(wb)));
			return out;
		};
		const a = await run();
		expect(await run()).toEqual(a);
		expect(a).toContain(200);
		expect(a.some((s) => s !== 200)).toBe(true);
		ctx.emu.failRandomly(1, [{ kind: 'status', status: 503 }], 1);
		expect(await statusOf(ctx.get(docPath))).toBe(200);
		expect(await statusOf(ctx.get(resPath))).toBe(503);
	});
});

describe('OAuth v2 token endpoint', () => {
	const ctx = useEmulator();
	const redirect = 'https://n8n.example/rest/oauth2-credential/callback';
	const client = { client_id: 'cli_test_app', client_secret: 'test-secret-value-123' };
	const basic = `Basic ${Buffer.from('cli_test_app:test-secret-value-123').toString('base64')}`;
	const post = (body: Record<string, string>, headers: Record<string, string> = {}, form = true) =>
		fetch(`${ctx.emu.baseUrl}/open-apis/authen/v2/oauth/token`, {
			method: 'POST',
			headers: {
				'Content-Type': form ? 'application/x-www-form-urlencoded' : JSON_TYPE,
				...headers,
			},
			body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
		});
	const expectOAuthError = async (res: Response, status: number, code: number, error: string) => {
		const body = (await res.json()) as Json;
		expect([res.status, body.code, body.error, typeof body.error_description]).toEqual([
			status,
			code,
			error,
			'string',
		]);
	};

	it('rejects missing or unsupported grants (20001), a wrong client (20002), a bad code (20003)', async () => {
		ctx.emu.addAuthorizationCode('code-1', { scope: 'offline_access', redirectUri: redirect });
		await expectOAuthError(await post({}, {}, false), 400, 20001, 'invalid_request');
		await expectOAuthError(
			await post({ ...client, grant_type: 'password' }),
			400,
			20001,
			'invalid_request',
		);
		await expectOAuthError(
			await post({ ...client, grant_type: 'authorization_code' }),
			400,
			20001,
			'invalid_request',
		);
		const wrongSecret = {
			grant_type: 'authorization_code',
			code: 'code-1',
			client_id: client.client_id,
			client_secret: 'nope',
		};
		await expectOAuthError(await post(wrongSecret, {}, false), 401, 20002, 'invalid_client');
		const wrongBasic = `Basic ${Buffer.from('cli_test_app:nope').toString('base64')}`;
		await expectOAuthError(
			await post(
				{ grant_type: 'authorization_code', code: 'code-1' },
				{ Authorization: wrongBasic },
			),
			401,
			20002,
			'invalid_client',
		);
		const elsewhere = {
			...client,
			grant_type: 'authorization_code',
			code: 'code-1',
			redirect_uri: 'https://elsewhere/',
		};
		await expectOAuthError(await post(elsewhere, {}, false), 400, 20003, 'invalid_grant');
		await expectOAuthError(
			await post({ ...client, grant_type: 'authorization_code', code: 'code-x' }),
			400,
			20003,
			'invalid_grant',
		);
	});

	it('exchanges a code once for a token pair; refresh rotates the refresh token', async () => {
		const exchange = { grant_type: 'authorization_code', code: 'code-1', redirect_uri: redirect };
		const ok = await post(exchange, { Authorization: basic });
		const pair = (await ok.json()) as Json;
		expect(pair).toMatchObject({
			code: 0,
			expires_in: 7200,
			refresh_token_expires_in: 604800,
			scope: 'offline_access',
			token_type: 'Bearer',
		});
		expect(pair.access_token).toMatch(/^u-[0-9a-f]{40}$/);
		expect(pair.refresh_token).toMatch(/^ur-[0-9a-f]{40}$/);
		await expectOAuthError(
			await post(exchange, { Authorization: basic }),
			400,
			20003,
			'invalid_grant',
		);
		const refresh = { ...client, grant_type: 'refresh_token', refresh_token: pair.refresh_token };
		const pair2 = (await (await post(refresh, {}, false)).json()) as Json;
		expect(pair2.refresh_token).not.toBe(pair.refresh_token);
		await expectOAuthError(await post(refresh, {}, false), 400, 20003, 'invalid_grant');
		expect(ctx.emu.issuedUserTokens).toEqual([pair.access_token, pair2.access_token]);
		expect(
			await statusOf(ctx.get(DOC('x'), { Authorization: `Bearer ${pair2.access_token}` })),
		).toBe(404);
	});

	it('tokens expire: user tokens 99991677, refresh tokens 20003; lifetimes can change', async () => {
		const { emu } = ctx;
		emu.addAuthorizationCode('code-3');
		const pair = (await (
			await post({ ...client, grant_type: 'authorization_code', code: 'code-3' })
		).json()) as Json;
		emu.expireAllTokens();
		const asUser = (t: string) => ({ Authorization: `Bearer ${t}` });
		await expectError(await ctx.get(DOC('x'), asUser(pair.access_token)), 400, 99991677);
		emu.userTokenTtlSeconds = 60;
		emu.refreshTokenTtlSeconds = 120;
		const refresh = { ...client, grant_type: 'refresh_token', refresh_token: pair.refresh_token };
		const pair2 = (await (await post(refresh)).json()) as Json;
		expect([pair2.expires_in, pair2.refresh_token_expires_in]).toEqual([60, 120]);
		emu.invalidateToken(pair2.access_token);
		await expectError(await ctx.get(DOC('x'), asUser(pair2.access_token)), 400, 99991663);
		emu.expireRefreshTokens();
		const again = { ...refresh, refresh_token: pair2.refresh_token };
		await expectOAuthError(await post(again), 400, 20003, 'invalid_grant');
		emu.addAuthorizationCode('code-stale', { ttlSeconds: 0 });
		const stale = { ...client, grant_type: 'authorization_code', code: 'code-stale' };
		await expectOAuthError(await post(stale), 400, 20003, 'invalid_grant');
		expect(emu.counters.oauthTokenRequests).toBe(emu.counters.requests.oauthToken);
		ctx.token = await tenantToken(emu);
	});

	it('accepts form-encoded Basic credentials for another client id and secret', async () => {
		ctx.emu.oauthClientId = 'cli_oauth';
		ctx.emu.oauthClientSecret = 'sec ret+/';
		ctx.emu.addAuthorizationCode('code-2');
		const encoded = `Basic ${Buffer.from('cli_oauth:sec+ret%2B%2F').toString('base64')}`;
		const res = await post(
			{ grant_type: 'authorization_code', code: 'code-2' },
			{ Authorization: encoded },
		);
		expect(((await res.json()) as Json).scope).toBe('offline_access');
		ctx.emu.oauthClientId = ctx.emu.appId;
		ctx.emu.oauthClientSecret = ctx.emu.appSecret;
	});
});

describe('OAuth consent page', () => {
	const ctx = useEmulator({ appName: 'Acme <Reports>' });
	const callback = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
	const AUTHORIZE = '/open-apis/authen/v1/authorize';
	const query = (overrides: Record<string, string> = {}) =>
		new URLSearchParams({
			client_id: 'cli_test_app',
			redirect_uri: callback,
			state: 'st&1',
			scope: 'offline_access docx:document:readonly',
			response_type: 'code',
			...overrides,
		});
	/** What a browser posts when the user clicks a button of the page's form. */
	const click = async (button: 'authorize' | 'deny'): Promise<Response> => {
		const html = await (await fetch(`${ctx.emu.baseUrl}${AUTHORIZE}?${query()}`)).text();
		const form = new URLSearchParams(
			[...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
				(m): [string, string] => [m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&')],
			),
		);
		form.set('action', button);
		return fetch(ctx.emu.baseUrl + AUTHORIZE, { method: 'POST', body: form, redirect: 'manual' });
	};

	it('shows "Authorize <app> to access …" with the scopes and an Authorize button', async () => {
		const res = await fetch(`${ctx.emu.baseUrl}${AUTHORIZE}?${query()}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
		const html = await res.text();
		expect(html).toContain('Authorize Acme &lt;Reports&gt; to access your Feishu account');
		expect(html).toContain('<li>docx:document:readonly</li>');
		expect(html).toMatch(/<button [^>]*id="authorize"[^>]*>Authorize<\/button>/);
	});

	it('Authorize redirects to redirect_uri with a new code and the state; the code gets tokens', async () => {
		const res = await click('authorize');
		expect(res.status).toBe(302);
		const location = new URL(res.headers.get('location') ?? '');
		expect(location.origin + location.pathname).toBe(callback);
		expect(location.searchParams.get('state')).toBe('st&1');
		const code = location.searchParams.get('code') ?? '';
		expect(ctx.emu.issuedAuthorizationCodes).toEqual([code]);
		const token = await fetch(`${ctx.emu.baseUrl}/open-apis/authen/v2/oauth/token`, {
			method: 'POST',
			body: new URLSearchParams({
				grant_type: 'authorization_code',
				code,
				redirect_uri: callback,
				client_id: ctx.emu.appId,
				client_secret: ctx.emu.appSecret,
			}),
		});
		expect(await token.json()).toMatchObject({
			code: 0,
			scope: 'offline_access docx:document:readonly',
		});
	});

	it('Cancel redirects with error=access_denied', async () => {
		const location = new URL((await click('deny')).headers.get('location') ?? '');
		expect(Object.fromEntries(location.searchParams)).toEqual({
			error: 'access_denied',
			state: 'st&1',
		});
	});

	it.each([
		['a wrong client_id', { client_id: 'cli_nope' }, /client_id/],
		['a redirect_uri that is not http(s)', { redirect_uri: 'javascript:alert(1)' }, /redirect_uri/],
		['another response_type', { response_type: 'token' }, /response_type/],
	])('%s is an error page', async (_name, overrides, message) => {
		const res = await fetch(`${ctx.emu.baseUrl}${AUTHORIZE}?${query(overrides)}`);
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('Authorization failed');
		expect(html).toMatch(message);
		expect(html).not.toContain('id="authorize"');
	});
});

describe('pictures', () => {
	it('the image makers give files their sniffed types and sizes say they are', () => {
		expect([sniffImageMime(makePng(3, 2)), imageSize(makePng(3, 2))]).toEqual([
			'image/png',
			{ width: 3, height: 2 },
		]);
		expect([sniffImageMime(makeJpeg(1)), imageSize(makeJpeg(1))]).toEqual([
			'image/jpeg',
			{ width: 8, height: 8 },
		]);
		expect([sniffImageMime(makeGif(1)), imageSize(makeGif(1))]).toEqual([
			'image/gif',
			{ width: 1, height: 1 },
		]);
		expect(makeJpeg(1)).not.toEqual(makeJpeg(2));
		expect(sniffImageMime(Buffer.from('<?xml version="1.0"?>\n<svg width="1"/>'))).toBe(
			'image/svg+xml',
		);
	});

	it.each([
		[
			'a whiteboard',
			() => drawWhiteboard({ title: 'Q3 roadmap', boxes: ['Plan', 'Build', 'Ship'] }),
			640,
			360,
		],
		[
			'a chat screenshot',
			() =>
				drawChatScreenshot({
					title: 'Support',
					messages: [
						{ from: 'them', name: 'Li', text: 'Hi' },
						{ from: 'me', text: 'Hello' },
					],
				}),
			360,
			480,
		],
		[
			'a dictionary diagram',
			() => drawDictionaryDiagram({ term: 'OKR', definitions: ['Objectives', 'Key results'] }),
			560,
			360,
		],
	])('%s is a PNG of its size, the same bytes every time', (_name, draw, width, height) => {
		const png = draw();
		expect(imageSize(png)).toEqual({ width, height });
		expect(draw()).toEqual(png);
	});
});
