/**
 * Feishu's HTTP delivery, one request at a time: the URL check, the signature over the raw
 * body, AES-256-CBC bodies and the Verification Token. Every "no" is a 401, never a 500.
 */
import { createCipheriv, createHash } from 'node:crypto';

import {
	decryptBody,
	openWebhookRequest,
	signatureOf,
	type WebhookOutcome,
	type WebhookSecrets,
} from '../nodes/FeishuImagesTrigger/webhook';
import { messageEvent, urlVerification } from './emulator/events/webhook-events';
import { seal, type SealedRequest } from './emulator/events/webhook-sign';

const TOKEN = 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV';
const KEY = 'kG9pX2wQ7vT4nB8e';

function open(request: SealedRequest, secrets: WebhookSecrets): WebhookOutcome {
	return openWebhookRequest(
		{ rawBody: Buffer.from(request.body, 'utf8'), headers: request.headers },
		secrets,
	);
}

const imageEvent = (eventId = 'ev_1', token = TOKEN) =>
	messageEvent({ eventId, token, messageType: 'image', content: { image_key: 'img_1' } });

describe("Feishu's documented vectors", () => {
	it('decrypts the official example: key "test key" → "hello world"', () => {
		expect(decryptBody('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe(
			'hello world',
		);
	});

	it('the signature is sha256 over timestamp + nonce + key + the raw body, hex', () => {
		const body = '{"encrypt":"abc"}';
		const expected = createHash('sha256').update(`1700000000nonce-1${KEY}${body}`).digest('hex');
		expect(signatureOf('1700000000', 'nonce-1', KEY, Buffer.from(body))).toBe(expected);
	});

	it('an independently encrypted body decrypts (fixed IV, computed here)', () => {
		const iv = Buffer.alloc(16, 7);
		const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(KEY).digest(), iv);
		const sealed = Buffer.concat([iv, cipher.update('{"a":"飞书"}', 'utf8'), cipher.final()]);
		expect(decryptBody(KEY, sealed.toString('base64'))).toBe('{"a":"飞书"}');
	});
});

describe('URL verification (url_verification)', () => {
	it('plain: answered with the challenge when the token matches', () => {
		expect(
			open(seal(urlVerification('ch-1', TOKEN), undefined), { verificationToken: TOKEN }),
		).toEqual({
			answer: 'challenge',
			challenge: 'ch-1',
		});
	});

	it('plain: a wrong token gets 401', () => {
		expect(
			open(seal(urlVerification('ch-1', 'wrong'), undefined), { verificationToken: TOKEN }),
		).toMatchObject({
			answer: 'reject',
			status: 401,
			reason: expect.stringMatching(/Verification Token/),
		});
	});

	it('encrypted and unsigned, as Feishu sends it: answered after decrypting', () => {
		const request = seal(urlVerification('ch-2', TOKEN), KEY, { signed: false });
		expect(request.headers['x-lark-signature']).toBeUndefined();
		expect(open(request, { verificationToken: TOKEN, encryptKey: KEY })).toEqual({
			answer: 'challenge',
			challenge: 'ch-2',
		});
	});

	it('without a Verification Token in the credential, any token is echoed', () => {
		expect(open(seal(urlVerification('ch-3', 'any'), undefined), {})).toEqual({
			answer: 'challenge',
			challenge: 'ch-3',
		});
	});
});

describe('pushed events', () => {
	it('signed and encrypted: accepted, with the decrypted event', () => {
		const outcome = open(seal(imageEvent('ev_9'), KEY), {
			verificationToken: TOKEN,
			encryptKey: KEY,
		});
		expect(outcome).toMatchObject({ answer: 'accept', event: { kind: 'event', eventId: 'ev_9' } });
	});

	it('plain with the right token: accepted', () => {
		expect(open(seal(imageEvent(), undefined), { verificationToken: TOKEN }).answer).toBe('accept');
	});

	it('plain with a wrong token: 401', () => {
		expect(
			open(seal(imageEvent('ev', 'forged'), undefined), { verificationToken: TOKEN }),
		).toMatchObject({
			answer: 'reject',
			reason: expect.stringMatching(/Verification Token/),
		});
	});

	it('encrypted and signed but with a wrong token inside: 401', () => {
		expect(
			open(seal(imageEvent('ev', 'forged'), KEY), { verificationToken: TOKEN, encryptKey: KEY })
				.answer,
		).toBe('reject');
	});

	it('a tampered signature: 401', () => {
		const request = seal(imageEvent(), KEY);
		const s = request.headers['x-lark-signature'];
		request.headers['x-lark-signature'] = (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
		expect(open(request, { encryptKey: KEY })).toMatchObject({
			answer: 'reject',
			reason: expect.stringMatching(/Signature/),
		});
	});

	it('a tampered body (signature of the original): 401', () => {
		const request = seal(imageEvent(), KEY);
		const tampered = {
			...request,
			body: request.body.replace(/.(?="})/, (c) => (c === 'A' ? 'B' : 'A')),
		};
		expect(tampered.body).not.toBe(request.body);
		expect(open(tampered, { encryptKey: KEY }).answer).toBe('reject');
	});

	it('a re-serialised body (spaces added) no longer matches: the raw bytes are what is signed', () => {
		const request = seal(imageEvent(), KEY);
		const spaced = { ...request, body: JSON.stringify(JSON.parse(request.body), null, 1) };
		expect(open(spaced, { encryptKey: KEY }).answer).toBe('reject');
	});

	it('a timestamp or nonce changed: 401', () => {
		const request = seal(imageEvent(), KEY);
		expect(
			open(
				{ ...request, headers: { ...request.headers, 'x-lark-request-nonce': 'other' } },
				{ encryptKey: KEY },
			).answer,
		).toBe('reject');
		expect(
			open(
				{ ...request, headers: { ...request.headers, 'x-lark-request-timestamp': '1' } },
				{ encryptKey: KEY },
			).answer,
		).toBe('reject');
	});

	it('an encrypted event without a signature: 401 (only the URL check goes unsigned)', () => {
		expect(open(seal(imageEvent(), KEY, { signed: false }), { encryptKey: KEY })).toMatchObject({
			answer: 'reject',
			reason: expect.stringMatching(/without X-Lark-Signature/),
		});
	});

	it('a plain body while an Encrypt Key is set: 401, even with the right token', () => {
		expect(
			open(seal(imageEvent(), undefined), { verificationToken: TOKEN, encryptKey: KEY }),
		).toMatchObject({
			answer: 'reject',
			reason: expect.stringMatching(/plain body/),
		});
		expect(
			open(seal(urlVerification('ch', TOKEN), undefined), {
				verificationToken: TOKEN,
				encryptKey: KEY,
			}).answer,
		).toBe('reject');
	});

	it('sealed with another key (the signature signed with it too): 401', () => {
		expect(open(seal(imageEvent(), 'another key'), { encryptKey: KEY }).answer).toBe('reject');
	});

	it('an encrypted body the credential cannot open (no Encrypt Key set): 401', () => {
		expect(open(seal(imageEvent(), KEY), { verificationToken: TOKEN }).answer).toBe('reject');
	});

	it('garbage in the encrypt field, correctly signed: 401, not a throw', () => {
		for (const encrypt of [
			'',
			'not base64!!',
			Buffer.alloc(40).toString('base64'),
			Buffer.alloc(48).toString('base64'),
		]) {
			const body = JSON.stringify({ encrypt });
			const headers = {
				'x-lark-request-timestamp': '1',
				'x-lark-request-nonce': 'n',
				'x-lark-signature': signatureOf('1', 'n', KEY, Buffer.from(body)),
			};
			expect(open({ body, headers }, { encryptKey: KEY })).toMatchObject({
				answer: 'reject',
				status: 401,
			});
		}
	});

	it('a body that is not JSON, or JSON of no known envelope: 401', () => {
		expect(open({ body: 'hello', headers: {} }, {}).answer).toBe('reject');
		expect(open({ body: '{"hello":1}', headers: {} }, {}).answer).toBe('reject');
		expect(open({ body: '[1]', headers: {} }, {}).answer).toBe('reject');
	});
});
