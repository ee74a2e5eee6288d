/** OAuth v2: the token endpoint and the consent page. */
import type { Json } from './support';
import { DOC, expectError, JSON_TYPE, statusOf, tenantToken, useEmulator } from './support';

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
