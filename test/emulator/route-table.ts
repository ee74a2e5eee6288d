/**
 * Every endpoint the emulator answers, in one table: route-match.ts matches requests against it and
 * the request pipeline (server.ts) hands each routed request to its entry's `serve`.
 *
 * A new route family (event delivery, a Base table, whiteboard nodes …): one file exporting an
 * EmulatedEndpoint per endpoint (its EndpointSpec and handler, see route-context.ts), its
 * names added to EndpointName and its entries to ROUTE_TABLE below. A new file download is an
 * entry of FILE_ENDPOINTS instead (file-endpoints.ts).
 */
import { CONSENT_PAGE_ENDPOINT } from './consent-page';
import { DOCUMENT_BLOCKS_ENDPOINT } from './docx';
import { FILE_DOWNLOAD_ENDPOINTS } from './file-downloads';
import type { DownloadEndpoint } from './file-endpoints';
import { OAUTH_TOKEN_ENDPOINT } from './oauth-token';
import type { EmulatedEndpoint } from './route-context';
import {
	BITABLE_FIELDS_ENDPOINT,
	BITABLE_SEARCH_ENDPOINT,
	WHITEBOARD_NODES_ENDPOINT,
} from './sources/endpoints';
import type { SourceJsonEndpoint } from './sources/types';
import { TENANT_TOKEN_ENDPOINT } from './tenant-token';
import { WIKI_NODE_ENDPOINT } from './wiki';

export type EndpointName =
	| DownloadEndpoint
	| 'token'
	| 'documentBlocks'
	| 'wikiNode'
	| 'oauthToken'
	| 'oauthAuthorize'
	| SourceJsonEndpoint;

/** Every endpoint by name: its spec (route, page, errors, limits) and its handler. */
export const ROUTE_TABLE: { readonly [K in EndpointName]: EmulatedEndpoint } = {
	token: TENANT_TOKEN_ENDPOINT,
	documentBlocks: DOCUMENT_BLOCKS_ENDPOINT,
	wikiNode: WIKI_NODE_ENDPOINT,
	oauthAuthorize: CONSENT_PAGE_ENDPOINT,
	oauthToken: OAUTH_TOKEN_ENDPOINT,
	bitableFields: BITABLE_FIELDS_ENDPOINT,
	bitableSearch: BITABLE_SEARCH_ENDPOINT,
	whiteboardNodes: WHITEBOARD_NODES_ENDPOINT,
	...FILE_DOWNLOAD_ENDPOINTS,
};

/** The names of every endpoint the emulator answers. */
export const EMULATED_ENDPOINTS = Object.keys(ROUTE_TABLE) as readonly EndpointName[];
