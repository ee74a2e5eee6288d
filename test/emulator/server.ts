/**
 * A Feishu (Lark) Open API emulator for tests: node:http on 127.0.0.1, a
 * random port, no dependencies. It answers the token endpoint and the four
 * image downloads with the status codes, error codes, messages and headers
 * of the Feishu pages in shared/feishu-api/, and lets a test inject the
 * failures a real network and gateway produce.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES } from './errors';
import { FaultQueue, RandomFaults, SlidingWindowLimiter } from './faults';
import { makePng, sha256OfPattern, sniffImageMime } from './images';
import { Reply } from './reply';
import type { FileFixture } from './reply';
import { matchRoute, routeIds } from './routes';
import type { Route } from './routes';
import { TokenStore } from './tokens';
import type { TokenKind } from './tokens';
import { ENDPOINTS } from './types';
import type {
	EmulatorCounters,
	EmulatorOptions,
	EndpointName,
	Fault,
	FaultOptions,
	FileFixtureOptions,
	MessageImageOptions,
	PatternFile,
	PatternFileOptions,
	RequestLogEntry,
	TicketMessageOptions,
} from './types';
import { assertHeaderSafeName } from './wire';

/** Code a jsonOn200 fault sends when it names none: each endpoint's "no such resource". */
const JSON_ON_200_DEFAULT: Record<EndpointName, number> = {
	token: 10003,
	whiteboard: 2890003,
	messageImage: 234005,
	ticketImage: 154004,
	baikeFile: 1540001,
};
/** x-ogw-ratelimit-limit of rateLimit faults: per-second limits from the pages (whiteboard 10, baike 50), else 50. */
const DOCUMENTED_LIMIT: Record<EndpointName, number> = {
	token: 50,
	whiteboard: 10,
	messageImage: 50,
	ticketImage: 50,
	baikeFile: 50,
};
/** Feishu image keys look like img_v2_…; an unknown key of that shape is "deleted", any other is malformed. */
const IMAGE_KEY_SHAPE = /^img_[A-Za-z0-9_-]+$/;
const MAX_TOKEN_BODY = 64 * 1024;

type MessageImage = FileFixture & { uploadedByApp: boolean; deleted: boolean };
type TicketMessage = { type: 'img' | 'post'; images: Array<FileFixture & { deleted: boolean }> };

function zeroCounters(): EmulatorCounters {
	const downloads = {} as Record<EndpointName, number>;
	for (const e of ENDPOINTS) downloads[e] = 0;
	return { tokenRequests: 0, downloads, status429: 0, byStatus: {}, faultsApplied: 0 };
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
	/** Delay before every download answer. */
	latencyMs: number;
	counters: EmulatorCounters = zeroCounters();
	requestLog: RequestLogEntry[] = [];

	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly tokens = new TokenStore();
	private readonly whiteboards = new Map<string, FileFixture>();
	private readonly messageImages = new Map<string, MessageImage>();
	private readonly ticketMessages = new Map<string, TicketMessage>();
	private readonly baikeFiles = new Map<string, FileFixture>();
	private readonly faults = new FaultQueue();
	private randomFaults: RandomFaults | undefined;
	private readonly limiters = new Map<EndpointName, SlidingWindowLimiter>();
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

	addWhiteboard(id: string, bytes?: Uint8Array, opts: Omit<FileFixtureOptions, 'bytes'> = {}): Buffer {
		const fixture = this.fixture({ ...opts, bytes });
		this.whiteboards.set(id, fixture);
		return bytesOf(fixture);
	}

	/** `uploadedByApp: false` answers 234008, `deleted: true` answers 234005. */
	addMessageImage(key: string, opts: MessageImageOptions = {}): Buffer {
		const fixture = this.fixture(opts);
		this.messageImages.set(key, { ...fixture, uploadedByApp: opts.uploadedByApp ?? true, deleted: opts.deleted ?? false });
		return bytesOf(fixture);
	}

	/** Returns the bytes of each image, in index order (deleted ones included). */
	addTicketMessage(ticketId: string, msgId: string, opts: TicketMessageOptions): Buffer[] {
		if (opts.type === 'img' && opts.images.length !== 1) {
			throw new RangeError('addTicketMessage: an img message carries exactly one image');
		}
		const images = opts.images.map((o) => ({ ...this.fixture(o), deleted: o.deleted ?? false }));
		this.ticketMessages.set(ticketKey(ticketId, msgId), { type: opts.type, images });
		return images.map(bytesOf);
	}

	/**
	 * With `size`, the content is patternBytes(size, seed), streamed in 64 KiB
	 * chunks and never held in memory; a PatternFile describing it is returned
	 * instead of the bytes. Its default Content-Type is application/octet-stream.
	 */
	addBaikeFile(token: string, opts: PatternFileOptions): PatternFile;
	addBaikeFile(token: string, opts?: FileFixtureOptions): Buffer;
	addBaikeFile(token: string, opts: FileFixtureOptions | PatternFileOptions = {}): Buffer | PatternFile {
		if (!('size' in opts)) {
			const fixture = this.fixture(opts);
			this.baikeFiles.set(token, fixture);
			return bytesOf(fixture);
		}
		const { size } = opts;
		const seed = opts.seed ?? this.nextSeed++;
		if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`addBaikeFile: bad size ${size}`);
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		this.baikeFiles.set(token, {
			body: { kind: 'pattern', size, seed },
			contentType: opts.contentType === undefined ? 'application/octet-stream' : opts.contentType,
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
		});
		return { size, seed, sha256: () => sha256OfPattern(size, seed) };
	}

	// ---- tokens --------------------------------------------------------------

	/** Tenant tokens in issue order. */
	get issuedTokens(): string[] {
		return this.tokens.issued;
	}

	/** A user_access_token, accepted where the page allows one (whiteboard, baike). */
	addUserToken(token: string, ttlSeconds = Infinity): void {
		this.tokens.addUser(token, ttlSeconds);
	}

	/** Every token known so far, tenant and user, answers 99991663 from now on. */
	expireAllTokens(): void {
		this.tokens.expireAll();
	}

	invalidateToken(token: string): void {
		this.tokens.invalidate(token);
	}

	// ---- faults and limits ---------------------------------------------------

	/**
	 * Applies `fault` to the next `times` (default 1) matching requests, in
	 * injection order. Without `endpoint` it matches any download but never a
	 * token request (the token request before a download would eat it).
	 */
	injectFault(fault: Fault, opts: FaultOptions = {}): void {
		this.faults.add(fault, opts);
	}

	/** Injected fault applications not yet used. */
	get pendingFaults(): number {
		return this.faults.pending;
	}

	/**
	 * Soak tests: each download request (never a token request) that no
	 * injected fault claimed gets, with probability `ratio`, one of `faults`,
	 * drawn from a PRNG seeded with `seed`. A ratio of 0 switches it off.
	 */
	failRandomly(ratio: number, faults: Fault[], seed: number): void {
		this.randomFaults = ratio > 0 ? new RandomFaults(ratio, faults, seed) : undefined;
	}

	clearFaults(): void {
		this.faults.clear();
		this.randomFaults = undefined;
	}

	/** Past `limit` requests to `endpoint` in any sliding `windowMs`: 429 / 99991400. Infinity lifts it. */
	enforceRateLimit(endpoint: EndpointName, limit: number, windowMs = 1000): void {
		if (limit === Infinity) this.limiters.delete(endpoint);
		else this.limiters.set(endpoint, new SlidingWindowLimiter(limit, windowMs));
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
			record: (status) => {
				entry.status = status;
				this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
				if (status === 429) this.counters.status429 += 1;
			},
			sleep: (ms) => this.sleep(ms),
		});
		if (!route) return reply.notFound();

		this.counters.downloads[route.endpoint] += 1;
		if (route.endpoint === 'token') this.counters.tokenRequests += 1;
		else await this.sleep(this.latencyMs);

		// The gateway throttles before it looks at tokens or ids.
		const limiter = this.limiters.get(route.endpoint);
		const verdict = limiter?.check(performance.now());
		if (limiter && verdict && !verdict.ok) return reply.rateLimited(429, limiter.limit, verdict.resetSeconds);

		const fault = this.takeFault(route);
		if (fault) {
			this.counters.faultsApplied += 1;
			entry.fault = fault.kind;
			if (await this.applyFault(reply, route.endpoint, fault)) return;
		}

		switch (route.endpoint) {
			case 'token':
				return this.handleToken(req, reply);
			case 'whiteboard':
				return this.handleWhiteboard(req, reply, route.id);
			case 'messageImage':
				return this.handleMessageImage(req, reply, route.id);
			case 'ticketImage':
				return this.handleTicketImage(req, reply, route.query);
			case 'baikeFile':
				return this.handleBaike(req, reply, route.id);
		}
	}

	private takeFault(route: Route): Fault | undefined {
		const injected = this.faults.take({ endpoint: route.endpoint, ids: routeIds(route) });
		if (injected || route.endpoint === 'token') return injected;
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
				await reply.error(fault.code, fault.status, fault.msg, fault.headers);
				return true;
			case 'rateLimit': {
				const limit = fault.limit ?? this.limiters.get(endpoint)?.limit ?? DOCUMENTED_LIMIT[endpoint];
				await reply.rateLimited(fault.status ?? 429, limit, fault.resetSeconds);
				return true;
			}
			case 'status':
				await reply.raw(fault.status, fault.body, fault.contentType);
				return true;
			case 'jsonOn200':
				await reply.error(fault.code ?? JSON_ON_200_DEFAULT[endpoint], 200);
				return true;
			case 'tokenInvalid':
				await reply.error(ERROR_CODES.invalidToken, this.invalidTokenStatus);
				return true;
		}
	}

	private async handleToken(req: IncomingMessage, reply: Reply): Promise<void> {
		const body = parseJsonObject(await readBody(req, MAX_TOKEN_BODY));
		const appId = body?.['app_id'];
		if (typeof appId !== 'string' || appId === '' || appId !== this.appId) return reply.error(10003);
		if (body?.['app_secret'] !== this.appSecret) return reply.error(10014);
		const token = this.tokens.issueTenant(this.tokenTtlSeconds);
		return reply.json(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: this.tokenTtlSeconds });
	}

	/** Checks `Authorization: Bearer <token>`; on failure answers and returns undefined. */
	private async authorize(req: IncomingMessage, reply: Reply): Promise<TokenKind | undefined> {
		const header = req.headers.authorization;
		const token = header === undefined ? undefined : /^Bearer (\S+)$/.exec(header.trim())?.[1];
		if (token === undefined) {
			await reply.error(ERROR_CODES.missingToken);
			return undefined;
		}
		const kind = this.tokens.check(token);
		if (!kind) await reply.error(ERROR_CODES.invalidToken, this.invalidTokenStatus);
		return kind;
	}

	private async handleWhiteboard(req: IncomingMessage, reply: Reply, id: string | undefined): Promise<void> {
		if (!(await this.authorize(req, reply))) return;
		if (id === undefined) return reply.error(2890001);
		const fixture = this.whiteboards.get(id);
		return fixture ? reply.file(fixture) : reply.error(2890003);
	}

	private async handleMessageImage(req: IncomingMessage, reply: Reply, key: string | undefined): Promise<void> {
		const kind = await this.authorize(req, reply);
		if (!kind) return;
		if (kind !== 'tenant') return reply.error(234002); // the page lists tenant_access_token only
		const fixture = key === undefined ? undefined : this.messageImages.get(key);
		if (!fixture) return reply.error(key !== undefined && IMAGE_KEY_SHAPE.test(key) ? 234005 : 234001);
		if (fixture.deleted) return reply.error(234005);
		if (!fixture.uploadedByApp) return reply.error(234008);
		return reply.file(fixture);
	}

	private async handleTicketImage(req: IncomingMessage, reply: Reply, query: URLSearchParams): Promise<void> {
		const kind = await this.authorize(req, reply);
		if (!kind) return;
		// 154003's advice names both Authorization and X-Lark-Helpdesk-Authorization.
		const expected = Buffer.from(`${this.helpdeskId}:${this.helpdeskToken}`, 'utf8').toString('base64');
		const helpdeskAuth = req.headers['x-lark-helpdesk-authorization'];
		if (kind !== 'tenant' || typeof helpdeskAuth !== 'string' || helpdeskAuth.trim() !== expected) {
			return reply.error(154003);
		}
		const ticketId = query.get('ticket_id');
		const msgId = query.get('msg_id');
		if (!ticketId || !msgId) return reply.error(154000);
		const message = this.ticketMessages.get(ticketKey(ticketId, msgId));
		if (!message) return reply.error(154004);
		let image: (typeof message.images)[number] | undefined = message.images[0]; // img messages ignore index
		if (message.type === 'post') {
			const index = query.get('index');
			image = index !== null && /^\d+$/.test(index) ? message.images[Number(index)] : undefined;
		}
		if (!image) return reply.error(154000);
		return image.deleted ? reply.error(154404) : reply.file(image);
	}

	private async handleBaike(req: IncomingMessage, reply: Reply, fileToken: string | undefined): Promise<void> {
		if (!(await this.authorize(req, reply))) return;
		const fixture = fileToken === undefined ? undefined : this.baikeFiles.get(fileToken);
		return fixture ? reply.file(fixture) : reply.error(1540001);
	}

	// ---- helpers -------------------------------------------------------------

	/** Default bytes are a fresh 16x16 PNG per fixture, so no two fixtures match. */
	private fixture(opts: FileFixtureOptions): FileFixture {
		const bytes = opts.bytes ? Buffer.from(opts.bytes) : makePng(16, 16, this.nextSeed++);
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

function ticketKey(ticketId: string, msgId: string): string {
	return `${ticketId}\u0000${msgId}`;
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
