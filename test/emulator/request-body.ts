/** Reading request bodies: the token endpoints' JSON and form-encoded bodies. */
import type { IncomingMessage } from 'node:http';

/** Largest body the token endpoints read. */
export const MAX_TOKEN_BODY = 64 * 1024;

/**
 * Reads a request body; undefined when empty or over `limit` bytes. An
 * oversized body is still drained (leaving the loop early would destroy the
 * request and with it the socket the answer must go out on).
 */
export async function readBody(
	req: IncomingMessage,
	limit = MAX_TOKEN_BODY,
): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size <= limit) chunks.push(chunk);
	}
	return size === 0 || size > limit ? undefined : Buffer.concat(chunks);
}

export function parseJsonObject(raw: Buffer | undefined): Record<string, unknown> | undefined {
	if (raw === undefined) return undefined;
	try {
		const value: unknown = JSON.parse(raw.toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}
