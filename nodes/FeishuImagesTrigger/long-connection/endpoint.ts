/**
 * Endpoint discovery: `POST {domain}/callback/ws/endpoint` with the app's ID and secret answers
 * the `wss://` URL to open and the ClientConfig (durations in seconds). Every (re)connect asks
 * again: the URL carries a fresh ticket.
 */
import type { IDataObject, IHttpRequestOptions, ITriggerFunctions } from 'n8n-workflow';

import type { AppIdentity } from './app';
import { ENDPOINT_CODES, failureFromCode, LongConnectionFailure } from './errors';

export const ENDPOINT_PATH = '/callback/ws/endpoint';
/** node-sdk's timeout for the discovery request. */
const DISCOVERY_TIMEOUT_MS = 15_000;

/** The server's ClientConfig, in milliseconds. */
export interface ClientConfig {
	pingIntervalMs: number;
	/** Attempts after a drop before giving up; negative: no limit. */
	reconnectCount: number;
	reconnectIntervalMs: number;
	/** Upper bound of the random wait before the first reconnect attempt. */
	reconnectNonceMs: number;
}

/** The SDKs' values until the server sends its own. */
export const DEFAULT_CLIENT_CONFIG: Readonly<ClientConfig> = {
	pingIntervalMs: 120_000,
	reconnectCount: -1,
	reconnectIntervalMs: 120_000,
	reconnectNonceMs: 30_000,
};

export interface Endpoint {
	url: string;
	/** `service_id` of the URL's query: the `service` of every ping frame. */
	serviceId: number;
	config: ClientConfig;
}

const seconds = (value: unknown, fallbackMs: number): number =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value * 1000 : fallbackMs;

/** Applies a ClientConfig object (endpoint answer or pong payload) over the current values. */
export function applyClientConfig(current: ClientConfig, raw: unknown): ClientConfig {
	if (typeof raw !== 'object' || raw === null) return current;
	const given = raw as IDataObject;
	const pingIntervalMs = seconds(given.PingInterval, current.pingIntervalMs);
	return {
		// A zero ping interval would spin: keep the last usable one.
		pingIntervalMs: pingIntervalMs > 0 ? pingIntervalMs : current.pingIntervalMs,
		reconnectCount:
			typeof given.ReconnectCount === 'number' && Number.isFinite(given.ReconnectCount)
				? given.ReconnectCount
				: current.reconnectCount,
		reconnectIntervalMs: seconds(given.ReconnectInterval, current.reconnectIntervalMs),
		reconnectNonceMs: seconds(given.ReconnectNonce, current.reconnectNonceMs),
	};
}

function parseServiceId(url: string): number | undefined {
	if (!URL.canParse(url)) return undefined;
	const parsed = new URL(url);
	if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') return undefined;
	const serviceId = Number(parsed.searchParams.get('service_id') ?? '0');
	return Number.isInteger(serviceId) ? serviceId : 0;
}

export async function discoverEndpoint(
	ctx: Pick<ITriggerFunctions, 'helpers'>,
	app: AppIdentity,
	current: ClientConfig,
): Promise<Endpoint> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: `${app.baseUrl}${ENDPOINT_PATH}`,
		headers: { locale: 'zh' },
		body: { AppID: app.appId, AppSecret: app.appSecret },
		json: true,
		timeout: DISCOVERY_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let response: { statusCode: number; body: unknown } | undefined;
	let networkError: unknown;
	try {
		response = (await ctx.helpers.httpRequest(request)) as typeof response;
	} catch (error) {
		networkError = error;
	}
	if (!response) {
		// Network trouble says nothing about the app: retry. The message never holds the secret.
		const reason = networkError instanceof Error ? networkError.message : 'no answer';
		throw new LongConnectionFailure('transient', `Feishu's endpoint discovery failed: ${reason}`);
	}
	const body = (
		typeof response.body === 'object' && response.body !== null ? response.body : {}
	) as IDataObject;
	if (typeof body.code !== 'number') {
		const failure =
			response.statusCode === 404
				? new LongConnectionFailure(
						'refused',
						`The credential's domain does not offer Feishu's long connection (HTTP 404 at ${ENDPOINT_PATH}). Lark and private deployments may only deliver events via Webhook.`,
					)
				: new LongConnectionFailure(
						'transient',
						`Feishu's endpoint discovery answered HTTP ${response.statusCode} without a code`,
					);
		throw failure;
	}
	if (body.code !== ENDPOINT_CODES.ok) {
		throw failureFromCode(body.code, typeof body.msg === 'string' ? body.msg : '');
	}
	const data = (
		typeof body.data === 'object' && body.data !== null ? body.data : {}
	) as IDataObject;
	const url = typeof data.URL === 'string' ? data.URL : '';
	const serviceId = parseServiceId(url);
	if (serviceId === undefined) {
		throw new LongConnectionFailure(
			'transient',
			'Feishu answered the endpoint discovery without a WebSocket URL',
		);
	}
	return { url, serviceId, config: applyClientConfig(current, data.ClientConfig) };
}
