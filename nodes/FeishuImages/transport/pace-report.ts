import type { NodeExecutionHint } from 'n8n-workflow';

import { formatDuration } from './errors';
import type { Pacer } from './pacer';

interface EndpointPacing {
	name: string;
	pacer: Pacer;
	throttles: number;
}

/**
 * What one execution's requests went through with Feishu's rate limits, told to the user as
 * an execution hint when Feishu slowed the run down (and not at all when it did not).
 */
export class RunPacing {
	requests = 0;

	throttles = 0;

	/** Time requests spent waiting after "too many requests", summed over requests. */
	waitedMs = 0;

	private readonly endpoints = new Map<Pacer, EndpointPacing>();

	/** One request is going out through `pacer` (to the endpoint called `name`). */
	sending(pacer: Pacer, name: string): void {
		this.requests++;
		if (!this.endpoints.has(pacer)) this.endpoints.set(pacer, { name, pacer, throttles: 0 });
	}

	/** Feishu throttled a request sent through `pacer`; it waits `waitMs` before going again. */
	throttled(pacer: Pacer, waitMs: number): void {
		this.throttles++;
		this.waitedMs += waitMs;
		const endpoint = this.endpoints.get(pacer);
		if (endpoint) endpoint.throttles++;
	}

	hints(): NodeExecutionHint[] {
		if (this.throttles === 0) return [];
		const paces = [...this.endpoints.values()]
			.filter((e) => e.throttles > 0)
			.map((e) => {
				const report = e.pacer.report();
				const limit =
					report.feishuLimitPerSecond !== undefined
						? `Feishu's limit for the app: ${perSecond(report.feishuLimitPerSecond)}`
						: `documented: ${perSecond(report.documentedPerSecond)}`;
				return `${e.name} requests now go at ${perSecond(report.ratePerSecond)} (${limit})`;
			});
		return [
			{
				type: 'info',
				location: 'outputPane',
				message:
					`Feishu slowed this run down: ${this.throttles} of ${this.requests} requests were answered "too many requests" (429 / 99991400), ` +
					`waited ${formatDuration(this.waitedMs)} in all and were sent again. ${paces.join('; ')}. ` +
					"Other workflows or n8n instances may share the app's quota; the node keeps to what Feishu allows.",
			},
		];
	}
}

function perSecond(rate: number): string {
	return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
}
