/**
 * docx-v1 "list blocks" (获取文档所有块): a document's blocks, page by page. Documents are
 * built here from the blocks a test names (addDocument) and stored per document id.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { checkBearer } from './bearer';
import { GET, perSecond } from './endpoint-spec';
import { DOCX_ERRORS } from './errors';
import type { Reply } from './reply';
import type { EmulatedEndpoint, RouteContext } from './route-context';
import type { Route } from './route-match';
import type {
	DocumentBlock,
	DocumentBlockInput,
	DocumentBlockSpec,
	DocumentBoard,
	DocumentImage,
	DocumentOptions,
} from './types';

/** page_size default and maximum. */
const MAX_BLOCK_PAGE = 500;

export type StoredDocument = {
	blocks: DocumentBlock[];
	pageSize: number;
	forbidden: boolean;
	deleted: boolean;
};
export type DocumentStore = Map<string, StoredDocument>;

/**
 * The page block (block_type 1, block_id = documentId) first, then `blocks` in document order,
 * each parent's `children` filled in. `mediaSize` gives an image block its picture's size.
 */
export function buildDocument(
	documentId: string,
	blocks: DocumentBlockInput[],
	opts: DocumentOptions,
	mediaSize: (token: string) => { width: number; height: number } | undefined,
): StoredDocument {
	const pageSize = opts.pageSize ?? MAX_BLOCK_PAGE;
	if (!Number.isSafeInteger(pageSize) || pageSize < 1)
		throw new RangeError(`addDocument: bad pageSize ${pageSize}`);
	const list: DocumentBlock[] = [
		{
			block_id: documentId,
			parent_id: '',
			block_type: 1,
			page: {
				elements: [{ text_run: { content: opts.title ?? 'Untitled', text_element_style: {} } }],
				style: {},
			},
		},
	];
	for (const [i, input] of blocks.entries())
		list.push(documentBlock(documentId, i + 1, input, mediaSize));
	const ids = new Set<string>();
	for (const block of list) {
		if (ids.has(block.block_id))
			throw new RangeError(`addDocument: duplicate block_id ${block.block_id}`);
		ids.add(block.block_id);
	}
	for (const block of list) {
		const children = list.filter((b) => b.parent_id === block.block_id).map((b) => b.block_id);
		if (children.length > 0 || block.block_type === 1) block.children = children;
	}
	return {
		blocks: list,
		pageSize,
		forbidden: opts.forbidden ?? false,
		deleted: opts.deleted ?? false,
	};
}

/**
 * docx block list. page_size: 1..500, default 500; the fixture's pageSize
 * caps it. page_token: opaque (base64url of document id and offset), only
 * as handed out, else 1770022; the last page has has_more false and no
 * page_token.
 * document_revision_id: -1 (latest, the default) or a positive integer;
 * the current blocks are served either way.
 */
async function serveDocumentBlocks(
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
	{ params, query }: Route,
): Promise<void> {
	if (!(await checkBearer(ctx, req, reply))) return;
	const documentId = params['document_id'];
	if (documentId === undefined) return reply.error(1770001);
	const pageSizeParam = query.get('page_size');
	let requested = MAX_BLOCK_PAGE;
	if (pageSizeParam !== null && pageSizeParam !== '') {
		if (!/^\d+$/.test(pageSizeParam)) return reply.error(1770001);
		requested = Number(pageSizeParam);
		if (requested < 1 || requested > MAX_BLOCK_PAGE) return reply.error(1770001);
	}
	const revision = query.get('document_revision_id');
	if (revision !== null && revision !== '' && !/^(-1|[1-9]\d*)$/.test(revision))
		return reply.error(1770001);
	const doc = ctx.documents.get(documentId);
	if (!doc) return reply.error(1770002);
	if (doc.deleted) return reply.error(1770003);
	if (doc.forbidden) return reply.error(1770032);
	let offset = 0;
	const pageToken = query.get('page_token');
	if (pageToken !== null && pageToken !== '') {
		const decoded = decodePageToken(pageToken, documentId);
		if (decoded === undefined || decoded <= 0 || decoded >= doc.blocks.length)
			return reply.error(1770022);
		offset = decoded;
	}
	const end = Math.min(doc.blocks.length, offset + Math.min(requested, doc.pageSize));
	const hasMore = end < doc.blocks.length;
	const data: Record<string, unknown> = { items: structuredClone(doc.blocks.slice(offset, end)) };
	if (hasMore) data['page_token'] = encodePageToken(documentId, end);
	data['has_more'] = hasMore;
	return reply.json(200, { code: 0, msg: 'success', data });
}

export const DOCUMENT_BLOCKS_ENDPOINT: EmulatedEndpoint = {
	name: 'documentBlocks',
	methods: GET,
	path: '/open-apis/docx/v1/documents/:document_id/blocks',
	doc: 'https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document-block/list',
	errors: DOCX_ERRORS,
	rateLimit: perSecond(5), // per app
	rateLimitStatus: 400, // an older API: 99991400 comes at HTTP 400
	notFound: { code: 1770002 },
	serve: serveDocumentBlocks,
};

/** A Feishu-looking 27-character block id, the same for the same document and position. */
function blockId(documentId: string, position: number): string {
	const digest = createHash('sha256').update(`${documentId}/${position}`).digest('base64');
	return digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 27);
}

/** Size of an image block whose input names none. */
const DEFAULT_IMAGE_SIZE = { width: 640, height: 480 };

function documentBlock(
	documentId: string,
	position: number,
	input: DocumentBlockInput,
	mediaSize: (token: string) => { width: number; height: number } | undefined,
): DocumentBlock {
	const head = { block_id: blockId(documentId, position), parent_id: documentId };
	const text = (content: string): DocumentBlock => {
		const elements = [{ text_run: { content, text_element_style: {} } }];
		return { ...head, block_type: 2, text: { elements, style: {} } };
	};
	if (input === 'text') return text(`Paragraph ${position}`);
	if (typeof input !== 'object' || input === null)
		throw new TypeError(`addDocument: bad block ${String(input)}`);
	if ('block_type' in input) return specBlock(head, input);
	if ('whiteboard' in input) {
		const board: DocumentBoard = { token: input.whiteboard };
		if (input.width !== undefined) board.width = input.width;
		if (input.height !== undefined) board.height = input.height;
		return { ...head, block_type: 43, board };
	}
	if ('image' in input) {
		const size = mediaSize(input.image) ?? DEFAULT_IMAGE_SIZE;
		const image: DocumentImage = {
			token: input.image,
			width: input.width ?? size.width,
			height: input.height ?? size.height,
		};
		return { ...head, block_type: 27, image };
	}
	return text(input.text);
}

/** A block given in full: served as given, with block_id and parent_id filled in when omitted. */
function specBlock(
	head: { block_id: string; parent_id: string },
	input: DocumentBlockSpec,
): DocumentBlock {
	const copy = structuredClone(input);
	return {
		...copy,
		block_id: input.block_id ?? head.block_id,
		parent_id: input.parent_id ?? head.parent_id,
		block_type: input.block_type,
	};
}

function encodePageToken(documentId: string, offset: number): string {
	return Buffer.from(`${documentId}:${offset}`, 'utf8').toString('base64url');
}

/** The offset a page token stands for, or undefined when it is not one this document handed out. */
function decodePageToken(token: string, documentId: string): number | undefined {
	if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
	const text = Buffer.from(token, 'base64url').toString('utf8');
	const prefix = `${documentId}:`;
	if (!text.startsWith(prefix)) return undefined;
	const offset = text.slice(prefix.length);
	return /^\d+$/.test(offset) ? Number(offset) : undefined;
}
