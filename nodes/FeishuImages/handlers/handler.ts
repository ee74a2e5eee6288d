import type { INodeExecutionData } from 'n8n-workflow';

import type { DownloadEndpoint } from '../catalogue';
import type { ItemParameters } from '../parameters';
import type { OutputOptions, RunContext } from '../run-options';

/** One input item, read and validated against its row. */
export interface ItemInput extends ItemParameters {
	itemIndex: number;
	output: OutputOptions;
}

/** How a row runs (its `run`): one input item → its output items. */
export type Handler = (
	run: RunContext,
	endpoint: DownloadEndpoint,
	item: ItemInput,
) => Promise<INodeExecutionData[]>;
