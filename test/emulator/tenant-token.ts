/** tenant_access_token/internal: the app's token, for app_id and app_secret. */
import { POST, perSecond } from './endpoint-spec';
import { AUTH_ERRORS } from './errors';
import { parseJsonObject, readBody } from './request-body';
import type { EmulatedEndpoint } from './route-context';

export const TENANT_TOKEN_ENDPOINT: EmulatedEndpoint = {
	name: 'token',
	methods: POST,
	path: '/open-apis/auth/v3/tenant_access_token/internal',
	doc: 'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal',
	errors: AUTH_ERRORS,
	rateLimit: perSecond(50), // the emulator's
	rateLimitStatus: 429,
	notFound: { code: 10003 },
	/** An unknown app_id is 10003, a wrong app_secret 10014. */
	serve: async (ctx, req, reply) => {
		const body = parseJsonObject(await readBody(req));
		const appId = body?.['app_id'];
		const secret = typeof appId === 'string' ? ctx.apps.get(appId) : undefined;
		if (typeof appId !== 'string' || secret === undefined) return reply.error(10003);
		if (body?.['app_secret'] !== secret) return reply.error(10014);
		const ttl = ctx.settings.tokenTtlSeconds;
		const token = ctx.tokens.issueTenant(ttl, appId);
		return reply.json(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: ttl });
	},
};
