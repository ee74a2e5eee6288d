/**
 * authen-v1 authorize: the OAuth consent page a browser test clicks through. On Feishu it lives
 * on accounts.feishu.cn; the emulator serves it on its own origin.
 */
import type { IncomingMessage } from 'node:http';
import { perSecond } from './endpoint-spec';
import { OAUTH_ERRORS } from './errors';
import type { Reply } from './reply';
import { readBody } from './request-body';
import type { EmulatedEndpoint, RouteContext } from './route-context';
import type { Route } from './route-match';

/**
 * The OAuth consent page, for a browser test: GET with client_id, redirect_uri, state and
 * scope shows "Authorize <app> to access …" with an Authorize button (id `authorize`) and a
 * Cancel button (id `deny`); the form POSTs back here and is answered with a 302 to
 * redirect_uri?code=<new code>&state=<state> (or error=access_denied). The code lives 5
 * minutes, is single-use and must be exchanged with the same redirect_uri. A wrong
 * client_id, a missing or non-http(s) redirect_uri, or a response_type other than code is
 * an error page (HTTP 400), as the user would see it.
 */
async function serveConsentPage(
	ctx: RouteContext,
	req: IncomingMessage,
	reply: Reply,
	{ query }: Route,
): Promise<void> {
	const { settings } = ctx;
	const params =
		req.method === 'POST'
			? new URLSearchParams((await readBody(req))?.toString('utf8') ?? '')
			: query;
	const clientId = params.get('client_id') ?? '';
	const redirectUri = params.get('redirect_uri') ?? '';
	const responseType = params.get('response_type');
	if (clientId !== settings.oauthClientId) {
		return reply.raw(400, errorPage(`The app ID (client_id) "${clientId}" is not valid.`));
	}
	if (!/^https?:\/\/[^/]/i.test(redirectUri) || !URL.canParse(redirectUri)) {
		return reply.raw(400, errorPage('redirect_uri is missing or is not an http(s) URL.'));
	}
	if (responseType !== null && responseType !== 'code') {
		return reply.raw(400, errorPage(`Unsupported response_type: ${responseType}.`));
	}
	if (req.method !== 'POST') return reply.raw(200, consentPage(settings.appName, params));
	const answer = new URL(redirectUri);
	if (params.get('action') === 'deny') answer.searchParams.set('error', 'access_denied');
	else {
		const code = ctx.grants.issueCode(params.get('scope') ?? '', redirectUri, 300);
		answer.searchParams.set('code', code);
	}
	const state = params.get('state');
	if (state !== null) answer.searchParams.set('state', state);
	return reply.redirect(answer.toString());
}

export const CONSENT_PAGE_ENDPOINT: EmulatedEndpoint = {
	name: 'oauthAuthorize',
	// GET shows the consent page, its form POSTs the user's answer back.
	methods: ['GET', 'POST'],
	path: '/open-apis/authen/v1/authorize',
	doc: 'https://open.feishu.cn/document/authentication-management/access-token/obtain-oauth-code',
	errors: OAUTH_ERRORS,
	rateLimit: perSecond(50), // the emulator's
	rateLimitStatus: 429,
	notFound: { code: 20002 },
	serve: serveConsentPage,
};

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
