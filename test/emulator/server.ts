/**
 * A Feishu (Lark) Open API emulator for tests: node:http on 127.0.0.1, a random port, no
 * dependencies. It answers the endpoints of route-table.ts (the tenant token, the file downloads
 * of file-endpoints.ts, the docx block list, wiki get_node, and OAuth's consent page and token
 * endpoint) with the status codes, error codes, messages and headers of their Feishu pages, and
 * lets a test inject the failures a real network and gateway produce.
 *
 * This file is the lifecycle and the request pipeline; what a test adds is in fixtures.ts, the
 * knobs it turns in controls.ts, each route family in a file of its own.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { appOfRequest } from './bearer';
import { EmulatorControls } from './controls';
import { countAnswer, countRequest } from './counters';
import { answerFault } from './fault-answers';
import { isDownloadEndpoint } from './file-endpoints';
import { Reply } from './reply';
import type { RouteContext } from './route-context';
import { ROUTE_TABLE } from './route-table';
import { matchRoute, routeIds } from './route-match';
import type { Route } from './route-match';
import type { EmulatorOptions, Fault, RequestLogEntry } from './types';

export class FeishuEmulator extends EmulatorControls {
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	/** What the route handlers see: the settings (this emulator) and its stores. */
	private readonly context: RouteContext;
	private port = 0;
	private closed = false;

	private constructor(opts: EmulatorOptions) {
		super(opts);
		const { tokens, grants, apps, files, documents, wikiNodes, sources } = this;
		this.context = { settings: this, tokens, grants, apps, files, documents, wikiNodes, sources };
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

	/** Log, count, wait, rate-limit, fault, then the endpoint's own handler. */
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
				countAnswer(this.counters, route?.endpoint, status, code);
			},
			sleep: (ms) => this.sleep(ms),
		});
		if (!route) return reply.notFound();
		const endpoint = ROUTE_TABLE[route.endpoint];
		reply.errors = endpoint.errors;
		reply.bareBody = this.bareErrorBody;

		countRequest(this.counters, route.endpoint);
		if (route.endpoint !== 'token' && route.endpoint !== 'oauthToken')
			await this.sleep(this.latencyMs);

		// The gateway throttles per app, before it checks the token's validity or looks at ids.
		const limiter = this.limiters.get(route.endpoint);
		const verdict = limiter?.check(appOfRequest(this.tokens, req) ?? '', performance.now());
		if (limiter && verdict && !verdict.ok)
			return reply.rateLimited(endpoint.rateLimitStatus, limiter.limit, verdict.resetSeconds);

		const fault = this.takeFault(route);
		if (fault) {
			this.counters.faultsApplied += 1;
			entry.fault = fault.kind;
			const answered = await answerFault(reply, route.endpoint, fault, {
				rateLimit: limiter?.limit,
				invalidTokenStatus: this.invalidTokenStatus,
				sleep: (ms) => this.sleep(ms),
			});
			if (answered) return;
		}
		return endpoint.serve(this.context, req, reply, route);
	}

	private takeFault(route: Route): Fault | undefined {
		const injected = this.faults.take({ endpoint: route.endpoint, ids: routeIds(route) });
		if (injected || !isDownloadEndpoint(route.endpoint)) return injected;
		return this.randomFaults?.draw();
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
