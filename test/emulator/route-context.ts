/**
 * What a route family's handler sees of the emulator: its settings, the tokens and grants it
 * issued, and the fixtures tests added. A route family is one file exporting an
 * EmulatedEndpoint per endpoint (its EndpointSpec and the handler serving it), registered in
 * route-table.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { DocumentStore } from './docx';
import type { EndpointSpec } from './endpoint-spec';
import type { DownloadEndpoint, FileStores } from './file-endpoints';
import type { Reply } from './reply';
import type { Route } from './route-match';
import type { Sources } from './sources';
import type { OAuthGrants, TokenStore } from './tokens';
import type { WikiNodeStore } from './wiki';

/** The emulator's settings a handler reads; tests may change the mutable ones between requests. */
export interface EmulatorSettings {
	readonly appId: string;
	readonly helpdeskId: string;
	readonly helpdeskToken: string;
	readonly tokenTtlSeconds: number;
	readonly invalidTokenStatus: number;
	readonly oauthClientId: string;
	readonly oauthClientSecret: string;
	readonly appName: string;
	readonly userTokenTtlSeconds: number;
	readonly refreshTokenTtlSeconds: number;
}

/** Fixtures of each file endpoint, keyed as its entry in file-endpoints.ts looks them up. */
export type FileMaps = { [K in DownloadEndpoint]: Map<string, FileStores[K]> };

export interface RouteContext {
	readonly settings: EmulatorSettings;
	readonly tokens: TokenStore;
	readonly grants: OAuthGrants;
	/** app_id -> app_secret of every app the token endpoint knows. */
	readonly apps: ReadonlyMap<string, string>;
	readonly files: FileMaps;
	readonly documents: DocumentStore;
	readonly wikiNodes: WikiNodeStore;
	/** Issue 17's sources: ranged answers, Drive files, Bases, whiteboard nodes (sources/). */
	readonly sources: Sources;
}

/**
 * Answers one routed request, after the pipeline (server.ts) logged, counted, rate-limited and
 * applied any fault that did not answer by itself.
 */
export type RouteHandler = (
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
	route: Route,
) => Promise<void>;

/** One endpoint of the route table: what it is and who serves it. */
export interface EmulatedEndpoint extends EndpointSpec {
	readonly serve: RouteHandler;
}
