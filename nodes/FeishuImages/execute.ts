import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findEndpoint, type DownloadEndpoint } from './catalogue';
import { credentialTypeOf, openConnection } from './connection';
import { DEFAULTS } from './fields';
import {
	downloadDocumentWhiteboards,
	resolveWikiDocument,
} from './operations/document-whiteboards';
import {
	downloadToItem,
	mapConcurrent,
	readOutputOptions,
	type RunContext,
} from './operations/download';
import { downloadAllTicketImages } from './operations/ticket-images';
import { readItemParameters } from './request-builder';
import { credentialKeyOf, TENANT_CREDENTIAL, USER_CREDENTIAL } from './transport/request';
import { tokenGateFor } from './transport/token-gate';

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

function readRunOptions(
	ctx: IExecuteFunctions,
	credentialType: RunContext['transport']['credentialType'],
) {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perSecond = Number(options.requestsPerSecond ?? 0);
	return {
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? DEFAULTS.concurrency))),
		transport: {
			retries: Math.max(0, Math.floor(Number(options.retries ?? DEFAULTS.retries))),
			timeoutMs: Math.max(1, Number(options.timeout ?? DEFAULTS.timeoutMs)),
			requestsPerSecond: perSecond > 0 ? perSecond : undefined,
			credentialType,
		},
	};
}

/** One input item → its output items (one file, or every file of a document or message). */
async function processItem(
	run: RunContext,
	endpoint: DownloadEndpoint,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { values, wikiTokens } = readItemParameters(run.ctx, endpoint, itemIndex);
	const output = readOutputOptions(run.ctx, itemIndex);
	if (endpoint.expand === 'documentWhiteboards') {
		return await downloadDocumentWhiteboards(run, endpoint, values, wikiTokens, itemIndex, output);
	}
	for (const name of wikiTokens)
		values[name] = await resolveWikiDocument(run, String(values[name]), itemIndex);
	const options = run.ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (endpoint.helpdeskAuth && options.allImages === true) {
		return await downloadAllTicketImages(run, endpoint, values, itemIndex, output);
	}
	return [await downloadToItem(run, endpoint, values, itemIndex, output)];
}

/** The failing item under "Continue On Fail": what went wrong, with Feishu's code and log ID. */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const response = (error.errorResponse ?? {}) as IDataObject;
	const json: IDataObject = {
		error: error.message,
		code: (response.code as number | undefined) ?? null,
		logId: (response.logId as string | undefined) ?? null,
	};
	if (error.description) json.description = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

/** Anything unexpected still reaches the user as a node error that names the item. */
function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * Walks the input items, a few at a time, and returns their output items in input order.
 * Without "Continue On Fail" the first failure (in input order) stops the run once the
 * downloads already under way have finished.
 */
export async function executeDownloads(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
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
	const connection = await openConnection(ctx, credentialType);
	if (credentialType === TENANT_CREDENTIAL && !connection.hasToken) {
		tokenGateFor(credentialKeyOf(ctx, credentialType)).markCold();
	}
	const run: RunContext = { ctx, connection, ...readRunOptions(ctx, credentialType) };
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

	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return [results.flat()];
}
