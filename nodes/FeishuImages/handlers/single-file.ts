import type { INodeExecutionData } from 'n8n-workflow';

import type { Handler } from './handler';
import { downloadToItem } from './download-item';

/** `handler: 'file'`: one request, one file, one item. */
export const downloadSingleFile: Handler = async (execution, operation, item) => {
	const result: INodeExecutionData = await downloadToItem(
		execution,
		operation,
		item.values,
		item.itemIndex,
		item.output,
	);
	return [result];
};
