import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { PICTURE_BLOCKS, type FeishuEndpoint, type PictureKind } from '../catalogue';
import type { ExecutionContext } from '../execution';
import { readItemOption } from '../options';
import { isValidId } from '../parameter-kinds';
import { buildRequest, type ParameterValues } from '../transport/build-request';
import { fetchJson } from '../transport/request';
import { downloadToItem, mapConcurrent, numbered } from './download-item';
import { failedOne } from './error-item';
import type { Handler } from './handler';
import { documentOf } from './wiki';

/** A document is finite; a page_token that never ends is a bug on one side or the other. */
const MAX_PAGES = 1000;

interface Picture {
	kind: PictureKind;
	blockId: string;
	token: string;
	width: number | null;
	height: number | null;
}

function pictureOf(block: IDataObject, kinds: PictureKind[]): Picture | undefined {
	const kind = kinds.find((k) => PICTURE_BLOCKS[k].blockType === block.block_type);
	if (!kind) return undefined;
	const body = (block[PICTURE_BLOCKS[kind].field] ?? {}) as IDataObject;
	const size = (value: unknown) => (typeof value === 'number' ? value : null);
	return {
		kind,
		blockId: String(block.block_id ?? ''),
		token: typeof body.token === 'string' ? body.token : '',
		width: size(body.width),
		height: size(body.height),
	};
}

/** Every picture of the kinds asked for, in document order, following page_token to the end. */
async function listPictures(
	execution: ExecutionContext,
	endpoint: FeishuEndpoint,
	documentId: string,
	kinds: PictureKind[],
	itemIndex: number,
): Promise<Picture[]> {
	const found: Picture[] = [];
	let pageToken: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const values: ParameterValues = pageToken ? { documentId, pageToken } : { documentId };
		const data = await fetchJson(
			execution.ctx,
			buildRequest(endpoint, values, itemIndex, execution.connection),
			execution.transport,
		);
		const blocks = Array.isArray(data.items) ? (data.items as IDataObject[]) : [];
		for (const block of blocks) {
			const picture = pictureOf(block, kinds);
			if (picture) found.push(picture);
		}
		pageToken = typeof data.page_token === 'string' ? data.page_token : undefined;
		if (data.has_more !== true || !pageToken) return found;
	}
	throw new NodeOperationError(
		execution.ctx.getNode(),
		`The document has more than ${MAX_PAGES} pages of blocks`,
		{ itemIndex },
	);
}

/**
 * `handler: 'documentPictures'`: every picture of a docx document — the operation's kinds, plus the
 * whiteboards when its "Include Whiteboards" option says so — one output item each, in
 * document order. A document without pictures gives no items. One picture that fails (a
 * block without a token, an image Feishu no longer has) fails alone under Continue On Fail,
 * named by its block; the others go on.
 */
export const downloadDocumentPictures: Handler = async (execution, operation, item) => {
	const kinds = [...(operation.pictures ?? [])];
	if (
		!kinds.includes('whiteboard') &&
		readItemOption(execution.ctx, item.itemIndex, 'includeWhiteboards') === true
	) {
		kinds.push('whiteboard');
	}
	const { documentId, wikiToken } = await documentOf(execution, item, 'documentId');
	const pictures = await listPictures(
		execution,
		operation.endpoint,
		documentId,
		kinds,
		item.itemIndex,
	);
	const { itemIndex, output } = item;
	return await mapConcurrent(pictures, execution.concurrency, async (picture, position) => {
		const origin: IDataObject = {
			resource: operation.resource,
			operation: operation.operation,
			documentId,
			...(wikiToken ? { wikiToken } : {}),
			blockId: picture.blockId,
			kind: picture.kind,
			position,
			width: picture.width,
			height: picture.height,
		};
		try {
			return await downloadPicture(
				execution,
				picture,
				itemIndex,
				{
					...output,
					// One File Name for many files would collide: number them.
					fileNameOverride:
						output.fileNameOverride && numbered(output.fileNameOverride, position, pictures.length),
				},
				origin,
			);
		} catch (caught) {
			const what = `The ${picture.kind} in block ${picture.blockId} (picture ${position + 1} of ${pictures.length})`;
			return failedOne(execution.ctx, caught, itemIndex, what, origin);
		}
	});
};

async function downloadPicture(
	execution: ExecutionContext,
	picture: Picture,
	itemIndex: number,
	output: Parameters<typeof downloadToItem>[4],
	origin: IDataObject,
): Promise<INodeExecutionData> {
	const { operation, parameter, field } = PICTURE_BLOCKS[picture.kind];
	if (picture.token && !isValidId(picture.token)) {
		throw new NodeOperationError(
			execution.ctx.getNode(),
			`the block's ${field}.token ${JSON.stringify(picture.token.slice(0, 60))} is not a Feishu token`,
			{
				itemIndex,
				description:
					'Nothing was sent for it: a token with "/", "?", "#" or ".." could reach another path.',
			},
		);
	}
	if (!picture.token) {
		throw new NodeOperationError(execution.ctx.getNode(), `the block has no ${field}.token`, {
			itemIndex,
			description:
				'Feishu listed the block without the token of its file (an image still uploading, or a block the app may not read). Open the document and check the picture.',
		});
	}
	return await downloadToItem(
		execution,
		operation,
		{ [parameter]: picture.token },
		itemIndex,
		output,
		origin,
	);
}
