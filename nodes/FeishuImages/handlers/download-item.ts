import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { FeishuOperation } from '../catalogue';
import type { ExecutionContext } from '../execution';
import { storeFile } from '../file/store';
import type { OutputOptions } from '../options';
import { buildRequest, type ParameterValues } from '../transport/build-request';
import { downloadFile } from '../transport/download';

/**
 * One file, as `operation` downloads it: request → stream into n8n's binary store → output
 * item. `json` is extra metadata that the calling handler adds (e.g. the document a whiteboard
 * came from).
 */
export async function downloadToItem(
	execution: ExecutionContext,
	operation: FeishuOperation,
	values: ParameterValues,
	itemIndex: number,
	output: OutputOptions,
	json: IDataObject = {},
): Promise<INodeExecutionData> {
	const { endpoint } = operation;
	const request = buildRequest(endpoint, values, itemIndex, execution.connection);
	const { binary, sha256 } = await downloadFile(
		execution.ctx,
		request,
		execution.transport,
		async (answer) =>
			await storeFile(execution.ctx, answer, {
				fallbackBaseName: operation.fileNameFrom
					.filter((name) => values[name] !== undefined)
					.map((name) => String(values[name]))
					.join('-'),
				fileNameOverride: output.fileNameOverride,
				defaultMimeType: endpoint.defaultMimeType,
			}),
	);
	return {
		json: {
			resource: operation.resource,
			operation: operation.operation,
			...values,
			...json,
			fileName: binary.fileName ?? null,
			mimeType: binary.mimeType,
			fileExtension: binary.fileExtension ?? null,
			fileSize: binary.bytes ?? null,
			sha256,
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

/** `export.png` → `export-1.png`, `export-2.png`… when there is more than one file. */
export function numbered(fileName: string, position: number, count: number): string {
	if (count <= 1) return fileName;
	const dot = fileName.lastIndexOf('.');
	return dot > 0
		? `${fileName.slice(0, dot)}-${position + 1}${fileName.slice(dot)}`
		: `${fileName}-${position + 1}`;
}
