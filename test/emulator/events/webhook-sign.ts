/**
 * How Feishu seals a pushed request when the app has an Encrypt Key ("加密策略", "签名校验"),
 * written from the pages on their own (never imports the node): AES-256-CBC with the SHA-256
 * of the key, a random IV in front, base64; headers X-Lark-Request-Timestamp/-Nonce and
 * X-Lark-Signature = hex sha256(timestamp + nonce + key + body).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export function encrypt(encryptKey: string, plaintext: string, iv = randomBytes(16)): string {
	const key = createHash('sha256').update(encryptKey).digest();
	const cipher = createCipheriv('aes-256-cbc', key, iv);
	return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function sign(timestamp: string, nonce: string, encryptKey: string, body: string): string {
	return createHash('sha256')
		.update(timestamp + nonce + encryptKey + body)
		.digest('hex');
}

export interface SealedRequest {
	body: string;
	headers: Record<string, string>;
}

/**
 * The request Feishu sends for `payload`: plain JSON without an Encrypt Key; else
 * `{"encrypt": …}`, signed unless `signed` is false (Feishu does not sign the URL check).
 */
export function seal(
	payload: unknown,
	encryptKey: string | undefined,
	options: { signed?: boolean; timestamp?: string; nonce?: string } = {},
): SealedRequest {
	const plain = JSON.stringify(payload);
	const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
	if (!encryptKey) return { body: plain, headers };
	const body = JSON.stringify({ encrypt: encrypt(encryptKey, plain) });
	if (options.signed === false) return { body, headers };
	const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
	const nonce = options.nonce ?? randomBytes(8).toString('hex');
	headers['x-lark-request-timestamp'] = timestamp;
	headers['x-lark-request-nonce'] = nonce;
	headers['x-lark-signature'] = sign(timestamp, nonce, encryptKey, body);
	return { body, headers };
}
