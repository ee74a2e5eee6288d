/** Wiki: no operation of its own. Its lookup resolves a wiki link to the document it shows. */
import type { FeishuEndpoint, ResourceRows } from './types';

export const WIKI_NODE: FeishuEndpoint = {
	key: 'wikiNode',
	name: 'Wiki Node',
	method: 'GET',
	path: '/open-apis/wiki/v2/spaces/get_node',
	parameters: [
		{
			name: 'token',
			label: 'Wiki Token',
			apiName: 'token',
			in: 'query',
			kind: 'internal',
			required: true,
			description: 'The wiki node token of a wiki link, https://<tenant>.feishu.cn/wiki/<token>',
		},
	],
	fixedQuery: { obj_type: 'wiki' },
	tokenKinds: ['tenant', 'user'],
	scopes: ['wiki:wiki:readonly', 'wiki:wiki', 'wiki:node:read'],
	rateLimits: [{ requests: 100, perMs: 60_000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node',
	codes: {
		131002: {
			httpStatus: 400,
			msg: 'param err',
			hint: 'Feishu refused the wiki token. Check the wiki link: paste it whole, as the browser shows it.',
			kind: 'fatal',
		},
		131005: {
			httpStatus: 400,
			msg: 'not found',
			hint: 'No such wiki page, or the app cannot see it. Add the app to the wiki space or the page.',
			kind: 'fatal',
		},
		131006: {
			httpStatus: 400,
			msg: 'permission denied',
			hint: 'The app cannot read this wiki page. Add the app to the wiki space or the page.',
			kind: 'fatal',
		},
	},
};

export const WIKI_ROWS: ResourceRows = {
	endpoints: [WIKI_NODE],
	operations: [],
};
