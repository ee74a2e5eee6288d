import type { INodeExecutionData, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import { openConnection } from '../FeishuImages/transport/connection';
import { TENANT_CREDENTIAL } from '../FeishuImages/transport/identity';
import { recentIdsFor } from './dedupe';
import { failureOf, fetchResources, type FetchedResource } from './download/fetch-resources';
import { itemsFor } from './download/items';
import { filteredOut, readMessage, type Envelope } from './events';
import type { TriggerSettings } from './settings';

export type Handled =
	| { items: INodeExecutionData[]; eventId: string; ignored?: undefined }
	| { items?: undefined; ignored: string };

/**
 * One event, whichever way it came: the message read, the filters applied, a redelivery
 * dropped, then the files downloaded (after Feishu has been answered) into the items to emit.
 */
export async function handleEvent(
	ctx: IWebhookFunctions | ITriggerFunctions,
	envelope: Envelope,
	settings: TriggerSettings,
): Promise<Handled> {
	const read = readMessage(envelope);
	if (!read.message) return { ignored: read.ignored };
	const message = read.message;
	const filtered = filteredOut(message, settings.filters);
	if (filtered) return { ignored: filtered };
	if (message.skipped) return { ignored: `skipped ${message.skipped}` };
	const memory = recentIdsFor(ctx.getWorkflow().id ?? ctx.getNode().id, ctx.getMode());
	if (!memory.firstTime(message.eventId)) {
		return { ignored: `event ${message.eventId} was delivered again` };
	}
	let fetched: FetchedResource[] = [];
	if (settings.output !== 'messageOnly') {
		try {
			const connection = await openConnection(ctx, TENANT_CREDENTIAL);
			fetched = await fetchResources(ctx, connection, message, settings);
		} catch (error) {
			// The credential cannot be used (e.g. a broken base URL): every file says why.
			const failure = failureOf(error);
			fetched = message.resources.map((resource) => ({ resource, failure }));
		}
	}
	return {
		items: itemsFor(message, fetched, settings.output, settings.binaryPropertyName),
		eventId: message.eventId,
	};
}
