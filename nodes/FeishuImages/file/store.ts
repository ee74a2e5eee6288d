import { createHash } from 'node:crypto';

import type { IBinaryData } from 'n8n-workflow';

import type { ByteStream, FileAnswer } from '../transport/answer';
import type { FeishuContext } from '../transport/context';
import { headerString } from '../transport/headers';
import { identifyFile, mimeFromContentType } from './identify';

/** Enough bytes for every magic number in identify.ts. */
const SNIFF_BYTES = 32;

/**
 * Reads the first chunk of a stream and puts it back, so the type can be sniffed from the bytes
 * while n8n still gets the whole stream (n8n does not sniff streams itself).
 */
async function peekHead(stream: ByteStream): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const cleanup = () => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const onReadable = () => {
			const chunk = stream.read() as Buffer | string | null;
			if (chunk === null) return;
			cleanup();
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			stream.unshift(buffer);
			resolve(buffer.subarray(0, SNIFF_BYTES));
		};
		const onEnd = () => {
			cleanup();
			resolve(Buffer.alloc(0));
		};
		const onError = (error: Error) => {
			cleanup();
			reject(error);
		};
		stream.on('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}

export interface FileNaming {
	fallbackBaseName: string;
	fileNameOverride?: string;
	defaultMimeType?: string;
}

/** A file in n8n's binary store, with what was counted while it streamed in. */
export interface StoredFile {
	binary: IBinaryData;
	/** Hex SHA-256 of the bytes, for "only what changed" (n8n's Remove Duplicates node). */
	sha256: string;
	/** Bytes that arrived: checked against Content-Length, since n8n 1.x does not count them. */
	size: number;
}

type ReadableFrom = (source: AsyncIterable<Buffer>, options: { objectMode: false }) => ByteStream;

/**
 * The response passed through a SHA-256 tap, chunk by chunk, as n8n's store pulls it: no second
 * read and no buffering. The community rules forbid importing node:stream, so the Readable
 * class comes from the response itself (every Node stream class inherits Readable.from).
 */
function hashing(body: ByteStream): {
	stream: ByteStream;
	digest: () => { sha256: string; size: number };
} {
	const hash = createHash('sha256');
	let size = 0;
	async function* tap(): AsyncGenerator<Buffer> {
		for await (const chunk of body as AsyncIterable<Buffer | string>) {
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			hash.update(buffer);
			size += buffer.length;
			yield buffer;
		}
	}
	const from = (body.constructor as unknown as { from: ReadableFrom }).from;
	return {
		stream: from(tap(), { objectMode: false }),
		digest: () => ({ sha256: hash.digest('hex'), size }),
	};
}

/**
 * Streams the answer into n8n's binary data store with an explicit name and MIME type, so
 * in filesystem/S3/database mode the file is never held whole in memory; its SHA-256 is
 * computed on the way.
 */
export async function storeFile(
	ctx: FeishuContext,
	answer: FileAnswer,
	naming: FileNaming,
): Promise<StoredFile> {
	const contentType = headerString(answer.headers, 'content-type');
	const head = mimeFromContentType(contentType) ? Buffer.alloc(0) : await peekHead(answer.body);
	const identity = identifyFile({
		contentType,
		contentDisposition: headerString(answer.headers, 'content-disposition'),
		head,
		fallbackBaseName: naming.fallbackBaseName,
		fileNameOverride: naming.fileNameOverride,
		defaultMimeType: naming.defaultMimeType,
	});
	const tapped = hashing(answer.body);
	const binary = await ctx.helpers.prepareBinaryData(
		tapped.stream,
		identity.fileName,
		identity.mimeType,
	);
	if (identity.fileExtension) binary.fileExtension = identity.fileExtension;
	const { sha256, size } = tapped.digest();
	binary.bytes ??= size;
	return { binary, sha256, size };
}
