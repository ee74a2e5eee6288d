import { sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	IBinaryData,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { DownloadEndpoint, RateLimitWindow } from '../catalogue';
import {
	AttemptError,
	classifyAnswer,
	headerString,
	toNodeError,
	type FeishuFailure,
} from './errors';
import { pacerFor } from './pacer';
import { FeishuCredentialError } from './token';
import { TokenGate, tokenGateFor, type Pass } from './token-gate';

/** A gate that never holds anyone back: for user tokens, which n8n coordinates. */
const USER_TOKEN_GATE = new TokenGate();
USER_TOKEN_GATE.markWarm();

/** The response stream type n8n's helpers hand out and accept, without importing node:stream. */
export type ByteStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/** The app's identity: a tenant_access_token that this node fetches through preAuthentication. */
export const TENANT_CREDENTIAL = 'feishuApi';
/** A user's identity: n8n's OAuth2 machinery holds and refreshes the user_access_token. */
export const USER_CREDENTIAL = 'feishuOAuth2Api';
export type CredentialType = typeof TENANT_CREDENTIAL | typeof USER_CREDENTIAL;

export interface DownloadRequest {
	endpoint: DownloadEndpoint;
	url: string;
	qs: Record<string, string>;
	headers: Record<string, string>;
	itemIndex: number;
}

export interface TransportOptions {
	/** Extra attempts after the first, for rate limits and transient faults. */
	retries: number;
	timeoutMs: number;
	/** Overrides every endpoint's documented limits (Feishu raises them for some apps). */
	requestsPerSecond?: number;
	credentialType: CredentialType;
}

export interface FileAnswer {
	body: ByteStream;
	headers: Record<string, unknown>;
	statusCode: number;
	contentLength?: number;
}

interface FullResponse {
	body: ByteStream;
	headers: Record<string, unknown>;
	statusCode: number;
}

/** Which token gate and pacers a node's requests share: one per credential. */
export function credentialKeyOf(ctx: IExecuteFunctions, type: CredentialType): string {
	const node = ctx.getNode();
	const ref = node.credentials?.[type];
	return `${type}:${ref?.id ?? ref?.name ?? node.id}`;
}

const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ERR_STREAM_PREMATURE_CLOSE',
	'UND_ERR_SOCKET',
]);

/** First backoff step: 0.25–0.5 s, then 0.5–1 s, 1–2 s… */
const BACKOFF_BASE_MS = 500;

/** A Feishu error body is small; anything bigger that claims to be JSON is not one. */
const MAX_ERROR_BODY = 64 * 1024;

/** A page of 500 document blocks is a few hundred kB. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

/**
 * One call to Feishu through n8n's authenticated request helper. Owns everything between the
 * item and the answer: pacing, the shared token, refresh on Feishu's invalid-token codes,
 * retries with backoff for rate limits and transient faults, and the final user-facing error.
 * `consume` turns a good answer into the result; what it throws is classified like the rest
 * (a cut-off file is transient, so it is fetched again).
 */
async function callFeishu<T>(
	ctx: IExecuteFunctions,
	request: DownloadRequest,
	options: TransportOptions,
	consume: (response: FullResponse) => Promise<T>,
): Promise<{ result: T; attempts: number }> {
	const node = ctx.getNode();
	const credentialKey = credentialKeyOf(ctx, options.credentialType);
	// n8n's OAuth2 machinery coordinates user tokens itself (one refresh per credential).
	const gate =
		options.credentialType === TENANT_CREDENTIAL ? tokenGateFor(credentialKey) : USER_TOKEN_GATE;
	const windows: RateLimitWindow[] = options.requestsPerSecond
		? [{ requests: options.requestsPerSecond, perMs: 1000 }]
		: request.endpoint.rateLimits;
	const pacer = pacerFor(`${credentialKey}|${request.endpoint.path}`, windows);

	let attempts = 0;
	let refreshFrom: number | undefined;
	let refreshed = false;
	let oauthRefreshStatus: number | undefined;
	for (;;) {
		attempts++;
		let pass: Pass | undefined;
		try {
			pass = await gate.enter(refreshFrom);
			refreshFrom = undefined;
			const slot = await pacer.acquire();
			const refresh: Refresh | undefined = pass.refresh
				? { tenant: true }
				: oauthRefreshStatus
					? { userOnStatus: oauthRefreshStatus }
					: undefined;
			oauthRefreshStatus = undefined;
			const response = await send(ctx, request, options, refresh).finally(() => slot.done());
			pass.settle({ tokenOk: true });
			return { result: await consume(response), attempts };
		} catch (error) {
			const failure = toFailure(error);
			pass?.settle(
				failure.kind === 'credentials'
					? { tokenOk: false, error }
					: { tokenOk: failure.answered === true },
			);
			if (failure.kind === 'invalidToken' && !refreshed && pass) {
				// Feishu rejected the token n8n saved: fetch one fresh token and retry once.
				refreshed = true;
				attempts--;
				if (options.credentialType === TENANT_CREDENTIAL) {
					refreshFrom = pass.generation;
					continue;
				}
				// n8n refreshes an OAuth2 token only on an error status it is told about; Feishu
				// answers 99991677 at 400, so the retry names that status (never a 2xx).
				if (failure.httpStatus !== undefined && failure.httpStatus >= 400) {
					oauthRefreshStatus = failure.httpStatus;
					continue;
				}
			}
			if (failure.kind === 'credentials') {
				throw toNodeError(node, request.endpoint, failure, request.itemIndex, attempts);
			}
			const retryable = failure.kind === 'rateLimit' || failure.kind === 'transient';
			if (!retryable || attempts > options.retries) {
				throw toNodeError(node, request.endpoint, failure, request.itemIndex, attempts);
			}
			await sleep(backoffMs(attempts, failure, BACKOFF_BASE_MS));
		}
	}
}

/** Downloads one file and hands the answer to `store`, which streams it into n8n's binary data. */
export async function downloadFile(
	ctx: IExecuteFunctions,
	request: DownloadRequest,
	options: TransportOptions,
	store: (answer: FileAnswer) => Promise<IBinaryData>,
): Promise<{ binary: IBinaryData; attempts: number }> {
	const { result, attempts } = await callFeishu(ctx, request, options, async (response) => {
		const answer = await readFileAnswer(request.endpoint, response);
		const binary = await store(answer);
		// n8n 1.x does not count stored bytes; Node's HTTP client has already refused a body
		// shorter than its Content-Length, so the declared length is the size.
		binary.bytes ??= answer.contentLength;
		if (
			answer.contentLength !== undefined &&
			binary.bytes !== undefined &&
			binary.bytes !== answer.contentLength
		) {
			throw new AttemptError({
				kind: 'transient',
				msg: `the file arrived cut short (${binary.bytes} of ${answer.contentLength} bytes)`,
				network: 'short body',
			});
		}
		return binary;
	});
	return { binary: result, attempts };
}

/** Calls a JSON endpoint and returns its `data`; any non-zero `code` is a classified failure. */
export async function fetchJson(
	ctx: IExecuteFunctions,
	request: DownloadRequest,
	options: TransportOptions,
): Promise<IDataObject> {
	const { result } = await callFeishu(ctx, request, options, async (response) => {
		const text = await readSmallBody(response.body, MAX_JSON_BODY);
		const parsed = parseJson(text);
		const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as IDataObject;
		const ok = response.statusCode >= 200 && response.statusCode < 300 && body.code === 0;
		if (ok)
			return (typeof body.data === 'object' && body.data !== null ? body.data : {}) as IDataObject;
		const failure = classifyAnswer(
			request.endpoint,
			response.statusCode,
			parsed,
			response.headers ?? {},
		);
		if (parsed === undefined) failure.msg = `HTTP ${response.statusCode} ${snippet(text)}`.trim();
		throw new AttemptError({ ...failure, answered: true });
	});
	return result;
}

type Refresh = { tenant: true } | { userOnStatus: number };

async function send(
	ctx: IExecuteFunctions,
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
	if (refresh && 'tenant' in refresh) {
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
async function withoutToken(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<ICredentialsDecrypted> {
	const data = await ctx.getCredentials(TENANT_CREDENTIAL, itemIndex);
	const ref = ctx.getNode().credentials?.[TENANT_CREDENTIAL];
	return {
		id: ref?.id ?? null,
		name: ref?.name ?? TENANT_CREDENTIAL,
		type: TENANT_CREDENTIAL,
		data: { ...data, tenantAccessToken: '' },
	} as ICredentialsDecrypted;
}

/** A byte answer is returned as it is; a JSON answer (at any status) becomes a classified failure. */
async function readFileAnswer(
	endpoint: DownloadEndpoint,
	response: FullResponse,
): Promise<FileAnswer> {
	const headers = response.headers ?? {};
	const contentType = (headerString(headers, 'content-type') ?? '').toLowerCase();
	const isJson = contentType.includes('json');
	if (response.statusCode >= 200 && response.statusCode < 300 && !isJson) {
		const declared = Number(headerString(headers, 'content-length'));
		return {
			body: response.body,
			headers,
			statusCode: response.statusCode,
			contentLength: Number.isInteger(declared) && declared >= 0 ? declared : undefined,
		};
	}
	const text = await readSmallBody(response.body, MAX_ERROR_BODY);
	const parsed = parseJson(text);
	const failure = classifyAnswer(endpoint, response.statusCode, parsed, headers);
	if (parsed === undefined && response.statusCode >= 200 && response.statusCode < 300) {
		failure.msg = 'Feishu answered JSON that could not be read where the file was expected';
	} else if (parsed === undefined) {
		failure.msg = `HTTP ${response.statusCode} ${snippet(text)}`.trim();
	}
	throw new AttemptError({ ...failure, answered: true });
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

async function readSmallBody(body: ByteStream, limit: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > limit) {
			body.destroy();
			break;
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function snippet(text: string): string {
	const flat = text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/** Any error from one attempt → what kind of failure it was, with no request dump attached. */
function toFailure(error: unknown): FeishuFailure {
	if (error instanceof AttemptError) return error.failure;
	const tokenError = findCause(
		error,
		(e): e is FeishuCredentialError => e instanceof FeishuCredentialError,
	);
	if (tokenError)
		return { kind: 'credentials', msg: tokenError.message, code: tokenError.code, answered: true };
	// The user stopped the execution (n8n aborts its requests): not a fault to retry.
	if (
		findCause(
			error,
			(e): e is { code: 'ERR_CANCELED' } => (e as { code?: unknown })?.code === 'ERR_CANCELED',
		)
	) {
		return { kind: 'fatal', msg: 'the execution was cancelled' };
	}
	const code = findNetworkCode(error);
	const message = (error as { message?: unknown })?.message;
	const text = typeof message === 'string' ? message : 'unknown error';
	if (code || /aborted|socket hang up|timeout|premature/i.test(text)) {
		return { kind: 'transient', msg: describeNetworkError(code, text), network: code ?? 'network' };
	}
	return { kind: 'fatal', msg: text };
}

/** Plain words only: n8n replaces a message that contains a code such as ECONNRESET with its own. */
function describeNetworkError(code: string | undefined, text: string): string {
	if (
		code === 'ECONNABORTED' ||
		code === 'ETIMEDOUT' ||
		code === 'ESOCKETTIMEDOUT' ||
		/timeout/i.test(text)
	) {
		return 'Feishu did not answer in time (timeout)';
	}
	if (code === 'ECONNREFUSED') return 'the connection to Feishu was refused';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return 'the Feishu host name could not be resolved';
	return 'the connection broke off before the file was complete';
}

function findCause<T>(error: unknown, test: (e: unknown) => e is T): T | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		if (test(current)) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function findNetworkCode(error: unknown): string | undefined {
	const coded = findCause(error, (e): e is { code: string } => {
		const code = (e as { code?: unknown })?.code;
		return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
	});
	return coded?.code;
}

/**
 * How long to wait before the next attempt: what Feishu says (x-ogw-ratelimit-reset),
 * else exponential backoff with full jitter, so a burst of items does not retry in lockstep.
 */
export function backoffMs(
	attempt: number,
	failure: Pick<FeishuFailure, 'retryAfterMs'>,
	baseMs: number,
): number {
	if (failure.retryAfterMs !== undefined)
		return failure.retryAfterMs + Math.random() * baseMs * 0.2;
	const ceiling = Math.min(baseMs * 2 ** (attempt - 1), 30_000);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}
