/**
 * One file's download, as its endpoint's row says (catalogue `ranges`): one plain request, or
 * HTTP ranges (ranged-download.ts) joined into one stream for n8n's store. Every request, a
 * chunk's too, goes through callFeishu: paced against the endpoint's limit, retried, its
 * failures classified. A plain request Feishu answers with the whole-file cap (234037)
 * switches to ranges.
 */
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { readFileAnswer, type FileAnswer, type FullResponse } from './answer';
import type { DownloadRequest } from './build-request';
import type { FeishuContext } from './context';
import { AttemptError, findCause } from './errors';
import {
	asWholeFileAnswer,
	isWholeFileCapError,
	openRangedDownload,
	RangedDownloadError,
	type FetchRange,
	type RangeAnswer,
	type RangeBody,
} from './ranged-download';
import { callFeishu, type TransportOptions } from './request';

/** What a download's `store` reports: how many bytes it took in. */
export interface Stored {
	size: number;
}

/**
 * Bytes per ranged request, the first one included: a server that ignores Range answers the
 * first request with the whole file whatever its size, so a small probe saves nothing, and
 * at drive media's 5 requests a second fewer requests are faster. A file up to this size
 * takes one request, as a plain download does.
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** Before the n-th re-fetch of a chunk that broke off: 300 ms, 600 ms, 1.2 s (the official CLI's backoff). */
const REFETCH_BACKOFF_MS = 300;

type DownloadWay = 'plain' | 'ranges' | 'plainThenRanges';

/** One way of downloading a file into `store`. */
type FileDownload = <T extends Stored>(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	store: (answer: FileAnswer) => Promise<T>,
) => Promise<T>;

/** How the endpoint's row says this request's file is fetched. */
function wayOf(request: DownloadRequest): DownloadWay {
	const ranges = request.endpoint.ranges;
	if (!ranges) return 'plain';
	const only = ranges.onlyWhen;
	if (!only) return 'ranges';
	return only.values.includes(request.qs[only.query] ?? '') ? 'ranges' : 'plainThenRanges';
}

/**
 * Downloads one file and hands it to `store`, which streams it into n8n's binary data, as ONE
 * answer whether it came whole or in ranges. The bytes stored must be the file's size.
 */
export async function downloadFile<T extends Stored>(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
	store: (answer: FileAnswer) => Promise<T>,
): Promise<T> {
	const way = wayOf(request);
	if (way === 'ranges') return await downloadInRanges(ctx, request, options, store);
	const whole = await downloadWhole(ctx, request, options, store).then(
		(stored) => ({ stored }),
		(error: unknown) => ({ error }),
	);
	if ('stored' in whole) return whole.stored;
	if (way === 'plain' || !isWholeFileCapError(whole.error)) throw whole.error;
	return await downloadInRanges(ctx, request, options, store);
}

/** One request; a file shorter than its Content-Length is a transient fault, fetched again. */
const downloadWhole: FileDownload = async (ctx, request, options, store) =>
	await callFeishu(ctx, request, options, async (response) => {
		const answer = await readFileAnswer(request.endpoint, response);
		const stored = await store(answer);
		if (answer.contentLength !== undefined && stored.size !== answer.contentLength) {
			throw new AttemptError({
				kind: 'transient',
				msg: `the file arrived cut short (${stored.size} of ${answer.contentLength} bytes)`,
				network: 'short body',
			});
		}
		return stored;
	});

/** `Range: bytes=start-end` through the paced, retrying call; an error answer is Feishu's error. */
function rangeFetcher(
	ctx: FeishuContext,
	request: DownloadRequest,
	options: TransportOptions,
): FetchRange {
	// Compressed bytes would not be the file's bytes the range counts.
	const headers = { ...request.headers, 'Accept-Encoding': 'identity' };
	return async (start, end) =>
		await callFeishu(
			ctx,
			{ ...request, headers: { ...headers, Range: `bytes=${start}-${end}` } },
			options,
			async (response: FullResponse): Promise<RangeAnswer> => {
				// 416 to bytes=0-…: an empty file, which the ranged reader knows by its Content-Range.
				const answer =
					response.statusCode === 416 ? response : await readFileAnswer(request.endpoint, response);
				return {
					status: answer.statusCode,
					headers: answer.headers,
					body: answer.body as unknown as RangeBody,
				};
			},
		);
}

/**
 * The file in ranges: a first request of CHUNK_BYTES (a 200 to it is a server that ignores
 * Range, read as one stream), then the rest chunk by chunk as the store pulls it. A chunk that
 * breaks off is asked for again from its first missing byte. A chunk request Feishu refused
 * after the transport's own retries ends the download with Feishu's error.
 */
const downloadInRanges: FileDownload = async (ctx, request, options, store) => {
	const download = await openRangedDownload(rangeFetcher(ctx, request, options), {
		probeBytes: CHUNK_BYTES,
		chunkBytes: CHUNK_BYTES,
		isRefetchable: (error) => !(error instanceof NodeApiError),
		beforeRefetch: async (attempt) => await sleep(REFETCH_BACKOFF_MS * 2 ** (attempt - 1)),
	}).catch((error: unknown) => {
		throw failedRanges(ctx, request, error);
	});
	const outcome = await store(asWholeFileAnswer(download)).then(
		(stored) => ({ stored }),
		(error: unknown) => ({ error }),
	);
	if ('error' in outcome) throw failedRanges(ctx, request, outcome.error);
	const { total } = download;
	if (total !== undefined && outcome.stored.size !== total) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The file arrived incomplete: ${outcome.stored.size} of ${total} bytes`,
			{
				itemIndex: request.itemIndex,
				description:
					'Feishu announced more bytes than it delivered, and asking again from the first missing byte did not complete it. Run the node again later.',
			},
		);
	}
	return outcome.stored;
};

/** Feishu's own error as it is; a ranged download that could not be completed, said plainly. */
function failedRanges(
	ctx: FeishuContext,
	request: DownloadRequest,
	error: unknown,
): NodeApiError | NodeOperationError | unknown {
	const feishu = findCause(error, (e): e is NodeApiError => e instanceof NodeApiError);
	if (feishu) return feishu;
	const ranged = findCause(
		error,
		(e): e is RangedDownloadError => e instanceof RangedDownloadError,
	);
	if (!ranged) return error;
	return new NodeOperationError(ctx.getNode(), ranged.message, {
		itemIndex: request.itemIndex,
		description: `${request.endpoint.name} was downloaded in ranges (HTTP Range). ${
			ranged.reason === 'sizeChanged'
				? 'The file changed while it was being downloaded; run the node again.'
				: 'Feishu did not deliver the whole file; run the node again later.'
		}`,
	});
}
