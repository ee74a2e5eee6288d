import { NodeOperationError } from 'n8n-workflow';

import { WIKI_NODE, type FeishuEndpoint, type WikiObjectType } from '../catalogue';
import type { ExecutionContext } from '../execution';
import { wikiNodeTarget } from '../sources/wiki-node';
import { buildRequest, type ParameterValues } from '../transport/build-request';
import { fetchJson } from '../transport/request';
import type { ItemInput } from './handler';

const WHAT: Record<WikiObjectType, string> = {
	docx: 'a docx document',
	file: 'a Drive file',
	bitable: 'a Base',
};

/** A wiki link carries a wiki node token: ask Feishu what the page holds, and its token. */
export async function resolveWikiToken(
	execution: ExecutionContext,
	wikiToken: string,
	expected: WikiObjectType,
	itemIndex: number,
): Promise<string> {
	const request = buildRequest(WIKI_NODE, { token: wikiToken }, itemIndex, execution.connection);
	const data = await fetchJson(execution.ctx, request, execution.transport);
	const target = wikiNodeTarget(data, expected);
	if (!target.ok) {
		throw new NodeOperationError(
			execution.ctx.getNode(),
			`The wiki page is a ${target.objType} page, not ${WHAT[expected]}`,
			{ itemIndex, description: `This operation takes ${WHAT[expected]}.` },
		);
	}
	return target.objToken;
}

/** The item's values with every wiki token replaced by the token of what its page holds. */
export async function resolveWikiValues(
	execution: ExecutionContext,
	endpoint: FeishuEndpoint,
	item: ItemInput,
): Promise<ParameterValues> {
	const values = { ...item.values };
	for (const name of item.wikiTokens) {
		const expected = endpoint.parameters.find((p) => p.name === name)?.url?.wikiHolds ?? 'docx';
		values[name] = await resolveWikiToken(
			execution,
			String(values[name]),
			expected,
			item.itemIndex,
		);
	}
	return values;
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
		documentId: await resolveWikiToken(execution, given, 'docx', item.itemIndex),
		wikiToken: given,
	};
}
