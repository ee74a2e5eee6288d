/** Request routing: which endpoint of the route table (route-table.ts) a raw request target names. */
import { EMULATED_ENDPOINTS, ROUTE_TABLE } from './route-table';
import type { EndpointName } from './types';

export interface Route {
	endpoint: EndpointName;
	/** Path parameters by name; undefined when the segment has broken %-encoding. */
	params: Record<string, string | undefined>;
	query: URLSearchParams;
}

const TEMPLATES = EMULATED_ENDPOINTS.map((endpoint) => ({
	endpoint,
	methods: ROUTE_TABLE[endpoint].methods,
	segments: ROUTE_TABLE[endpoint].path.split('/'),
}));

function decodeSegment(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/** The parameters of `template` in `segments`, or undefined when the path is another one. */
function matchSegments(
	template: readonly string[],
	segments: readonly string[],
): Record<string, string | undefined> | undefined {
	if (template.length !== segments.length) return undefined;
	const params: Record<string, string | undefined> = {};
	for (const [i, part] of template.entries()) {
		const segment = segments[i] ?? '';
		if (!part.startsWith(':')) {
			if (part !== segment) return undefined;
		} else if (segment === '') return undefined;
		else params[part.slice(1)] = decodeSegment(segment);
	}
	return params;
}

/**
 * Matches on the raw, still-encoded path segments, so an id containing "%2F" or "..%2F" stays
 * one segment and can never reach another route; an unencoded "/" in an id changes the
 * segment count and gives 404, as a router would. Wrong method on a known path is 404 too (no
 * 405 from Feishu's gateway).
 */
export function matchRoute(method: string, rawUrl: string): Route | undefined {
	const q = rawUrl.indexOf('?');
	const segments = (q >= 0 ? rawUrl.slice(0, q) : rawUrl).split('/');
	for (const t of TEMPLATES) {
		if (!t.methods.includes(method)) continue;
		const params = matchSegments(t.segments, segments);
		if (params) {
			const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
			return { endpoint: t.endpoint, params, query };
		}
	}
	return undefined;
}

/** The ids a request names, for FaultOptions.id matching. */
export function routeIds(route: Route): string[] {
	const fromQuery = ROUTE_TABLE[route.endpoint].idQuery ?? [];
	return [
		...Object.values(route.params).map((v) => v ?? ''),
		...fromQuery.map((name) => route.query.get(name) ?? ''),
	];
}
