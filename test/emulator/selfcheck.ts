/**
 * Smoke check of the emulator itself, with the platform's fetch.
 * Not a jest suite (the name does not match *.test.ts); run it by compiling
 * with tsc and starting the emitted selfcheck.js under node.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { FeishuEmulator, makeGif, makeJpeg } from './index';

let checks = 0;
async function check(name: string, fn: () => Promise<void>): Promise<void> {
	await fn();
	checks += 1;
	console.log(`ok ${checks} - ${name}`);
}

interface FeishuBody {
	code: number;
	msg: string;
	error?: { log_id: string };
	tenant_access_token?: string;
	expire?: number;
}

async function json(res: Response): Promise<FeishuBody> {
	return (await res.json()) as FeishuBody;
}

async function main(): Promise<void> {
	const emu = await FeishuEmulator.start({ tokenTtlSeconds: 60 });
	const base = emu.baseUrl;
	const tokenUrl = `${base}/open-apis/auth/v3/tenant_access_token/internal`;
	const postToken = (body: string): Promise<Response> =>
		fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body });
	let token = '';
	const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
		fetch(base + path, { headers: { Authorization: `Bearer ${token}`, ...headers } });
	const expectError = async (res: Response, status: number, code: number): Promise<FeishuBody> => {
		assert.equal(res.status, status, `status for code ${code}`);
		assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
		const body = await json(res);
		assert.equal(body.code, code);
		assert.ok(body.error && body.error.log_id.length >= 20);
		assert.equal(res.headers.get('x-tt-logid'), body.error.log_id);
		return body;
	};

	try {
		await check('token endpoint: errors and success', async () => {
			await expectError(await postToken('{"app_id":"nope","app_secret":"x"}'), 400, 10003);
			await expectError(await postToken(JSON.stringify({ app_id: 'cli_test_app', app_secret: 'bad' })), 400, 10014);
			await expectError(await postToken('not json'), 400, 10003);
			const res = await postToken(JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }));
			assert.equal(res.status, 200);
			assert.ok(res.headers.get('x-tt-logid'));
			const body = await json(res);
			assert.equal(body.code, 0);
			assert.equal(body.expire, 60);
			assert.match(body.tenant_access_token ?? '', /^t-/);
			token = body.tenant_access_token ?? '';
			assert.deepEqual(emu.issuedTokens, [token]);
			assert.equal(emu.counters.tokenRequests, 4);
		});

		await check('whiteboard download', async () => {
			const bytes = emu.addWhiteboard('Ru8nwrWFOhEmaFbEU2VbPRsHcxb');
			const res = await get('/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image');
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'image/png');
			assert.equal(res.headers.get('content-length'), String(bytes.length));
			assert.equal(res.headers.get('content-disposition'), null);
			assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes));
			await expectError(await get('/open-apis/board/v1/whiteboards/missing/download_as_image'), 400, 2890003);
			// A hostile id stays one encoded path segment.
			const hostile = encodeURIComponent('../../im/v1/images/x');
			await expectError(await get(`/open-apis/board/v1/whiteboards/${hostile}/download_as_image`), 400, 2890003);
			assert.equal(emu.requestLog.at(-1)?.url, `/open-apis/board/v1/whiteboards/${hostile}/download_as_image`);
		});

		await check('message image: raw UTF-8 Content-Disposition, 234008, 234005, 234001, user token', async () => {
			const jpeg = emu.addMessageImage('img_v2_abc', { bytes: makeJpeg(), fileName: '白板截图.jpg' });
			const res = await get('/open-apis/im/v1/images/img_v2_abc');
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'image/jpeg');
			// fetch exposes header bytes as latin1 code points; undo that to see the UTF-8 on the wire.
			const cd = Buffer.from(res.headers.get('content-disposition') ?? '', 'latin1').toString('utf8');
			assert.equal(cd, 'attachment; filename="白板截图.jpg"');
			const got = Buffer.from(await res.arrayBuffer());
			assert.ok(got.equals(jpeg));
			assert.equal(got.subarray(0, 3).toString('hex'), 'ffd8ff');
			assert.equal(got.subarray(-2).toString('hex'), 'ffd9');

			emu.addMessageImage('img_v2_gif', { bytes: makeGif(), contentType: null, fileName: 'a b.gif', dispositionStyle: 'both' });
			const gif = await get('/open-apis/im/v1/images/img_v2_gif');
			assert.equal(gif.headers.get('content-type'), null);
			assert.equal(gif.headers.get('content-disposition'), `attachment; filename="a b.gif"; filename*=UTF-8''a%20b.gif`);
			await gif.arrayBuffer();

			emu.addMessageImage('img_v2_other', { uploadedByApp: false });
			await expectError(await get('/open-apis/im/v1/images/img_v2_other'), 400, 234008);
			emu.addMessageImage('img_v2_gone', { deleted: true });
			await expectError(await get('/open-apis/im/v1/images/img_v2_gone'), 400, 234005);
			await expectError(await get('/open-apis/im/v1/images/img_v2_unknown'), 400, 234005);
			await expectError(await get('/open-apis/im/v1/images/%E2%9C%93bad'), 400, 234001);
			emu.addUserToken('u-user-1');
			await expectError(await get('/open-apis/im/v1/images/img_v2_abc', { Authorization: 'Bearer u-user-1' }), 401, 234002);
			const wb = await get('/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image', {
				Authorization: 'Bearer u-user-1',
			});
			assert.equal(wb.status, 200);
			await wb.arrayBuffer();
		});

		await check('helpdesk ticket images', async () => {
			const hd = { 'X-Lark-Helpdesk-Authorization': Buffer.from('7001:hd-token-abc').toString('base64') };
			const imgs = emu.addTicketMessage('T1', 'M1', { type: 'post', images: [{}, { fileName: 'b.png' }, { deleted: true }] });
			const one = await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=1', hd);
			assert.equal(one.status, 200);
			assert.ok(Buffer.from(await one.arrayBuffer()).equals(imgs[1] ?? Buffer.alloc(0)));
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1', hd), 400, 154000);
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=3', hd), 400, 154000);
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=2', hd), 401, 154404);
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T2&msg_id=M1&index=0', hd), 404, 154004);
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?msg_id=M1', hd), 400, 154000);
			await expectError(await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=0'), 403, 154003);
			const single = emu.addTicketMessage('T1', 'M2', { type: 'img', images: [{}] });
			const s = await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M2&index=9', hd);
			assert.ok(Buffer.from(await s.arrayBuffer()).equals(single[0] ?? Buffer.alloc(0)));
		});

		await check('baike: small file, streamed pattern file, unknown token', async () => {
			const small = emu.addBaikeFile('boxbcSmall', { fileName: 'x.png', dispositionStyle: 'rfc5987' });
			const r1 = await get('/open-apis/baike/v1/files/boxbcSmall/download');
			assert.equal(r1.headers.get('content-disposition'), `attachment; filename*=UTF-8''x.png`);
			assert.ok(Buffer.from(await r1.arrayBuffer()).equals(small));
			const big = emu.addBaikeFile('boxbcBig', { size: 5 * 1024 * 1024 + 123, seed: 42 });
			const r2 = await get('/open-apis/baike/v1/files/boxbcBig/download');
			assert.equal(r2.headers.get('content-length'), String(big.size));
			const hash = createHash('sha256');
			const reader = r2.body?.getReader();
			assert.ok(reader);
			for (let step = await reader.read(); !step.done; step = await reader.read()) hash.update(step.value);
			assert.equal(hash.digest('hex'), big.sha256());
			await expectError(await get('/open-apis/baike/v1/files/nope/download'), 400, 1540001);
		});

		await check('auth failures', async () => {
			const path = '/open-apis/baike/v1/files/boxbcSmall/download';
			await expectError(await fetch(base + path), 400, 99991661);
			await expectError(await get(path, { Authorization: 'Bearer t-forged' }), 400, 99991663);
			emu.invalidTokenStatus = 200;
			await expectError(await get(path, { Authorization: 'Bearer t-forged' }), 200, 99991663);
			emu.invalidTokenStatus = 400;
			const res = await fetch(`${base}/open-apis/nothing/here`);
			assert.equal(res.status, 404);
			assert.equal((await json(res)).msg, '404 page not found');
		});

		const wbPath = '/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image';
		await check('faults: error, rateLimit, status, jsonOn200, tokenInvalid', async () => {
			emu.injectFault({ kind: 'error', code: 2891001 });
			await expectError(await get(wbPath), 500, 2891001);
			emu.injectFault({ kind: 'rateLimit', resetSeconds: 3 }, { endpoint: 'whiteboard' });
			const rl = await expectError(await get(wbPath), 429, 99991400);
			assert.equal(rl.msg, 'request trigger frequency limit');
			emu.injectFault({ kind: 'status', status: 502 }, { id: 'Ru8nwrWFOhEmaFbEU2VbPRsHcxb' });
			const bad = await get(wbPath);
			assert.equal(bad.status, 502);
			assert.match(await bad.text(), /502 Bad Gateway/);
			emu.injectFault({ kind: 'jsonOn200' });
			await expectError(await get(wbPath), 200, 2890003);
			emu.injectFault({ kind: 'tokenInvalid' }, { times: 2 });
			await expectError(await get(wbPath), 400, 99991663);
			await expectError(await get(wbPath), 400, 99991663);
			assert.equal((await get(wbPath)).status, 200);
			assert.equal(emu.pendingFaults, 0);
			// A fault for the token endpoint must name it.
			emu.injectFault({ kind: 'error', code: 10014 }, { endpoint: 'token' });
			await expectError(await postToken('{}'), 400, 10014);
		});

		await check('faults: resetMidBody, shortBody, slowBody, delay', async () => {
			emu.injectFault({ kind: 'resetMidBody' });
			const reset = await get(wbPath);
			assert.equal(reset.status, 200);
			await assert.rejects(reset.arrayBuffer());
			emu.injectFault({ kind: 'shortBody' });
			const short = await get(wbPath);
			await assert.rejects(short.arrayBuffer());
			emu.injectFault({ kind: 'slowBody', delayMs: 150 });
			let t0 = performance.now();
			const slow = await get(wbPath);
			assert.equal((await slow.arrayBuffer()).byteLength, Number(slow.headers.get('content-length')));
			assert.ok(performance.now() - t0 >= 140);
			emu.injectFault({ kind: 'delay', delayMs: 120 });
			t0 = performance.now();
			await (await get(wbPath)).arrayBuffer();
			assert.ok(performance.now() - t0 >= 110);
		});

		await check('expired tokens and invalidateToken', async () => {
			emu.expireAllTokens();
			await expectError(await get(wbPath), 400, 99991663);
			const res = await postToken(JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }));
			token = (await json(res)).tenant_access_token ?? '';
			assert.equal((await get(wbPath)).status, 200);
			emu.invalidateToken(token);
			await expectError(await get(wbPath), 400, 99991663);
			token = emu.issuedTokens.at(-1) ?? '';
			emu.tokenTtlSeconds = 1;
			const again = await postToken(JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }));
			assert.equal((await json(again)).expire, 1);
			token = emu.issuedTokens.at(-1) ?? '';
			assert.equal((await get(wbPath)).status, 200);
		});

		await check('enforceRateLimit and counters', async () => {
			emu.resetCounters();
			emu.enforceRateLimit('whiteboard', 3, 1000);
			const results = await Promise.all(Array.from({ length: 5 }, () => get(wbPath)));
			const statuses = results.map((r) => r.status).sort();
			assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
			const limited = results.find((r) => r.status === 429);
			assert.equal(limited?.headers.get('x-ogw-ratelimit-reset'), '1');
			assert.equal(limited?.headers.get('x-ogw-ratelimit-limit'), '3');
			await Promise.all(results.map((r) => r.arrayBuffer()));
			assert.equal(emu.counters.status429, 2);
			assert.equal(emu.counters.downloads.whiteboard, 5);
			assert.equal(emu.counters.byStatus[200], 3);
			assert.equal(emu.requestLog.length, 5);
			emu.enforceRateLimit('whiteboard', Infinity);
		});

		await check('failRandomly is deterministic', async () => {
			const run = async (): Promise<number[]> => {
				emu.failRandomly(0.5, [{ kind: 'error', code: 2891001 }, { kind: 'status', status: 503 }], 7);
				const out: number[] = [];
				for (let i = 0; i < 20; i++) {
					const r = await get(wbPath);
					await r.arrayBuffer();
					out.push(r.status);
				}
				return out;
			};
			const a = await run();
			const b = await run();
			assert.deepEqual(a, b);
			assert.ok(a.includes(200) && a.some((s) => s !== 200));
			emu.clearFaults();
		});
	} finally {
		await emu.close();
	}
	console.log(`selfcheck: ${checks} passed, 0 failed`);
}

main().catch((err: unknown) => {
	console.error(err);
	process.exitCode = 1;
});
