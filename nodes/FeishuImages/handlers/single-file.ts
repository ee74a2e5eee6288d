import type { INodeExecutionData } from 'n8n-workflow';

import type { Handler } from './handler';
import { downloadToItem } from './download-item';
import { resolveWikiValues } from './wiki';

/** `handler: 'file'`: one request (a wiki link resolved first), one file, one item. */
export const downloadSingleFile: Handler = async (execution, operation, item) => {
	const values = await resolveWikiValues(execution, operation.endpoint, item);
	const result: INodeExecutionData = await downloadToItem(
		execution,
		operation,
		values,
		item.itemIndex,
		item.output,
		item.wikiTokens.length > 0 ? { wikiToken: String(item.values[item.wikiTokens[0]]) } : {},
	);
	return [result];
};
