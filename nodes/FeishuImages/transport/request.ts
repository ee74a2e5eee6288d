import { sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { RateLimitWindow } from '../catalogue';
import {
	readFileAnswer,
	readJsonAnswer,
	type ByteStream,
	type FileAnswer,
	type FullResponse,
} from './answer';
import type { DownloadRequest } from './build-request';
import type { FeishuContext } from './context';
import { AttemptError, classifyThrown, findCause, toNodeError, type FeishuFailure } from './errors';
import { credentialKeyOf, TENANT_CREDENTIAL, type CredentialType } from './identity';
import type { RunPacing } from './pace-report';
import { backoffMs, pacerFor, type Slot } from './pacer';
import { TokenGate, tokenGateFor, type Pass } from './token-gate';

/** A gate that never holds anyone back: for user tokens, which n8n coordinates. */
const USER_TOKEN_GATE = new TokenGate();
USER_TOKEN_GATE.markWarm();

export interface TransportOptions {
	/** Extra attempts after the first, for transient faults (and rate limits when the budget is 0). */
	retries: number;
	timeoutMs: number;
	/** Overrides every endpoint's documented limits, as an upper bound (Feishu raises them for some apps). */
	requestsPerSecond?: number;
	/**
	 * How long one request may keep waiting while Feishu answers "too many requests" before it
	 * fails; these waits use up no Retries. 0: a rate-limit answer counts as one of the Retries.
	 */
	rateLimitBudgetMs: number;
	credentialType: CredentialType;
	/** What this execution's requests went through, for the execution hints. */
	pacing?: RunPacing;
}

/** First backoff step: 0.25–0.5 s, then 0.5–1 s, 1–2 s… */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/**
 * Where one call stands between attempts. The token is fetched afresh at most once per call
 * and that attempt does not count as a retry: it answers a stale token, not a fault.
 */
interface CallState {
	retriesUsed: number;
	tokenRefreshed: boolean;
	/** When Feishu first answered "too many requests" to this call, and the waits since. */
	throttledSince?: number;
	rateLimitWaits: number;
}

/** What the next attempt must do about the token. */
type Refresh =
	/** Send with the stored tenant token emptied, so n8n fetches and saves a fresh one. */
	| { tenantFrom: number }
	/** Let n8n's OAuth2 client refresh the user token on this status. */
	| { userOnStatus: number };

/**
 * One call to Feishu through n8n's authenticated request helper. Owns everything between the
 * item and the answer: pacing, the shared token, refresh on Feishu's invalid-token codes,
 * retries with backoff for rate limits and transient faults, and the final user-facing error.
 * `consume` turns a good answer into the result; what it throws is classified like the rest
 * (a cut-off file is transient, so it is fetched again).
 */
async function callFeishu<T>(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	consume: (response: FullResponse) => Promise<T>,
): Promise<T> {
	const credentialKey = credentialKeyOf(ctx, options.credentialType);
	// n8n's OAuth2 machinery coordinates user tokens itself (one refresh per credential).
	const gate =
		options.credentialType === TENANT_CREDENTIAL ? tokenGateFor(credentialKey) : USER_TOKEN_GATE;
	const windows: RateLimitWindow[] = options.requestsPerSecond
		? [{ requests: options.requestsPerSecond, perMs: 1000 }]
		: request.endpoint.rateLimits;
	// An explicit "Requests per Second" is an upper bound: no probing above it.
	const pacer = pacerFor(
		`${credentialKey}|${request.endpoint.path}`,
		windows,
		options.requestsPerSecond ? undefined : request.endpoint.probeUpTo,
	);

	/** Attempts so far, the one that fetched a fresh token not counted: it answered a stale token. */
	const attempts = () => state.retriesUsed + state.rateLimitWaits + 1;
	const state: CallState = {
		retriesUsed: 0,
		tokenRefreshed: false,
		rateLimitWaits: 0,
	};
	let refresh: Refresh | undefined;
	for (;;) {
		let pass: Pass | undefined;
		let slot: Slot | undefined;
		try {
			pass = await gate.enter(refresh && 'tenantFrom' in refresh ? refresh.tenantFrom : undefined);
			slot = await pacer.acquire();
			const sent = slot;
			options.pacing?.sending(pacer, request.endpoint.resourceName);
			// A tenant refresh is sent only by the request the gate picked; a user refresh as asked.
			const sendRefresh = pass.refresh
				? { tenantFrom: pass.generation }
				: refresh && 'userOnStatus' in refresh
					? refresh
					: undefined;
			refresh = undefined;
			const response = await send(ctx, request, options, sendRefresh).finally(() => sent.done());
			pass.settle({ tokenOk: true });
			const result = await consume(response);
			pacer.answered();
			return result;
		} catch (error) {
			const failure = classifyThrown(error);
			pass?.settle(
				failure.kind === 'credentials'
					? { tokenOk: false, error }
					: { tokenOk: failure.answered === true },
			);
			let wait: number | undefined;
			if (failure.kind === 'rateLimit' && slot) {
				// The pacer slows every caller down and says how long this request waits.
				wait = pacer.throttled(slot, { limit: failure.rateLimit, resetMs: failure.retryAfterMs });
				options.pacing?.throttled(pacer, wait);
			} else if (failure.answered) {
				pacer.answered();
			}
			refresh = pass && !state.tokenRefreshed ? refreshFor(failure, options, pass) : undefined;
			if (refresh) {
				state.tokenRefreshed = true;
				continue;
			}
			if (wait !== undefined && options.rateLimitBudgetMs > 0) {
				// Waiting out a rate limit is not a fault: bounded by time, not by Retries.
				const now = Date.now();
				state.throttledSince ??= now;
				if (now + wait - state.throttledSince > options.rateLimitBudgetMs) {
					throw toNodeError(
						ctx.getNode(),
						request.endpoint,
						failure,
						request.itemIndex,
						attempts(),
						{ waitedMs: now - state.throttledSince, budgetMs: options.rateLimitBudgetMs },
					);
				}
				state.rateLimitWaits++;
				await sleep(wait);
				continue;
			}
			const retryable = failure.kind === 'rateLimit' || failure.kind === 'transient';
			if (!retryable || state.retriesUsed >= options.retries) {
				throw toNodeError(ctx.getNode(), request.endpoint, failure, request.itemIndex, attempts());
			}
			state.retriesUsed++;
			await sleep(
				wait ?? backoffMs(state.retriesUsed, BACKOFF_BASE_MS, BACKOFF_MAX_MS, Math.random()),
			);
		}
	}
}

/** Feishu rejected the token n8n saved: how to get a fresh one, if this failure calls for it. */
function refreshFor(
	failure: FeishuFailure,
	options: TransportOptions,
	pass: Pass,
): Refresh | undefined {
	if (failure.kind !== 'invalidToken') return undefined;
	if (options.credentialType === TENANT_CREDENTIAL) return { tenantFrom: pass.generation };
	// n8n refreshes an OAuth2 token only on an error status it is told about; Feishu answers
	// 99991677 at 400, so the retry names that status (never a 2xx).
	if (failure.httpStatus !== undefined && failure.httpStatus >= 400) {
		return { userOnStatus: failure.httpStatus };
	}
	return undefined;
}

/** What a download's `store` reports: how many bytes it took in. */
export interface Stored {
	size: number;
}

/**
 * Downloads one file and hands the answer to `store`, which streams it into n8n's binary data;
 * a file shorter than its Content-Length is a transient fault, so it is fetched again.
 */
export async function downloadFile<T extends Stored>(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	store: (answer: FileAnswer) => Promise<T>,
): Promise<T> {
	return await callFeishu(ctx, request, options, async (response) => {
		const answer = await readFileAnswer(request.endpoint, response);
		const stored = await store(answer);
		if (answer.contentLength !== undefined && stored.size !== answer.contentLength) {
			throw new AttemptError({
				kind: 'transient',
				msg: `the file arrived cut short (${stored.size} of ${answer.contentLength} bytes)`,
				network: 'short body',
			});
		}
		return stored;
	});
}

/** Calls a JSON endpoint and returns its `data`; any non-zero `code` is a classified failure. */
export async function fetchJson(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
): Promise<IDataObject> {
	return await callFeishu(
		ctx,
		request,
		options,
		async (response) => await readJsonAnswer(request.endpoint, response),
	);
}

async function send(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	refresh: Refresh | undefined,
): Promise<FullResponse> {
	const requestOptions: IHttpRequestOptions = {
		method: request.endpoint.method,
		url: request.url,
		qs: request.qs,
		headers: request.headers,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeoutMs,
		// Feishu never redirects a download; a redirect elsewhere must not carry the token.
		sendCredentialsOnCrossOriginRedirect: false,
	};
	let additional: IAdditionalCredentialOptions | undefined;
	if (refresh && 'tenantFrom' in refresh) {
		additional = { credentialsDecrypted: await withoutToken(ctx, request.itemIndex) };
	} else if (refresh) {
		requestOptions.ignoreHttpStatusErrors = { ignore: true, except: [refresh.userOnStatus] };
		additional = { oauth2: { tokenExpiredStatusCode: refresh.userOnStatus } };
	}
	const call = ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		options.credentialType,
		requestOptions,
		additional,
	);
	if (!refresh || !('userOnStatus' in refresh)) return (await call) as FullResponse;
	// After a forced OAuth2 refresh, an error status arrives as a thrown error: read it as an answer.
	return (await call.catch((error: unknown) => {
		const answered = findCause(
			error,
			(e): e is ThrownAnswer => typeof (e as ThrownAnswer)?.response?.status === 'number',
		);
		if (!answered) throw error;
		return {
			statusCode: answered.response.status,
			headers: answered.response.headers ?? {},
			body: answered.response.data,
		};
	})) as FullResponse;
}

interface ThrownAnswer {
	response: { status: number; headers?: Record<string, unknown>; data: ByteStream };
}

/** The stored credential with its token emptied, so n8n runs preAuthentication and saves the result. */
async function withoutToken(ctx: FeishuContext, itemIndex: number): Promise<ICredentialsDecrypted> {
	const data = await ctx.getCredentials(TENANT_CREDENTIAL, itemIndex);
	const ref = ctx.getNode().credentials?.[TENANT_CREDENTIAL];
	return {
		id: ref?.id ?? null,
		name: ref?.name ?? TENANT_CREDENTIAL,
		type: TENANT_CREDENTIAL,
		data: { ...data, tenantAccessToken: '' },
	} as ICredentialsDecrypted;
}
