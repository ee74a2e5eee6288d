import type { INodeExecutionData } from 'n8n-workflow';

import type { FeishuOperation } from '../catalogue';
import type { ExecutionContext } from '../execution';
import type { OutputOptions } from '../options';
import type { ItemParameters } from '../parameters';

/** One input item, read and validated against its operation's endpoint. */
export interface ItemInput extends ItemParameters {
	itemIndex: number;
	output: OutputOptions;
}

/** How an operation runs (its `handler`): one input item → its output items. */
export type Handler = (
	execution: ExecutionContext,
	operation: FeishuOperation,
	item: ItemInput,
) => Promise<INodeExecutionData[]>;
