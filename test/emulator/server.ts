/**
 * A Feishu (Lark) Open API emulator for tests: node:http on 127.0.0.1, a
 * random port, no dependencies. It answers the token endpoint and the file
 * downloads of endpoints.ts with the status codes, error codes, messages and
 * headers of their Feishu pages, and lets a test inject the failures a real
 * network and gateway produce. It also answers the docx block list, wiki
 * get_node and the OAuth v2 (user_access_token) token endpoint.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
	DOWNLOAD_ENDPOINTS,
	ENDPOINT_SPECS,
	ENDPOINTS,
	FILE_ENDPOINTS,
	isDownloadEndpoint,
	pairKey,
} from './endpoints';
import type { FileRequest, FileStores, Refusal } from './endpoints';
import { ERROR_CODES } from './errors';
import { FaultQueue, RandomFaults, SlidingWindowLimiter } from './faults';
import {
	imageSize,
	makeGif,
	makeJpeg,
	makePng,
	makeSvg,
	sha256OfPattern,
	sniffImageMime,
} from './images';
import { Reply } from './reply';
import type { FileFixture } from './reply';
import { matchRoute, routeIds } from './routes';
import type { Route } from './routes';
import { OAuthGrants, TokenStore } from './tokens';
import type { TokenKind } from './tokens';
import type {
	AuthorizationCodeOptions,
	BareBody,
	DocumentBlock,
	DocumentBlockInput,
	DocumentBlockSpec,
	DocumentBoard,
	DocumentImage,
	DocumentOptions,
	DownloadEndpoint,
	DriveMediaOptions,
	DriveMediaPatternOptions,
	EmulatorCounters,
	EmulatorOptions,
	EndpointName,
	Fault,
	FaultOptions,
	FileFixtureOptions,
	MessageImageOptions,
	MessageResourceOptions,
	MessageResourcePatternOptions,
	PatternFile,
	PatternFileOptions,
	RequestLogEntry,
	TicketMessageOptions,
	WhiteboardFormat,
	WhiteboardImage,
	WhiteboardOptions,
	WikiNode,
	WikiNodeOptions,
	WikiObjType,
} from './types';
import { assertHeaderSafeName } from './wire';

/** docx block list: page_size default and maximum. */
const MAX_BLOCK_PAGE = 500;
const WIKI_OBJ_TYPES: ReadonlySet<string> = new Set<WikiObjType>([
	'doc',
	'docx',
	'sheet',
	'mindnote',
	'bitable',
	'file',
	'slides',
]);
const MAX_TOKEN_BODY = 64 * 1024;

type FileMaps = { [K in DownloadEndpoint]: Map<string, FileStores[K]> };
type StoredDocument = {
	blocks: DocumentBlock[];
	pageSize: number;
	forbidden: boolean;
	deleted: boolean;
};
type StoredWikiNode = { node: WikiNode; forbidden: boolean };

function zeroCounters(): EmulatorCounters {
	const perEndpoint = (): Record<EndpointName, number> =>
		Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<EndpointName, number>;
	const requests = perEndpoint();
	return {
		tokenRequests: 0,
		oauthTokenRequests: 0,
		requests,
		downloads: requests,
		status429: 0,
		rateLimited: perEndpoint(),
		byStatus: {},
		faultsApplied: 0,
	};
}

export class FeishuEmulator {
	readonly appId: string;
	readonly appSecret: string;
	readonly helpdeskId: string;
	readonly helpdeskToken: string;
	/** Lifetime of tenant tokens issued from now on. */
	tokenTtlSeconds: number;
	/** HTTP status of 99991663 answers (Feishu: 400; some gateways: 200). */
	invalidTokenStatus: number;
	/** Delay before every answer except the two token endpoints'. */
	latencyMs: number;
	/** client_id the OAuth token endpoint accepts (default appId). */
	oauthClientId: string;
	/** client_secret the OAuth token endpoint accepts (default appSecret). */
	oauthClientSecret: string;
	/** The app's name on the OAuth consent page. */
	appName: string;
	/** Lifetime of user_access_tokens the OAuth endpoint issues from now on (default 7200). */
	userTokenTtlSeconds: number;
	/** Lifetime of refresh tokens the OAuth endpoint issues from now on (default 604800). */
	refreshTokenTtlSeconds: number;
	/** Body of answers without a Feishu code (drive media's 403 / 404 / 416): 'msg' or 'empty'. */
	bareErrorBody: BareBody;
	counters: EmulatorCounters = zeroCounters();
	requestLog: RequestLogEntry[] = [];

	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly tokens = new TokenStore();
	/** Fixtures of each file endpoint, keyed as its entry in endpoints.ts looks them up. */
	private readonly files = Object.fromEntries(
		DOWNLOAD_ENDPOINTS.map((endpoint) => [endpoint, new Map()]),
	) as FileMaps;
	private readonly documents = new Map<string, StoredDocument>();
	private readonly wikiNodes = new Map<string, StoredWikiNode>();
	private readonly grants = new OAuthGrants();
	private readonly faults = new FaultQueue();
	private randomFaults: RandomFaults | undefined;
	private readonly limiters = new Map<EndpointName, SlidingWindowLimiter>();
	/** app_id -> app_secret of every app the token endpoint knows. */
	private readonly apps = new Map<string, string>();
	private nextSeed = 1;
	private port = 0;
	private closed = false;

	private constructor(opts: EmulatorOptions) {
		this.appId = opts.appId ?? 'cli_test_app';
		this.appSecret = opts.appSecret ?? 'test-secret-value-123';
		this.helpdeskId = opts.helpdeskId ?? '7001';
		this.helpdeskToken = opts.helpdeskToken ?? 'hd-token-abc';
		this.tokenTtlSeconds = opts.tokenTtlSeconds ?? 7200;
		this.invalidTokenStatus = opts.invalidTokenStatus ?? 400;
		this.latencyMs = opts.latencyMs ?? 0;
		this.apps.set(this.appId, this.appSecret);
		this.oauthClientId = opts.oauthClientId ?? this.appId;
		this.oauthClientSecret = opts.oauthClientSecret ?? this.appSecret;
		this.appName = opts.appName ?? 'Feishu test app';
		this.userTokenTtlSeconds = opts.userTokenTtlSeconds ?? 7200;
		this.refreshTokenTtlSeconds = opts.refreshTokenTtlSeconds ?? 604800;
		this.bareErrorBody = opts.bareErrorBody ?? 'msg';
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((err: unknown) => crash(res, err));
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
	}

	static async start(opts: EmulatorOptions = {}): Promise<FeishuEmulator> {
		const emulator = new FeishuEmulator(opts);
		await new Promise<void>((resolve, reject) => {
			emulator.server.once('error', reject);
			emulator.server.listen(0, '127.0.0.1', () => {
				emulator.server.off('error', reject);
				resolve();
			});
		});
		emulator.port = (emulator.server.address() as AddressInfo).port;
		return emulator;
	}

	/** 'http://127.0.0.1:PORT', without a trailing slash. */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Stops listening, cancels pending delays and destroys open sockets, so jest can exit. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.server.closeAllConnections();
		await stopped;
	}

	// ---- fixtures: each returns the bytes it will serve ---------------------

	/**
	 * A whiteboard picture. Feishu may answer in PNG, JPEG, GIF or SVG: the Content-Type is
	 * sniffed from `bytes` (or given); without bytes a fresh picture in `opts.format`.
	 */
	addWhiteboard(id: string, bytes?: Uint8Array, opts: WhiteboardOptions = {}): Buffer {
		const fixture = this.fixture({ ...opts, bytes }, opts.format);
		this.files.whiteboard.set(id, fixture);
		return bytesOf(fixture);
	}

	/**
	 * Replaces a whiteboard's picture, as when someone edits the board between two runs:
	 * its bytes (and so its sha256) change; its file name and disposition stay unless given.
	 * Returns the new bytes.
	 */
	setWhiteboardImage(id: string, image: Uint8Array | WhiteboardImage): Buffer {
		const current = this.files.whiteboard.get(id);
		if (!current) throw new RangeError(`setWhiteboardImage: no whiteboard ${id}`);
		const opts: WhiteboardImage = image instanceof Uint8Array ? { bytes: image } : image;
		return this.addWhiteboard(id, opts.bytes, {
			fileName: current.fileName,
			dispositionStyle: current.dispositionStyle,
			...withoutUndefined(opts),
		});
	}

	/** `uploadedByApp: false` answers 234008, `deleted: true` answers 234005. */
	addMessageImage(key: string, opts: MessageImageOptions = {}): Buffer {
		const fixture = this.fixture(opts);
		this.files.messageImage.set(key, {
			...fixture,
			uploadedByApp: opts.uploadedByApp ?? true,
			deleted: opts.deleted ?? false,
		});
		return bytesOf(fixture);
	}

	/** Returns the bytes of each image, in index order (deleted ones included). */
	addTicketMessage(ticketId: string, msgId: string, opts: TicketMessageOptions): Buffer[] {
		if (opts.type === 'img' && opts.images.length !== 1) {
			throw new RangeError('addTicketMessage: an img message carries exactly one image');
		}
		const images = opts.images.map((o) => ({ ...this.fixture(o), deleted: o.deleted ?? false }));
		this.files.ticketImage.set(pairKey(ticketId, msgId), { type: opts.type, images });
		return images.map(bytesOf);
	}

	/**
	 * With `size`, the content is patternBytes(size, seed), streamed in 64 KiB
	 * chunks and never held in memory; a PatternFile describing it is returned
	 * instead of the bytes. Its default Content-Type is application/octet-stream.
	 */
	addBaikeFile(token: string, opts: PatternFileOptions): PatternFile;
	addBaikeFile(token: string, opts?: FileFixtureOptions): Buffer;
	addBaikeFile(
		token: string,
		opts: FileFixtureOptions | PatternFileOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addBaikeFile');
		this.files.baikeFile.set(token, fixture);
		return result;
	}

	/** Same fixture kinds as addBaikeFile (including streamed pattern files). */
	addLingoFile(token: string, opts: PatternFileOptions): PatternFile;
	addLingoFile(token: string, opts?: FileFixtureOptions): Buffer;
	addLingoFile(
		token: string,
		opts: FileFixtureOptions | PatternFileOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addLingoFile');
		this.files.lingoFile.set(token, fixture);
		return result;
	}

	/**
	 * A resource (image or file) of a chat message. `type` is what it is stored
	 * as (default 'image'); a request must name type=image or type=file, but
	 * is served whichever it names. With `size`, a streamed pattern file.
	 */
	addMessageResource(
		messageId: string,
		fileKey: string,
		opts: MessageResourcePatternOptions,
	): PatternFile;
	addMessageResource(messageId: string, fileKey: string, opts?: MessageResourceOptions): Buffer;
	addMessageResource(
		messageId: string,
		fileKey: string,
		opts: MessageResourceOptions | MessageResourcePatternOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addMessageResource');
		this.files.messageResource.set(pairKey(messageId, fileKey), {
			...fixture,
			type: opts.type ?? 'image',
		});
		return result;
	}

	/**
	 * A document's media for drive media download (the `image.token` of a docx image block,
	 * file blocks, sheet and bitable attachments). Served whole, or in part for a
	 * `Range: bytes=…` header (206). `forbidden: true` answers 403, `deleted: true` 404, both
	 * without a Feishu code. With `size`, a streamed pattern file.
	 */
	addDriveMedia(token: string, opts: DriveMediaPatternOptions): PatternFile;
	addDriveMedia(token: string, opts?: DriveMediaOptions): Buffer;
	addDriveMedia(
		token: string,
		opts: DriveMediaOptions | DriveMediaPatternOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addDriveMedia');
		this.files.driveMedia.set(token, {
			...fixture,
			forbidden: opts.forbidden ?? false,
			deleted: opts.deleted ?? false,
		});
		return result;
	}

	/**
	 * A docx document for the block list. The page block (block_type 1,
	 * block_id = documentId) comes first and is added here; `blocks` follow in
	 * document order and may mix text, whiteboards (type 43, board.token) and
	 * images (type 27, image.token, downloadable through addDriveMedia
	 * fixtures); see DocumentBlockInput. A DocumentBlockSpec is served as given
	 * with block_id (default: derived from the document id and position) and
	 * parent_id (default: the page) filled in. Returns the blocks as served.
	 */
	addDocument(
		documentId: string,
		blocks: DocumentBlockInput[],
		opts: DocumentOptions = {},
	): DocumentBlock[] {
		const pageSize = opts.pageSize ?? MAX_BLOCK_PAGE;
		if (!Number.isSafeInteger(pageSize) || pageSize < 1)
			throw new RangeError(`addDocument: bad pageSize ${pageSize}`);
		const list: DocumentBlock[] = [
			{
				block_id: documentId,
				parent_id: '',
				block_type: 1,
				page: {
					elements: [{ text_run: { content: opts.title ?? 'Untitled', text_element_style: {} } }],
					style: {},
				},
			},
		];
		const mediaSize = (token: string): { width: number; height: number } | undefined => {
			const media = this.files.driveMedia.get(token);
			return media?.body.kind === 'buffer' ? imageSize(media.body.bytes) : undefined;
		};
		for (const [i, input] of blocks.entries())
			list.push(documentBlock(documentId, i + 1, input, mediaSize));
		const ids = new Set<string>();
		for (const block of list) {
			if (ids.has(block.block_id))
				throw new RangeError(`addDocument: duplicate block_id ${block.block_id}`);
			ids.add(block.block_id);
		}
		for (const block of list) {
			const children = list.filter((b) => b.parent_id === block.block_id).map((b) => b.block_id);
			if (children.length > 0 || block.block_type === 1) block.children = children;
		}
		this.documents.set(documentId, {
			blocks: list,
			pageSize,
			forbidden: opts.forbidden ?? false,
			deleted: opts.deleted ?? false,
		});
		return structuredClone(list);
	}

	/** A wiki node for get_node; looked up by wiki token (obj_type=wiki) or by its objToken and objType. */
	addWikiNode(wikiToken: string, opts: WikiNodeOptions): WikiNode {
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
		this.wikiNodes.set(wikiToken, { node, forbidden: opts.forbidden ?? false });
		return { ...node };
	}

	// ---- tokens --------------------------------------------------------------

	/** Tenant tokens in issue order. */
	get issuedTokens(): string[] {
		return this.tokens.issued;
	}

	/** user_access_tokens the OAuth endpoint issued, in issue order (addUserToken's not included). */
	get issuedUserTokens(): string[] {
		return this.tokens.issuedUser;
	}

	/** Refresh tokens the OAuth endpoint issued, in issue order (used ones included). */
	get issuedRefreshTokens(): string[] {
		return this.grants.issuedRefresh;
	}

	/**
	 * Another app the token endpoint issues tenant tokens to. Rate limits are per app: the
	 * tokens of one app share a quota, another app's tokens have a quota of their own.
	 */
	addApp(appId: string, appSecret: string): void {
		this.apps.set(appId, appSecret);
	}

	/**
	 * A user_access_token, accepted where the page allows one (whiteboard,
	 * baike, lingo, document blocks, wiki node, message resources, drive media). Once
	 * expired it answers 99991677. It counts against `appId`'s rate limits (default appId).
	 */
	addUserToken(token: string, ttlSeconds = Infinity, appId = this.appId): void {
		this.tokens.addUser(token, ttlSeconds, appId);
	}

	/** Codes the consent page handed out, in issue order. */
	get issuedAuthorizationCodes(): string[] {
		return this.grants.issuedCodes;
	}

	/** An authorization code the OAuth endpoint exchanges once for a token pair. */
	addAuthorizationCode(code: string, opts: AuthorizationCodeOptions = {}): void {
		this.grants.addCode(
			code,
			opts.scope ?? 'offline_access',
			opts.redirectUri,
			opts.ttlSeconds ?? 300,
		);
	}

	/**
	 * Every access token known so far expires: tenant tokens answer 99991663
	 * from now on, user tokens (added or issued) 99991677. Refresh tokens stay
	 * valid (see expireRefreshTokens).
	 */
	expireAllTokens(): void {
		this.tokens.expireAll();
	}

	/** Every refresh token issued so far answers 20003 from now on. */
	expireRefreshTokens(): void {
		this.grants.expireAllRefresh();
	}

	/** Forgets an access token (it answers 99991663) or revokes a refresh token (20003). */
	invalidateToken(token: string): void {
		this.tokens.invalidate(token);
		this.grants.useRefresh(token);
	}

	// ---- faults and limits ---------------------------------------------------

	/**
	 * Applies `fault` to the next `times` (default 1) matching requests, in
	 * injection order. Without `endpoint` it matches any file download but
	 * never a token request (the token request before a download would eat
	 * it) nor a JSON endpoint (documentBlocks, wikiNode). On oauthToken, an
	 * `error` or `jsonOn200` with an OAUTH_ERRORS code answers in the OAuth
	 * shape `{code, error, error_description}`.
	 */
	injectFault(fault: Fault, opts: FaultOptions = {}): void {
		this.faults.add(fault, opts);
	}

	/** Injected fault applications not yet used. */
	get pendingFaults(): number {
		return this.faults.pending;
	}

	/**
	 * Soak tests: each file download request (never a token or JSON endpoint
	 * request) that no injected fault claimed gets, with probability `ratio`, one of `faults`,
	 * drawn from a PRNG seeded with `seed`. A ratio of 0 switches it off.
	 */
	failRandomly(ratio: number, faults: Fault[], seed: number): void {
		this.randomFaults = ratio > 0 ? new RandomFaults(ratio, faults, seed) : undefined;
	}

	clearFaults(): void {
		this.faults.clear();
		this.randomFaults = undefined;
	}

	/**
	 * Past `limit` requests of one app to `endpoint` in any sliding `windowMs`: 99991400 at the
	 * endpoint's status (429, docx 400) with x-ogw-ratelimit-limit and x-ogw-ratelimit-reset
	 * (seconds). All tokens of an app share the quota (several n8n processes, one app); a
	 * request whose token is unknown counts in a bucket of its own. Without `limit`, the
	 * documented limit and window (ENDPOINT_SPECS); with one, windowMs defaults to a second.
	 * Calling it again changes the limit at once, lower or higher than documented, and the
	 * requests already admitted count against the new one. Infinity lifts it.
	 */
	enforceRateLimit(endpoint: EndpointName, limit?: number, windowMs?: number): void {
		const documented = ENDPOINT_SPECS[endpoint].rateLimit;
		const window = windowMs ?? (limit === undefined ? documented.windowMs : 1000);
		const max = limit ?? documented.limit;
		const current = this.limiters.get(endpoint);
		if (max === Infinity) this.limiters.delete(endpoint);
		else if (current) current.set(max, window);
		else this.limiters.set(endpoint, new SlidingWindowLimiter(max, window));
	}

	/** Every endpoint's documented limit at once, as a tenant under Feishu's defaults sees them. */
	enforceDocumentedRateLimits(): void {
		for (const endpoint of ENDPOINTS) this.enforceRateLimit(endpoint);
	}

	resetCounters(): void {
		this.counters = zeroCounters();
		this.requestLog = [];
	}

	// ---- request handling ----------------------------------------------------

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = req.method ?? 'GET';
		const url = req.url ?? '/';
		const route = matchRoute(method, url);
		const entry: RequestLogEntry = {
			endpoint: route?.endpoint ?? 'unknown',
			method,
			url,
			at: performance.now(),
			status: 0,
			headers: { ...req.headers },
		};
		this.requestLog.push(entry);
		const reply = new Reply(res, {
			record: (status, code) => {
				entry.status = status;
				this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
				if (status === 429) this.counters.status429 += 1;
				if (code === ERROR_CODES.rateLimited && route)
					this.counters.rateLimited[route.endpoint] += 1;
			},
			sleep: (ms) => this.sleep(ms),
		});
		if (!route) return reply.notFound();
		const spec = ENDPOINT_SPECS[route.endpoint];
		reply.errors = spec.errors;
		reply.bareBody = this.bareErrorBody;

		this.counters.requests[route.endpoint] += 1;
		if (route.endpoint === 'token') this.counters.tokenRequests += 1;
		else if (route.endpoint === 'oauthToken') this.counters.oauthTokenRequests += 1;
		else await this.sleep(this.latencyMs);

		// The gateway throttles per app, before it checks the token's validity or looks at ids.
		const limiter = this.limiters.get(route.endpoint);
		const verdict = limiter?.check(this.appOf(req) ?? '', performance.now());
		if (limiter && verdict && !verdict.ok)
			return reply.rateLimited(spec.rateLimitStatus, limiter.limit, verdict.resetSeconds);

		const fault = this.takeFault(route);
		if (fault) {
			this.counters.faultsApplied += 1;
			entry.fault = fault.kind;
			if (await this.applyFault(reply, route.endpoint, fault)) return;
		}

		if (isDownloadEndpoint(route.endpoint))
			return this.serveFile(route.endpoint, req, reply, route);
		switch (route.endpoint) {
			case 'token':
				return this.handleToken(req, reply);
			case 'documentBlocks':
				return this.handleDocumentBlocks(req, reply, route.params['document_id'], route.query);
			case 'wikiNode':
				return this.handleWikiNode(req, reply, route.query);
			case 'oauthToken':
				return this.handleOAuthToken(req, reply);
			case 'oauthAuthorize':
				return this.handleAuthorize(req, reply, route.query);
		}
	}

	/**
	 * Every file endpoint, driven by its entry in endpoints.ts: the access token and its kind,
	 * the path parameters, the entry's own checks and look-up, then the fixture's bytes.
	 */
	private async serveFile<K extends DownloadEndpoint>(
		endpoint: K,
		req: IncomingMessage,
		reply: Reply,
		route: Route,
	): Promise<void> {
		const kind = await this.authorize(req, reply);
		if (!kind) return;
		const spec = FILE_ENDPOINTS[endpoint];
		const params: Record<string, string> = {};
		for (const [name, value] of Object.entries(route.params)) {
			if (value === undefined) return this.refuse(reply, spec.invalid);
			params[name] = value;
		}
		const request: FileRequest = { params, query: route.query, headers: req.headers, app: this };
		const refusal = spec.tokens.includes(kind)
			? spec.precheck?.(request)
			: (spec.wrongToken ?? { code: ERROR_CODES.invalidToken });
		if (refusal) return this.refuse(reply, refusal);
		const found = spec.lookup(request, this.files[endpoint]) ?? spec.notFound;
		if (!('body' in found)) return this.refuse(reply, found);
		const range = spec.ranges ? req.headers.range : undefined;
		return reply.file(found, range);
	}

	private refuse(reply: Reply, refusal: Refusal): Promise<void> {
		return 'code' in refusal ? reply.error(refusal.code) : reply.bare(refusal.status);
	}

	private takeFault(route: Route): Fault | undefined {
		const injected = this.faults.take({ endpoint: route.endpoint, ids: routeIds(route) });
		if (injected || !isDownloadEndpoint(route.endpoint)) return injected;
		return this.randomFaults?.draw();
	}

	/** True when the fault produced the whole answer. */
	private async applyFault(reply: Reply, endpoint: EndpointName, fault: Fault): Promise<boolean> {
		switch (fault.kind) {
			case 'delay':
				await this.sleep(fault.delayMs);
				return false;
			case 'resetMidBody':
			case 'shortBody':
			case 'slowBody':
				reply.bodyFault = fault;
				return false;
			case 'error':
				if (endpoint === 'oauthToken')
					await reply.oauthError(fault.code, fault.status, fault.msg, fault.headers);
				else await reply.error(fault.code, fault.status, fault.msg, fault.headers);
				return true;
			case 'rateLimit': {
				const spec = ENDPOINT_SPECS[endpoint];
				const limit = fault.limit ?? this.limiters.get(endpoint)?.limit ?? spec.rateLimit.limit;
				await reply.rateLimited(fault.status ?? spec.rateLimitStatus, limit, fault.resetSeconds);
				return true;
			}
			case 'status':
				await reply.raw(fault.status, fault.body, fault.contentType);
				return true;
			case 'bareStatus':
				await reply.bare(fault.status, fault.body);
				return true;
			case 'jsonOn200': {
				const notFound = ENDPOINT_SPECS[endpoint].notFound;
				const code = fault.code ?? ('code' in notFound ? notFound.code : undefined);
				// An endpoint without codes gets its own "not found" body, on 200.
				if (code === undefined) await reply.bare(200, 'msg', {}, 'not found');
				else if (endpoint === 'oauthToken') await reply.oauthError(code, 200);
				else await reply.error(code, 200);
				return true;
			}
			case 'tokenInvalid':
				await reply.error(ERROR_CODES.invalidToken, this.invalidTokenStatus);
				return true;
		}
	}

	private async handleToken(req: IncomingMessage, reply: Reply): Promise<void> {
		const body = parseJsonObject(await readBody(req, MAX_TOKEN_BODY));
		const appId = body?.['app_id'];
		const secret = typeof appId === 'string' ? this.apps.get(appId) : undefined;
		if (typeof appId !== 'string' || secret === undefined) return reply.error(10003);
		if (body?.['app_secret'] !== secret) return reply.error(10014);
		const token = this.tokens.issueTenant(this.tokenTtlSeconds, appId);
		return reply.json(200, {
			code: 0,
			msg: 'ok',
			tenant_access_token: token,
			expire: this.tokenTtlSeconds,
		});
	}

	/** The app a request's bearer token was issued to, if the emulator knows the token. */
	private appOf(req: IncomingMessage): string | undefined {
		const token = bearerToken(req.headers.authorization);
		return token === undefined ? undefined : this.tokens.lookup(token)?.appId;
	}

	/** Checks `Authorization: Bearer <token>`; on failure answers and returns undefined. */
	private async authorize(req: IncomingMessage, reply: Reply): Promise<TokenKind | undefined> {
		const token = bearerToken(req.headers.authorization);
		if (token === undefined) {
			await reply.error(ERROR_CODES.missingToken);
			return undefined;
		}
		const state = this.tokens.lookup(token);
		if (!state || (state.expired && state.kind === 'tenant')) {
			await reply.error(ERROR_CODES.invalidToken, this.invalidTokenStatus);
			return undefined;
		}
		if (state.expired) {
			await reply.error(ERROR_CODES.expiredUserToken);
			return undefined;
		}
		return state.kind;
	}

	/**
	 * docx block list. page_size: 1..500, default 500; the fixture's pageSize
	 * caps it. page_token: opaque (base64url of document id and offset), only
	 * as handed out, else 1770022; the last page has has_more false and no
	 * page_token.
	 * document_revision_id: -1 (latest, the default) or a positive integer;
	 * the current blocks are served either way.
	 */
	private async handleDocumentBlocks(
		req: IncomingMessage,
		reply: Reply,
		documentId: string | undefined,
		query: URLSearchParams,
	): Promise<void> {
		if (!(await this.authorize(req, reply))) return;
		if (documentId === undefined) return reply.error(1770001);
		const pageSizeParam = query.get('page_size');
		let requested = MAX_BLOCK_PAGE;
		if (pageSizeParam !== null && pageSizeParam !== '') {
			if (!/^\d+$/.test(pageSizeParam)) return reply.error(1770001);
			requested = Number(pageSizeParam);
			if (requested < 1 || requested > MAX_BLOCK_PAGE) return reply.error(1770001);
		}
		const revision = query.get('document_revision_id');
		if (revision !== null && revision !== '' && !/^(-1|[1-9]\d*)$/.test(revision))
			return reply.error(1770001);
		const doc = this.documents.get(documentId);
		if (!doc) return reply.error(1770002);
		if (doc.deleted) return reply.error(1770003);
		if (doc.forbidden) return reply.error(1770032);
		let offset = 0;
		const pageToken = query.get('page_token');
		if (pageToken !== null && pageToken !== '') {
			const decoded = decodePageToken(pageToken, documentId);
			if (decoded === undefined || decoded <= 0 || decoded >= doc.blocks.length)
				return reply.error(1770022);
			offset = decoded;
		}
		const end = Math.min(doc.blocks.length, offset + Math.min(requested, doc.pageSize));
		const hasMore = end < doc.blocks.length;
		const data: Record<string, unknown> = { items: structuredClone(doc.blocks.slice(offset, end)) };
		if (hasMore) data['page_token'] = encodePageToken(documentId, end);
		data['has_more'] = hasMore;
		return reply.json(200, { code: 0, msg: 'success', data });
	}

	/** wiki get_node: obj_type wiki (default) looks the token up as a wiki token, others as a document token. */
	private async handleWikiNode(
		req: IncomingMessage,
		reply: Reply,
		query: URLSearchParams,
	): Promise<void> {
		if (!(await this.authorize(req, reply))) return;
		const token = query.get('token');
		const objType = query.get('obj_type') || 'wiki';
		if (!token || (objType !== 'wiki' && !WIKI_OBJ_TYPES.has(objType))) return reply.error(131002);
		const stored =
			objType === 'wiki'
				? this.wikiNodes.get(token)
				: [...this.wikiNodes.values()].find(
						(w) => w.node.obj_token === token && w.node.obj_type === objType,
					);
		if (!stored) return reply.error(131005);
		if (stored.forbidden) return reply.error(131006);
		return reply.json(200, { code: 0, msg: 'success', data: { node: { ...stored.node } } });
	}

	/**
	 * OAuth v2 token endpoint. Body JSON or form-encoded; client credentials in
	 * the body or as HTTP Basic. 20001: no or unsupported grant_type, missing
	 * code / refresh_token; 20002: wrong client; 20003: unknown, expired or
	 * used code or refresh token, or a redirect_uri other than the code's.
	 * Codes are single-use; a refresh token is rotated by each use.
	 */
	private async handleOAuthToken(req: IncomingMessage, reply: Reply): Promise<void> {
		const params = parseParams(await readBody(req, MAX_TOKEN_BODY), req.headers['content-type']);
		const grantType = params?.get('grant_type');
		if (!params || !grantType) return reply.oauthError(20001, undefined, 'grant_type is required.');
		if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
			return reply.oauthError(20001, undefined, `Unsupported grant_type: ${grantType}.`);
		}
		if (!this.oauthClientOk(req.headers.authorization, params)) return reply.oauthError(20002);
		let scope: string;
		if (grantType === 'authorization_code') {
			const code = params.get('code');
			if (!code) return reply.oauthError(20001, undefined, 'code is required.');
			const record = this.grants.peekCode(code);
			if (!record)
				return reply.oauthError(
					20003,
					undefined,
					'The authorization code is invalid, expired or already used.',
				);
			if (record.redirectUri !== undefined && params.get('redirect_uri') !== record.redirectUri) {
				return reply.oauthError(
					20003,
					undefined,
					'redirect_uri does not match the authorization request.',
				);
			}
			this.grants.useCode(code);
			scope = record.scope;
		} else {
			const refreshToken = params.get('refresh_token');
			if (!refreshToken) return reply.oauthError(20001, undefined, 'refresh_token is required.');
			const record = this.grants.peekRefresh(refreshToken);
			if (!record)
				return reply.oauthError(
					20003,
					undefined,
					'The refresh token is invalid, expired or already used.',
				);
			this.grants.useRefresh(refreshToken);
			scope = record.scope;
		}
		return reply.json(200, {
			code: 0,
			access_token: this.tokens.issueUser(this.userTokenTtlSeconds, this.oauthClientId),
			expires_in: this.userTokenTtlSeconds,
			refresh_token: this.grants.issueRefresh(scope, this.refreshTokenTtlSeconds),
			refresh_token_expires_in: this.refreshTokenTtlSeconds,
			scope,
			token_type: 'Bearer',
		});
	}

	/**
	 * The OAuth consent page, for a browser test: GET with client_id, redirect_uri, state and
	 * scope shows "Authorize <app> to access …" with an Authorize button (id `authorize`) and a
	 * Cancel button (id `deny`); the form POSTs back here and is answered with a 302 to
	 * redirect_uri?code=<new code>&state=<state> (or error=access_denied). The code lives 5
	 * minutes, is single-use and must be exchanged with the same redirect_uri. A wrong
	 * client_id, a missing or non-http(s) redirect_uri, or a response_type other than code is
	 * an error page (HTTP 400), as the user would see it.
	 */
	private async handleAuthorize(
		req: IncomingMessage,
		reply: Reply,
		query: URLSearchParams,
	): Promise<void> {
		const params =
			req.method === 'POST'
				? new URLSearchParams((await readBody(req, MAX_TOKEN_BODY))?.toString('utf8') ?? '')
				: query;
		const clientId = params.get('client_id') ?? '';
		const redirectUri = params.get('redirect_uri') ?? '';
		const responseType = params.get('response_type');
		if (clientId !== this.oauthClientId) {
			return reply.raw(400, errorPage(`The app ID (client_id) "${clientId}" is not valid.`));
		}
		if (!/^https?:\/\/[^/]/i.test(redirectUri) || !URL.canParse(redirectUri)) {
			return reply.raw(400, errorPage('redirect_uri is missing or is not an http(s) URL.'));
		}
		if (responseType !== null && responseType !== 'code') {
			return reply.raw(400, errorPage(`Unsupported response_type: ${responseType}.`));
		}
		if (req.method !== 'POST') return reply.raw(200, consentPage(this.appName, params));
		const answer = new URL(redirectUri);
		if (params.get('action') === 'deny') answer.searchParams.set('error', 'access_denied');
		else {
			const code = this.grants.issueCode(params.get('scope') ?? '', redirectUri, 300);
			answer.searchParams.set('code', code);
		}
		const state = params.get('state');
		if (state !== null) answer.searchParams.set('state', state);
		return reply.redirect(answer.toString());
	}

	/** HTTP Basic (raw or form-encoded id:secret, as RFC 6749 asks) when sent, else client_id / client_secret in the body. */
	private oauthClientOk(authorization: string | undefined, params: Map<string, string>): boolean {
		const basic =
			authorization === undefined ? undefined : /^Basic\s+(\S+)$/i.exec(authorization.trim())?.[1];
		if (basic === undefined) {
			return (
				params.get('client_id') === this.oauthClientId &&
				params.get('client_secret') === this.oauthClientSecret
			);
		}
		const decoded = Buffer.from(basic, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return false;
		const pairs = [[decoded.slice(0, colon), decoded.slice(colon + 1)]];
		const id = formDecode(decoded.slice(0, colon));
		const secret = formDecode(decoded.slice(colon + 1));
		if (id !== undefined && secret !== undefined) pairs.push([id, secret]);
		const match = pairs.find(([i, s]) => i === this.oauthClientId && s === this.oauthClientSecret);
		const bodyId = params.get('client_id');
		return match !== undefined && (bodyId === undefined || bodyId === this.oauthClientId);
	}

	// ---- helpers -------------------------------------------------------------

	/** A buffer fixture, or with `size` a streamed pattern file (default Content-Type application/octet-stream). */
	private fileOrPattern(
		opts: FileFixtureOptions | PatternFileOptions,
		caller: string,
	): [FileFixture, Buffer | PatternFile] {
		if (!('size' in opts)) {
			const fixture = this.fixture(opts);
			return [fixture, bytesOf(fixture)];
		}
		const { size } = opts;
		const seed = opts.seed ?? this.nextSeed++;
		if (!Number.isSafeInteger(size) || size < 0)
			throw new RangeError(`${caller}: bad size ${size}`);
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		const fixture: FileFixture = {
			body: { kind: 'pattern', size, seed },
			contentType: opts.contentType === undefined ? 'application/octet-stream' : opts.contentType,
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
		};
		return [fixture, { size, seed, sha256: () => sha256OfPattern(size, seed) }];
	}

	/** Default bytes are a fresh 16x16 picture per fixture (PNG unless told), so no two match. */
	private fixture(opts: FileFixtureOptions, format: WhiteboardFormat = 'png'): FileFixture {
		const bytes = opts.bytes ? Buffer.from(opts.bytes) : freshPicture(format, this.nextSeed++);
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		return {
			body: { kind: 'buffer', bytes },
			contentType: opts.contentType === undefined ? sniffImageMime(bytes) : opts.contentType,
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
		};
	}

	/** A timer that close() cancels, so no pending delay keeps jest alive. */
	private sleep(ms: number): Promise<void> {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}
}

/** Starts an emulator; same as FeishuEmulator.start(options). */
export function startEmulator(options: EmulatorOptions = {}): Promise<FeishuEmulator> {
	return FeishuEmulator.start(options);
}

/** A Feishu-looking 27-character block id, the same for the same document and position. */
function blockId(documentId: string, position: number): string {
	const digest = createHash('sha256').update(`${documentId}/${position}`).digest('base64');
	return digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 27);
}

/** Size of an image block whose input names none. */
const DEFAULT_IMAGE_SIZE = { width: 640, height: 480 };

function documentBlock(
	documentId: string,
	position: number,
	input: DocumentBlockInput,
	mediaSize: (token: string) => { width: number; height: number } | undefined,
): DocumentBlock {
	const head = { block_id: blockId(documentId, position), parent_id: documentId };
	const text = (content: string): DocumentBlock => {
		const elements = [{ text_run: { content, text_element_style: {} } }];
		return { ...head, block_type: 2, text: { elements, style: {} } };
	};
	if (input === 'text') return text(`Paragraph ${position}`);
	if (typeof input !== 'object' || input === null)
		throw new TypeError(`addDocument: bad block ${String(input)}`);
	if ('block_type' in input) return specBlock(head, input);
	if ('whiteboard' in input) {
		const board: DocumentBoard = { token: input.whiteboard };
		if (input.width !== undefined) board.width = input.width;
		if (input.height !== undefined) board.height = input.height;
		return { ...head, block_type: 43, board };
	}
	if ('image' in input) {
		const size = mediaSize(input.image) ?? DEFAULT_IMAGE_SIZE;
		const image: DocumentImage = {
			token: input.image,
			width: input.width ?? size.width,
			height: input.height ?? size.height,
		};
		return { ...head, block_type: 27, image };
	}
	return text(input.text);
}

/** A block given in full: served as given, with block_id and parent_id filled in when omitted. */
function specBlock(
	head: { block_id: string; parent_id: string },
	input: DocumentBlockSpec,
): DocumentBlock {
	const copy = structuredClone(input);
	return {
		...copy,
		block_id: input.block_id ?? head.block_id,
		parent_id: input.parent_id ?? head.parent_id,
		block_type: input.block_type,
	};
}

function encodePageToken(documentId: string, offset: number): string {
	return Buffer.from(`${documentId}:${offset}`, 'utf8').toString('base64url');
}

/** The offset a page token stands for, or undefined when it is not one this document handed out. */
function decodePageToken(token: string, documentId: string): number | undefined {
	if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
	const text = Buffer.from(token, 'base64url').toString('utf8');
	const prefix = `${documentId}:`;
	if (!text.startsWith(prefix)) return undefined;
	const offset = text.slice(prefix.length);
	return /^\d+$/.test(offset) ? Number(offset) : undefined;
}

function escapeHtml(text: string): string {
	const entities: Record<string, string> = {
		'&': '&amp;',
		'<': '&lt;',
		'>': '&gt;',
		'"': '&quot;',
		"'": '&#39;',
	};
	return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

function htmlPage(title: string, body: string[]): string {
	const head = `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`;
	return [
		'<!doctype html>',
		'<html lang="en">',
		head,
		'<body>',
		...body,
		'</body>',
		'</html>',
		'',
	].join('\n');
}

/** What the user sees before granting: the app, the scopes, and the two buttons. */
function consentPage(appName: string, params: URLSearchParams): string {
	const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
	const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type']
		.filter((name) => params.has(name))
		.map((name) => {
			const value = escapeHtml(params.get(name) ?? '');
			return `<input type="hidden" name="${name}" value="${value}">`;
		});
	const app = escapeHtml(appName);
	const asked = scopes.length ? scopes : ['your basic information'];
	return htmlPage(`Authorize ${appName}`, [
		`<h1 id="title">Authorize ${app} to access your Feishu account</h1>`,
		`<p>${app} asks for:</p>`,
		'<ul id="scopes">',
		...asked.map((s) => `<li>${escapeHtml(s)}</li>`),
		'</ul>',
		'<form method="post" action="/open-apis/authen/v1/authorize">',
		...hidden,
		'<button type="submit" id="authorize" name="action" value="authorize">Authorize</button>',
		'<button type="submit" id="deny" name="action" value="deny">Cancel</button>',
		'</form>',
	]);
}

function errorPage(message: string): string {
	return htmlPage('Authorization failed', [
		'<h1>Authorization failed</h1>',
		`<p id="error">${escapeHtml(message)}</p>`,
	]);
}

function bearerToken(header: string | undefined): string | undefined {
	return header === undefined ? undefined : /^Bearer (\S+)$/.exec(header.trim())?.[1];
}

/** application/x-www-form-urlencoded value decoding; undefined on broken %-encoding. */
function formDecode(value: string): string | undefined {
	try {
		return decodeURIComponent(value.replace(/\+/g, ' '));
	} catch {
		return undefined;
	}
}

/**
 * The string parameters of an OAuth request body: form-encoded when the
 * Content-Type says so, else JSON (falling back to form-encoded when the body
 * is not JSON and no JSON Content-Type was sent). undefined when empty or
 * unreadable.
 */
function parseParams(
	raw: Buffer | undefined,
	contentType: string | undefined,
): Map<string, string> | undefined {
	if (raw === undefined) return undefined;
	const type = (contentType ?? '').toLowerCase();
	const form = (): Map<string, string> => new Map(new URLSearchParams(raw.toString('utf8')));
	if (type.includes('application/x-www-form-urlencoded')) return form();
	const json = parseJsonObject(raw);
	if (json) {
		const out = new Map<string, string>();
		for (const [key, value] of Object.entries(json))
			if (typeof value === 'string') out.set(key, value);
		return out;
	}
	return type.includes('json') ? undefined : form();
}

function freshPicture(format: WhiteboardFormat, seed: number): Buffer {
	switch (format) {
		case 'png':
			return makePng(16, 16, seed);
		case 'jpeg':
			return makeJpeg(seed);
		case 'gif':
			return makeGif(seed);
		case 'svg':
			return makeSvg(160, 90, seed);
	}
}

/** The fields that are set, so that spreading them cannot blank a default. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A copy, so a test mutating what add* returned cannot change what is served. */
function bytesOf(fixture: FileFixture): Buffer {
	return fixture.body.kind === 'buffer' ? Buffer.from(fixture.body.bytes) : Buffer.alloc(0);
}

/**
 * Reads a request body; undefined when empty or over `limit` bytes. An
 * oversized body is still drained (leaving the loop early would destroy the
 * request and with it the socket the answer must go out on).
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size <= limit) chunks.push(chunk);
	}
	return size === 0 || size > limit ? undefined : Buffer.concat(chunks);
}

function parseJsonObject(raw: Buffer | undefined): Record<string, unknown> | undefined {
	if (raw === undefined) return undefined;
	try {
		const value: unknown = JSON.parse(raw.toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** A bug in the emulator must be loud in the test, not a hung request. */
function crash(res: ServerResponse, err: unknown): void {
	console.error('FeishuEmulator: handler failed', err);
	if (!res.headersSent) {
		res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
		res.end(`emulator error: ${String(err)}`);
	} else {
		res.destroy();
	}
}
