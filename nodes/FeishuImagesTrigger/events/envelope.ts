import type { IDataObject } from 'n8n-workflow';

/**
 * What Feishu delivered, once decrypted: a URL check, an event in a 2.0 or 1.0 envelope, or
 * something this node does not know. Feishu's "事件结构" page: 2.0 has `schema: "2.0"` and a
 * `header`; 1.0 has `type: "event_callback"`, `uuid` and `token` at the top.
 */
export type Envelope =
	| { kind: 'challenge'; challenge: string; token?: string }
	| {
			kind: 'event';
			schema: '2.0' | '1.0';
			/** `header.event_id` (2.0) or `uuid` (1.0): what Feishu's retries repeat. */
			eventId: string;
			eventType: string;
			token?: string;
			/** `header.create_time` (2.0, ms) or `ts` (1.0), as Feishu sends it (a string). */
			createTime?: string;
			appId?: string;
			tenantKey?: string;
			/** The `event` object of the envelope. */
			event: IDataObject;
	  }
	| { kind: 'unknown'; reason: string };

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Reads a decrypted, parsed body into an envelope; never throws. */
export function readEnvelope(body: unknown): Envelope {
	if (!isObject(body)) return { kind: 'unknown', reason: 'the body is not a JSON object' };
	if (body.type === 'url_verification') {
		const challenge = optionalString(body.challenge);
		if (challenge === undefined) {
			return { kind: 'unknown', reason: 'url_verification without a challenge' };
		}
		return { kind: 'challenge', challenge, token: optionalString(body.token) };
	}
	if (body.schema === '2.0') {
		const header = isObject(body.header) ? body.header : {};
		const eventId = optionalString(header.event_id);
		const eventType = optionalString(header.event_type);
		if (!eventId || !eventType || !isObject(body.event)) {
			return {
				kind: 'unknown',
				reason: 'a 2.0 event without header.event_id, event_type or event',
			};
		}
		return {
			kind: 'event',
			schema: '2.0',
			eventId,
			eventType,
			token: optionalString(header.token),
			createTime: optionalString(header.create_time),
			appId: optionalString(header.app_id),
			tenantKey: optionalString(header.tenant_key),
			event: body.event,
		};
	}
	if (body.type === 'event_callback') {
		const eventId = optionalString(body.uuid);
		const event = isObject(body.event) ? body.event : undefined;
		const eventType = optionalString(event?.type);
		if (!eventId || !event || !eventType) {
			return { kind: 'unknown', reason: 'a 1.0 event without uuid or event.type' };
		}
		return {
			kind: 'event',
			schema: '1.0',
			eventId,
			eventType,
			token: optionalString(body.token),
			createTime: optionalString(body.ts),
			appId: optionalString(event.app_id),
			tenantKey: optionalString(event.tenant_key),
			event,
		};
	}
	return { kind: 'unknown', reason: 'neither a 2.0 nor a 1.0 event, nor url_verification' };
}
