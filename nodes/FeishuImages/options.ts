import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** The Options' defaults: the UI shows them, and an execution falls back to them. */
export const DEFAULTS = {
	binaryPropertyName: 'data',
	retries: 3,
	timeoutMs: 60_000,
	concurrency: 5,
	/** Long enough for a nightly run to outwait other workflows sharing the app's quota. */
	maxRateLimitWaitSeconds: 600,
};

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

/** An option of one item, as the handler that declared it reads it. */
export function readItemOption(ctx: IExecuteFunctions, itemIndex: number, name: string): unknown {
	return (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject)[name];
}
