import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { TENANT_CREDENTIAL } from '../../FeishuImages/transport/identity';
import { handleEvent } from '../handle-message';
import { readSettings, type TriggerSettings } from '../settings';
import { openWebhookRequest, type WebhookOutcome } from './verify';

type Request = ReturnType<IWebhookFunctions['getRequestObject']>;

/** The body exactly as it arrived: n8n keeps it for signatures (`readRawBody()`, `rawBody`). */
async function rawBodyOf(req: Request): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
		await req.readRawBody();
	}
	if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	// No raw body kept: the parsed body is the best left (it signs only if Feishu's was compact).
	return Buffer.from(JSON.stringify(req.body ?? {}), 'utf8');
}

interface VerifyKeys {
	verificationToken: string;
	encryptKey: string;
}

/**
 * The credential's Verification Token and Encrypt Key, kept for a few seconds per credential.
 * n8n decrypts a credential on every getCredentials() in a webhook, and with its default
 * expression engine (n8n 2.x) takes an isolate for it (~80 ms of CPU on 2 cores): per request
 * that doubled the trigger's cost beside n8n's own Webhook node. A changed key applies within
 * VERIFY_KEYS_TTL_MS.
 */
export const VERIFY_KEYS_TTL_MS = 10_000;
const verifyKeys = new Map<string, { keys: VerifyKeys; until: number }>();

async function keysOf(ctx: IWebhookFunctions): Promise<VerifyKeys> {
	const id = ctx.getNode().credentials?.[TENANT_CREDENTIAL]?.id;
	const now = Date.now();
	const cached = id ? verifyKeys.get(id) : undefined;
	if (cached && cached.until > now) return cached.keys;
	const credentials = await ctx.getCredentials(TENANT_CREDENTIAL);
	const keys = {
		verificationToken: String(credentials.verificationToken ?? '').trim(),
		encryptKey: String(credentials.encryptKeySecret ?? '').trim(),
	};
	if (id) {
		for (const [key, entry] of verifyKeys) if (entry.until <= now) verifyKeys.delete(key);
		verifyKeys.set(id, { keys, until: now + VERIFY_KEYS_TTL_MS });
	}
	return keys;
}

async function verify(ctx: IWebhookFunctions): Promise<WebhookOutcome> {
	const keys = await keysOf(ctx);
	const req = ctx.getRequestObject();
	return openWebhookRequest({ rawBody: await rawBodyOf(req), headers: req.headers }, keys);
}

/** Writes Feishu's answer at once: the 200 must leave before any download (3 s deadline). */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): void {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/**
 * One request to the trigger's webhook: verified and answered first (challenge, 200 or 401;
 * never a 500, which makes Feishu retry for hours), then the message's files downloaded and
 * the workflow started for a new, matching event only.
 */
export async function receiveWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	let settings: TriggerSettings;
	let outcome: WebhookOutcome;
	try {
		settings = readSettings(ctx);
		outcome =
			settings.receiveVia === 'webhook'
				? await verify(ctx)
				: {
						answer: 'reject',
						status: 401,
						reason: 'this trigger receives events over the long connection',
					};
	} catch (error) {
		ctx.logger.warn(`Feishu Images Trigger: the request could not be verified: ${String(error)}`);
		answer(ctx, 401, { msg: 'the request could not be verified' });
		return { noWebhookResponse: true };
	}
	if (outcome.answer === 'challenge') {
		answer(ctx, 200, { challenge: outcome.challenge });
		return { noWebhookResponse: true };
	}
	if (outcome.answer === 'reject') {
		ctx.logger.info(`Feishu Images Trigger: refused a request: ${outcome.reason}`);
		answer(ctx, outcome.status, { msg: outcome.reason });
		return { noWebhookResponse: true };
	}
	answer(ctx, 200, {});
	try {
		const handled = await handleEvent(ctx, outcome.event, settings);
		if (!handled.items) {
			ctx.logger.debug(`Feishu Images Trigger: no run for this event: ${handled.ignored}`);
			return { noWebhookResponse: true };
		}
		return { noWebhookResponse: true, workflowData: [handled.items] };
	} catch (error) {
		// Feishu has its 200 already; what failed after it is told in n8n's log.
		ctx.logger.error(`Feishu Images Trigger: the event could not be handled: ${String(error)}`);
		return { noWebhookResponse: true };
	}
}
