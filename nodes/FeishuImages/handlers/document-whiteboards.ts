import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { WHITEBOARD, type DownloadEndpoint } from '../catalogue';
import type { RunContext } from '../run-options';
import { buildRequest, type ParameterValues } from '../transport/build-request';
import { fetchJson } from '../transport/request';
import { downloadToItem, mapConcurrent, numbered } from './download-item';
import type { Handler } from './handler';
import { documentOf } from './wiki';

/** Feishu's block_type of a whiteboard (画板); its token is the whiteboard ID. */
const WHITEBOARD_BLOCK = 43;
/** A document is finite; a page_token that never ends is a bug on one side or the other. */
const MAX_PAGES = 1000;

interface WhiteboardBlock {
	blockId: string;
	whiteboardId: string;
}

/** Every whiteboard block of the document, in document order, following page_token to the end. */
async function listWhiteboards(
	run: RunContext,
	endpoint: DownloadEndpoint,
	documentId: string,
	itemIndex: number,
): Promise<WhiteboardBlock[]> {
	const found: WhiteboardBlock[] = [];
	let pageToken: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const values: ParameterValues = pageToken ? { documentId, pageToken } : { documentId };
		const request = buildRequest(endpoint, values, itemIndex, run.connection);
		const data = await fetchJson(run.ctx, request, run.transport);
		const items = Array.isArray(data.items) ? (data.items as IDataObject[]) : [];
		for (const block of items) {
			const board = (block.board ?? {}) as IDataObject;
			if (block.block_type === WHITEBOARD_BLOCK && typeof board.token === 'string' && board.token) {
				found.push({ blockId: String(block.block_id ?? ''), whiteboardId: board.token });
			}
		}
		pageToken = typeof data.page_token === 'string' ? data.page_token : undefined;
		if (data.has_more !== true || !pageToken) return found;
	}
	throw new NodeOperationError(
		run.ctx.getNode(),
		`The document has more than ${MAX_PAGES} pages of blocks`,
		{ itemIndex },
	);
}

/**
 * `run: 'documentWhiteboards'`: every whiteboard of a docx document as an image, one output
 * item each, in document order; a document without whiteboards gives no items.
 */
export const downloadDocumentWhiteboards: Handler = async (run, endpoint, item) => {
	const { documentId, wikiToken } = await documentOf(run, item, 'documentId');
	const boards = await listWhiteboards(run, endpoint, documentId, item.itemIndex);
	const { output } = item;
	return await mapConcurrent(
		boards,
		run.concurrency,
		async (board, position) =>
			await downloadToItem(
				run,
				WHITEBOARD,
				{ whiteboardId: board.whiteboardId },
				item.itemIndex,
				// One File Name for many files would collide: number them.
				{
					...output,
					fileNameOverride:
						output.fileNameOverride && numbered(output.fileNameOverride, position, boards.length),
				},
				{
					resource: endpoint.resource,
					operation: endpoint.operation,
					documentId,
					...(wikiToken ? { wikiToken } : {}),
					blockId: board.blockId,
					position,
				},
			),
	);
};
