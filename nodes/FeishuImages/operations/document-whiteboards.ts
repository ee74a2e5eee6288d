import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ENDPOINTS, WIKI_NODE, type DownloadEndpoint } from '../catalogue';
import { buildRequest, type ParameterValues } from '../request-builder';
import { fetchJson } from '../transport/request';
import { downloadToItem, mapConcurrent, type OutputOptions, type RunContext } from './download';

/** Feishu's block_type of a whiteboard (画板); its token is the whiteboard ID. */
const WHITEBOARD_BLOCK = 43;
/** The largest page the docx "list blocks" API serves. */
const PAGE_SIZE = 500;
/** A document is finite; a page_token that never ends is a bug on one side or the other. */
const MAX_PAGES = 1000;

const WHITEBOARD = ENDPOINTS.find(
	(e) => e.resource === 'whiteboard' && e.operation === 'downloadAsImage',
) as DownloadEndpoint;

interface WhiteboardBlock {
	blockId: string;
	whiteboardId: string;
}

/** A wiki link carries a wiki node token: ask Feishu which document the page shows. */
export async function resolveWikiDocument(
	run: RunContext,
	wikiToken: string,
	itemIndex: number,
): Promise<string> {
	const request = buildRequest(WIKI_NODE, {}, itemIndex, run.connection);
	request.qs = { token: wikiToken, obj_type: 'wiki' };
	const data = await fetchJson(run.ctx, request, run.transport);
	const node = (data.node ?? {}) as IDataObject;
	if (node.obj_type !== 'docx' || typeof node.obj_token !== 'string') {
		throw new NodeOperationError(
			run.ctx.getNode(),
			`The wiki page is a ${String(node.obj_type ?? 'unknown')} page, not a docx document`,
			{ itemIndex, description: 'Only docx documents hold whiteboard blocks.' },
		);
	}
	return node.obj_token;
}

/** Every whiteboard block of the document, in document order, following page_token to the end. */
async function listWhiteboards(
	run: RunContext,
	endpoint: DownloadEndpoint,
	documentId: string,
	itemIndex: number,
) {
	const found: WhiteboardBlock[] = [];
	let pageToken: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const request = buildRequest(endpoint, { documentId }, itemIndex, run.connection);
		request.qs = {
			page_size: String(PAGE_SIZE),
			document_revision_id: '-1',
			...(pageToken ? { page_token: pageToken } : {}),
		};
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
 * Document → every whiteboard in it as a PNG: one output item per whiteboard, in document
 * order; a document without whiteboards gives no items.
 */
export async function downloadDocumentWhiteboards(
	run: RunContext,
	endpoint: DownloadEndpoint,
	values: ParameterValues,
	wikiTokens: string[],
	itemIndex: number,
	output: OutputOptions,
): Promise<INodeExecutionData[]> {
	const given = String(values.documentId);
	const documentId = wikiTokens.includes('documentId')
		? await resolveWikiDocument(run, given, itemIndex)
		: given;
	const boards = await listWhiteboards(run, endpoint, documentId, itemIndex);
	const origin: IDataObject = { documentId, ...(documentId !== given ? { wikiToken: given } : {}) };
	return await mapConcurrent(
		boards,
		run.concurrency,
		async (board, position) =>
			await downloadToItem(
				run,
				WHITEBOARD,
				{ whiteboardId: board.whiteboardId },
				itemIndex,
				// One File Name for many files would collide: number them.
				{
					...output,
					fileNameOverride:
						output.fileNameOverride && numbered(output.fileNameOverride, position, boards.length),
				},
				{
					resource: endpoint.resource,
					operation: endpoint.operation,
					...origin,
					blockId: board.blockId,
					position,
				},
			),
	);
}

/** `export.png` → `export-1.png`, `export-2.png`… when there is more than one file. */
export function numbered(fileName: string, position: number, count: number): string {
	if (count <= 1) return fileName;
	const dot = fileName.lastIndexOf('.');
	return dot > 0
		? `${fileName.slice(0, dot)}-${position + 1}${fileName.slice(dot)}`
		: `${fileName}-${position + 1}`;
}
