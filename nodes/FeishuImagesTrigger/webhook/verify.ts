import type { IDataObject } from 'n8n-workflow';

import { readEnvelope, type Envelope } from '../events/envelope';
import { decryptBody, sameSecret, signatureOf } from './crypto';

/** The two secrets of the app's "Events and Callbacks > Encryption Strategy" page; empty: not set. */
export interface WebhookSecrets {
	verificationToken?: string;
	encryptKey?: string;
}

export interface WebhookRequest {
	/** The request body exactly as received. */
	rawBody: Buffer;
	/** Node's lower-case header names. */
	headers: Record<string, string | string[] | undefined>;
}

/**
 * How to answer Feishu. Nothing here is ever a 500: that makes Feishu retry for hours, and a
 * forged request must start nothing.
 */
export type WebhookOutcome =
	| { answer: 'challenge'; challenge: string }
	| { answer: 'reject'; status: 401; reason: string }
	| { answer: 'accept'; event: Envelope & { kind: 'event' }; body: IDataObject };

const reject = (reason: string): WebhookOutcome => ({ answer: 'reject', status: 401, reason });

function header(request: WebhookRequest, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** The event's token equals the Verification Token (when one is set). */
function tokenOk(secrets: WebhookSecrets, token: string | undefined): boolean {
	if (!secrets.verificationToken) return true;
	return token !== undefined && sameSecret(secrets.verificationToken, token);
}

type Signature = 'valid' | 'absent' | 'invalid';

function checkSignature(request: WebhookRequest, encryptKey: string): Signature {
	const signature = header(request, 'x-lark-signature');
	const timestamp = header(request, 'x-lark-request-timestamp');
	const nonce = header(request, 'x-lark-request-nonce');
	if (signature === undefined && timestamp === undefined && nonce === undefined) return 'absent';
	if (!signature || timestamp === undefined || nonce === undefined) return 'invalid';
	const expected = signatureOf(timestamp, nonce, encryptKey, request.rawBody);
	return sameSecret(expected, signature.toLowerCase()) ? 'valid' : 'invalid';
}

/**
 * Opens one request to the webhook: signature (whenever an Encrypt Key is set), decryption,
 * Verification Token, and the URL check. Feishu signs pushed events but not the URL check,
 * so an unsigned request is only ever answered when it decrypts to a url_verification.
 */
export function openWebhookRequest(
	request: WebhookRequest,
	secrets: WebhookSecrets,
): WebhookOutcome {
	const outer = parseJson(request.rawBody.toString('utf8'));
	if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) {
		return reject('the body is not a JSON object');
	}
	const encrypted = (outer as IDataObject).encrypt;
	let body: unknown = outer;
	let signature: Signature = 'absent';
	if (secrets.encryptKey) {
		if (typeof encrypted !== 'string') {
			return reject('a plain body while the credential has an Encrypt Key');
		}
		signature = checkSignature(request, secrets.encryptKey);
		if (signature === 'invalid') return reject('X-Lark-Signature does not match the body');
		try {
			body = parseJson(decryptBody(secrets.encryptKey, encrypted));
		} catch {
			return reject('the body does not decrypt with the Encrypt Key');
		}
	} else if (typeof encrypted === 'string') {
		return reject('an encrypted body, but the credential has no Encrypt Key');
	}
	const envelope = readEnvelope(body);
	if (envelope.kind === 'challenge') {
		if (!tokenOk(secrets, envelope.token)) return reject('the Verification Token does not match');
		return { answer: 'challenge', challenge: envelope.challenge };
	}
	if (secrets.encryptKey && signature !== 'valid') {
		return reject('an event without X-Lark-Signature');
	}
	if (envelope.kind === 'unknown') return reject(envelope.reason);
	if (!tokenOk(secrets, envelope.token)) return reject('the Verification Token does not match');
	return { answer: 'accept', event: envelope, body: body as IDataObject };
}
