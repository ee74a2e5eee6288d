import type { INodeExecutionData } from 'n8n-workflow';

import type { Handler } from './handler';
import { downloadToItem } from './download-item';

/** `run: 'file'`: one request, one file, one item. */
export const downloadSingleFile: Handler = async (run, endpoint, item) => {
	const result: INodeExecutionData = await downloadToItem(
		run,
		endpoint,
		item.values,
		item.itemIndex,
		item.output,
	);
	return [result];
};
