/**
 * wiki-v2 spaces/get_node: the node a wiki token (or a document's token and type) names. Nodes
 * are built here from addWikiNode's options and stored per wiki token.
 */
import type { IncomingMessage } from 'node:http';
import { checkBearer } from './bearer';
import { GET } from './endpoint-spec';
import { WIKI_ERRORS } from './errors';
import type { Reply } from './reply';
import type { EmulatedEndpoint, RouteContext } from './route-context';
import type { Route } from './route-match';
import type { WikiNode, WikiNodeOptions, WikiObjType } from './types';

export type StoredWikiNode = { node: WikiNode; forbidden: boolean };
export type WikiNodeStore = Map<string, StoredWikiNode>;

const WIKI_OBJ_TYPES: ReadonlySet<string> = new Set<WikiObjType>([
	'doc',
	'docx',
	'sheet',
	'mindnote',
	'bitable',
	'file',
	'slides',
]);

/** The node get_node answers with for `wikiToken`, a node of its own space. */
export function buildWikiNode(wikiToken: string, opts: WikiNodeOptions): StoredWikiNode {
	const spaceId = opts.spaceId ?? '7000000000000000001';
	const node: WikiNode = {
		space_id: spaceId,
		node_token: wikiToken,
		obj_token: opts.objToken,
		obj_type: opts.objType ?? 'docx',
		parent_node_token: '',
		node_type: 'origin',
		origin_node_token: wikiToken,
		origin_space_id: spaceId,
		has_child: false,
		title: opts.title ?? '',
		obj_create_time: '1700000000',
		obj_edit_time: '1700000000',
		node_create_time: '1700000000',
		creator: 'ou_emulator_creator',
		owner: 'ou_emulator_creator',
	};
	return { node, forbidden: opts.forbidden ?? false };
}

/** obj_type wiki (default) looks the token up as a wiki token, others as a document token. */
async function serveWikiNode(
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
	{ query }: Route,
): Promise<void> {
	if (!(await checkBearer(ctx, req, reply))) return;
	const token = query.get('token');
	const objType = query.get('obj_type') || 'wiki';
	if (!token || (objType !== 'wiki' && !WIKI_OBJ_TYPES.has(objType))) return reply.error(131002);
	const stored =
		objType === 'wiki'
			? ctx.wikiNodes.get(token)
			: [...ctx.wikiNodes.values()].find(
					(w) => w.node.obj_token === token && w.node.obj_type === objType,
				);
	if (!stored) return reply.error(131005);
	if (stored.forbidden) return reply.error(131006);
	return reply.json(200, { code: 0, msg: 'success', data: { node: { ...stored.node } } });
}

export const WIKI_NODE_ENDPOINT: EmulatedEndpoint = {
	name: 'wikiNode',
	methods: GET,
	path: '/open-apis/wiki/v2/spaces/get_node',
	doc: 'https://open.feishu.cn/document/server-docs/docs/wiki-v2/space-node/get_node',
	errors: WIKI_ERRORS,
	rateLimit: { limit: 100, windowMs: 60_000 },
	rateLimitStatus: 429,
	notFound: { code: 131005 },
	idQuery: ['token'],
	serve: serveWikiNode,
};
