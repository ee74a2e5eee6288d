/** Tenant tokens and the bearer token on the file endpoints. */
import { FILE_ENDPOINTS } from '..';
import type { Json } from './support';
import { expectError, HELPDESK, postToken, statusOf, tenantToken, useEmulator } from './support';

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
