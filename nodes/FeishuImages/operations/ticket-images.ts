import { NodeApiError } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import type { DownloadEndpoint } from '../catalogue';
import type { ParameterValues } from '../request-builder';
import { numbered } from './document-whiteboards';
import { downloadToItem, type OutputOptions, type RunContext } from './download';

/** Feishu's answer to a missing or out-of-range index of a rich-text (post) message. */
const BAD_INDEX = 154000;
/** A message is finite; stop rather than loop if Feishu never says "out of range". */
const MAX_IMAGES = 200;

function isBadIndex(error: unknown): boolean {
	return (
		error instanceof NodeApiError &&
		(error.errorResponse as { code?: unknown } | undefined)?.code === BAD_INDEX
	);
}

/** The download, or `undefined` when Feishu says 154000 (no such index); other errors pass through. */
async function unlessBadIndex(
	download: Promise<INodeExecutionData>,
): Promise<INodeExecutionData | undefined> {
	return await download.catch((error: unknown) => {
		if (isBadIndex(error)) return undefined;
		throw error;
	});
}

/**
 * Every image of a helpdesk message. An image (img) message answers without an index: that is
 * its one image. A rich-text (post) message refuses a missing index (154000), so its images are
 * fetched at index 0, 1, 2… until Feishu says the index is out of range (154000 again).
 */
export async function downloadAllTicketImages(
	run: RunContext,
	endpoint: DownloadEndpoint,
	values: ParameterValues,
	itemIndex: number,
	output: OutputOptions,
): Promise<INodeExecutionData[]> {
	const withoutIndex = Object.fromEntries(
		Object.entries(values).filter(([name]) => name !== 'imageIndex'),
	);
	const single = await unlessBadIndex(
		downloadToItem(run, endpoint, withoutIndex, itemIndex, output),
	);
	if (single) return [single];
	const items: INodeExecutionData[] = [];
	for (let index = 0; index < MAX_IMAGES; index++) {
		// Names are numbered once it is clear there is more than one image.
		const name = output.fileNameOverride && numbered(output.fileNameOverride, index, 2);
		const item = await unlessBadIndex(
			downloadToItem(run, endpoint, { ...withoutIndex, imageIndex: index }, itemIndex, {
				...output,
				fileNameOverride: name,
			}),
		);
		if (!item) return items;
		items.push(item);
	}
	return items;
}
