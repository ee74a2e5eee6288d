import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS } from './options';
import type { Connection } from './transport/connection';
import { RunPacing } from './transport/pace-report';
import type { TransportOptions } from './transport/request';

/** What every download of one execution shares. */
export interface ExecutionContext {
	ctx: IExecuteFunctions;
	connection: Connection;
	transport: TransportOptions;
	concurrency: number;
}

/** The execution-wide options (read from the first item: they steer shared pacing and retries). */
export function readExecutionContext(
	ctx: IExecuteFunctions,
	connection: Connection,
): ExecutionContext {
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
