import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Connection } from './transport/connection';
import { RunPacing } from './transport/pace-report';
import type { TransportOptions } from './transport/request';

/** The Options' defaults: the UI shows them, and an execution falls back to them. */
export const DEFAULTS = {
	binaryPropertyName: 'data',
	retries: 3,
	timeoutMs: 60_000,
	concurrency: 5,
	/** Long enough for a nightly run to outwait other workflows sharing the app's quota. */
	maxRateLimitWaitSeconds: 600,
};

/** What every download of one execution shares. */
export interface RunContext {
	ctx: IExecuteFunctions;
	connection: Connection;
	transport: TransportOptions;
	concurrency: number;
}

/** The execution-wide options (read from the first item: they steer shared pacing and retries). */
export function readRunContext(ctx: IExecuteFunctions, connection: Connection): RunContext {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perSecond = Number(options.requestsPerSecond ?? 0);
	const waitSeconds = Number(options.maxRateLimitWait ?? DEFAULTS.maxRateLimitWaitSeconds);
	return {
		ctx,
		connection,
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? DEFAULTS.concurrency))),
		transport: {
			retries: Math.max(0, Math.floor(Number(options.retries ?? DEFAULTS.retries))),
			timeoutMs: Math.max(1, Number(options.timeout ?? DEFAULTS.timeoutMs)),
			requestsPerSecond: perSecond > 0 ? perSecond : undefined,
			rateLimitBudgetMs: Number.isFinite(waitSeconds) ? Math.max(0, waitSeconds) * 1000 : 0,
			credentialType: connection.credentialType,
			pacing: new RunPacing(),
		},
	};
}

/** At the end of an execution: say so when Feishu slowed it down (n8n 1.x may lack hints). */
export function finishRun(run: RunContext): void {
	const hints = run.transport.pacing?.hints() ?? [];
	if (hints.length > 0 && typeof run.ctx.addExecutionHints === 'function') {
		run.ctx.addExecutionHints(...hints);
	}
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

/** An option of one item, as the handler that declared it reads it. */
export function readItemOption(ctx: IExecuteFunctions, itemIndex: number, name: string): unknown {
	return (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject)[name];
}
