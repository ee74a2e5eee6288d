/**
 * The example workflows in examples/ import into n8n as they are: every Feishu Images node and
 * Feishu Images Trigger in them has parameters this version knows, with no issues, and its
 * Feishu part runs against the emulator (the trigger activated in n8n-core's TriggerContext and
 * a picture sent over the long connection). (The other nodes — Schedule, Send Email, S3,
 * Google Drive, OpenAI — are n8n's own.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { NodeHelpers } from 'n8n-workflow';
import type { IConnections, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';
import { FeishuImagesTrigger } from '../nodes/FeishuImagesTrigger/FeishuImagesTrigger.node';
import { messageEvent } from './emulator/events/webhook-events';
import { resolvedParameters, startHarness, type Harness } from './support/feishu';
import { N8nMain, resolvedTriggerParameters } from './trigger-activation';

const TYPE = 'n8n-nodes-feishu-images.feishuImages';
const TRIGGER_TYPE = 'n8n-nodes-feishu-images.feishuImagesTrigger';
const folder = path.join(__dirname, '..', 'examples');
const description = new FeishuImages().description;
const triggerDescription = new FeishuImagesTrigger().description;

interface WorkflowFile {
	name: string;
	nodes: INode[];
	connections: IConnections;
}

const examples = readdirSync(folder)
	.filter((f) => f.endsWith('.json'))
	.map(
		(file) =>
			[file, JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as WorkflowFile] as const,
	);

/** What the node before the Feishu node hands over, for examples whose IDs come from expressions. */
const INPUTS: Record<string, INodeExecutionData[]> = {
	'helpdesk-images-to-s3.json': [
		{ json: { ticketId: '7300000000000000101', messageId: '7300000000000000102' } },
	],
};

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	h.emulator.addWhiteboard('ExampleBoardRoadmap');
	h.emulator.addTicketMessage('7300000000000000101', '7300000000000000102', {
		type: 'post',
		images: [{}, {}, {}],
	});
	h.emulator.addWhiteboard('ExampleBoardA');
	h.emulator.addWhiteboard('ExampleBoardB');
	h.emulator.addDocument('ExampleDocArchitecture', [
		{ whiteboard: 'ExampleBoardA' },
		'text',
		{ whiteboard: 'ExampleBoardB' },
	]);
	h.emulator.addDriveMedia('ExampleImageOne');
	h.emulator.addWhiteboard('ExampleBoardPictures');
	h.emulator.addDocument('ExampleDocumentWithPictures', [
		{ image: 'ExampleImageOne' },
		{ whiteboard: 'ExampleBoardPictures' },
	]);
	addExampleBase(h);
});

/** The Base of base-attachments-to-s3.json: photos in a table with advanced permissions. */
function addExampleBase(harness: Harness) {
	const photo = (token: string, name: string) => {
		const bytes = harness.emulator.addDriveMedia(token);
		return { file_token: token, name, size: bytes.length, type: 'image/png', url: '', tmp_url: '' };
	};
	harness.emulator.sources.addBitableTable({
		appToken: 'ExampleBaseAssets',
		tableId: 'tblExampleAssets',
		fields: [
			{ field_id: 'fldExampleName', field_name: 'Name', type: 1, ui_type: 'Text' },
			{ field_id: 'fldExamplePhotos', field_name: 'Photos', type: 17, ui_type: 'Attachment' },
		],
		records: [
			{
				record_id: 'recExampleShelf',
				fields: { Name: 'Shelf', Photos: [photo('boxExampleShelf', 'shelf.png')] },
				created_time: 0,
				last_modified_time: 0,
			},
			{
				record_id: 'recExampleDesk',
				fields: { Name: 'Desk', Photos: [photo('boxExampleDesk', 'desk.png')] },
				created_time: 0,
				last_modified_time: 0,
			},
		],
		advancedPermissions: true,
	});
}
afterAll(async () => await h.close());

it('there are the promised examples', () => {
	expect(examples.map(([file]) => file).sort()).toEqual([
		'base-attachments-to-s3.json',
		'changed-pictures-to-email.json',
		'chat-pictures-to-drive.json',
		'chat-screenshots-to-ai.json',
		'document-whiteboards-to-google-drive.json',
		'helpdesk-images-to-s3.json',
		'whiteboard-export-to-email.json',
	]);
});

describe.each(examples)('%s', (file, workflow) => {
	const feishuNodes = workflow.nodes.filter((n) => n.type === TYPE);
	const triggerNodes = workflow.nodes.filter((n) => n.type === TRIGGER_TYPE);

	it('is a connected workflow with a Feishu Images node or trigger', () => {
		expect(feishuNodes.length + triggerNodes.length).toBeGreaterThan(0);
		const targets = Object.values(workflow.connections).flatMap((c) =>
			c.main.flat().map((t) => t?.node),
		);
		for (const node of feishuNodes) expect(targets).toContain(node.name);
		// A trigger starts the workflow: it feeds the next node.
		for (const node of triggerNodes) {
			expect(workflow.connections[node.name]?.main[0]?.length).toBeGreaterThan(0);
		}
	});

	it('has trigger parameters that this version knows, with no issues', () => {
		for (const node of triggerNodes) {
			expect(node.typeVersion).toBe(triggerDescription.version);
			expect(resolvedTriggerParameters(node.parameters, node)).toMatchObject(node.parameters);
			expect(
				NodeHelpers.getNodeParametersIssues(
					triggerDescription.properties,
					node,
					triggerDescription,
				),
			).toBeNull();
			expect(Object.keys(node.credentials ?? {})).toEqual(['feishuApi']);
		}
	});

	it('its trigger, activated, emits the picture sent to the bot', async () => {
		for (const node of triggerNodes) {
			const n8n = await N8nMain.start(h.emulator);
			const messageId = `om_example_${node.id.slice(-4)}`;
			const bytes = h.emulator.addMessageResource(messageId, 'img_example', {
				type: 'image',
				contentType: 'image/png',
			});
			const active = await n8n.activate(node.parameters);
			try {
				h.emulator.longConnection.deliver(
					messageEvent({
						messageId,
						messageType: 'image',
						content: { image_key: 'img_example' },
						appId: h.emulator.appId,
					}),
				);
				const deadline = Date.now() + 10_000;
				while (active.executions.length === 0 && Date.now() < deadline)
					await new Promise((resolve) => setTimeout(resolve, 10));
				const [item] = active.executions[0] ?? [];
				expect(item?.binary?.data?.mimeType).toBe('image/png');
				expect(await n8n.bytes(item)).toEqual(bytes);
			} finally {
				await active.close();
			}
		}
	});

	it('has Feishu parameters that this version knows, with no issues', () => {
		for (const node of feishuNodes) {
			expect(node.typeVersion).toBe(description.version);
			const resolved = resolvedParameters(node);
			// A parameter this version does not show for the chosen operation would be dropped on import.
			expect(resolved).toMatchObject(node.parameters);
			const options = (node.parameters.options ?? {}) as INodeParameters;
			const optionNames = description.properties
				.find((p) => p.name === 'options')
				?.options?.map((o) => (o as { name: string }).name);
			for (const name of Object.keys(options)) expect(optionNames).toContain(name);
			expect(
				NodeHelpers.getNodeParametersIssues(description.properties, node, description),
			).toBeNull();
			expect(Object.keys(node.credentials ?? {})).toEqual(['feishuApi']);
		}
	});

	it('runs its Feishu part against the emulator', async () => {
		for (const node of feishuNodes) {
			const result = await h.run(node.parameters, { items: INPUTS[file] });
			expect(result.error).toBeUndefined();
			expect(result.items.length).toBeGreaterThan(0);
			for (const item of result.items) {
				expect(item.binary?.data?.mimeType).toBe('image/png');
				expect((await result.binaryBuffer(item)).length).toBeGreaterThan(0);
			}
		}
	});
});
