import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import type { DownloadEndpoint, EndpointParameter } from './catalogue';
import { inputError } from './transport/errors';
import type { DownloadRequest } from './transport/request';

/** One item's parameters, checked: what the request is built from and what the output echoes. */
export interface ItemRequest {
	request: DownloadRequest;
	ids: Record<string, string | number>;
	/** The value that names the file when Feishu sends no name. */
	fallbackBaseName: string;
}

/**
 * Feishu IDs and tokens are short runs of letters, digits, "_", "-" (and, rarely, "." or "=").
 * Anything else — "/", "?", "#", "%", "@", "..", white space, control or non-ASCII characters —
 * could steer the request to another path or host, so it is refused before anything is sent.
 */
const ID_PATTERN = /^[A-Za-z0-9_.=-]{1,256}$/;

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
		throw inputError(ctx.getNode(), `${parameter.label} is empty`, itemIndex, `Enter the ${parameter.label}. ${parameter.description}`);
	}
	if (!ID_PATTERN.test(value) || value.includes('..')) {
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

function readParameter(ctx: IExecuteFunctions, parameter: EndpointParameter, itemIndex: number): unknown {
	if (parameter.type === 'index') {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as Record<string, unknown>;
		return options[parameter.name];
	}
	const locator = ctx.getNodeParameter(parameter.name, itemIndex, '') as INodeParameterResourceLocator | string;
	return typeof locator === 'object' && locator !== null ? locator.value : locator;
}

/** What every request of one execution shares, read once from the credential. */
export interface Connection {
	baseUrl: string;
	/** The credential had a saved tenant_access_token when the execution started. */
	hasToken: boolean;
	/** The X-Lark-Helpdesk-Authorization value; throws a clear error when the credential lacks it. */
	helpdeskAuthorization(itemIndex: number): string;
}

/** Item parameters → a validated request for the endpoint, with every ID encoded into its place. */
export function buildItemRequest(
	ctx: IExecuteFunctions,
	endpoint: DownloadEndpoint,
	itemIndex: number,
	connection: Connection,
): ItemRequest {
	const ids: Record<string, string | number> = {};
	const qs: Record<string, string> = {};
	let path = endpoint.path;
	for (const parameter of endpoint.parameters) {
		const raw = readParameter(ctx, parameter, itemIndex);
		if (raw === undefined && !parameter.required) continue;
		const value =
			parameter.type === 'index'
				? validateIndex(ctx, parameter, raw, itemIndex)
				: validateId(ctx, parameter, raw, itemIndex);
		ids[parameter.name] = value;
		if (parameter.in === 'path') path = path.replace(`{${parameter.apiName}}`, encodeURIComponent(String(value)));
		else qs[parameter.apiName] = String(value);
	}
	const headers: Record<string, string> = {};
	if (endpoint.helpdeskAuth) headers['X-Lark-Helpdesk-Authorization'] = connection.helpdeskAuthorization(itemIndex);
	return {
		request: { endpoint, url: `${connection.baseUrl}${path}`, qs, headers, itemIndex },
		ids,
		fallbackBaseName: String(ids[endpoint.fileNameFrom]),
	};
}
