import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findOperation, type FeishuOperation, type HandlerKind } from './catalogue';
import { readExecutionContext, type ExecutionContext } from './execution';
import { addPacingHints } from './execution-hints';
import { downloadBaseAttachments } from './handlers/base-attachments';
import { downloadDocumentPictures } from './handlers/document-pictures';
import { mapConcurrent } from './handlers/download-item';
import { asNodeError, errorItem } from './handlers/error-item';
import type { Handler } from './handlers/handler';
import { downloadSingleFile } from './handlers/single-file';
import { downloadTicketImages } from './handlers/ticket-images';
import { getWhiteboardContent } from './handlers/whiteboard-content';
import { readOutputOptions } from './options';
import { readItemParameters } from './parameters';
import { openConnection } from './transport/connection';
import { credentialTypeOf } from './transport/identity';

/** An operation's `handler` → the function that runs it. */
const HANDLERS: Record<HandlerKind, Handler> = {
	file: downloadSingleFile,
	documentPictures: downloadDocumentPictures,
	ticketImages: downloadTicketImages,
	baseAttachments: downloadBaseAttachments,
	whiteboardContent: getWhiteboardContent,
};

function readOperation(ctx: IExecuteFunctions): FeishuOperation {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const found = findOperation(resource, operation);
	if (!found) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return found;
}

async function processItem(
	execution: ExecutionContext,
	operation: FeishuOperation,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = readItemParameters(execution.ctx, operation.endpoint, itemIndex);
	const output = readOutputOptions(execution.ctx, itemIndex);
	return await HANDLERS[operation.handler](execution, operation, {
		...parameters,
		itemIndex,
		output,
	});
}

/**
 * The node's execute(): the operation the Resource and Operation name, then its handler for
 * every input item, a few at a time, output in input order. Without "Continue On Fail" the
 * first failure (in input order) stops the run once the downloads already under way have finished.
 */
export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	if (items.length === 0) return [[]];
	const operation = readOperation(ctx);
	const credentialType = credentialTypeOf(ctx, operation);
	const execution = readExecutionContext(ctx, await openConnection(ctx, credentialType));
	const continueOnFail = ctx.continueOnFail();
	let stopped = false;
	const failures = new Map<number, NodeApiError | NodeOperationError>();

	const results = await mapConcurrent(items, execution.concurrency, async (_item, itemIndex) => {
		if (stopped) return [];
		try {
			return await processItem(execution, operation, itemIndex);
		} catch (caught) {
			const error = asNodeError(ctx, caught, itemIndex);
			if (continueOnFail) return [errorItem(error, itemIndex)];
			failures.set(itemIndex, error);
			stopped = true;
			return [];
		}
	});

	addPacingHints(execution);
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return [results.flat()];
}
