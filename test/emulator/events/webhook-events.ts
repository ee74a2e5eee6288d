/**
 * Feishu's `im.message.receive_v1` events as Feishu pushes them (schema 2.0, the sample of the
 * "接收消息" page with its field layout), built per message type. `content` is a JSON string,
 * as in a real event. Written from the page on its own: never imports the node.
 */
import { randomBytes } from 'node:crypto';

export interface MessageEventOptions {
	eventId?: string;
	token?: string;
	appId?: string;
	messageId?: string;
	chatId?: string;
	chatType?: 'p2p' | 'group';
	senderType?: string;
	openId?: string;
	messageType: string;
	/** The content object; serialised to the string Feishu sends. */
	content: Record<string, unknown>;
}

export type FeishuEvent = Record<string, unknown>;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function messageEvent(options: MessageEventOptions): FeishuEvent {
	return {
		schema: '2.0',
		header: {
			event_id: options.eventId ?? hex(16),
			event_type: 'im.message.receive_v1',
			create_time: '1608725989000',
			token: options.token ?? 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV',
			app_id: options.appId ?? 'cli_9f5343c580712544',
			tenant_key: '2ca1d211f64f6438',
		},
		event: {
			sender: {
				sender_id: {
					union_id: 'on_8ed6aa67826108097d9ee143816345',
					user_id: 'e33ggbyz',
					open_id: options.openId ?? 'ou_84aad35d084aa403a838cf73ee18467',
				},
				sender_type: options.senderType ?? 'user',
				tenant_key: '736588c9260f175e',
			},
			message: {
				message_id: options.messageId ?? `om_${hex(16)}`,
				root_id: '',
				parent_id: '',
				create_time: '1609073151345',
				update_time: '1609073151345',
				chat_id: options.chatId ?? 'oc_5ce6d572455d361153b7xx51da133945',
				thread_id: '',
				chat_type: options.chatType ?? 'p2p',
				message_type: options.messageType,
				content: JSON.stringify(options.content),
				mentions: [],
				user_agent:
					'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Lark/6.8.4',
			},
		},
	};
}

/** The same message in Feishu's 1.0 envelope (`event_callback`, `uuid`, top-level `token`). */
export function legacyMessageEvent(uuid: string, token: string): FeishuEvent {
	return {
		uuid,
		token,
		ts: '1608725989.000',
		type: 'event_callback',
		event: {
			type: 'message',
			app_id: 'cli_9f5343c580712544',
			tenant_key: '2ca1d211f64f6438',
			open_message_id: 'om_legacy',
			open_chat_id: 'oc_legacy',
			msg_type: 'image',
			image_key: 'img_legacy',
		},
	};
}

/** The body Feishu POSTs when the request URL is saved in the console. */
export function urlVerification(challenge: string, token: string): FeishuEvent {
	return { challenge, token, type: 'url_verification' };
}
