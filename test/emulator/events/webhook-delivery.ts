/**
 * Feishu's HTTP delivery, played against a request URL on 127.0.0.1 (将事件发送至开发者服务器):
 * each event POSTed as Feishu seals it (webhook-sign.ts), an answer awaited for at most the
 * deadline (3 s; scaled down in tests), and a failed or slow push re-sent on Feishu's schedule
 * (15 s, 5 min, 1 h, 6 h; scaled). Also the hostile and faulty cases Feishu or an attacker
 * produce: duplicates, tampered signature / body / token, plain bodies while encryption is on.
 */
import { request } from 'node:http';

import { seal, type SealedRequest } from './webhook-sign';
import { urlVerification, type FeishuEvent } from './webhook-events';

/** Feishu's retry schedule after a failed push, in ms: at most 4 retries over ~7.1 h. */
export const FEISHU_RETRY_SCHEDULE_MS = [15_000, 300_000, 3_600_000, 21_600_000];
/** Feishu's deadline for the HTTP 200 (connect 2 s, whole callback 3 s). */
export const FEISHU_DEADLINE_MS = 3000;

export type Tamper =
	/** One hex digit of X-Lark-Signature changed. */
	| 'signature'
	/** One byte of the body changed after signing. */
	| 'body'
	/** Sealed with the right key, but the event carries another Verification Token. */
	| 'token'
	/** The plain JSON event, as if no Encrypt Key were set. */
	| 'plain'
	/** Encrypted, but without the signature headers. */
	| 'unsigned';

export interface Attempt {
	/** 0 for the first push, then 1… for each retry. */
	retry: number;
	/** HTTP status, or 0 when no answer came within the deadline (or the connection failed). */
	status: number;
	body: string;
	ms: number;
}

export interface WebhookSenderOptions {
	/** The request URL saved in the console. */
	url: string;
	verificationToken: string;
	/** Unset: the app sends plain JSON, unsigned. */
	encryptKey?: string;
	/** Scales Feishu's deadline and retry schedule (e.g. 0.001 in a spec); default 1. */
	timeScale?: number;
}

function post(url: string, sealed: SealedRequest, timeoutMs: number): Promise<Attempt> {
	const started = performance.now();
	return new Promise((resolve) => {
		const done = (status: number, body: string) =>
			resolve({ retry: 0, status, body, ms: performance.now() - started });
		const req = request(
			url,
			{
				method: 'POST',
				headers: { ...sealed.headers, 'content-length': Buffer.byteLength(sealed.body) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					clearTimeout(timer);
					done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
				});
				res.on('error', () => done(0, ''));
			},
		);
		// Feishu gives up on the answer after the deadline; the request itself is left to finish.
		const timer = setTimeout(() => done(0, 'deadline passed'), timeoutMs);
		req.on('error', () => {
			clearTimeout(timer);
			done(0, '');
		});
		req.end(sealed.body);
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FeishuWebhookSender {
	/** Every push made, in order, with its event ID ('' for a URL check). */
	readonly log: Array<Attempt & { eventId: string }> = [];

	constructor(private readonly options: WebhookSenderOptions) {}

	private get scale(): number {
		return this.options.timeScale ?? 1;
	}

	private get deadlineMs(): number {
		return Math.max(50, FEISHU_DEADLINE_MS * this.scale);
	}

	/** The request Feishu would send for `event`, possibly tampered with. */
	sealEvent(event: FeishuEvent, tamper?: Tamper): SealedRequest {
		const key = this.options.encryptKey;
		if (tamper === 'plain') return seal(event, undefined);
		if (tamper === 'token') {
			const forged = structuredClone(event);
			(forged.header as Record<string, unknown>).token = 'forged-verification-token';
			return seal(forged, key);
		}
		const sealed = seal(event, key, { signed: tamper !== 'unsigned' });
		if (tamper === 'signature') {
			const s = sealed.headers['x-lark-signature'] ?? '';
			sealed.headers['x-lark-signature'] = (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
		} else if (tamper === 'body') {
			const i = sealed.body.length - 4;
			sealed.body =
				sealed.body.slice(0, i) + (sealed.body[i] === 'A' ? 'B' : 'A') + sealed.body.slice(i + 1);
		}
		return sealed;
	}

	/** The console's "save request URL": the URL check, encrypted (unsigned) when a key is set. */
	async verifyUrl(challenge: string, token = this.options.verificationToken): Promise<Attempt> {
		const sealed = seal(urlVerification(challenge, token), this.options.encryptKey, {
			signed: false,
		});
		const attempt = await post(this.options.url, sealed, this.deadlineMs);
		this.log.push({ ...attempt, eventId: '' });
		return attempt;
	}

	/** One push, no retry. */
	async push(event: FeishuEvent, tamper?: Tamper, retry = 0): Promise<Attempt> {
		const attempt = {
			...(await post(this.options.url, this.sealEvent(event, tamper), this.deadlineMs)),
			retry,
		};
		this.log.push({ ...attempt, eventId: eventIdOf(event) });
		return attempt;
	}

	/**
	 * Feishu's delivery of one event: pushed, and re-sent on the (scaled) schedule while the
	 * answer is not a 200 within the deadline. Returns every attempt.
	 */
	async deliver(event: FeishuEvent, tamper?: Tamper): Promise<Attempt[]> {
		const attempts = [await this.push(event, tamper)];
		for (const [i, delay] of FEISHU_RETRY_SCHEDULE_MS.entries()) {
			if (attempts.at(-1)?.status === 200) break;
			await sleep(delay * this.scale);
			attempts.push(await this.push(event, tamper, i + 1));
		}
		return attempts;
	}
}

function eventIdOf(event: FeishuEvent): string {
	const header = event.header as Record<string, unknown> | undefined;
	return String(header?.event_id ?? event.uuid ?? '');
}
