import type { IExecuteFunctions } from 'n8n-workflow';

import type { FeishuEndpoint } from './catalogue';
import { userKindOf } from './parameter-kinds';
import type { ParameterValues } from './transport/build-request';

export interface ItemParameters {
	values: ParameterValues;
	/** Parameters whose value is a wiki node token (from a wiki link), to resolve first. */
	wikiTokens: string[];
}

/** An item's parameters for the endpoint, validated: bad input never leaves the node. */
export function readItemParameters(
	ctx: IExecuteFunctions,
	endpoint: FeishuEndpoint,
	itemIndex: number,
): ItemParameters {
	const values: ParameterValues = {};
	const wikiTokens: string[] = [];
	for (const parameter of endpoint.parameters) {
		const kind = userKindOf(parameter);
		if (!kind) continue;
		const stored =
			kind.place === 'option'
				? (ctx.getNodeParameter('options', itemIndex, {}) as Record<string, unknown>)[
						parameter.name
					]
				: ctx.getNodeParameter(parameter.name, itemIndex, '');
		const { raw, viaWiki } = kind.unstore(ctx, parameter, stored, itemIndex);
		const empty = raw === undefined || (typeof raw === 'string' && raw.trim() === '');
		if (empty && !parameter.required) continue;
		values[parameter.name] = kind.validate(ctx, parameter, raw, itemIndex);
		if (viaWiki) wikiTokens.push(parameter.name);
	}
	return { values, wikiTokens };
}
