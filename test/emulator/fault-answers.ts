/** How an injected or random fault changes a request's answer (faults.ts decides which fault). */
import { ERROR_CODES } from './errors';
import type { Reply } from './reply';
import { ROUTE_TABLE } from './route-table';
import type { EndpointName, Fault } from './types';

export interface FaultSettings {
	/** The limit x-ogw-ratelimit-limit reports when the fault names none. */
	readonly rateLimit: number | undefined;
	readonly invalidTokenStatus: number;
	/** A delay the emulator cancels on close(). */
	sleep(ms: number): Promise<void>;
}

/**
 * Applies `fault` to the answer of a request to `endpoint`. True when the fault produced the
 * whole answer; false when the request is served as usual (after a delay, or with its body
 * cut or slowed by the Reply).
 */
export async function answerFault(
	reply: Reply,
	endpoint: EndpointName,
	fault: Fault,
	settings: FaultSettings,
): Promise<boolean> {
	const spec = ROUTE_TABLE[endpoint];
	switch (fault.kind) {
		case 'delay':
			await settings.sleep(fault.delayMs);
			return false;
		case 'resetMidBody':
		case 'shortBody':
		case 'slowBody':
			reply.bodyFault = fault;
			return false;
		case 'error':
			if (endpoint === 'oauthToken')
				await reply.oauthError(fault.code, fault.status, fault.msg, fault.headers);
			else await reply.error(fault.code, fault.status, fault.msg, fault.headers);
			return true;
		case 'rateLimit': {
			const limit = fault.limit ?? settings.rateLimit ?? spec.rateLimit.limit;
			await reply.rateLimited(fault.status ?? spec.rateLimitStatus, limit, fault.resetSeconds);
			return true;
		}
		case 'status':
			await reply.raw(fault.status, fault.body, fault.contentType);
			return true;
		case 'bareStatus':
			await reply.bare(fault.status, fault.body);
			return true;
		case 'jsonOn200': {
			const notFound = spec.notFound;
			const code = fault.code ?? ('code' in notFound ? notFound.code : undefined);
			// An endpoint without codes gets its own "not found" body, on 200.
			if (code === undefined) await reply.bare(200, 'msg', {}, 'not found');
			else if (endpoint === 'oauthToken') await reply.oauthError(code, 200);
			else await reply.error(code, 200);
			return true;
		}
		case 'tokenInvalid':
			await reply.error(ERROR_CODES.invalidToken, settings.invalidTokenStatus);
			return true;
	}
}
