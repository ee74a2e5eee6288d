import { sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { RateLimitWindow } from '../catalogue';
import { readJsonAnswer, type ByteStream, type FullResponse } from './answer';
import type { DownloadRequest } from './build-request';
import type { FeishuContext } from './context';
import { classifyThrown, findCause, toNodeError, type FeishuFailure } from './errors';
import { credentialKeyOf, TENANT_CREDENTIAL } from './identity';
import type { RunPacing } from './pace-report';
import {
	FIRST_ATTEMPT,
	nextStep,
	type CallState,
	type RetryPolicy,
	type TokenRefresh,
} from './next-step';
import { pacerFor, type Pacer, type Slot } from './pacer';
import { TokenGate, tokenGateFor, type Pass } from './token-gate';

/** A gate that never holds anyone back: for user tokens, which n8n coordinates. */
const USER_TOKEN_GATE = new TokenGate();
USER_TOKEN_GATE.markWarm();

export interface TransportOptions extends RetryPolicy {
	timeoutMs: number;
	/** Overrides every endpoint's documented limits, as an upper bound (Feishu raises them for some apps). */
	requestsPerSecond?: number;
	/** What this execution's requests went through, for the execution hints. */
	pacing?: RunPacing;
}

/**
 * One call to Feishu through n8n's authenticated request helper. Owns everything between the
 * item and the answer: pacing, the shared token, and obeying next-step.ts after a failure
 * (refresh the token, wait out a rate limit, retry, or fail with the user-facing error).
 * `consume` turns a good answer into the result; what it throws is classified like the rest
 * (a cut-off file is transient, so it is fetched again).
 */
export async function callFeishu<T>(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	consume: (response: FullResponse) => Promise<T>,
): Promise<T> {
	const credentialKey = credentialKeyOf(ctx, options.credentialType);
	// n8n's OAuth2 machinery coordinates user tokens itself (one refresh per credential).
	const gate =
		options.credentialType === TENANT_CREDENTIAL ? tokenGateFor(credentialKey) : USER_TOKEN_GATE;
	const pacer = pacerOf(credentialKey, request, options);
	let state: CallState = { ...FIRST_ATTEMPT };
	let refresh: TokenRefresh | undefined;
	for (;;) {
		let pass: Pass | undefined;
		let slot: Slot | undefined;
		try {
			pass = await gate.enter(refresh?.do === 'refreshTenant' ? refresh.fromGeneration : undefined);
			slot = await pacer.acquire();
			const sent = slot;
			options.pacing?.sending(pacer, request.endpoint.name);
			// A tenant refresh is sent only by the request the gate picked; a user refresh as asked.
			const renew: TokenRefresh | undefined = pass.refresh
				? { do: 'refreshTenant', fromGeneration: pass.generation }
				: refresh?.do === 'refreshUser'
					? refresh
					: undefined;
			const response = await send(ctx, request, options, renew).finally(() => sent.done());
			pass.settle({ tokenOk: true });
			const result = await consume(response);
			pacer.answered();
			return result;
		} catch (error) {
			const failure = classifyThrown(error);
			const pacerWaitMs = settleFailed(error, failure, pass, slot, pacer, options.pacing);
			const tokenGeneration = pass?.generation;
			const facts = {
				failure,
				tokenGeneration,
				pacerWaitMs,
				now: Date.now(),
				random: Math.random(),
			};
			const { step, state: after } = nextStep(facts, state, options);
			state = after;
			if (step.do === 'fail') {
				const { endpoint, itemIndex } = request;
				throw toNodeError(
					ctx.getNode(),
					endpoint,
					failure,
					itemIndex,
					step.attempts,
					step.rateLimited,
				);
			}
			refresh = step.do === 'refreshTenant' || step.do === 'refreshUser' ? step : undefined;
			if (step.do === 'waitRateLimit' || step.do === 'retry') await sleep(step.waitMs);
		}
	}
}

/** The pacer this request shares with every call to its endpoint under the same credential. */
function pacerOf(
	credentialKey: string,
	request: DownloadRequest,
	options: TransportOptions,
): Pacer {
	const windows: RateLimitWindow[] = options.requestsPerSecond
		? [{ requests: options.requestsPerSecond, perMs: 1000 }]
		: request.endpoint.rateLimits;
	// An explicit "Requests per Second" is an upper bound: no probing above it.
	return pacerFor(
		`${credentialKey}|${request.endpoint.path}`,
		windows,
		options.requestsPerSecond ? undefined : request.endpoint.probeUpTo,
	);
}

/**
 * Tells the token gate and the pacer how a failed attempt went. After a rate-limit answer the
 * pacer slows every caller down and returns how long this request waits.
 */
function settleFailed(
	error: unknown,
	failure: FeishuFailure,
	pass: Pass | undefined,
	slot: Slot | undefined,
	pacer: Pacer,
	pacing: RunPacing | undefined,
): number | undefined {
	pass?.settle(
		failure.kind === 'credentials'
			? { tokenOk: false, error }
			: { tokenOk: failure.answered === true },
	);
	if (failure.kind === 'rateLimit' && slot) {
		const wait = pacer.throttled(slot, { limit: failure.rateLimit, resetMs: failure.retryAfterMs });
		pacing?.throttled(pacer, wait);
		return wait;
	}
	if (failure.answered) pacer.answered();
	return undefined;
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
	refresh: TokenRefresh | undefined,
): Promise<FullResponse> {
	const requestOptions: IHttpRequestOptions = {
		method: request.endpoint.method,
		url: request.url,
		qs: request.qs,
		headers: request.body
			? { ...request.headers, 'Content-Type': 'application/json; charset=utf-8' }
			: request.headers,
		// As text: n8n's helper drops an empty object body, and records/search takes `{}`.
		...(request.body ? { body: JSON.stringify(request.body) } : {}),
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeoutMs,
		// Feishu never redirects a download; a redirect elsewhere must not carry the token.
		sendCredentialsOnCrossOriginRedirect: false,
	};
	let additional: IAdditionalCredentialOptions | undefined;
	if (refresh?.do === 'refreshTenant') {
		additional = { credentialsDecrypted: await withoutToken(ctx, request.itemIndex) };
	} else if (refresh?.do === 'refreshUser') {
		requestOptions.ignoreHttpStatusErrors = { ignore: true, except: [refresh.onStatus] };
		additional = { oauth2: { tokenExpiredStatusCode: refresh.onStatus } };
	}
	const call = ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		options.credentialType,
		requestOptions,
		additional,
	);
	if (refresh?.do !== 'refreshUser') return (await call) as FullResponse;
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
