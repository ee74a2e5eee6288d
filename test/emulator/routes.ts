/** Request routing: which Feishu endpoint a raw request target names. */
export type Route =
	| { endpoint: 'token' }
	/** id is undefined when the path segment has broken %-encoding. */
	| { endpoint: 'whiteboard' | 'messageImage' | 'baikeFile'; id: string | undefined }
	| { endpoint: 'ticketImage'; query: URLSearchParams };

function decodeSegment(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/**
 * Matches on the raw, still-encoded path segments, so an id containing
 * "%2F" or "..%2F" stays one segment and can never reach another route; an
 * unencoded "/" in an id changes the segment count and gives 404, as a
 * router would. Wrong method on a known path is 404 too (no 405 from Feishu's
 * gateway).
 */
export function matchRoute(method: string, rawUrl: string): Route | undefined {
	const q = rawUrl.indexOf('?');
	const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
	const s = path.split('/');
	const at = (i: number): string => s[i] ?? '';
	if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') return { endpoint: 'token' };
	if (method !== 'GET' || at(0) !== '' || at(1) !== 'open-apis' || at(3) !== 'v1') return undefined;
	const id = at(5);
	if (s.length === 7 && at(2) === 'board' && at(4) === 'whiteboards' && id !== '' && at(6) === 'download_as_image') {
		return { endpoint: 'whiteboard', id: decodeSegment(id) };
	}
	if (s.length === 6 && at(2) === 'im' && at(4) === 'images' && id !== '') {
		return { endpoint: 'messageImage', id: decodeSegment(id) };
	}
	if (s.length === 7 && at(2) === 'baike' && at(4) === 'files' && id !== '' && at(6) === 'download') {
		return { endpoint: 'baikeFile', id: decodeSegment(id) };
	}
	if (path === '/open-apis/helpdesk/v1/ticket_images') {
		return { endpoint: 'ticketImage', query: new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '') };
	}
	return undefined;
}

/** The ids a request names, for FaultOptions.id matching. */
export function routeIds(route: Route): string[] {
	switch (route.endpoint) {
		case 'token':
			return [];
		case 'ticketImage':
			return [route.query.get('ticket_id') ?? '', route.query.get('msg_id') ?? ''];
		default:
			return [route.id ?? ''];
	}
}

