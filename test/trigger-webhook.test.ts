/**
 * Feishu Images Trigger, webhook way, in n8n-core's real WebhookContext: Feishu (the emulator's
 * webhook delivery) POSTs sealed events to a request URL on 127.0.0.1, served the way n8n's
 * webhook endpoint serves an active workflow (raw body kept, the node's webhook() called with
 * the request and response), and the files come from the emulator's message-resource endpoint.
 */
import { randomUUID } from 'node:crypto';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import { FeishuEmulator } from './emulator';
import { messageEvent } from './emulator/events/webhook-events';
import { FeishuWebhookSender } from './emulator/events/webhook-delivery';
import {
	CredentialStore,
	TestCredentialsHelper,
	installCapturingLogger,
	useBinaryMode,
} from './engine';
import { credentialData } from './support/feishu';
import { N8nWebhookEndpoint } from './trigger-webhook-endpoint';

const TOKEN = 'v3rification-t0ken-of-the-app';
const KEY = 'encrypt-key-of-the-app';

interface Setup {
	emulator: FeishuEmulator;
	endpoint: N8nWebhookEndpoint;
	feishu: FeishuWebhookSender;
	binary(item: INodeExecutionData, field?: string): Promise<Buffer>;
}

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
	for (const o of open) await o.close();
	open = [];
});

async function setup(
	options: {
		parameters?: INodeParameters;
		encryptKey?: string;
		credentialKey?: string;
		credentialToken?: string;
		timeScale?: number;
	} = {},
): Promise<Setup> {
	installCapturingLogger();
	const service = await useBinaryMode('memory');
	const emulator = await FeishuEmulator.start();
	const credentialId = `trigger-cred-${randomUUID()}`;
	const encryptKey = 'encryptKey' in options ? options.encryptKey : KEY;
	const store = new CredentialStore([
		{
			id: credentialId,
			name: 'Feishu test app',
			type: 'feishuApi',
			data: credentialData(emulator, {
				verificationToken: options.credentialToken ?? TOKEN,
				encryptKeySecret: options.credentialKey ?? encryptKey ?? '',
			}),
		},
	]);
	const endpoint = new N8nWebhookEndpoint(
		{ receiveVia: 'webhook', ...options.parameters },
		new TestCredentialsHelper(store, [new FeishuApi()]),
		credentialId,
	);
	const url = await endpoint.listen();
	open.push(endpoint, emulator);
	const feishu = new FeishuWebhookSender({
		url,
		verificationToken: TOKEN,
		encryptKey,
		timeScale: options.timeScale ?? 1,
	});
	return {
		emulator,
		endpoint,
		feishu,
		binary: async (item, field = 'data') => {
			const binary = item.binary?.[field];
			if (!binary) throw new Error(`no binary field ${field}`);
			return await service.getAsBuffer(binary);
		},
	};
}

function imageMessage(messageId: string, imageKey: string, eventId?: string) {
	return messageEvent({
		eventId,
		token: TOKEN,
		messageId,
		messageType: 'image',
		content: { image_key: imageKey },
	});
}

describe('URL verification', () => {
	it('the console saves the URL: the challenge comes back with 200 when the token matches', async () => {
		const s = await setup();
		const attempt = await s.feishu.verifyUrl('challenge-123');
		expect(attempt.status).toBe(200);
		expect(JSON.parse(attempt.body)).toEqual({ challenge: 'challenge-123' });
		expect(attempt.ms).toBeLessThan(1000);
		expect(await s.endpoint.runs()).toEqual([]);
	});

	it('a URL check with another token gets 401 and no challenge', async () => {
		const s = await setup();
		const attempt = await s.feishu.verifyUrl('challenge-123', 'someone-elses-token');
		expect(attempt.status).toBe(401);
		expect(attempt.body).not.toContain('challenge-123');
	});

	it('plain (no Encrypt Key anywhere): answered too', async () => {
		const s = await setup({ encryptKey: undefined, credentialKey: '' });
		const attempt = await s.feishu.verifyUrl('plain-challenge');
		expect(JSON.parse(attempt.body)).toEqual({ challenge: 'plain-challenge' });
	});
});

describe('a picture sent to the bot', () => {
	it("signed and encrypted: 200 at once, then one item with the picture's bytes and its message", async () => {
		const s = await setup();
		const bytes = s.emulator.addMessageResource('om_pic', 'img_v3_pic', {
			type: 'image',
			contentType: 'image/png',
		});
		const [attempt] = await s.feishu.deliver(imageMessage('om_pic', 'img_v3_pic', 'ev_pic'));
		expect(attempt.status).toBe(200);
		expect(await s.endpoint.runs()).toHaveLength(1);
		const [item] = (await s.endpoint.runs())[0];
		expect(await s.binary(item)).toEqual(bytes);
		expect(item.json).toMatchObject({
			eventId: 'ev_pic',
			messageId: 'om_pic',
			chatId: 'oc_5ce6d572455d361153b7xx51da133945',
			chatType: 'p2p',
			messageType: 'image',
			sender: { id: 'ou_84aad35d084aa403a838cf73ee18467', type: 'user' },
			fileKey: 'img_v3_pic',
			kind: 'image',
			position: 0,
			size: bytes.length,
			mimeType: 'image/png',
		});
		expect(item.json.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(s.emulator.requestLog.at(-1)?.url).toBe(
			'/open-apis/im/v1/messages/om_pic/resources/img_v3_pic?type=image',
		);
		// Neither the Verification Token nor the Encrypt Key reaches the output.
		const output = JSON.stringify(await s.endpoint.runs());
		expect(output).not.toContain(TOKEN);
		expect(output).not.toContain(KEY);
	});

	it('Feishu is answered before the download: a slow file does not delay the 200', async () => {
		const s = await setup();
		s.emulator.addMessageResource('om_slow', 'img_slow', { type: 'image' });
		s.emulator.latencyMs = 600;
		const attempts = await s.feishu.deliver(imageMessage('om_slow', 'img_slow'));
		expect(attempts).toHaveLength(1);
		expect(attempts[0].status).toBe(200);
		expect(attempts[0].ms).toBeLessThan(600);
		expect(await s.endpoint.runs()).toHaveLength(1);
	});

	it('a rich-text post: one item per picture and video, in the order of the message', async () => {
		const s = await setup();
		const a = s.emulator.addMessageResource('om_post', 'img_a', { type: 'image' });
		const v = s.emulator.addMessageResource('om_post', 'file_v', {
			type: 'file',
			contentType: 'video/mp4',
		});
		const b = s.emulator.addMessageResource('om_post', 'img_b', { type: 'image' });
		const post = messageEvent({
			token: TOKEN,
			messageId: 'om_post',
			messageType: 'post',
			content: {
				title: 'Site',
				content: [
					[
						{ tag: 'img', image_key: 'img_a' },
						{ tag: 'text', text: 'then' },
					],
					[
						{ tag: 'media', file_key: 'file_v', image_key: 'img_cover' },
						{ tag: 'img', image_key: 'img_b' },
					],
				],
			},
		});
		await s.feishu.deliver(post);
		const items = (await s.endpoint.runs())[0];
		expect(items.map((i) => [i.json.fileKey, i.json.kind, i.json.position])).toEqual([
			['img_a', 'image', 0],
			['file_v', 'video', 1],
			['img_b', 'image', 2],
		]);
		expect(await s.binary(items[0])).toEqual(a);
		expect(await s.binary(items[1])).toEqual(v);
		expect(await s.binary(items[2])).toEqual(b);
		const types = s.emulator.requestLog.map((r) => r.url).filter((u) => u.includes('/resources/'));
		expect(types.sort()).toEqual([
			'/open-apis/im/v1/messages/om_post/resources/file_v?type=file',
			'/open-apis/im/v1/messages/om_post/resources/img_a?type=image',
			'/open-apis/im/v1/messages/om_post/resources/img_b?type=image',
		]);
	});

	it('a file that cannot be fetched (234003) carries its error, code and log ID; the others arrive', async () => {
		const s = await setup();
		const a = s.emulator.addMessageResource('om_two', 'img_ok', { type: 'image' });
		s.emulator.addMessageResource('om_two', 'img_gone', { type: 'image' });
		s.emulator.injectFault({ kind: 'error', code: 234003 }, { id: 'img_gone' });
		const post = messageEvent({
			token: TOKEN,
			messageId: 'om_two',
			messageType: 'post',
			content: {
				content: [
					[
						{ tag: 'img', image_key: 'img_gone' },
						{ tag: 'img', image_key: 'img_ok' },
					],
				],
			},
		});
		await s.feishu.deliver(post);
		const [gone, ok] = (await s.endpoint.runs())[0];
		expect(gone.binary).toBeUndefined();
		expect(gone.json).toMatchObject({ fileKey: 'img_gone', position: 0, code: 234003 });
		expect(gone.json.error).toEqual(expect.any(String));
		expect(gone.json.logId).toEqual(expect.any(String));
		expect(await s.binary(ok)).toEqual(a);
		expect(ok.json.error).toBeUndefined();
	});

	it('one item per message: every file in its own binary field (data, data_1)', async () => {
		const s = await setup({ parameters: { output: 'message' } });
		const video = s.emulator.addMessageResource('om_vid', 'file_vid', {
			type: 'file',
			contentType: 'video/mp4',
		});
		const cover = s.emulator.addMessageResource('om_vid', 'img_cover', { type: 'image' });
		await s.feishu.deliver(
			messageEvent({
				token: TOKEN,
				messageId: 'om_vid',
				messageType: 'media',
				content: { file_key: 'file_vid', image_key: 'img_cover', file_name: 'clip.mp4' },
			}),
		);
		const [item] = (await s.endpoint.runs())[0];
		expect(await s.binary(item, 'data')).toEqual(video);
		expect(await s.binary(item, 'data_1')).toEqual(cover);
		expect(item.json.files).toMatchObject([
			{ fileKey: 'file_vid', kind: 'video', binaryField: 'data' },
			{ fileKey: 'img_cover', kind: 'cover', binaryField: 'data_1' },
		]);
	});

	it('message only: the message and its keys, nothing downloaded', async () => {
		const s = await setup({ parameters: { output: 'messageOnly' } });
		await s.feishu.deliver(imageMessage('om_keys', 'img_keys'));
		const [item] = (await s.endpoint.runs())[0];
		expect(item.binary).toBeUndefined();
		expect(item.json.resources).toEqual([
			{ fileKey: 'img_keys', type: 'image', kind: 'image', position: 0 },
		]);
		expect(s.emulator.requestLog.filter((r) => r.url.includes('/resources/'))).toEqual([]);
	});
});

describe('forged, tampered and faulty requests: 401, nothing started, never a 500', () => {
	it.each(['signature', 'body', 'token', 'plain', 'unsigned'] as const)('%s', async (tamper) => {
		const s = await setup();
		s.emulator.addMessageResource('om_x', 'img_x', { type: 'image' });
		const attempt = await s.feishu.push(imageMessage('om_x', 'img_x'), tamper);
		expect(attempt.status).toBe(401);
		expect(await s.endpoint.runs()).toEqual([]);
		expect(s.emulator.requestLog).toEqual([]);
	});

	it('an encrypted request to a credential without an Encrypt Key: 401', async () => {
		const s = await setup({ credentialKey: '' });
		expect((await s.feishu.push(imageMessage('om_x', 'img_x'))).status).toBe(401);
		expect(s.endpoint.served.every((r) => r.status !== 500)).toBe(true);
	});

	it('a trigger set to the long connection refuses webhook requests with 401', async () => {
		const s = await setup({ parameters: { receiveVia: 'longConnection' } });
		expect((await s.feishu.push(imageMessage('om_x', 'img_x'))).status).toBe(401);
		expect(await s.endpoint.runs()).toEqual([]);
	});
});

describe('exactly once', () => {
	it('the same event_id delivered again after a 200: one run', async () => {
		const s = await setup();
		s.emulator.addMessageResource('om_dup', 'img_dup', { type: 'image' });
		const event = imageMessage('om_dup', 'img_dup', 'ev_dup');
		expect((await s.feishu.push(event)).status).toBe(200);
		expect((await s.feishu.push(event)).status).toBe(200);
		expect(s.endpoint.served).toHaveLength(2);
		expect(await s.endpoint.runs()).toHaveLength(1);
	});

	it('two workflows of the same app: the same event_id runs each of them once', async () => {
		const first = await setup();
		const second = await setup();
		for (const s of [first, second])
			s.emulator.addMessageResource('om_both', 'img_both', { type: 'image' });
		const event = imageMessage('om_both', 'img_both', 'ev_both');
		for (const s of [first, second, first, second])
			expect((await s.feishu.push(event)).status).toBe(200);
		expect(await first.endpoint.runs()).toHaveLength(1);
		expect(await second.endpoint.runs()).toHaveLength(1);
	});

	it('n8n too slow to answer: Feishu retries (15 s scaled down), the retry is answered 200 and starts nothing', async () => {
		const s = await setup({ timeScale: 0.1 });
		s.emulator.addMessageResource('om_late', 'img_late', { type: 'image' });
		s.endpoint.delayMs = 800; // past the scaled 3 s deadline (300 ms)
		const delivery = s.feishu.deliver(imageMessage('om_late', 'img_late', 'ev_late'));
		while (s.endpoint.served.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		s.endpoint.delayMs = 0; // n8n catches up before the retry (1.5 s later)
		const attempts = await delivery;
		expect(attempts.map((a) => a.status)).toEqual([0, 200]);
		expect(s.endpoint.served).toHaveLength(2);
		expect(await s.endpoint.runs()).toHaveLength(1);
	});

	it('a message in a chat the filters leave out: 200, no run', async () => {
		const s = await setup({ parameters: { filters: { chatTypes: ['group'] } } });
		const attempt = await s.feishu.push(imageMessage('om_p2p', 'img_p2p'));
		expect(attempt.status).toBe(200);
		expect(await s.endpoint.runs()).toEqual([]);
	});

	it('a sticker: 200, no run, nothing fetched', async () => {
		const s = await setup();
		const attempt = await s.feishu.push(
			messageEvent({ token: TOKEN, messageType: 'sticker', content: { file_key: 'file_sticker' } }),
		);
		expect(attempt.status).toBe(200);
		expect(await s.endpoint.runs()).toEqual([]);
		expect(s.emulator.requestLog).toEqual([]);
	});
});
