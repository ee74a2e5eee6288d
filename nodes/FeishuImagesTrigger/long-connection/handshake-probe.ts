/**
 * The runtime's WebSocket reports a refused upgrade as a bare error: it never shows the
 * response's `handshake-status` / `handshake-msg` / `handshake-autherrcode` headers, which is
 * where Feishu says "auth failed" or "too many connections" (1000040350). So after an upgrade
 * fails, the same request is sent once more through n8n's HTTP helper to read those headers.
 * Only a refusal costs this request; an accepted probe (the limit freed meanwhile) is dropped
 * by the HTTP client at once.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';

import { failureFromCode, LongConnectionFailure } from './errors';

const PROBE_TIMEOUT_MS = 10_000;

function headerOf(headers: IDataObject, name: string): string {
	const value = headers[name];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : '';
}

/** The failure the gateway names in its refusal, or a transient one when it names none. */
export async function probeRefusedUpgrade(
	ctx: Pick<ITriggerFunctions, 'helpers'>,
	wsUrl: string,
): Promise<LongConnectionFailure> {
	const url = wsUrl.replace(/^ws(s?):/i, 'http$1:');
	let headers: IDataObject | undefined;
	let status = 0;
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			headers: {
				Connection: 'Upgrade',
				Upgrade: 'websocket',
				'Sec-WebSocket-Version': '13',
				'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
			},
			timeout: PROBE_TIMEOUT_MS,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; headers: IDataObject };
		headers = response.headers;
		status = response.statusCode;
	} catch (error) {
		const reason = error instanceof Error ? error.message : 'no answer';
		return new LongConnectionFailure('transient', `The WebSocket upgrade failed (${reason})`);
	}
	const code = Number(headerOf(headers ?? {}, 'handshake-status'));
	if (!Number.isInteger(code) || code === 0) {
		return new LongConnectionFailure(
			'transient',
			`The WebSocket upgrade failed (HTTP ${status} without a Feishu handshake status)`,
		);
	}
	const authErrorCode = Number(headerOf(headers ?? {}, 'handshake-autherrcode')) || undefined;
	const failure = failureFromCode(code, headerOf(headers ?? {}, 'handshake-msg'), authErrorCode);
	// Go SDK: a 514 without the connection-limit sub-code is a server-side hiccup, retried (a
	// wrong secret is already refused by the endpoint discovery before any upgrade).
	if (failure.kind === 'auth') {
		return new LongConnectionFailure('transient', failure.message, code);
	}
	return failure;
}
