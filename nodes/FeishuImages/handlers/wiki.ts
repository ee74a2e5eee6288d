import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { WIKI_NODE } from '../catalogue';
import type { ExecutionContext } from '../execution';
import { buildRequest } from '../transport/build-request';
import { fetchJson } from '../transport/request';
import type { ItemInput } from './handler';

/** A wiki link carries a wiki node token: ask Feishu which document the page shows. */
async function resolveWikiDocument(
	execution: ExecutionContext,
	wikiToken: string,
	itemIndex: number,
): Promise<string> {
	const request = buildRequest(WIKI_NODE, { token: wikiToken }, itemIndex, execution.connection);
	const data = await fetchJson(execution.ctx, request, execution.transport);
	const node = (data.node ?? {}) as IDataObject;
	if (node.obj_type !== 'docx' || typeof node.obj_token !== 'string') {
		throw new NodeOperationError(
			execution.ctx.getNode(),
			`The wiki page is a ${String(node.obj_type ?? 'unknown')} page, not a docx document`,
			{ itemIndex, description: 'Only docx documents hold whiteboard blocks.' },
		);
	}
	return node.obj_token;
}

/** The document an item names: its ID, or the document behind the wiki link it was given. */
export async function documentOf(
	execution: ExecutionContext,
	item: ItemInput,
	parameter: string,
): Promise<{ documentId: string; wikiToken?: string }> {
	const given = String(item.values[parameter]);
	if (!item.wikiTokens.includes(parameter)) return { documentId: given };
	return {
		documentId: await resolveWikiDocument(execution, given, item.itemIndex),
		wikiToken: given,
	};
}
