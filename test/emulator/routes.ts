/** Request routing: which Feishu endpoint a raw request target names. */
export type Route =
	| { endpoint: 'token' | 'oauthToken' }
	/** id is undefined when the path segment has broken %-encoding. */
	| { endpoint: 'whiteboard' | 'messageImage' | 'baikeFile' | 'lingoFile'; id: string | undefined }
	| { endpoint: 'documentBlocks'; id: string | undefined; query: URLSearchParams }
	| {
			endpoint: 'messageResource';
			messageId: string | undefined;
			fileKey: string | undefined;
			query: URLSearchParams;
	  }
	| { endpoint: 'ticketImage' | 'wikiNode'; query: URLSearchParams };

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
	const query = (): URLSearchParams => new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
	const s = path.split('/');
	const at = (i: number): string => s[i] ?? '';
	if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal')
		return { endpoint: 'token' };
	if (method === 'POST' && path === '/open-apis/authen/v2/oauth/token')
		return { endpoint: 'oauthToken' };
	if (method !== 'GET' || at(0) !== '' || at(1) !== 'open-apis') return undefined;
	if (path === '/open-apis/wiki/v2/spaces/get_node')
		return { endpoint: 'wikiNode', query: query() };
	if (at(3) !== 'v1') return undefined;
	const id = at(5);
	if (
		s.length === 7 &&
		at(2) === 'board' &&
		at(4) === 'whiteboards' &&
		id !== '' &&
		at(6) === 'download_as_image'
	) {
		return { endpoint: 'whiteboard', id: decodeSegment(id) };
	}
	if (s.length === 6 && at(2) === 'im' && at(4) === 'images' && id !== '') {
		return { endpoint: 'messageImage', id: decodeSegment(id) };
	}
	if (
		s.length === 7 &&
		at(2) === 'baike' &&
		at(4) === 'files' &&
		id !== '' &&
		at(6) === 'download'
	) {
		return { endpoint: 'baikeFile', id: decodeSegment(id) };
	}
	if (
		s.length === 7 &&
		at(2) === 'lingo' &&
		at(4) === 'files' &&
		id !== '' &&
		at(6) === 'download'
	) {
		return { endpoint: 'lingoFile', id: decodeSegment(id) };
	}
	if (
		s.length === 7 &&
		at(2) === 'docx' &&
		at(4) === 'documents' &&
		id !== '' &&
		at(6) === 'blocks'
	) {
		return { endpoint: 'documentBlocks', id: decodeSegment(id), query: query() };
	}
	if (
		s.length === 8 &&
		at(2) === 'im' &&
		at(4) === 'messages' &&
		id !== '' &&
		at(6) === 'resources' &&
		at(7) !== ''
	) {
		return {
			endpoint: 'messageResource',
			messageId: decodeSegment(id),
			fileKey: decodeSegment(at(7)),
			query: query(),
		};
	}
	if (path === '/open-apis/helpdesk/v1/ticket_images')
		return { endpoint: 'ticketImage', query: query() };
	return undefined;
}

/** The ids a request names, for FaultOptions.id matching. */
export function routeIds(route: Route): string[] {
	switch (route.endpoint) {
		case 'token':
		case 'oauthToken':
			return [];
		case 'ticketImage':
			return [route.query.get('ticket_id') ?? '', route.query.get('msg_id') ?? ''];
		case 'wikiNode':
			return [route.query.get('token') ?? ''];
		case 'messageResource':
			return [route.messageId ?? '', route.fileKey ?? ''];
		default:
			return [route.id ?? ''];
	}
}
