import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findEndpoint, type DownloadEndpoint } from './catalogue';
import { openConnection } from './connection';
import { DEFAULTS } from './fields';
import { storeFile } from './file-output';
import { buildItemRequest, type Connection } from './request-builder';
import { credentialKeyOf, downloadFile, type TransportOptions } from './transport/request';
import { tokenGateFor } from './transport/token-gate';

interface RunSettings {
	endpoint: DownloadEndpoint;
	transport: TransportOptions;
	concurrency: number;
}

function readSettings(ctx: IExecuteFunctions): RunSettings {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const endpoint = findEndpoint(resource, operation);
	if (!endpoint) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perSecond = Number(options.requestsPerSecond ?? 0);
	return {
		endpoint,
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? DEFAULTS.concurrency))),
		transport: {
			retries: Math.max(0, Math.floor(Number(options.retries ?? DEFAULTS.retries))),
			timeoutMs: Math.max(1, Number(options.timeout ?? DEFAULTS.timeoutMs)),
			rateLimits: perSecond > 0 ? [{ requests: perSecond, perMs: 1000 }] : endpoint.rateLimits,
		},
	};
}

async function downloadItem(
	ctx: IExecuteFunctions,
	settings: RunSettings,
	connection: Connection,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const { endpoint } = settings;
	const built = buildItemRequest(ctx, endpoint, itemIndex, connection);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryPropertyName = String(options.binaryPropertyName ?? DEFAULTS.binaryPropertyName).trim();
	if (!binaryPropertyName) {
		throw new NodeOperationError(ctx.getNode(), '"Put Output File in Field" is empty', { itemIndex });
	}
	const fileNameOverride = typeof options.fileName === 'string' && options.fileName.trim() ? options.fileName.trim() : undefined;
	const { binary } = await downloadFile(ctx, built.request, settings.transport, async (answer) =>
		await storeFile(ctx, answer, {
			fallbackBaseName: built.fallbackBaseName,
			fileNameOverride,
			defaultMimeType: endpoint.defaultMimeType,
		}),
	);
	return {
		json: {
			resource: endpoint.resource,
			operation: endpoint.operation,
			...built.ids,
			fileName: binary.fileName ?? null,
			mimeType: binary.mimeType,
			fileExtension: binary.fileExtension ?? null,
			fileSize: binary.bytes ?? null,
		},
		binary: { [binaryPropertyName]: binary },
		pairedItem: { item: itemIndex },
	};
}

/** The failing item under "Continue On Fail": what went wrong, with Feishu's code and log ID. */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
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
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * Walks the input items, a few at a time, and returns one output item per input item in
 * input order. Without "Continue On Fail" the first failure (in input order) stops the run
 * once the downloads already under way have finished.
 */
export async function executeDownloads(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	if (items.length === 0) return [[]];
	const settings = readSettings(ctx);
	const connection = await openConnection(ctx);
	if (!connection.hasToken) tokenGateFor(credentialKeyOf(ctx)).markCold();
	const continueOnFail = ctx.continueOnFail();
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const failures = new Map<number, NodeApiError | NodeOperationError>();
	let next = 0;
	let stopped = false;

	const worker = async () => {
		while (!stopped && next < items.length) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await downloadItem(ctx, settings, connection, itemIndex);
			} catch (caught) {
				const error = asNodeError(ctx, caught, itemIndex);
				if (continueOnFail) {
					results[itemIndex] = errorItem(error, itemIndex);
				} else {
					failures.set(itemIndex, error);
					stopped = true;
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(settings.concurrency, items.length) }, worker));

	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return [results.filter((item): item is INodeExecutionData => item !== undefined)];
}
