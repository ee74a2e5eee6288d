import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { DownloadEndpoint } from '../catalogue';
import { DEFAULTS } from '../fields';
import { storeFile } from '../file-output';
import { buildRequest, type Connection, type ParameterValues } from '../request-builder';
import { downloadFile, type TransportOptions } from '../transport/request';

/** What every download of one execution shares. */
export interface RunContext {
	ctx: IExecuteFunctions;
	connection: Connection;
	transport: TransportOptions;
	concurrency: number;
}

/** Per item: where the file goes and what it is called. */
export interface OutputOptions {
	binaryPropertyName: string;
	fileNameOverride?: string;
}

export function readOutputOptions(ctx: IExecuteFunctions, itemIndex: number): OutputOptions {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryPropertyName = String(
		options.binaryPropertyName ?? DEFAULTS.binaryPropertyName,
	).trim();
	if (!binaryPropertyName) {
		throw new NodeOperationError(ctx.getNode(), '"Put Output File in Field" is empty', {
			itemIndex,
		});
	}
	const fileName = typeof options.fileName === 'string' ? options.fileName.trim() : '';
	return { binaryPropertyName, fileNameOverride: fileName || undefined };
}

/**
 * One file: request → stream into n8n's binary store → output item. `json` is extra metadata
 * that the calling operation adds (e.g. the document a whiteboard came from).
 */
export async function downloadToItem(
	run: RunContext,
	endpoint: DownloadEndpoint,
	values: ParameterValues,
	itemIndex: number,
	output: OutputOptions,
	json: IDataObject = {},
): Promise<INodeExecutionData> {
	const request = buildRequest(endpoint, values, itemIndex, run.connection);
	const { binary } = await downloadFile(
		run.ctx,
		request,
		run.transport,
		async (answer) =>
			await storeFile(run.ctx, answer, {
				fallbackBaseName: endpoint.fileNameFrom
					.filter((name) => values[name] !== undefined)
					.map((name) => String(values[name]))
					.join('-'),
				fileNameOverride: output.fileNameOverride,
				defaultMimeType: endpoint.defaultMimeType,
			}),
	);
	return {
		json: {
			resource: endpoint.resource,
			operation: endpoint.operation,
			...values,
			...json,
			fileName: binary.fileName ?? null,
			mimeType: binary.mimeType,
			fileExtension: binary.fileExtension ?? null,
			fileSize: binary.bytes ?? null,
		},
		binary: { [output.binaryPropertyName]: binary },
		pairedItem: { item: itemIndex },
	};
}

/** Runs `fn` over `inputs` with at most `limit` at a time; results keep the input order. */
export async function mapConcurrent<T, R>(
	inputs: T[],
	limit: number,
	fn: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await fn(inputs[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), inputs.length) }, worker));
	return results;
}
