import type { IDataObject, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { splitList, type MessageFilters } from './events/filters';

export type ReceiveVia = 'longConnection' | 'webhook';
/** One item per file (default), one per message with every file, or the message without files. */
export type OutputMode = 'file' | 'message' | 'messageOnly';

export const DEFAULTS = {
	receiveVia: 'longConnection' as ReceiveVia,
	output: 'file' as OutputMode,
	binaryPropertyName: 'data',
	retries: 3,
	timeoutMs: 60_000,
	/** Files of one message fetched at once. */
	concurrency: 3,
};

export interface TriggerSettings {
	receiveVia: ReceiveVia;
	output: OutputMode;
	filters: MessageFilters;
	binaryPropertyName: string;
	retries: number;
	timeoutMs: number;
}

/** The panel, read once per request or event (webhook() and trigger() both have parameters). */
export function readSettings(ctx: IWebhookFunctions | ITriggerFunctions): TriggerSettings {
	const filters = ctx.getNodeParameter('filters', {}) as IDataObject;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const binaryPropertyName = String(options.binaryPropertyName ?? '').trim();
	return {
		receiveVia: ctx.getNodeParameter('receiveVia', DEFAULTS.receiveVia) as ReceiveVia,
		output: ctx.getNodeParameter('output', DEFAULTS.output) as OutputMode,
		filters: {
			chatTypes: splitList(filters.chatTypes),
			chatIds: splitList(filters.chatIds),
			messageTypes: splitList(filters.messageTypes),
			senderTypes: splitList(filters.senderTypes),
		},
		binaryPropertyName: binaryPropertyName || DEFAULTS.binaryPropertyName,
		retries: Math.max(0, Math.floor(Number(options.retries ?? DEFAULTS.retries))),
		timeoutMs: Math.max(1, Number(options.timeout ?? DEFAULTS.timeoutMs)),
	};
}
