import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { documentedError, type CodeKind, type FeishuEndpoint } from '../catalogue';
import { headerString } from './headers';
import { FeishuCredentialError } from './platform';

/** What one failed attempt looked like, with nothing secret in it. */
export interface FeishuFailure {
	/** `credentials`: the token endpoint refused the app ID/secret. */
	kind: CodeKind | 'credentials';
	httpStatus?: number;
	code?: number;
	msg: string;
	logId?: string;
	/** From x-ogw-ratelimit-reset, when Feishu says how long to wait. */
	retryAfterMs?: number;
	/** From x-ogw-ratelimit-limit: the app's limit for this endpoint, per window. */
	rateLimit?: number;
	/** A network-level fault (reset, timeout, short body) rather than an answer. */
	network?: string;
	/** Feishu answered (so the token step, at least, went through). */
	answered?: boolean;
}

/** Thrown inside one attempt; the retry loop decides whether to try again. */
export class AttemptError extends Error {
	constructor(readonly failure: FeishuFailure) {
		super(failure.msg);
	}
}

/**
 * Feishu's JSON error body → a failure, by what the code means (the endpoint's table, then the
 * platform's); an undocumented code is judged by its status: 429 waits, 5xx is transient.
 * A 5xx is transient whatever code it carries, unless the code is documented as final at that
 * very status: a code documented at another status (234002 is documented at 401) arriving with
 * a 500 is the server failing, not the answer the page describes.
 */
export function classifyAnswer(
	endpoint: FeishuEndpoint,
	httpStatus: number,
	body: unknown,
	headers: Record<string, unknown>,
): FeishuFailure {
	const json = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	const code = typeof json.code === 'number' ? json.code : undefined;
	const errorPart = (
		typeof json.error === 'object' && json.error !== null ? json.error : {}
	) as Record<string, unknown>;
	const logId =
		(typeof errorPart.log_id === 'string' ? errorPart.log_id : undefined) ??
		headerString(headers, 'x-tt-logid');
	const feishuMsg = typeof json.msg === 'string' ? json.msg : undefined;
	const documented = code !== undefined ? documentedError(endpoint, code, feishuMsg) : undefined;
	const msg = feishuMsg || documented?.msg || `HTTP ${httpStatus}`;
	let kind: CodeKind = documented?.kind ?? 'fatal';
	if (httpStatus === 429 && kind !== 'invalidToken') kind = 'rateLimit';
	else if (httpStatus >= 500 && isFinal(kind) && documented?.httpStatus !== httpStatus) {
		kind = 'transient';
	}
	const failure: FeishuFailure = { kind, httpStatus, code, msg, logId };
	if (kind === 'rateLimit') {
		const reset = headerNumber(headers, 'x-ogw-ratelimit-reset');
		if (reset !== undefined) failure.retryAfterMs = reset * 1000;
		const limit = headerNumber(headers, 'x-ogw-ratelimit-limit');
		if (limit !== undefined && limit > 0) failure.rateLimit = limit;
	}
	return failure;
}

/** Kinds retrying cannot change (when the answer is the one the page documents). */
function isFinal(kind: CodeKind): boolean {
	return kind === 'fatal' || kind === 'scopeMissing';
}

function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
	const text = headerString(headers, name);
	const value = text === undefined || text.trim() === '' ? NaN : Number(text);
	return Number.isFinite(value) && value >= 0 ? value : undefined;
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

/** Any error from one attempt → what kind of failure it was, with no request dump attached. */
export function classifyThrown(error: unknown): FeishuFailure {
	if (error instanceof AttemptError) return error.failure;
	const tokenError = findCause(
		error,
		(e): e is FeishuCredentialError => e instanceof FeishuCredentialError,
	);
	if (tokenError) {
		return {
			kind: 'credentials',
			msg: tokenError.message,
			code: tokenError.feishuCode,
			answered: true,
		};
	}
	// The user stopped the execution (n8n aborts its requests): not a fault to retry.
	if (findCause(error, (e): e is object => (e as { code?: unknown })?.code === 'ERR_CANCELED')) {
		return { kind: 'fatal', msg: 'the execution was cancelled' };
	}
	const code = findCause(error, (e): e is { code: string } => {
		const c = (e as { code?: unknown })?.code;
		return typeof c === 'string' && NETWORK_ERROR_CODES.has(c);
	})?.code;
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

/** The error, or one of its causes (n8n wraps what axios throws), that passes `test`. */
export function findCause<T>(error: unknown, test: (e: unknown) => e is T): T | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		if (test(current)) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** The error the user sees: Feishu's code, msg and log_id, and what to do about it. */
export function toNodeError(
	node: INode,
	endpoint: FeishuEndpoint,
	failure: FeishuFailure,
	itemIndex: number,
	attempts: number,
	rateLimited?: { waitedMs: number; budgetMs: number },
): NodeApiError {
	const documented =
		failure.code !== undefined ? documentedError(endpoint, failure.code, failure.msg) : undefined;
	// A page that documents statuses and no codes (drive media) says what the status means.
	const status =
		!documented && failure.httpStatus !== undefined
			? endpoint.statuses?.[failure.httpStatus]
			: undefined;
	const feishuSaid =
		failure.msg && failure.msg !== `HTTP ${failure.httpStatus}` && failure.msg !== status?.msg
			? ` (Feishu: ${failure.msg})`
			: '';
	const what =
		failure.kind === 'credentials'
			? failure.msg
			: failure.network
				? `Feishu connection failed: ${failure.msg}`
				: failure.code !== undefined
					? `Feishu error ${failure.code}: ${failure.msg}`
					: status
						? `Feishu answered HTTP ${failure.httpStatus}: ${status.msg}${feishuSaid}`
						: `Feishu answered HTTP ${failure.httpStatus}: ${failure.msg}`;
	const hints: string[] = [];
	if (documented) hints.push(documented.hint);
	if (status) hints.push(status.hint);
	if (failure.kind === 'scopeMissing' || failure.httpStatus === 403) {
		hints.push(
			`This operation needs the scope ${endpoint.scopes.map((s) => `"${s}"`).join(' or ')}.`,
		);
	}
	if (!documented && failure.kind === 'transient') {
		hints.push(
			`Feishu or the network failed${failure.network ? ` (${failure.network})` : ''}; try again later.`,
		);
	}
	if (rateLimited) {
		hints.push(
			`Feishu kept answering that the app is over its rate limit for ${formatDuration(rateLimited.waitedMs)}, and "Max Rate-Limit Wait" is ${formatDuration(rateLimited.budgetMs)}. Other workflows or n8n instances may be using the same app's quota; run this later, raise "Max Rate-Limit Wait", or lower "Concurrency".`,
		);
	}
	if (attempts > 1) hints.push(`Gave up after ${attempts} attempts.`);
	if (failure.logId) hints.push(`Feishu log ID: ${failure.logId} (quote it to Feishu support).`);
	if (failure.answered && failure.kind !== 'credentials') {
		hints.push(`Feishu's page for this endpoint: ${endpoint.docsUrl}`);
	}
	const errorJson: JsonObject = {
		code: failure.code ?? null,
		msg: failure.msg,
		logId: failure.logId ?? null,
		httpStatus: failure.httpStatus ?? null,
		attempts,
	};
	if (rateLimited) errorJson.waitedMs = Math.round(rateLimited.waitedMs);
	const after = rateLimited
		? ` (after ${attempts} attempts and ${formatDuration(rateLimited.waitedMs)} of waiting)`
		: attempts > 1
			? ` (after ${attempts} attempts)`
			: '';
	const message = what + after;
	const error = new NodeApiError(node, errorJson, {
		message,
		description: hints.join(' '),
		httpCode: failure.httpStatus !== undefined ? String(failure.httpStatus) : undefined,
		itemIndex,
	});
	// n8n swaps a message that merely contains a network code for its own: Base's
	// "FieldNameNotFound" holds "ENOTFOUND". Feishu's words stay.
	error.message = message;
	return error;
}

/** 450 ms, 8.2 s, 10 min 3 s: for people. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
	const seconds = Math.round(ms / 1000);
	const rest = seconds % 60;
	return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}

/** Input the node refuses before sending anything. */
export function inputError(
	node: INode,
	message: string,
	itemIndex: number,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}
