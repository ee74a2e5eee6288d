import type { IDataObject } from 'n8n-workflow';

import type { Envelope } from './envelope';
import { parseContent, resourcesOf, type MessageResource } from './resources';

/** The event this trigger listens to: 接收消息 v2.0. */
export const MESSAGE_RECEIVED = 'im.message.receive_v1';

export interface MessageSender {
	/** open_id, else user_id, else union_id: the first ID Feishu gave. */
	id: string;
	openId?: string;
	userId?: string;
	unionId?: string;
	/** `user`, `app`, … as Feishu sends it. */
	type: string;
	tenantKey?: string;
}

/** An `im.message.receive_v1` event, flattened to what a workflow needs. */
export interface ReceivedMessage {
	eventId: string;
	eventType: string;
	/** When Feishu created the event (ms since epoch, as a string). */
	eventTime?: string;
	appId?: string;
	tenantKey?: string;
	messageId: string;
	chatId: string;
	/** `p2p` or `group`. */
	chatType: string;
	messageType: string;
	/** When the message was sent (ms since epoch, as a string). */
	createTime?: string;
	rootId?: string;
	parentId?: string;
	threadId?: string;
	sender: MessageSender;
	/** The parsed `content`. */
	content: IDataObject;
	resources: MessageResource[];
	/** Why the message carries nothing to download (sticker, card, text…). */
	skipped?: string;
}

export type ReadMessage =
	{ message: ReceivedMessage; ignored?: undefined } | { message?: undefined; ignored: string };

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Leaves out the keys whose value is undefined, so output JSON carries no `undefined`. */
function defined<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function senderOf(event: IDataObject): MessageSender {
	const sender = isObject(event.sender) ? event.sender : {};
	const ids = isObject(sender.sender_id) ? sender.sender_id : {};
	const openId = str(ids.open_id);
	const userId = str(ids.user_id);
	const unionId = str(ids.union_id);
	return defined({
		id: openId ?? userId ?? unionId ?? '',
		openId,
		userId,
		unionId,
		type: str(sender.sender_type) ?? 'unknown',
		tenantKey: str(sender.tenant_key),
	});
}

/**
 * The message of an `im.message.receive_v1` event (schema 2.0), or why the envelope is not
 * one. The 1.0 `message` event has another shape and is ignored with a hint.
 */
export function readMessage(envelope: Envelope): ReadMessage {
	if (envelope.kind !== 'event') {
		return { ignored: envelope.kind === 'challenge' ? 'a URL verification' : envelope.reason };
	}
	if (envelope.schema === '1.0') {
		return {
			ignored: `a 1.0 event (${envelope.eventType}): subscribe the app to ${MESSAGE_RECEIVED} (2.0) instead`,
		};
	}
	if (envelope.eventType !== MESSAGE_RECEIVED) {
		return { ignored: `a ${envelope.eventType} event, not ${MESSAGE_RECEIVED}` };
	}
	const message = isObject(envelope.event.message) ? envelope.event.message : undefined;
	const messageId = str(message?.message_id);
	const chatId = str(message?.chat_id);
	if (!message || !messageId || !chatId) {
		return { ignored: `a ${MESSAGE_RECEIVED} event without message_id or chat_id` };
	}
	const messageType = str(message.message_type) ?? '';
	const content = parseContent(message.content);
	const found = resourcesOf(messageType, content);
	return {
		message: defined({
			eventId: envelope.eventId,
			eventType: envelope.eventType,
			eventTime: envelope.createTime,
			appId: envelope.appId,
			tenantKey: envelope.tenantKey,
			messageId,
			chatId,
			chatType: str(message.chat_type) ?? '',
			messageType,
			createTime: str(message.create_time),
			rootId: str(message.root_id),
			parentId: str(message.parent_id),
			threadId: str(message.thread_id),
			sender: senderOf(envelope.event),
			content: content as IDataObject,
			resources: found.resources,
			skipped: found.skipped,
		}),
	};
}
