import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Feishu's two uses of the Encrypt Key ("加密策略", "签名校验"): AES-256-CBC bodies and the
 * X-Lark-Signature over the raw request body.
 */

/** `{"encrypt": base64(iv ‖ ciphertext)}`; key = SHA-256 of the Encrypt Key, PKCS7 padding. */
export function decryptBody(encryptKey: string, encrypted: string): string {
	const key = createHash('sha256').update(encryptKey, 'utf8').digest();
	const data = Buffer.from(encrypted, 'base64');
	if (data.length < 32 || data.length % 16 !== 0) {
		throw new Error('the encrypted body has the wrong length');
	}
	const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
	return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

/** hex(sha256(timestamp + nonce + encryptKey ‖ raw body bytes)): the raw bytes, never re-serialised JSON. */
export function signatureOf(
	timestamp: string,
	nonce: string,
	encryptKey: string,
	rawBody: Buffer,
): string {
	return createHash('sha256')
		.update(Buffer.from(timestamp + nonce + encryptKey, 'utf8'))
		.update(rawBody)
		.digest('hex');
}

/** Compares two secrets in constant time (for strings of the same length). */
export function sameSecret(expected: string, given: string): boolean {
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(given, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}
