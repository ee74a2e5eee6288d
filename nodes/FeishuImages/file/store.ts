import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { ByteStream, FileAnswer } from '../transport/answer';
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

/**
 * Streams the answer into n8n's binary data store with an explicit name and MIME type, so
 * in filesystem/S3/database mode the file is never held whole in memory.
 */
export async function storeFile(
	ctx: IExecuteFunctions,
	answer: FileAnswer,
	naming: FileNaming,
): Promise<IBinaryData> {
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
	const binary = await ctx.helpers.prepareBinaryData(
		answer.body,
		identity.fileName,
		identity.mimeType,
	);
	if (identity.fileExtension) binary.fileExtension = identity.fileExtension;
	return binary;
}
