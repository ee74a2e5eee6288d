/**
 * Feishu Images Trigger, long-connection way, as n8n runs it: trigger() in n8n-core's real
 * TriggerContext through TriggersAndPollers (test/trigger-activation.ts), against ONE Feishu
 * emulator that serves endpoint discovery, the WebSocket and the message resources on its port.
 * A picture sent to the bot becomes one execution per workflow with the file's bytes; Feishu's
 * redeliveries and drops change nothing; every workflow of the app and a test listen get every
 * event over one connection; deactivation leaves nothing open.
 */
import { createHash } from 'node:crypto';

import { resolveWebhookDescriptionField, Workflow } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { FeishuImagesTrigger } from '../nodes/FeishuImagesTrigger/FeishuImagesTrigger.node';
import { openConnectionCount } from '../nodes/FeishuImagesTrigger/long-connection/registry';
import { TestNodeTypes } from './engine';
import { FeishuEmulator } from './emulator';
import { messageEvent, type MessageEventOptions } from './emulator/events/webhook-events';
import { trackTimers, TRIGGER_ONLY } from './support/timers';
import { N8nMain, resolvedTriggerParameters, type ActiveWorkflow } from './trigger-activation';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let emu: FeishuEmulator;
let n8n: N8nMain;
let active: Array<{ close(): Promise<void> }> = [];

beforeEach(async () => {
	emu = await FeishuEmulator.start();
	n8n = await N8nMain.start(emu);
});

afterEach(async () => {
	for (const a of active.splice(0)) await a.close();
	await emu.close();
	expect(openConnectionCount()).toBe(0);
});

async function activate(parameters: INodeParameters = {}, workflowId?: string) {
	const workflow = await n8n.activate({ receiveVia: 'longConnection', ...parameters }, workflowId);
	active.push(workflow);
	return workflow;
}

function event(options: Partial<MessageEventOptions> & Pick<MessageEventOptions, 'content'>) {
	return messageEvent({ messageType: 'image', appId: emu.appId, ...options });
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Lets whatever is in flight land (acks, resends, handlers) before counting what did not happen. */
const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));

const runs = (workflow: ActiveWorkflow) => workflow.executions;

describe('a picture sent to the bot', () => {
	it('one execution with the file: its bytes, name, MIME type and the message fields', async () => {
		const bytes = emu.addMessageResource('om_pic', 'img_v3_pic', {
			type: 'image',
			contentType: 'image/png',
			fileName: '截图 2026.png',
		});
		const workflow = await activate();
		emu.longConnection.deliver(
			event({ eventId: 'ev_pic', messageId: 'om_pic', content: { image_key: 'img_v3_pic' } }),
		);
		await waitFor('the execution', () => runs(workflow).length === 1);
		const [item] = runs(workflow)[0];
		expect(runs(workflow)[0]).toHaveLength(1);
		expect(await n8n.bytes(item)).toEqual(bytes);
		expect(item.binary?.data).toMatchObject({ fileName: '截图 2026.png', mimeType: 'image/png' });
		expect(item.json).toEqual({
			eventId: 'ev_pic',
			messageId: 'om_pic',
			chatId: 'oc_5ce6d572455d361153b7xx51da133945',
			chatType: 'p2p',
			messageType: 'image',
			sender: expect.objectContaining({ id: 'ou_84aad35d084aa403a838cf73ee18467', type: 'user' }),
			createTime: expect.any(String),
			fileKey: 'img_v3_pic',
			kind: 'image',
			resourceType: 'image',
			position: 0,
			fileName: '截图 2026.png',
			mimeType: 'image/png',
			size: bytes.length,
			sha256: sha256(bytes),
		});
		expect(emu.requestLog.map((r) => r.url)).toContain(
			'/open-apis/im/v1/messages/om_pic/resources/img_v3_pic?type=image',
		);
		// Acked once, with 200, and never resent.
		expect(emu.longConnection.counters.acks.map((a) => a.code)).toEqual([200]);
		expect(emu.longConnection.counters.redeliveries).toBe(0);
		// The app secret and the token never reach the output.
		const output = JSON.stringify(runs(workflow));
		expect(output).not.toContain(emu.appSecret);
	});

	it('a rich-text post: its pictures and video in the order of the message; a failing file carries its error', async () => {
		const a = emu.addMessageResource('om_post', 'img_a', { type: 'image' });
		const v = emu.addMessageResource('om_post', 'file_v', {
			type: 'file',
			contentType: 'video/mp4',
		});
		emu.addMessageResource('om_post', 'img_gone', { type: 'image' });
		emu.injectFault({ kind: 'error', code: 234003 }, { id: 'img_gone' });
		const workflow = await activate();
		emu.longConnection.deliver(
			event({
				messageId: 'om_post',
				messageType: 'post',
				content: {
					title: 'Site visit',
					content: [
						[
							{ tag: 'img', image_key: 'img_a' },
							{ tag: 'text', text: 'and then' },
						],
						[
							{ tag: 'img', image_key: 'img_gone' },
							{ tag: 'media', file_key: 'file_v', image_key: 'img_cover' },
						],
					],
				},
			}),
		);
		await waitFor('the execution', () => runs(workflow).length === 1);
		const items = runs(workflow)[0];
		expect(items.map((i) => [i.json.fileKey, i.json.kind, i.json.position])).toEqual([
			['img_a', 'image', 0],
			['img_gone', 'image', 1],
			['file_v', 'video', 2],
		]);
		expect(await n8n.bytes(items[0])).toEqual(a);
		expect(await n8n.bytes(items[2])).toEqual(v);
		expect(items[2].json).toMatchObject({ mimeType: 'video/mp4', sha256: sha256(v) });
		expect(items[1].binary).toBeUndefined();
		expect(items[1].json).toMatchObject({ code: 234003, error: expect.any(String) });
		expect(items[1].json.logId).toEqual(expect.any(String));
	});

	it('one item per message: every file in its own binary field', async () => {
		const one = emu.addMessageResource('om_two', 'img_1', { type: 'image' });
		const two = emu.addMessageResource('om_two', 'img_2', { type: 'image' });
		const workflow = await activate({ output: 'message' });
		emu.longConnection.deliver(
			event({
				messageId: 'om_two',
				messageType: 'post',
				content: {
					content: [
						[
							{ tag: 'img', image_key: 'img_1' },
							{ tag: 'img', image_key: 'img_2' },
						],
					],
				},
			}),
		);
		await waitFor('the execution', () => runs(workflow).length === 1);
		const [item] = runs(workflow)[0];
		expect(await n8n.bytes(item, 'data')).toEqual(one);
		expect(await n8n.bytes(item, 'data_1')).toEqual(two);
	});

	it('message only: the keys, nothing downloaded', async () => {
		const workflow = await activate({ output: 'messageOnly' });
		emu.longConnection.deliver(event({ messageId: 'om_keys', content: { image_key: 'img_keys' } }));
		await waitFor('the execution', () => runs(workflow).length === 1);
		const [item] = runs(workflow)[0];
		expect(item.binary).toBeUndefined();
		expect(item.json.resources).toEqual([
			{ fileKey: 'img_keys', type: 'image', kind: 'image', position: 0 },
		]);
		expect(emu.requestLog.filter((r) => r.url.includes('/resources/'))).toEqual([]);
	});
});

describe('exactly once per event per workflow', () => {
	it('Feishu delivers again after the ack and the connection drops twice mid-burst: one execution each', async () => {
		const workflow = await activate({ output: 'messageOnly' });
		const sent = Array.from({ length: 30 }, (_, i) =>
			event({ eventId: `ev_${i}`, messageId: `om_${i}`, content: { image_key: `img_${i}` } }),
		);
		for (const [i, e] of sent.entries()) {
			emu.longConnection.deliver(e, { duplicate: i % 3 === 0 });
			if (i === 10 || i === 20) emu.longConnection.drop();
		}
		// The same event_id pushed again under a new message_id (at-least-once).
		emu.longConnection.deliver(sent[5]);
		await waitFor('every event', () => runs(workflow).length >= 30);
		await waitFor('the duplicates', () => emu.longConnection.counters.duplicatesSent === 10);
		await settle();
		expect(runs(workflow).map((items) => items[0].json.eventId)).toEqual(
			expect.arrayContaining(sent.map((_, i) => `ev_${i}`)),
		);
		expect(runs(workflow)).toHaveLength(30);
		expect(emu.longConnection.counters.lost).toBe(0);
		expect(emu.longConnection.unacked()).toBe(0);
	});

	it('two workflows of the same app and a test listen: each gets every event, over ONE connection', async () => {
		for (let i = 0; i < 5; i++) emu.addMessageResource(`om_${i}`, `img_${i}`, { type: 'image' });
		const first = await activate();
		const second = await activate();
		const listen = await n8n.listenForTest({ receiveVia: 'longConnection' }, first.id);
		active.push(listen);
		const sent = Array.from({ length: 5 }, (_, i) =>
			event({ eventId: `ev_both_${i}`, messageId: `om_${i}`, content: { image_key: `img_${i}` } }),
		);
		for (const e of sent) emu.longConnection.deliver(e, { duplicate: true });
		const heard = await listen.event;
		await waitFor('both workflows', () => runs(first).length === 5 && runs(second).length === 5);
		await settle();
		const ids = (w: ActiveWorkflow) => w.executions.map((items) => items[0].json.eventId).sort();
		expect(ids(first)).toEqual(sent.map((_, i) => `ev_both_${i}`));
		expect(ids(second)).toEqual(ids(first));
		// The test listen heard one event with its file, and did not take it from the workflows.
		expect(heard[0][0].json.eventId).toMatch(/^ev_both_/);
		expect(heard[0][0].binary?.data).toBeDefined();
		// n8n's key is per workflow: no workflow's emit was dropped by another's key.
		expect(first.droppedByKey + second.droppedByKey).toBe(0);
		expect(emu.longConnection.counters.upgrades).toBe(1);
		expect(emu.longConnection.counters.maxOpenPerApp[emu.appId]).toBe(1);
		expect(openConnectionCount()).toBe(1);
	});

	it('the same workflow activated again (another n8n process, a restart) runs an event once: n8n’s stored key', async () => {
		const before = await activate({ output: 'messageOnly' }, 'wf-restarted');
		const e = event({ eventId: 'ev_restart', content: { image_key: 'img_r' } });
		emu.longConnection.deliver(e);
		await waitFor('the execution', () => runs(before).length === 1);
		await before.close();
		active = active.filter((a) => a !== before);
		// After the restart the in-process memory is empty; Feishu's resend arrives.
		const after = await activate({ output: 'messageOnly' }, 'wf-restarted');
		emu.longConnection.deliver(e);
		await waitFor('the resend', () => after.droppedByKey === 1);
		expect(runs(after)).toHaveLength(0);
	});
});

describe('deactivation', () => {
	it('closing every workflow and the test listen: 0 connections at the emulator, no timer of the trigger left', async () => {
		const timers = trackTimers(TRIGGER_ONLY);
		try {
			const first = await activate({ output: 'messageOnly' });
			const second = await activate({ output: 'messageOnly' });
			const listen = await n8n.listenForTest({ receiveVia: 'longConnection' });
			emu.longConnection.deliver(event({ content: { image_key: 'img_x' } }));
			await listen.event;
			await waitFor('the executions', () => runs(first).length === 1 && runs(second).length === 1);
			await first.close();
			expect(emu.longConnection.openConnections()).toBe(1);
			await listen.close();
			await second.close();
			active = [];
			expect(openConnectionCount()).toBe(0);
			await waitFor(
				'the emulator to see the close',
				() => emu.longConnection.openConnections() === 0,
			);
			const pings = emu.longConnection.counters.pings;
			await settle(500); // more than two ping intervals of the scaled ClientConfig
			expect(timers.created()).toBeGreaterThan(0);
			expect(timers.pending()).toEqual([]);
			expect(emu.longConnection.counters.pings).toBe(pings);
		} finally {
			timers.stop();
		}
	});
});

describe('filters', () => {
	it('a chat type or message type the filters leave out starts nothing and fetches nothing; the event is still acked', async () => {
		emu.addMessageResource('om_group', 'img_group', { type: 'image' });
		const workflow = await activate({
			filters: { chatTypes: ['p2p'], messageTypes: ['image'] },
		});
		emu.longConnection.deliver(
			event({ messageId: 'om_group', chatType: 'group', content: { image_key: 'img_group' } }),
		);
		emu.longConnection.deliver(
			event({ messageType: 'file', content: { file_key: 'file_1', file_name: 'a.pdf' } }),
		);
		emu.longConnection.deliver(event({ messageType: 'sticker', content: { file_key: 'stk' } }));
		await waitFor('three acks', () => emu.longConnection.counters.acks.length === 3);
		await settle();
		expect(runs(workflow)).toEqual([]);
		expect(emu.requestLog.filter((r) => r.url.includes('/resources/'))).toEqual([]);
		expect(emu.longConnection.counters.acks.every((a) => a.code === 200)).toBe(true);
		expect(emu.longConnection.counters.redeliveries).toBe(0);
	});
});

describe('webhook mode', () => {
	it('trigger() returns at once and opens nothing', async () => {
		const workflow = await n8n.activate({ receiveVia: 'webhook' });
		expect(workflow.response).toEqual({});
		expect(emu.longConnection.counters.discoveries).toBe(0);
		expect(openConnectionCount()).toBe(0);
		expect(emu.requestLog).toEqual([]);
	});
});

describe('the panel', () => {
	const { description } = new FeishuImagesTrigger();
	const visible = (parameters: INodeParameters) => {
		const resolved = resolvedTriggerParameters(parameters);
		return description.properties
			.filter((p) => p.type === 'notice')
			.filter((p) => {
				const show = p.displayOptions?.show?.receiveVia as string[] | undefined;
				return !show || show.includes(String(resolved.receiveVia));
			})
			.map((p) => p.displayName);
	};

	it('Receive Events Via: Long Connection by default, Webhook the other choice', () => {
		const field = description.properties.find((p) => p.name === 'receiveVia');
		expect(field?.displayName).toBe('Receive Events Via');
		expect(field?.default).toBe('longConnection');
		expect(field?.options?.map((o) => (o as { name: string }).name)).toEqual([
			'Long Connection',
			'Webhook',
		]);
	});

	it('long connection: the console steps for the persistent connection, and the scopes', () => {
		const notices = visible({});
		expect(notices.join('\n')).toMatch(/Receive events through persistent connection/);
		expect(notices.join('\n')).not.toMatch(/Production URL/);
		expect(notices.join('\n')).toMatch(/im:message\.p2p_msg:readonly/);
		expect(notices.join('\n')).toMatch(/im:message\.group_msg/);
		expect(notices.join('\n')).toMatch(/im:message:readonly/);
	});

	it('webhook: where to paste the URL, the token and key, and the same scopes', () => {
		const notices = visible({ receiveVia: 'webhook' });
		expect(notices.join('\n')).toMatch(/Production URL/);
		expect(notices.join('\n')).toMatch(/Verification Token and Encrypt Key/);
		expect(notices.join('\n')).not.toMatch(/persistent connection/);
		expect(notices.join('\n')).toMatch(/im:message\.group_msg/);
	});

	it.each([
		// The long connection has no webhook: n8n registers none, so a test listen runs trigger().
		['longConnection', undefined, true],
		['webhook', 'feishu', false],
	] as const)(
		'Receive Events Via %s: webhook path %s, URL hidden %s — the same natively and by the expression engine',
		async (receiveVia, path, hideUrl) => {
			const [webhook] = description.webhooks ?? [];
			const node = {
				id: 'trigger',
				name: 'Feishu Images Trigger',
				type: 'test.feishuImagesTrigger',
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: { receiveVia },
			};
			// What n8n 2.41 does first: the resolver declared beside the template, no isolate.
			expect(resolveWebhookDescriptionField(node, webhook, 'path')).toEqual({
				resolved: true,
				value: path,
			});
			expect(resolveWebhookDescriptionField(node, webhook, 'ndvHideUrl')).toEqual({
				resolved: true,
				value: hideUrl,
			});
			// What older n8n (and 2.41 when parameters hold expressions) does: the template.
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: new TestNodeTypes({ 'test.feishuImagesTrigger': new FeishuImagesTrigger() }),
			});
			await workflow.expression.acquireIsolate();
			try {
				const evaluate = (template: unknown) =>
					workflow.expression.getSimpleParameterValue(node, template as string, 'internal', {});
				expect(evaluate(webhook.path)).toBe(path);
				expect(evaluate(webhook.ndvHideUrl)).toBe(hideUrl);
			} finally {
				await workflow.expression.releaseIsolate();
			}
		},
	);

	it('the group chat type says which scope it needs', () => {
		const filters = description.properties.find((p) => p.name === 'filters');
		const chatTypes = filters?.options?.find((o) => (o as { name: string }).name === 'chatTypes');
		const group = (
			chatTypes as { options: Array<{ value: string; description?: string }> }
		).options.find((o) => o.value === 'group');
		expect(group?.description).toMatch(/im:message\.group_msg/);
	});
});
