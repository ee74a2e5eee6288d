/**
 * What the emulator knows of one Feishu endpoint, whatever serves it: its route, its Feishu page,
 * its own error table (errors.ts, transcribed from that page, never from the node's catalogue),
 * its documented rate limit and how it says "not found". route-match.ts routes by these, the request
 * pipeline (server.ts) limits and faults by them.
 */
import type { FeishuError } from './errors';
import type { EndpointName } from './route-table';

export type ErrorTable = Readonly<Record<number, FeishuError>>;

/** At most `limit` requests in any `windowMs`. */
export interface RateLimit {
	readonly limit: number;
	readonly windowMs: number;
}

/**
 * How an endpoint refuses a request: a Feishu code (its HTTP status from the tables), or an
 * HTTP status without one (drive media's page documents statuses only).
 */
export type Refusal = { readonly code: number } | { readonly status: number };

export interface EndpointSpec {
	readonly name: EndpointName;
	readonly methods: readonly string[];
	/** Path template; `:name` segments are parameters, matched on the raw, still-encoded path. */
	readonly path: string;
	/** Feishu's page for the endpoint. */
	readonly doc: string;
	/** Looked up first for the codes this endpoint answers (then the platform's, then all). */
	readonly errors: ErrorTable;
	/** The documented limit: what x-ogw-ratelimit-limit says when a test sets none. */
	readonly rateLimit: RateLimit;
	/** HTTP status of 99991400: 429 on newer APIs, 400 on older ones (docx). */
	readonly rateLimitStatus: 429 | 400;
	/** The endpoint's "no such resource": what jsonOn200 sends when it names no code. */
	readonly notFound: Refusal;
	/** Query parameters that name ids for FaultOptions.id (path parameters always do). */
	readonly idQuery?: readonly string[];
}

export const GET = ['GET'] as const;
export const POST = ['POST'] as const;
export const perSecond = (limit: number): RateLimit => ({ limit, windowMs: 1000 });

/**
 * A Drive file by its `file_token` (drive media, Drive files): none or deleted is not found, one
 * the caller may not read is a 403 (both pages document statuses, no codes).
 */
export function driveTokenLookup<
	F extends { readonly deleted?: boolean; readonly forbidden?: boolean },
>(
	{ params }: { readonly params: Readonly<Record<string, string>> },
	store: ReadonlyMap<string, F>,
): F | Refusal | undefined {
	const file = store.get(params['file_token'] ?? '');
	if (!file || file.deleted) return undefined;
	return file.forbidden ? { status: 403 } : file;
}
