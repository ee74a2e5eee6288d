import { NodeApiError } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { documentedError, type FeishuEndpoint } from '../catalogue';
import { readItemOption } from '../options';
import { downloadToItem, numbered } from './download-item';
import type { Handler } from './handler';
import { downloadSingleFile } from './single-file';

/** A message is finite; stop rather than loop if Feishu never says "out of range". */
const MAX_IMAGES = 200;

/** Feishu's answer says there is no image at the index asked for (see the endpoint's codes). */
function isNoSuchIndex(endpoint: FeishuEndpoint, error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = (error.errorResponse as { code?: unknown } | undefined)?.code;
	return typeof code === 'number' && documentedError(endpoint, code)?.signals === 'noSuchIndex';
}

/**
 * `handler: 'ticketImages'`: the image the item names, or with the operation's option "All Images of
 * the Message" every image of it. An image (img) message answers without an index: that is
 * its one image. A rich-text (post) message refuses a missing index, so its images are fetched
 * at index 0, 1, 2… until Feishu says the index is out of range.
 */
export const downloadTicketImages: Handler = async (execution, operation, item) => {
	if (readItemOption(execution.ctx, item.itemIndex, 'allImages') !== true) {
		return await downloadSingleFile(execution, operation, item);
	}
	const { itemIndex, output } = item;
	/** The download, or `undefined` when Feishu says there is no such index. */
	const unlessNoSuchIndex = async (download: Promise<INodeExecutionData>) =>
		await download.catch((error: unknown) => {
			if (isNoSuchIndex(operation.endpoint, error)) return undefined;
			throw error;
		});
	const withoutIndex = Object.fromEntries(
		Object.entries(item.values).filter(([name]) => name !== 'imageIndex'),
	);
	const single = await unlessNoSuchIndex(
		downloadToItem(execution, operation, withoutIndex, itemIndex, output),
	);
	if (single) return [single];
	const items: INodeExecutionData[] = [];
	for (let index = 0; index < MAX_IMAGES; index++) {
		// Names are numbered once it is clear there is more than one image.
		const name = output.fileNameOverride && numbered(output.fileNameOverride, index, 2);
		const image = await unlessNoSuchIndex(
			downloadToItem(execution, operation, { ...withoutIndex, imageIndex: index }, itemIndex, {
				...output,
				fileNameOverride: name,
			}),
		);
		if (!image) return items;
		items.push(image);
	}
	return items;
};
