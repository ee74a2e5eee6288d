/**
 * The one handler of every file endpoint, driven by its entry in file-endpoints.ts: the access
 * token and its kind, the path parameters, the entry's own checks and look-up, then the
 * fixture's bytes (or the part a Range header asks for).
 */
import type { IncomingMessage } from 'node:http';
import { checkBearer } from './bearer';
import type { Refusal } from './endpoint-spec';
import { ERROR_CODES } from './errors';
import { DOWNLOAD_ENDPOINTS, FILE_ENDPOINTS } from './file-endpoints';
import type { DownloadEndpoint, FileRequest } from './file-endpoints';
import type { Reply } from './reply';
import type { EmulatedEndpoint, RouteContext } from './route-context';
import type { Route } from './route-match';

function refuse(reply: Reply, refusal: Refusal): Promise<void> {
	return 'code' in refusal ? reply.error(refusal.code) : reply.bare(refusal.status);
}

async function serveFile<K extends DownloadEndpoint>(
	endpoint: K,
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
	route: Route,
): Promise<void> {
	const kind = await checkBearer(ctx, req, reply);
	if (!kind) return;
	const spec = FILE_ENDPOINTS[endpoint];
	const params: Record<string, string> = {};
	for (const [name, value] of Object.entries(route.params)) {
		if (value === undefined) return refuse(reply, spec.invalid);
		params[name] = value;
	}
	const { helpdeskId, helpdeskToken } = ctx.settings;
	const request: FileRequest = {
		params,
		query: route.query,
		headers: req.headers,
		app: { helpdeskId, helpdeskToken },
	};
	const refusal = spec.tokens.includes(kind)
		? spec.precheck?.(request)
		: (spec.wrongToken ?? { code: ERROR_CODES.invalidToken });
	if (refusal) return refuse(reply, refusal);
	const found = spec.lookup(request, ctx.files[endpoint]) ?? spec.notFound;
	if (!('body' in found)) return refuse(reply, found);
	const range = spec.ranges ? req.headers.range : undefined;
	// The ranged endpoints (message resources, Drive files, Drive media) answer through sources/.
	return ctx.sources.serveFile(endpoint, request, reply, found) ?? reply.file(found, range);
}

/** Every file endpoint of FILE_ENDPOINTS as a route table entry, served by serveFile. */
export const FILE_DOWNLOAD_ENDPOINTS = Object.fromEntries(
	DOWNLOAD_ENDPOINTS.map((name): [DownloadEndpoint, EmulatedEndpoint] => [
		name,
		{ ...FILE_ENDPOINTS[name], serve: (...args) => serveFile(name, ...args) },
	]),
) as { readonly [K in DownloadEndpoint]: EmulatedEndpoint };
