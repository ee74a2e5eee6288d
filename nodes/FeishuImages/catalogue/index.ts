/**
 * THE catalogue: one file per resource, each with its Feishu endpoints (path, parameters, token
 * kinds, scopes, limits, documented codes, the page they were transcribed from) and the
 * operations the node offers on them (names, handler, options, file naming). The UI,
 * validation, request, pacing and error messages are all derived from it. A new resource is
 * one new file and its line in `RESOURCES` below.
 */
import { BASE_ROWS, BITABLE_FIELDS, BITABLE_SEARCH } from './base';
import { documentedCode, type DocumentedCode } from './codes';
import { DICTIONARY_ROWS } from './dictionary';
import { DOCUMENT_ROWS } from './document';
import { DRIVE_FILE_ROWS } from './drive-file';
import { DRIVE_MEDIA, DRIVE_MEDIA_DOWNLOAD, DRIVE_MEDIA_ROWS } from './drive-media';
import { HELPDESK_ROWS } from './helpdesk';
import { MESSAGE_ROWS } from './message';
import { MESSAGE_IMAGE_ROWS } from './message-image';
import type { EndpointKey, FeishuEndpoint, FeishuOperation, ResourceRows } from './types';
import { WHITEBOARD, WHITEBOARD_NODES, WHITEBOARD_ROWS } from './whiteboard';
import { WIKI_NODE, WIKI_ROWS } from './wiki';

export type * from './types';
export * from './codes';
export { ID_CLASS, isFeishuHost, isFeishuToken, MAX_ID_LENGTH, TOKEN_CHARACTERS } from './links';
export { PICTURE_BLOCKS } from './document';
export {
	BITABLE_FIELDS,
	BITABLE_SEARCH,
	DRIVE_MEDIA,
	DRIVE_MEDIA_DOWNLOAD,
	WHITEBOARD,
	WHITEBOARD_NODES,
	WIKI_NODE,
};

/** One line per resource, in the order of the node's Resource field. */
const RESOURCES: ResourceRows[] = [
	WHITEBOARD_ROWS,
	MESSAGE_IMAGE_ROWS,
	HELPDESK_ROWS,
	DICTIONARY_ROWS,
	MESSAGE_ROWS,
	DOCUMENT_ROWS,
	DRIVE_MEDIA_ROWS,
	DRIVE_FILE_ROWS,
	BASE_ROWS,
	WIKI_ROWS,
];

/** Every Feishu endpoint the node calls (unique keys, see test/catalogue.test.ts). */
export const ENDPOINTS: FeishuEndpoint[] = RESOURCES.flatMap((r) => r.endpoints);

/** The operations the node offers, in the order of its Resource and Operation fields. */
export const OPERATIONS: FeishuOperation[] = RESOURCES.flatMap((r) => r.operations);

export function findOperation(resource: string, operation: string): FeishuOperation | undefined {
	return OPERATIONS.find((o) => o.resource === resource && o.operation === operation);
}

export function findEndpoint(key: EndpointKey): FeishuEndpoint {
	const endpoint = ENDPOINTS.find((e) => e.key === key);
	if (!endpoint) throw new Error(`No endpoint "${key}" in the catalogue`);
	return endpoint;
}

/** Every endpoint an operation may call, the one its fields are for first. */
export function endpointsOf(operation: FeishuOperation): FeishuEndpoint[] {
	return [operation.endpoint, ...(operation.alsoCalls ?? [])];
}

/** Feishu accepts a user's token on every endpoint the operation calls. */
export function acceptsUserToken(operation: FeishuOperation): boolean {
	return endpointsOf(operation).every((e) => e.tokenKinds.includes('user'));
}

/** Resources Feishu serves to the app identity only: none of their operations takes a user token. */
export const APP_ONLY_RESOURCES: string[] = [...new Set(OPERATIONS.map((o) => o.resource))].filter(
	(resource) => !OPERATIONS.some((o) => o.resource === resource && acceptsUserToken(o)),
);

/** A documented code's meaning for this endpoint, falling back to the platform-wide codes. */
export function documentedError(
	endpoint: FeishuEndpoint,
	code: number,
	msg?: string,
): DocumentedCode | undefined {
	return documentedCode(endpoint.codes, code, msg);
}
