/**
 * The downloadable resources of a message's `content`, in the order they appear. Feishu's
 * message-resource endpoint takes `type=image` for image keys and `type=file` for everything
 * else (files, audio, video); stickers, cards and forwarded bundles cannot be fetched at all.
 */

/** What a resource is to the user; `type` is what the download endpoint is asked for. */
export type ResourceKind = 'image' | 'file' | 'audio' | 'video' | 'cover';

export interface MessageResource {
	fileKey: string;
	type: 'image' | 'file';
	kind: ResourceKind;
	/** Feishu's name of a file or video, when the content gives one. */
	fileName?: string;
	/** 0-based place among the message's resources. */
	position: number;
}

export type ResourcesOf =
	{ resources: MessageResource[]; skipped?: undefined } | { resources: []; skipped: string };

/** Message types whose resources Feishu does not serve, and why (the message-resource page). */
const UNSERVED: Record<string, string> = {
	sticker: 'a sticker: Feishu does not serve sticker resources',
	interactive: 'a card: Feishu answers 234043 (unsupported message type) for card resources',
	merge_forward:
		'a merge-forward bundle: Feishu does not serve the resources of forwarded messages (234043)',
	share_chat: 'a shared chat carries no files',
	share_user: 'a shared contact carries no files',
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `content` is a JSON string in the event; a broken one reads as empty. */
export function parseContent(content: unknown): Json {
	if (isObject(content)) return content;
	if (typeof content !== 'string') return {};
	try {
		const parsed: unknown = JSON.parse(content);
		return isObject(parsed) ? parsed : {};
	} catch {
		return {};
	}
}

type Draft = Omit<MessageResource, 'position'>;

/**
 * A post's body: `{title, content: [[element…]…]}`, or that object wrapped in locale keys
 * (`zh_cn`, `en_us`, …), possibly several; each locale block is walked in order.
 */
function postBlocks(content: Json): Json[] {
	if (Array.isArray(content.content)) return [content];
	return Object.values(content).filter(
		(value): value is Json => isObject(value) && Array.isArray(value.content),
	);
}

function postResources(content: Json): Draft[] {
	const found: Draft[] = [];
	for (const block of postBlocks(content)) {
		for (const line of block.content as unknown[]) {
			if (!Array.isArray(line)) continue;
			for (const element of line) {
				if (!isObject(element)) continue;
				const imageKey = str(element.image_key);
				const fileKey = str(element.file_key);
				if (element.tag === 'img' && imageKey) {
					found.push({ fileKey: imageKey, type: 'image', kind: 'image' });
				} else if (element.tag === 'media' && fileKey) {
					found.push({ fileKey, type: 'file', kind: 'video' });
				}
			}
		}
	}
	return found;
}

function draftsOf(messageType: string, content: Json): Draft[] {
	const imageKey = str(content.image_key);
	const fileKey = str(content.file_key);
	const fileName = str(content.file_name);
	switch (messageType) {
		case 'image':
			return imageKey ? [{ fileKey: imageKey, type: 'image', kind: 'image' }] : [];
		case 'file':
			return fileKey
				? [{ fileKey, type: 'file', kind: 'file', ...(fileName && { fileName }) }]
				: [];
		case 'audio':
			return fileKey ? [{ fileKey, type: 'file', kind: 'audio' }] : [];
		case 'media':
		case 'video': {
			const drafts: Draft[] = [];
			if (fileKey)
				drafts.push({ fileKey, type: 'file', kind: 'video', ...(fileName && { fileName }) });
			if (imageKey) drafts.push({ fileKey: imageKey, type: 'image', kind: 'cover' });
			return drafts;
		}
		case 'post':
			return postResources(content);
		default:
			return [];
	}
}

/** The resources of one message, each key once (a post in two locales repeats its images). */
export function resourcesOf(messageType: string, content: Json): ResourcesOf {
	const unserved = UNSERVED[messageType];
	if (unserved) return { resources: [], skipped: unserved };
	const seen = new Set<string>();
	const resources: MessageResource[] = [];
	for (const draft of draftsOf(messageType, content)) {
		const key = `${draft.type}:${draft.fileKey}`;
		if (seen.has(key)) continue;
		seen.add(key);
		resources.push({ ...draft, position: resources.length });
	}
	if (resources.length === 0) {
		return {
			resources: [],
			skipped: `a ${messageType || 'message'} message without pictures or files`,
		};
	}
	return { resources };
}
