/**
 * What a call does after a failed attempt (pure, no engine), row by row: a stale token is
 * fetched afresh once, Feishu's rate limit is waited out within Max Rate-Limit Wait without
 * using up Retries, transient faults are retried with backoff, everything else fails.
 */
import type { FeishuFailure } from '../nodes/FeishuImages/transport/errors';
import {
	FIRST_ATTEMPT,
	nextStep,
	type AttemptFacts,
	type CallState,
	type RetryPolicy,
} from '../nodes/FeishuImages/transport/next-step';

const app: RetryPolicy = { credentialType: 'feishuApi', retries: 3, rateLimitBudgetMs: 60_000 };
const user: RetryPolicy = { ...app, credentialType: 'feishuOAuth2Api' };
const budgetZero: RetryPolicy = { ...app, rateLimitBudgetMs: 0 };

const staleToken: FeishuFailure = {
	kind: 'invalidToken',
	httpStatus: 400,
	code: 99991663,
	msg: 'token invalid',
	answered: true,
};
const rateLimit: FeishuFailure = {
	kind: 'rateLimit',
	httpStatus: 429,
	msg: 'too many',
	answered: true,
};
const transient: FeishuFailure = { kind: 'transient', msg: 'reset', network: 'ECONNRESET' };
const fatal: FeishuFailure = {
	kind: 'fatal',
	httpStatus: 400,
	code: 2890003,
	msg: 'no',
	answered: true,
};

/** An attempt sent with token generation 7, at t = 100 s. */
function facts(failure: FeishuFailure, extra: Partial<AttemptFacts> = {}): AttemptFacts {
	return { failure, tokenGeneration: 7, now: 100_000, random: 0, ...extra };
}

function state(extra: Partial<CallState> = {}): CallState {
	return { ...FIRST_ATTEMPT, ...extra };
}

describe('a token Feishu rejects', () => {
	it('app identity, first time: refresh the tenant token from the generation that was rejected', () => {
		const { step, state: after } = nextStep(facts(staleToken), state(), app);
		expect(step).toEqual({ do: 'refreshTenant', fromGeneration: 7 });
		// The refresh is no retry: it answers a stale token, not a fault.
		expect(after).toEqual(state({ tokenRefreshed: true }));
	});

	it('app identity, rejected again after the refresh: fail, counting one attempt', () => {
		const { step } = nextStep(facts(staleToken), state({ tokenRefreshed: true }), app);
		expect(step).toEqual({ do: 'fail', attempts: 1 });
	});

	it('before the token gate let the attempt through (no generation): fail', () => {
		const { step } = nextStep(facts(staleToken, { tokenGeneration: undefined }), state(), app);
		expect(step).toEqual({ do: 'fail', attempts: 1 });
	});

	it.each([400, 401])(
		'user identity, 99991677 at HTTP %d: let n8n refresh the user token on that status',
		(status) => {
			const failure = { ...staleToken, code: 99991677, httpStatus: status };
			const { step, state: after } = nextStep(facts(failure), state(), user);
			expect(step).toEqual({ do: 'refreshUser', onStatus: status });
			expect(after.tokenRefreshed).toBe(true);
		},
	);

	it.each([
		['HTTP 200 (n8n refreshes only on an error status)', 200],
		['no status at all', undefined],
	])('user identity, a stale token at %s: fail', (_name, status) => {
		const failure = { ...staleToken, httpStatus: status };
		expect(nextStep(facts(failure), state(), user).step).toEqual({ do: 'fail', attempts: 1 });
	});

	it('user identity, rejected again after the refresh: fail', () => {
		const { step } = nextStep(facts(staleToken), state({ tokenRefreshed: true }), user);
		expect(step).toEqual({ do: 'fail', attempts: 1 });
	});
});

describe('Feishu says "too many requests" (Max Rate-Limit Wait above 0)', () => {
	it('first time: wait as long as the pacer says, from now on the clock of the budget runs', () => {
		const { step, state: after } = nextStep(facts(rateLimit, { pacerWaitMs: 1000 }), state(), app);
		expect(step).toEqual({ do: 'waitRateLimit', waitMs: 1000 });
		expect(after).toEqual(state({ throttledSince: 100_000, rateLimitWaits: 1 }));
	});

	it('waiting uses up no Retries: it waits even when all Retries are used', () => {
		const before = state({ retriesUsed: 3, throttledSince: 90_000, rateLimitWaits: 2 });
		const { step, state: after } = nextStep(facts(rateLimit, { pacerWaitMs: 500 }), before, app);
		expect(step).toEqual({ do: 'waitRateLimit', waitMs: 500 });
		expect(after).toEqual({ ...before, rateLimitWaits: 3 });
	});

	it('a wait that ends exactly at the budget is still taken', () => {
		const before = state({ throttledSince: 40_000, rateLimitWaits: 5 });
		const { step } = nextStep(facts(rateLimit, { pacerWaitMs: 0 }), before, {
			...app,
			rateLimitBudgetMs: 60_000,
		});
		expect(step.do).toBe('waitRateLimit');
	});

	it('a wait that would end beyond the budget: fail, saying how long it waited and the budget', () => {
		const before = state({ retriesUsed: 1, throttledSince: 40_000, rateLimitWaits: 5 });
		const { step } = nextStep(facts(rateLimit, { pacerWaitMs: 1 }), before, app);
		expect(step).toEqual({
			do: 'fail',
			attempts: 7,
			rateLimited: { waitedMs: 60_000, budgetMs: 60_000 },
		});
	});

	it('without a pacer slot (no wait to take) it counts as a retry with backoff', () => {
		const { step, state: after } = nextStep(facts(rateLimit), state(), app);
		expect(step).toEqual({ do: 'retry', waitMs: 250 });
		expect(after.retriesUsed).toBe(1);
	});
});

describe('Feishu says "too many requests" with Max Rate-Limit Wait 0', () => {
	it("counts as a retry, waiting as long as the pacer says (not the backoff's)", () => {
		const { step, state: after } = nextStep(
			facts(rateLimit, { pacerWaitMs: 1234 }),
			state(),
			budgetZero,
		);
		expect(step).toEqual({ do: 'retry', waitMs: 1234 });
		expect(after).toEqual(state({ retriesUsed: 1 }));
	});

	it('with no Retries left: fail, without the budget message', () => {
		const { step } = nextStep(
			facts(rateLimit, { pacerWaitMs: 1234 }),
			state({ retriesUsed: 3 }),
			budgetZero,
		);
		expect(step).toEqual({ do: 'fail', attempts: 4 });
	});
});

describe('a transient fault (network, 5xx, a file cut short)', () => {
	it.each([
		// retriesUsed before, random → wait: 0.25–0.5 s, then 0.5–1 s, 1–2 s… up to 30 s.
		[0, 0, 250],
		[0, 0.5, 375],
		[1, 0, 500],
		[2, 0.5, 1500],
		[8, 0, 15_000],
		[8, 1, 30_000],
	])('with Retries left (%d used, random %d): retry after %d ms', (used, random, waitMs) => {
		const policy = { ...app, retries: 10 };
		const { step, state: after } = nextStep(
			facts(transient, { random }),
			state({ retriesUsed: used }),
			policy,
		);
		expect(step).toEqual({ do: 'retry', waitMs });
		expect(after).toEqual(state({ retriesUsed: used + 1 }));
	});

	it('with no Retries left: fail, counting every attempt (rate-limit waits too)', () => {
		const { step } = nextStep(facts(transient), state({ retriesUsed: 3, rateLimitWaits: 2 }), app);
		expect(step).toEqual({ do: 'fail', attempts: 6 });
	});

	it('Retries = 0: fail at once', () => {
		const { step } = nextStep(facts(transient), state(), { ...app, retries: 0 });
		expect(step).toEqual({ do: 'fail', attempts: 1 });
	});

	it('after a refreshed token, retries still start from the first', () => {
		const { step } = nextStep(facts(transient), state({ tokenRefreshed: true }), app);
		expect(step).toEqual({ do: 'retry', waitMs: 250 });
	});
});

describe('a final answer', () => {
	it.each<[string, FeishuFailure]>([
		['a fatal code', fatal],
		['a missing scope', { ...fatal, kind: 'scopeMissing', code: 99991672 }],
		['refused app credentials', { kind: 'credentials', code: 10014, msg: 'wrong', answered: true }],
		['the execution cancelled', { kind: 'fatal', msg: 'the execution was cancelled' }],
	])('%s: fail at once, with Retries left and the token never refreshed', (_name, failure) => {
		for (const policy of [app, user]) {
			expect(nextStep(facts(failure), state(), policy)).toEqual({
				step: { do: 'fail', attempts: 1 },
				state: state(),
			});
		}
	});
});

it('decides without changing the state it was given', () => {
	const before = Object.freeze(state({ throttledSince: 1, retriesUsed: 1 }));
	for (const failure of [staleToken, rateLimit, transient, fatal]) {
		expect(() => nextStep(facts(failure, { pacerWaitMs: 10 }), before, app)).not.toThrow();
	}
	expect(before).toEqual(state({ throttledSince: 1, retriesUsed: 1 }));
});
