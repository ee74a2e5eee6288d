/** `Authorization: Bearer <token>` on the Open API endpoints: who sent it, and may it pass. */
import type { IncomingMessage } from 'node:http';
import { ERROR_CODES } from './errors';
import type { Reply } from './reply';
import type { RouteContext } from './route-context';
import type { TokenKind, TokenStore } from './tokens';

export function bearerToken(header: string | undefined): string | undefined {
	return header === undefined ? undefined : /^Bearer (\S+)$/.exec(header.trim())?.[1];
}

/** The app a request's bearer token was issued to, if the emulator knows the token. */
export function appOfRequest(tokens: TokenStore, req: IncomingMessage): string | undefined {
	const token = bearerToken(req.headers.authorization);
	return token === undefined ? undefined : tokens.lookup(token)?.appId;
}

/**
 * Checks the bearer token: missing 99991661, unknown or expired tenant token 99991663 (at the
 * emulator's invalidTokenStatus), expired user token 99991677. On failure it answers and
 * returns undefined; else the token's kind.
 */
export async function checkBearer(
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
): Promise<TokenKind | undefined> {
	const token = bearerToken(req.headers.authorization);
	if (token === undefined) {
		await reply.error(ERROR_CODES.missingToken);
		return undefined;
	}
	const state = ctx.tokens.lookup(token);
	if (!state || (state.expired && state.kind === 'tenant')) {
		await reply.error(ERROR_CODES.invalidToken, ctx.settings.invalidTokenStatus);
		return undefined;
	}
	if (state.expired) {
		await reply.error(ERROR_CODES.expiredUserToken);
		return undefined;
	}
	return state.kind;
}
