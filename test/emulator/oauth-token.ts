/**
 * authen-v2 oauth/token: user_access_tokens for an authorization code (from the consent page,
 * consent-page.ts, or addAuthorizationCode) or a refresh token.
 */
import type { IncomingMessage } from 'node:http';
import { POST, perSecond } from './endpoint-spec';
import { OAUTH_ERRORS } from './errors';
import type { Reply } from './reply';
import { parseJsonObject, readBody } from './request-body';
import type { EmulatedEndpoint, EmulatorSettings, RouteContext } from './route-context';

/**
 * OAuth v2 token endpoint. Body JSON or form-encoded; client credentials in
 * the body or as HTTP Basic. 20001: no or unsupported grant_type, missing
 * code / refresh_token; 20002: wrong client; 20003: unknown, expired or
 * used code or refresh token, or a redirect_uri other than the code's.
 * Codes are single-use; a refresh token is rotated by each use.
 */
async function serveOAuthToken(
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
): Promise<void> {
	const { settings, grants, tokens } = ctx;
	const params = parseParams(await readBody(req), req.headers['content-type']);
	const grantType = params?.get('grant_type');
	if (!params || !grantType) return reply.oauthError(20001, undefined, 'grant_type is required.');
	if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
		return reply.oauthError(20001, undefined, `Unsupported grant_type: ${grantType}.`);
	}
	if (!clientAuthenticated(settings, req.headers.authorization, params))
		return reply.oauthError(20002);
	let scope: string;
	if (grantType === 'authorization_code') {
		const code = params.get('code');
		if (!code) return reply.oauthError(20001, undefined, 'code is required.');
		const record = grants.peekCode(code);
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
		grants.useCode(code);
		scope = record.scope;
	} else {
		const refreshToken = params.get('refresh_token');
		if (!refreshToken) return reply.oauthError(20001, undefined, 'refresh_token is required.');
		const record = grants.peekRefresh(refreshToken);
		if (!record)
			return reply.oauthError(
				20003,
				undefined,
				'The refresh token is invalid, expired or already used.',
			);
		grants.useRefresh(refreshToken);
		scope = record.scope;
	}
	return reply.json(200, {
		code: 0,
		access_token: tokens.issueUser(settings.userTokenTtlSeconds, settings.oauthClientId),
		expires_in: settings.userTokenTtlSeconds,
		refresh_token: grants.issueRefresh(scope, settings.refreshTokenTtlSeconds),
		refresh_token_expires_in: settings.refreshTokenTtlSeconds,
		scope,
		token_type: 'Bearer',
	});
}

/** HTTP Basic (raw or form-encoded id:secret, as RFC 6749 asks) when sent, else client_id / client_secret in the body. */
function clientAuthenticated(
	settings: EmulatorSettings,
	authorization: string | undefined,
	params: Map<string, string>,
): boolean {
	const basic =
		authorization === undefined ? undefined : /^Basic\s+(\S+)$/i.exec(authorization.trim())?.[1];
	if (basic === undefined) {
		return (
			params.get('client_id') === settings.oauthClientId &&
			params.get('client_secret') === settings.oauthClientSecret
		);
	}
	const decoded = Buffer.from(basic, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return false;
	const pairs = [[decoded.slice(0, colon), decoded.slice(colon + 1)]];
	const id = formDecode(decoded.slice(0, colon));
	const secret = formDecode(decoded.slice(colon + 1));
	if (id !== undefined && secret !== undefined) pairs.push([id, secret]);
	const match = pairs.find(
		([i, s]) => i === settings.oauthClientId && s === settings.oauthClientSecret,
	);
	const bodyId = params.get('client_id');
	return match !== undefined && (bodyId === undefined || bodyId === settings.oauthClientId);
}

export const OAUTH_TOKEN_ENDPOINT: EmulatedEndpoint = {
	name: 'oauthToken',
	methods: POST,
	path: '/open-apis/authen/v2/oauth/token',
	doc: 'https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token',
	errors: OAUTH_ERRORS,
	rateLimit: perSecond(50),
	rateLimitStatus: 429,
	notFound: { code: 20003 },
	serve: serveOAuthToken,
};

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
