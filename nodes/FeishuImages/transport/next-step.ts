/**
 * What one call to Feishu does after a failed attempt: the retry policy as a pure decision, so
 * that the loop in request.ts only acquires, sends and obeys (and each row can be tested alone).
 */
import type { FeishuFailure } from './errors';
import { TENANT_CREDENTIAL, type CredentialType } from './identity';
import { backoffMs } from './pacer';

/** First backoff step: 0.25–0.5 s, then 0.5–1 s, 1–2 s… */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/**
 * Where one call stands between attempts. The token is fetched afresh at most once per call
 * and that attempt does not count as a retry: it answers a stale token, not a fault.
 */
export interface CallState {
	retriesUsed: number;
	tokenRefreshed: boolean;
	/** When Feishu first answered "too many requests" to this call, and the waits since. */
	throttledSince?: number;
	rateLimitWaits: number;
}

export const FIRST_ATTEMPT: Readonly<CallState> = {
	retriesUsed: 0,
	tokenRefreshed: false,
	rateLimitWaits: 0,
};

/** The call's settings the policy reads. */
export interface RetryPolicy {
	credentialType: CredentialType;
	/** Extra attempts after the first, for transient faults (and rate limits when the budget is 0). */
	retries: number;
	/**
	 * How long one call may keep waiting while Feishu answers "too many requests"; these waits
	 * use up no Retries. 0: a rate-limit answer counts as one of the Retries instead.
	 */
	rateLimitBudgetMs: number;
}

/** What the failed attempt left behind, besides the failure itself. */
export interface AttemptFacts {
	failure: FeishuFailure;
	/** The token generation the attempt was sent with; absent when it never got past the token gate. */
	tokenGeneration?: number;
	/** How long the pacer says this request waits before its next try, after a rate-limit answer. */
	pacerWaitMs?: number;
	/** The clock, and a number in [0, 1) for the backoff's jitter. */
	now: number;
	random: number;
}

/** Send again with the stored tenant token emptied, so n8n fetches and saves a fresh one. */
export interface RefreshTenant {
	do: 'refreshTenant';
	/** The generation Feishu rejected: the token gate lets one request refresh it. */
	fromGeneration: number;
}

/** Send again letting n8n's OAuth2 client refresh the user token on this status. */
export interface RefreshUser {
	do: 'refreshUser';
	onStatus: number;
}

export type TokenRefresh = RefreshTenant | RefreshUser;

export type NextStep =
	| RefreshTenant
	| RefreshUser
	/** Feishu's rate limit, within Max Rate-Limit Wait: uses up no Retries. */
	| { do: 'waitRateLimit'; waitMs: number }
	/** A transient fault (or a rate limit when the budget is 0) with Retries left. */
	| { do: 'retry'; waitMs: number }
	| {
			do: 'fail';
			/** Attempts made, the one that fetched a fresh token not counted. */
			attempts: number;
			/** Set when Max Rate-Limit Wait ran out. */
			rateLimited?: { waitedMs: number; budgetMs: number };
	  };

export interface Decision {
	step: NextStep;
	state: CallState;
}

/** The decision table: a stale token first, then a rate limit within its budget, then Retries. */
export function nextStep(facts: AttemptFacts, state: CallState, policy: RetryPolicy): Decision {
	const { failure } = facts;
	const refresh =
		facts.tokenGeneration !== undefined && !state.tokenRefreshed
			? tokenRefreshFor(failure, facts.tokenGeneration, policy.credentialType)
			: undefined;
	if (refresh) return { step: refresh, state: { ...state, tokenRefreshed: true } };

	if (facts.pacerWaitMs !== undefined && policy.rateLimitBudgetMs > 0) {
		// Waiting out a rate limit is not a fault: bounded by time, not by Retries.
		const throttledSince = state.throttledSince ?? facts.now;
		if (facts.now + facts.pacerWaitMs - throttledSince > policy.rateLimitBudgetMs) {
			const rateLimited = {
				waitedMs: facts.now - throttledSince,
				budgetMs: policy.rateLimitBudgetMs,
			};
			return { step: { do: 'fail', attempts: attempts(state), rateLimited }, state };
		}
		return {
			step: { do: 'waitRateLimit', waitMs: facts.pacerWaitMs },
			state: { ...state, throttledSince, rateLimitWaits: state.rateLimitWaits + 1 },
		};
	}

	const retryable = failure.kind === 'rateLimit' || failure.kind === 'transient';
	if (!retryable || state.retriesUsed >= policy.retries) {
		return { step: { do: 'fail', attempts: attempts(state) }, state };
	}
	const retriesUsed = state.retriesUsed + 1;
	const waitMs =
		facts.pacerWaitMs ?? backoffMs(retriesUsed, BACKOFF_BASE_MS, BACKOFF_MAX_MS, facts.random);
	return { step: { do: 'retry', waitMs }, state: { ...state, retriesUsed } };
}

function attempts(state: CallState): number {
	return state.retriesUsed + state.rateLimitWaits + 1;
}

/** Feishu rejected the token n8n saved: how to get a fresh one, if this failure calls for it. */
function tokenRefreshFor(
	failure: FeishuFailure,
	generation: number,
	credentialType: CredentialType,
): TokenRefresh | undefined {
	if (failure.kind !== 'invalidToken') return undefined;
	if (credentialType === TENANT_CREDENTIAL)
		return { do: 'refreshTenant', fromGeneration: generation };
	// n8n refreshes an OAuth2 token only on an error status it is told about; Feishu answers
	// 99991677 at 400, so the retry names that status (never a 2xx).
	if (failure.httpStatus !== undefined && failure.httpStatus >= 400) {
		return { do: 'refreshUser', onStatus: failure.httpStatus };
	}
	return undefined;
}
