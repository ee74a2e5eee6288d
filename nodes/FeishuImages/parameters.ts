import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { TOKEN_CHARACTERS, type DownloadEndpoint, type EndpointParameter } from './catalogue';
import type { ParameterValues } from './transport/build-request';
import { inputError } from './transport/errors';

/**
 * Feishu IDs and tokens are short runs of letters, digits, "_", "-" (and, rarely, "." or "=").
 * Anything else — "/", "?", "#", "%", "@", "..", white space, control or non-ASCII characters —
 * could steer the request to another path or host, so it is refused before anything is sent.
 */
const ID_PATTERN = new RegExp(`^[${TOKEN_CHARACTERS}]{1,256}$`);

/** A Feishu token that is safe to put into a URL path: what a listing hands over is checked too. */
export function isValidId(value: string): boolean {
	return ID_PATTERN.test(value) && !value.includes('..');
}

function describeValue(value: string): string {
	const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
	return JSON.stringify(shown);
}

export function validateId(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	raw: unknown,
	itemIndex: number,
): string {
	const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw inputError(ctx.getNode(), `${parameter.label} must be text`, itemIndex);
	}
	if (!value) {
		throw inputError(
			ctx.getNode(),
			`${parameter.label} is empty`,
			itemIndex,
			`Enter the ${parameter.label}. ${parameter.description}`,
		);
	}
	if (!isValidId(value)) {
		throw inputError(
			ctx.getNode(),
			`${parameter.label} ${describeValue(value)} is not a valid Feishu ID`,
			itemIndex,
			`A ${parameter.label} has up to 256 letters, digits, "_", "-", "." or "=". Paste the ID alone, not a URL or a path.`,
		);
	}
	return value;
}

export function validateIndex(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	raw: unknown,
	itemIndex: number,
): number {
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000) {
		throw inputError(
			ctx.getNode(),
			`${parameter.label} must be a whole number from 0 up, not ${JSON.stringify(raw)}`,
			itemIndex,
			'The index counts the images of a rich-text (post) message from 0.',
		);
	}
	return value;
}

function validateChoice(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	raw: unknown,
	itemIndex: number,
): string {
	const allowed = (parameter.choices ?? []).map((c) => c.value);
	if (typeof raw !== 'string' || !allowed.includes(raw)) {
		throw inputError(
			ctx.getNode(),
			`${parameter.label} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, not ${JSON.stringify(raw)}`,
			itemIndex,
		);
	}
	return raw;
}

interface ReadValue {
	raw: unknown;
	/** The value came from a wiki link: it is a wiki node token still to be resolved. */
	viaWiki?: boolean;
}

/** The "By URL" mode: pull the ID out of a Feishu/Lark link, or say which link form is wanted. */
function idFromUrl(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	url: unknown,
	itemIndex: number,
): ReadValue {
	const text = typeof url === 'string' ? url : '';
	for (const pattern of parameter.url?.patterns ?? []) {
		const match = new RegExp(pattern.regex).exec(text);
		if (match) return { raw: match[1], viaWiki: pattern.kind === 'wiki' };
	}
	const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
	throw inputError(
		ctx.getNode(),
		`${JSON.stringify(shown)} is not a link to a ${parameter.label.toLowerCase()}`,
		itemIndex,
		`Paste a Feishu or Lark link such as ${parameter.url?.example ?? ''}, or switch the field to "By ID".`,
	);
}

function readParameter(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	itemIndex: number,
): ReadValue {
	if (parameter.type === 'index') {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as Record<string, unknown>;
		return { raw: options[parameter.name] };
	}
	if (parameter.type === 'choice')
		return { raw: ctx.getNodeParameter(parameter.name, itemIndex, '') };
	const locator = ctx.getNodeParameter(parameter.name, itemIndex, '') as
		INodeParameterResourceLocator | string;
	if (typeof locator !== 'object' || locator === null) return { raw: locator };
	if (locator.mode === 'url') return idFromUrl(ctx, parameter, locator.value, itemIndex);
	return { raw: locator.value };
}

export interface ItemParameters {
	values: ParameterValues;
	/** Parameters whose value is a wiki node token (from a wiki link), to resolve first. */
	wikiTokens: string[];
}

/** An item's parameters for the endpoint, validated: bad input never leaves the node. */
export function readItemParameters(
	ctx: IExecuteFunctions,
	endpoint: DownloadEndpoint,
	itemIndex: number,
): ItemParameters {
	const values: ParameterValues = {};
	const wikiTokens: string[] = [];
	for (const parameter of endpoint.parameters) {
		if (parameter.internal) continue;
		const { raw, viaWiki } = readParameter(ctx, parameter, itemIndex);
		if (raw === undefined && !parameter.required) continue;
		values[parameter.name] =
			parameter.type === 'index'
				? validateIndex(ctx, parameter, raw, itemIndex)
				: parameter.type === 'choice'
					? validateChoice(ctx, parameter, raw, itemIndex)
					: validateId(ctx, parameter, raw, itemIndex);
		if (viaWiki) wikiTokens.push(parameter.name);
	}
	return { values, wikiTokens };
}
