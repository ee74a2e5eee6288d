/** Rate limits: the gateway's 99991400 per app, documented and set by a test. */
import { ROUTE_TABLE } from '..';
import type { Json } from './support';
import { DOC, expectError, statusOf, tenantToken, useEmulator, WB } from './support';

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
		expect(ROUTE_TABLE.documentBlocks.rateLimit).toEqual({ limit: 5, windowMs: 1000 });
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
		expect(ROUTE_TABLE.whiteboard.rateLimit).toEqual({ limit: 50, windowMs: 1000 });
		expect(ROUTE_TABLE.driveMedia.rateLimit).toEqual({ limit: 5, windowMs: 1000 });
		expect(ROUTE_TABLE.wikiNode.rateLimit).toEqual({ limit: 100, windowMs: 60_000 });
	});
});
