/**
 * The knobs a test turns on FeishuEmulator (server.ts) while requests flow: its settings, the
 * apps and tokens it knows, injected and random faults, rate limits, and the counters it keeps.
 */
import { zeroCounters } from './counters';
import { EmulatorFixtures } from './fixtures';
import { FaultQueue, RandomFaults, SlidingWindowLimiter } from './faults';
import type { EmulatorSettings } from './route-context';
import { EMULATED_ENDPOINTS, ROUTE_TABLE } from './route-table';
import { Sources } from './sources';
import { OAuthGrants, TokenStore } from './tokens';
import type {
	AuthorizationCodeOptions,
	BareBody,
	EmulatorCounters,
	EmulatorOptions,
	EndpointName,
	Fault,
	FaultOptions,
	RequestLogEntry,
} from './types';

export abstract class EmulatorControls extends EmulatorFixtures implements EmulatorSettings {
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
	/**
	 * Issue 17's sources (sources/): their fixtures (Drive files, Bases, whiteboard nodes), the
	 * knobs of ranged answers (the 234037 cap, cuts, ignore-Range), their own limits and counts.
	 */
	readonly sources: Sources = new Sources(this, this.files.driveFile);

	protected readonly tokens = new TokenStore();
	protected readonly grants = new OAuthGrants();
	/** app_id -> app_secret of every app the token endpoint knows. */
	protected readonly apps = new Map<string, string>();
	protected readonly faults = new FaultQueue();
	protected randomFaults: RandomFaults | undefined;
	protected readonly limiters = new Map<EndpointName, SlidingWindowLimiter>();

	/** The server's origin (server.ts); Base fixtures put it in their attachments' urls. */
	abstract get baseUrl(): string;

	protected constructor(opts: EmulatorOptions) {
		super();
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
	 * documented limit and window (ROUTE_TABLE); with one, windowMs defaults to a second.
	 * Calling it again changes the limit at once, lower or higher than documented, and the
	 * requests already admitted count against the new one. Infinity lifts it.
	 */
	enforceRateLimit(endpoint: EndpointName, limit?: number, windowMs?: number): void {
		const documented = ROUTE_TABLE[endpoint].rateLimit;
		const window = windowMs ?? (limit === undefined ? documented.windowMs : 1000);
		const max = limit ?? documented.limit;
		const current = this.limiters.get(endpoint);
		if (max === Infinity) this.limiters.delete(endpoint);
		else if (current) current.set(max, window);
		else this.limiters.set(endpoint, new SlidingWindowLimiter(max, window));
	}

	/** Every endpoint's documented limit at once, as a tenant under Feishu's defaults sees them. */
	enforceDocumentedRateLimits(): void {
		for (const endpoint of EMULATED_ENDPOINTS) this.enforceRateLimit(endpoint);
	}

	resetCounters(): void {
		this.counters = zeroCounters();
		this.requestLog = [];
		this.sources.resetCounters();
	}
}
