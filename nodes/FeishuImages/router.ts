import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findEndpoint, type DownloadEndpoint, type RunKind } from './catalogue';
import { downloadDocumentPictures } from './handlers/document-pictures';
import { mapConcurrent } from './handlers/download-item';
import { asNodeError, errorItem } from './handlers/error-item';
import type { Handler } from './handlers/handler';
import { downloadSingleFile } from './handlers/single-file';
import { downloadTicketImages } from './handlers/ticket-images';
import { readItemParameters } from './parameters';
import { finishRun, readOutputOptions, readRunContext, type RunContext } from './run-options';
import { openConnection } from './transport/connection';
import { credentialTypeOf, USER_CREDENTIAL } from './transport/identity';

/** A row's `run` → the handler that runs it. */
const HANDLERS: Record<RunKind, Handler> = {
	file: downloadSingleFile,
	documentPictures: downloadDocumentPictures,
	ticketImages: downloadTicketImages,
};

function readEndpoint(ctx: IExecuteFunctions): DownloadEndpoint {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const endpoint = findEndpoint(resource, operation);
	if (!endpoint) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return endpoint;
}

async function processItem(
	run: RunContext,
	endpoint: DownloadEndpoint,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = readItemParameters(run.ctx, endpoint, itemIndex);
	const output = readOutputOptions(run.ctx, itemIndex);
	return await HANDLERS[endpoint.run](run, endpoint, { ...parameters, itemIndex, output });
}

/**
 * The node's execute(): the row the Resource and Operation name, then its handler for every
 * input item, a few at a time, output in input order. Without "Continue On Fail" the first
 * failure (in input order) stops the run once the downloads already under way have finished.
 */
export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	if (items.length === 0) return [[]];
	const endpoint = readEndpoint(ctx);
	const credentialType = credentialTypeOf(ctx);
	if (credentialType === USER_CREDENTIAL && !endpoint.tokenKinds.includes('user')) {
		// A value left over from another resource: Feishu serves this one to the app only.
		throw new NodeOperationError(
			ctx.getNode(),
			`${endpoint.resourceName} → ${endpoint.operationName} works with the app identity only`,
			{
				description:
					'Set Authentication to "App (Tenant Access Token)" and pick a Feishu API credential.',
			},
		);
	}
	const run = readRunContext(ctx, await openConnection(ctx, credentialType));
	const continueOnFail = ctx.continueOnFail();
	let stopped = false;
	const failures = new Map<number, NodeApiError | NodeOperationError>();

	const results = await mapConcurrent(items, run.concurrency, async (_item, itemIndex) => {
		if (stopped) return [];
		try {
			return await processItem(run, endpoint, itemIndex);
		} catch (caught) {
			const error = asNodeError(ctx, caught, itemIndex);
			if (continueOnFail) return [errorItem(error, itemIndex)];
			failures.set(itemIndex, error);
			stopped = true;
			return [];
		}
	});

	finishRun(run);
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return [results.flat()];
}
