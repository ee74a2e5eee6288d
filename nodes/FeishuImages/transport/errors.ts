import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { documentedError, type DownloadEndpoint, type ErrorKind } from '../catalogue';
import { INVALID_TOKEN_CODES } from './token';

/** What one failed attempt looked like, with nothing secret in it. */
export interface FeishuFailure {
	/** `credentials`: the token endpoint refused the app ID/secret. */
	kind: ErrorKind | 'credentials';
	httpStatus?: number;
	code?: number;
	msg: string;
	logId?: string;
	/** From x-ogw-ratelimit-reset, when Feishu says how long to wait. */
	retryAfterMs?: number;
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

const RATE_LIMIT_CODES = new Set([99991400]);

/** Feishu's JSON error body → a failure classified by the endpoint's documented codes. */
export function classifyAnswer(
	endpoint: DownloadEndpoint,
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
	const documented = code !== undefined ? documentedError(endpoint, code) : undefined;
	const msg = (typeof json.msg === 'string' && json.msg) || documented?.msg || `HTTP ${httpStatus}`;
	let kind: ErrorKind = documented?.kind ?? 'fatal';
	if (code !== undefined && INVALID_TOKEN_CODES.has(code)) kind = 'invalidToken';
	else if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || httpStatus === 429)
		kind = 'rateLimit';
	else if (!documented && httpStatus >= 500) kind = 'transient';
	const reset = Number(headerString(headers, 'x-ogw-ratelimit-reset'));
	return {
		kind,
		httpStatus,
		code,
		msg,
		logId,
		retryAfterMs:
			kind === 'rateLimit' && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined,
	};
}

export function headerString(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** The error the user sees: Feishu's code, msg and log_id, and what to do about it. */
export function toNodeError(
	node: INode,
	endpoint: DownloadEndpoint,
	failure: FeishuFailure,
	itemIndex: number,
	attempts: number,
): NodeApiError {
	const documented =
		failure.code !== undefined ? documentedError(endpoint, failure.code) : undefined;
	const what =
		failure.kind === 'credentials'
			? failure.msg
			: failure.network
				? `Feishu connection failed: ${failure.msg}`
				: failure.code !== undefined
					? `Feishu error ${failure.code}: ${failure.msg}`
					: `Feishu answered HTTP ${failure.httpStatus}: ${failure.msg}`;
	const hints: string[] = [];
	if (documented) hints.push(documented.hint);
	if (failure.code === 99991672 || failure.code === 99991679 || failure.httpStatus === 403) {
		hints.push(
			`This operation needs the scope ${endpoint.scopes.map((s) => `"${s}"`).join(' or ')}.`,
		);
	}
	if (!documented && failure.kind === 'transient') {
		hints.push(
			`Feishu or the network failed${failure.network ? ` (${failure.network})` : ''}; try again later.`,
		);
	}
	if (attempts > 1) hints.push(`Gave up after ${attempts} attempts.`);
	if (failure.logId) hints.push(`Feishu log ID: ${failure.logId} (quote it to Feishu support).`);
	const errorJson: JsonObject = {
		code: failure.code ?? null,
		msg: failure.msg,
		logId: failure.logId ?? null,
		httpStatus: failure.httpStatus ?? null,
		attempts,
	};
	return new NodeApiError(node, errorJson, {
		message: what + (attempts > 1 ? ` (after ${attempts} attempts)` : ''),
		description: hints.join(' '),
		httpCode: failure.httpStatus !== undefined ? String(failure.httpStatus) : undefined,
		itemIndex,
	});
}

export function inputError(
	node: INode,
	message: string,
	itemIndex: number,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}
