import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** Anything unexpected still reaches the user as a node error that names the item. */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** A failed item under "Continue On Fail": what went wrong, with Feishu's code and log ID. */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
	json: IDataObject = {},
): INodeExecutionData {
	const response = (error.errorResponse ?? {}) as IDataObject;
	const out: IDataObject = {
		...json,
		error: error.message,
		code: (response.code as number | undefined) ?? null,
		logId: (response.logId as string | undefined) ?? null,
	};
	if (error.description) out.description = error.description;
	return { json: out, pairedItem: { item: itemIndex } };
}

/**
 * One of an item's many files failed: its error names it (`what`), and under Continue On Fail it
 * becomes an error item beside the others; otherwise it stops the run.
 */
export function failedOne(
	ctx: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
	what: string,
	origin: IDataObject,
): INodeExecutionData {
	const error = asNodeError(ctx, caught, itemIndex);
	error.message = `${what}: ${error.message}`;
	if (ctx.continueOnFail()) return errorItem(error, itemIndex, origin);
	throw error;
}
