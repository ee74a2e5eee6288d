/** The emulator's request counters: what a test reads to see how many calls the node made. */
import { ERROR_CODES } from './errors';
import { EMULATED_ENDPOINTS } from './route-table';
import type { EmulatorCounters, EndpointName } from './types';

export function zeroCounters(): EmulatorCounters {
	const perEndpoint = (): Record<EndpointName, number> =>
		Object.fromEntries(EMULATED_ENDPOINTS.map((e) => [e, 0])) as Record<EndpointName, number>;
	const requests = perEndpoint();
	return {
		tokenRequests: 0,
		oauthTokenRequests: 0,
		requests,
		downloads: requests,
		status429: 0,
		rateLimited: perEndpoint(),
		byStatus: {},
		faultsApplied: 0,
	};
}

/** A request routed to `endpoint`, whatever its outcome. */
export function countRequest(counters: EmulatorCounters, endpoint: EndpointName): void {
	counters.requests[endpoint] += 1;
	if (endpoint === 'token') counters.tokenRequests += 1;
	else if (endpoint === 'oauthToken') counters.oauthTokenRequests += 1;
}

/** An answer's head, with the Feishu code its body carries. */
export function countAnswer(
	counters: EmulatorCounters,
	endpoint: EndpointName | undefined,
	status: number,
	code: number | undefined,
): void {
	counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
	if (status === 429) counters.status429 += 1;
	if (code === ERROR_CODES.rateLimited && endpoint) counters.rateLimited[endpoint] += 1;
}
