/**
 * Feishu Images Trigger: what an `im.message.receive_v1` event carries to download, read the
 * way Feishu sends it (schema 2.0, `content` as a JSON string), and the panel's filters.
 */
import {
	filteredOut,
	NO_FILTERS,
	readEnvelope,
	readMessage,
	splitList,
	type ReceivedMessage,
} from '../nodes/FeishuImagesTrigger/events';
import {
	legacyMessageEvent,
	messageEvent,
	urlVerification,
	type MessageEventOptions,
} from './emulator/events/webhook-events';

function read(options: MessageEventOptions): ReceivedMessage {
	const result = readMessage(readEnvelope(messageEvent(options)));
	if (!result.message) throw new Error(`ignored: ${result.ignored}`);
	return result.message;
}

describe('the envelope', () => {
	it('a 2.0 event: its event_id, type, token, app and tenant come from the header', () => {
		const envelope = readEnvelope(
			messageEvent({ eventId: 'ev_1', messageType: 'image', content: { image_key: 'img_1' } }),
		);
		expect(envelope).toMatchObject({
			kind: 'event',
			schema: '2.0',
			eventId: 'ev_1',
			eventType: 'im.message.receive_v1',
			token: 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV',
			appId: 'cli_9f5343c580712544',
			tenantKey: '2ca1d211f64f6438',
			createTime: '1608725989000',
		});
	});

	it('a 1.0 event: uuid is the event ID, the token is at the top; its message is not read', () => {
		const envelope = readEnvelope(legacyMessageEvent('uuid-1', 'tok'));
		expect(envelope).toMatchObject({
			kind: 'event',
			schema: '1.0',
			eventId: 'uuid-1',
			token: 'tok',
			eventType: 'message',
		});
		expect(readMessage(envelope).ignored).toMatch(/1\.0 event.*im\.message\.receive_v1/);
	});

	it('url_verification is a challenge with its token', () => {
		expect(readEnvelope(urlVerification('ch-1', 'tok'))).toEqual({
			kind: 'challenge',
			challenge: 'ch-1',
			token: 'tok',
		});
	});

	it('anything else is unknown, never a throw', () => {
		for (const body of [null, 'text', [], {}, { schema: '2.0' }, { type: 'event_callback' }]) {
			expect(readEnvelope(body).kind).toBe('unknown');
		}
	});

	it('other event types are ignored with their name', () => {
		const event = messageEvent({ messageType: 'image', content: { image_key: 'img' } });
		(event.header as Record<string, unknown>).event_type = 'im.message.message_read_v1';
		expect(readMessage(readEnvelope(event)).ignored).toMatch(/im\.message\.message_read_v1/);
	});
});

describe('a message and its resources, in the order they appear', () => {
	it('image: the image_key, downloaded with type=image', () => {
		const m = read({
			messageType: 'image',
			content: { image_key: 'img_v3_a' },
			messageId: 'om_1',
			chatId: 'oc_1',
			chatType: 'group',
		});
		expect(m).toMatchObject({
			messageId: 'om_1',
			chatId: 'oc_1',
			chatType: 'group',
			messageType: 'image',
		});
		expect(m.sender).toEqual({
			id: 'ou_84aad35d084aa403a838cf73ee18467',
			openId: 'ou_84aad35d084aa403a838cf73ee18467',
			userId: 'e33ggbyz',
			unionId: 'on_8ed6aa67826108097d9ee143816345',
			type: 'user',
			tenantKey: '736588c9260f175e',
		});
		expect(m.resources).toEqual([
			{ fileKey: 'img_v3_a', type: 'image', kind: 'image', position: 0 },
		]);
		expect(m.skipped).toBeUndefined();
	});

	it("file: the file_key with type=file and Feishu's file name", () => {
		const m = read({
			messageType: 'file',
			content: { file_key: 'file_v3_a', file_name: 'report.pdf' },
		});
		expect(m.resources).toEqual([
			{ fileKey: 'file_v3_a', type: 'file', kind: 'file', fileName: 'report.pdf', position: 0 },
		]);
	});

	it('audio: the file_key with type=file', () => {
		const m = read({
			messageType: 'audio',
			content: { file_key: 'file_v3_voice', duration: 2000 },
		});
		expect(m.resources).toEqual([
			{ fileKey: 'file_v3_voice', type: 'file', kind: 'audio', position: 0 },
		]);
	});

	it('media (video): the video with type=file, then its cover with type=image', () => {
		const m = read({
			messageType: 'media',
			content: {
				file_key: 'file_v3_video',
				image_key: 'img_v3_cover',
				file_name: 'clip.mp4',
				duration: 5000,
			},
		});
		expect(m.resources).toEqual([
			{ fileKey: 'file_v3_video', type: 'file', kind: 'video', fileName: 'clip.mp4', position: 0 },
			{ fileKey: 'img_v3_cover', type: 'image', kind: 'cover', position: 1 },
		]);
	});

	it('post: every img and media element in reading order, text and links skipped', () => {
		const m = read({
			messageType: 'post',
			content: {
				title: 'Site visit',
				content: [
					[
						{ tag: 'text', text: 'Before:' },
						{ tag: 'img', image_key: 'img_1', width: 300, height: 200 },
					],
					[{ tag: 'a', href: 'https://example.invalid', text: 'link' }],
					[
						{ tag: 'media', file_key: 'file_video', image_key: 'img_video_cover' },
						{ tag: 'img', image_key: 'img_2' },
					],
				],
			},
		});
		expect(m.resources.map((r) => [r.fileKey, r.type, r.kind, r.position])).toEqual([
			['img_1', 'image', 'image', 0],
			['file_video', 'file', 'video', 1],
			['img_2', 'image', 'image', 2],
		]);
	});

	it('post wrapped in locale blocks: each block walked, a key repeated across locales once', () => {
		const m = read({
			messageType: 'post',
			content: {
				zh_cn: {
					title: '图',
					content: [
						[
							{ tag: 'img', image_key: 'img_zh' },
							{ tag: 'img', image_key: 'img_both' },
						],
					],
				},
				en_us: {
					title: 'Pic',
					content: [
						[
							{ tag: 'img', image_key: 'img_both' },
							{ tag: 'img', image_key: 'img_en' },
						],
					],
				},
			},
		});
		expect(m.resources.map((r) => r.fileKey)).toEqual(['img_zh', 'img_both', 'img_en']);
		expect(m.resources.map((r) => r.position)).toEqual([0, 1, 2]);
	});

	it.each([
		['sticker', { file_key: 'file_sticker' }, /sticker/],
		['interactive', { elements: [] }, /card.*234043/],
		['merge_forward', { content: 'Merged and Forwarded Message' }, /merge-forward/],
		['text', { text: 'hello' }, /text message without pictures or files/],
		[
			'post',
			{ title: 'only words', content: [[{ tag: 'text', text: 'hi' }]] },
			/post message without/,
		],
	])('%s: nothing to download, skipped with a reason', (messageType, content, reason) => {
		const m = read({ messageType, content });
		expect(m.resources).toEqual([]);
		expect(m.skipped).toMatch(reason);
	});

	it('a broken content string reads as empty, not as a throw', () => {
		const event = messageEvent({ messageType: 'image', content: {} });
		(event.event as Record<string, Record<string, unknown>>).message.content = '{not json';
		const result = readMessage(readEnvelope(event));
		expect(result.message?.resources).toEqual([]);
		expect(result.message?.skipped).toMatch(/image message without/);
	});

	it('a message without message_id or chat_id is ignored', () => {
		const event = messageEvent({ messageType: 'image', content: { image_key: 'img' } });
		delete (event.event as Record<string, Record<string, unknown>>).message.message_id;
		expect(readMessage(readEnvelope(event)).ignored).toMatch(/without message_id/);
	});
});

describe('filters', () => {
	const groupImage = () =>
		read({
			messageType: 'image',
			content: { image_key: 'img' },
			chatType: 'group',
			chatId: 'oc_team',
			senderType: 'user',
		});

	it('no filters let everything through', () => {
		expect(filteredOut(groupImage(), NO_FILTERS)).toBeUndefined();
	});

	it('chat type', () => {
		expect(filteredOut(groupImage(), { ...NO_FILTERS, chatTypes: ['p2p'] })).toMatch(
			/chat type "group"/,
		);
		expect(
			filteredOut(groupImage(), { ...NO_FILTERS, chatTypes: ['p2p', 'group'] }),
		).toBeUndefined();
	});

	it('chat IDs', () => {
		expect(filteredOut(groupImage(), { ...NO_FILTERS, chatIds: ['oc_other'] })).toMatch(
			/chat ID "oc_team"/,
		);
		expect(
			filteredOut(groupImage(), { ...NO_FILTERS, chatIds: splitList('oc_other, oc_team') }),
		).toBeUndefined();
	});

	it('message types', () => {
		expect(filteredOut(groupImage(), { ...NO_FILTERS, messageTypes: ['file', 'post'] })).toMatch(
			/message type "image"/,
		);
	});

	it('sender type: messages from bots can be left out', () => {
		const fromApp = read({
			messageType: 'image',
			content: { image_key: 'img' },
			senderType: 'app',
		});
		expect(filteredOut(fromApp, { ...NO_FILTERS, senderTypes: ['user'] })).toMatch(
			/sender type "app"/,
		);
	});

	it('lists from a text field: commas, spaces and lines', () => {
		expect(splitList(' oc_a,oc_b\n oc_c ,, ')).toEqual(['oc_a', 'oc_b', 'oc_c']);
		expect(splitList(undefined)).toEqual([]);
	});
});
