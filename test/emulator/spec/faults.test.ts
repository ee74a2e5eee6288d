/** Injected and random faults: what the node must survive. */
import type { Fault, FaultOptions } from '..';
import type { Json } from './support';
import { DOC, DRIVE, expectError, postToken, statusOf, useEmulator, WB } from './support';

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
