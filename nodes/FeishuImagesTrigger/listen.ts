import type { IDataObject, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { deduplicationKey, forgetWorkflow } from './dedupe';
import { readEnvelope } from './events';
import { handleEvent } from './handle-message';
import { listenLongConnection } from './long-connection';
import { readSettings } from './settings';

/**
 * One event from the long connection: read, filtered, deduplicated, downloaded, emitted.
 * `ctx.emit` is read at event time: in a test listen n8n swaps it after trigger() returns.
 */
async function onLongConnectionEvent(ctx: ITriggerFunctions, payload: IDataObject): Promise<void> {
	const handled = await handleEvent(ctx, readEnvelope(payload), readSettings(ctx));
	if (!handled.items) {
		ctx.logger.debug(`Feishu Images Trigger: no run for this event: ${handled.ignored}`);
		return;
	}
	const workflowId = ctx.getWorkflow().id ?? ctx.getNode().id;
	// n8n-workflow ≥ 2.20 stores the key on the execution and drops a second one; older
	// versions take three arguments and ignore the fourth, leaving the in-process memory.
	ctx.emit([handled.items], undefined, undefined, deduplicationKey(workflowId, handled.eventId));
}

/** trigger(): the long connection when chosen; the webhook way needs nothing running. */
export async function startListening(ctx: ITriggerFunctions): Promise<ITriggerResponse> {
	if (readSettings(ctx).receiveVia !== 'longConnection') return {};
	const connection = await listenLongConnection(ctx, (payload) => {
		onLongConnectionEvent(ctx, payload as IDataObject).catch((error: unknown) => {
			ctx.logger.error(`Feishu Images Trigger: an event could not be handled: ${String(error)}`);
		});
	});
	const workflowId = ctx.getWorkflow().id ?? ctx.getNode().id;
	return {
		closeFunction: async () => {
			await connection.close();
			forgetWorkflow(workflowId, ctx.getMode());
		},
	};
}
