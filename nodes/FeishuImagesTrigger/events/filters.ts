import type { ReceivedMessage } from './message';

/** The panel's filters; an empty list lets everything through. */
export interface MessageFilters {
	/** `p2p`, `group`. */
	chatTypes: string[];
	chatIds: string[];
	/** `image`, `file`, `audio`, `media`, `post`. */
	messageTypes: string[];
	/** `user`, `app`. */
	senderTypes: string[];
}

export const NO_FILTERS: MessageFilters = {
	chatTypes: [],
	chatIds: [],
	messageTypes: [],
	senderTypes: [],
};

/** A comma- or line-separated list from a text field, trimmed, empties dropped. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value))
		return value
			.map(String)
			.map((v) => v.trim())
			.filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[\s,]+/)
		.map((v) => v.trim())
		.filter(Boolean);
}

/** undefined when the message passes every filter, else which one it failed. */
export function filteredOut(message: ReceivedMessage, filters: MessageFilters): string | undefined {
	const rules: Array<[string[], string, string]> = [
		[filters.chatTypes, message.chatType, 'chat type'],
		[filters.chatIds, message.chatId, 'chat ID'],
		[filters.messageTypes, message.messageType, 'message type'],
		[filters.senderTypes, message.sender.type, 'sender type'],
	];
	for (const [allowed, value, name] of rules) {
		if (allowed.length > 0 && !allowed.includes(value)) {
			return `${name} "${value}" is not among the trigger's filters`;
		}
	}
	return undefined;
}
