import type { IDataObject } from 'n8n-workflow';

import type { FeishuEndpoint } from '../catalogue';
import type { Connection } from './connection';

/** Validated parameter values by n8n parameter name (see parameters.ts). */
export type ParameterValues = Record<string, string | number>;

export interface DownloadRequest {
	endpoint: FeishuEndpoint;
	url: string;
	qs: Record<string, string>;
	headers: Record<string, string>;
	/** A POST endpoint's JSON body (records/search), set by its handler. */
	body?: IDataObject;
	itemIndex: number;
}

/**
 * Validated values → the request: every ID URL-encoded into its place in the path, query
 * values after the endpoint's fixed ones, the helpdesk header where the endpoint needs it.
 */
export function buildRequest(
	endpoint: FeishuEndpoint,
	values: ParameterValues,
	itemIndex: number,
	connection: Pick<Connection, 'baseUrl' | 'helpdeskAuthorization'>,
): DownloadRequest {
	const qs: Record<string, string> = { ...endpoint.fixedQuery };
	let path = endpoint.path;
	for (const parameter of endpoint.parameters) {
		const value = values[parameter.name];
		if (value === undefined || parameter.in === 'body') continue;
		if (parameter.in === 'path') {
			path = path.replace(`{${parameter.apiName}}`, encodeURIComponent(String(value)));
		} else {
			qs[parameter.apiName] = String(value);
		}
	}
	const headers: Record<string, string> = {};
	if (endpoint.helpdeskHeader) {
		headers['X-Lark-Helpdesk-Authorization'] = connection.helpdeskAuthorization(itemIndex);
	}
	return { endpoint, url: `${connection.baseUrl}${path}`, qs, headers, itemIndex };
}
