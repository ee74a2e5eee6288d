/**
 * `npm run demo`: the node doing its job in a minute, without a Feishu tenant.
 *
 * Starts the bundled Feishu emulator on 127.0.0.1 (or, with FEISHU_APP_ID and FEISHU_APP_SECRET
 * set, talks to the real Feishu/Lark API), executes every Feishu Images node of
 * demo/sample-workflow.json inside n8n's engine, writes the files to ./demo-output/ and prints
 * what came out.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';
import { FeishuEmulator } from '../test/emulator';
import { CredentialStore, removeEngineTempFolder, runNode } from '../test/engine';
import { credentialData } from '../test/support/feishu';
import { drawChatScreenshot, drawDictionaryDiagram, drawWhiteboard } from './drawings';
import type { WhiteboardDrawing } from './drawings';
import sampleWorkflow from './sample-workflow.json';

const FEISHU_NODE = 'n8n-nodes-feishu-images.feishuImages';
const CREDENTIAL = { id: 'feishu-app', name: 'Feishu app' };

interface Row {
	operation: string;
	file: string;
	mimeType: string;
	bytes: number | string;
	ms: number;
}

/** Real mode: which environment variable fills which ID of which sample node. */
const REAL_IDS: Record<string, Record<string, string>> = {
	'Whiteboard as image': { whiteboardId: 'FEISHU_WHITEBOARD' },
	'All whiteboards of a document': { documentId: 'FEISHU_DOCUMENT' },
	'Every picture of a document': { documentId: 'FEISHU_DOCUMENT' },
	'Image the app uploaded': { imageKey: 'FEISHU_IMAGE_KEY' },
	'Image a user sent': { messageId: 'FEISHU_MESSAGE_ID', fileKey: 'FEISHU_FILE_KEY' },
	'All images of a helpdesk message': {
		ticketId: 'FEISHU_TICKET_ID',
		messageId: 'FEISHU_TICKET_MESSAGE_ID',
	},
	'Dictionary image (Lingo)': { fileToken: 'FEISHU_LINGO_FILE_TOKEN' },
	'Dictionary image (baike, legacy)': { fileToken: 'FEISHU_BAIKE_FILE_TOKEN' },
};

/** Sandbox fixtures: the IDs the sample workflow uses, with pictures of what they stand for. */
function seed(emulator: FeishuEmulator): void {
	emulator.addWhiteboard(
		'DemoBoardQ3Roadmap',
		drawWhiteboard({
			title: 'Q3 roadmap',
			boxes: [
				'Research',
				{ label: 'Design review', shape: 'plain' },
				'Build beta',
				'Launch in September',
			],
		}),
		{ fileName: 'Q3 roadmap.png' },
	);
	const boards: Array<[string, WhiteboardDrawing]> = [
		[
			'DemoBoardArchitecture',
			{ title: 'Architecture', boxes: ['n8n workflow', 'Feishu Images node', 'Feishu Open API'] },
		],
		[
			'DemoBoardTimeline',
			{ title: 'Timeline', boxes: ['Kick-off', 'Beta', 'General availability'] },
		],
		[
			'DemoBoardRisks',
			{
				title: 'Risks',
				boxes: ['Rate limits', { label: 'Expired tokens', shape: 'plain' }, 'Large files'],
			},
		],
	];
	for (const [id, drawing] of boards)
		emulator.addWhiteboard(id, drawWhiteboard({ ...drawing, width: 480, height: 270 }));
	emulator.addDocument('DemoDocWeeklyReview', [
		'text',
		{ whiteboard: 'DemoBoardArchitecture' },
		'text',
		{ whiteboard: 'DemoBoardTimeline' },
		{ whiteboard: 'DemoBoardRisks' },
	]);
	// The same review with an image pasted in: the pictures of a document, in document order.
	emulator.addDriveMedia('boxcnDemoReviewPhoto', {
		bytes: drawChatScreenshot({
			title: 'Review notes',
			messages: [
				{ from: 'them', name: 'Wang Fang', text: 'Timeline looks good to me.' },
				{ from: 'me', text: 'Great, I will share the risks next.' },
			],
			width: 360,
			height: 240,
		}),
		fileName: 'review notes.png',
	});
	emulator.addDocument('DemoDocWithPictures', [
		'text',
		{ whiteboard: 'DemoBoardArchitecture' },
		{ image: 'boxcnDemoReviewPhoto', width: 360, height: 240 },
		{ whiteboard: 'DemoBoardRisks' },
	]);
	emulator.addMessageImage('img_v3_demo_uploaded', {
		bytes: drawWhiteboard({
			title: 'Build status',
			boxes: ['Build', 'Test', 'Deploy'],
			width: 400,
			height: 240,
		}),
		contentType: 'image/png',
	});
	emulator.addMessageResource('om_demo_customer_msg', 'img_v3_demo_from_user', {
		type: 'image',
		bytes: drawChatScreenshot({
			title: 'Customer support',
			messages: [
				{ from: 'them', name: 'Li Wei', text: 'Hi, the export button does nothing on my laptop.' },
				{ from: 'me', text: 'Sorry about that! Which browser do you use?' },
				{ from: 'them', name: 'Li Wei', text: 'Chrome 126 on macOS.' },
				{ from: 'me', text: 'Thanks, we are on it. A fix ships today.' },
			],
		}),
		contentType: 'image/png',
		fileName: '客户截图.png',
	});
	const ticketShots = [
		[
			{ from: 'them', name: 'Zhang Min', text: 'Login fails with error 403.' },
			{ from: 'me', text: 'Could you send a screenshot?' },
		],
		[
			{ from: 'them', name: 'Zhang Min', text: 'Here it is: the page stays blank.' },
			{ from: 'me', text: 'Thanks, forwarded to the team.' },
		],
	] as const;
	emulator.addTicketMessage('7300000000000000001', '7300000000000000002', {
		type: 'post',
		images: ticketShots.map((messages) => ({
			bytes: drawChatScreenshot({ title: 'Ticket 7300', messages, width: 360, height: 320 }),
		})),
	});
	emulator.addLingoFile('boxDemoLingoDiagram', {
		bytes: drawDictionaryDiagram({
			term: 'OKR',
			definitions: [
				'Objectives and Key Results',
				'Set every quarter by each team',
				'Scored from 0.0 to 1.0',
			],
			width: 560,
			height: 360,
		}),
		contentType: 'image/png',
		fileName: '词条 OKR.png',
	});
	emulator.addBaikeFile('boxDemoBaikeLogo', {
		bytes: drawDictionaryDiagram({
			term: 'SLA',
			definitions: ['Service level agreement', 'Uptime 99.9%', 'Reply within 4 hours'],
			width: 560,
			height: 360,
		}),
		contentType: 'image/png',
		fileName: '词条 SLA.png',
	});
}

function realDomain(): { domain: string; customBaseUrl: string } {
	const value = (process.env.FEISHU_DOMAIN ?? 'feishu').trim().toLowerCase();
	if (value === 'feishu' || value === '')
		return { domain: 'https://open.feishu.cn', customBaseUrl: '' };
	if (value === 'lark') return { domain: 'https://open.larksuite.com', customBaseUrl: '' };
	return { domain: 'custom', customBaseUrl: process.env.FEISHU_DOMAIN ?? '' };
}

/** Real mode: the sample node with the IDs from the environment, or why it is skipped. */
function withRealIds(node: INode): { parameters?: INodeParameters; skip?: string } {
	const wanted = REAL_IDS[node.name] ?? {};
	const missing = Object.values(wanted).filter((name) => !process.env[name]);
	if (missing.length) return { skip: `set ${missing.join(' and ')}` };
	const parameters = structuredClone(node.parameters);
	for (const [field, variable] of Object.entries(wanted)) {
		const value = String(process.env[variable]);
		parameters[field] = { __rl: true, mode: /^https?:\/\//.test(value) ? 'url' : 'id', value };
	}
	return { parameters };
}

function safeName(text: string): string {
	return text.replace(/[^\p{L}\p{N}._ (),-]+/gu, '_');
}

/** Terminal columns: CJK characters take two. */
function width(text: string): number {
	return [...text].reduce(
		(sum, c) =>
			sum + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(c) ? 2 : 1),
		0,
	);
}

function printTable(rows: Row[]): void {
	const headers = ['operation', 'file', 'MIME', 'bytes', 'ms'];
	const cells = rows.map((r) => [
		r.operation,
		r.file,
		r.mimeType,
		String(r.bytes),
		r.ms.toFixed(0),
	]);
	const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => width(c[i]))));
	const line = (c: string[]) =>
		c
			.map((v, i) => v + ' '.repeat(widths[i] - width(v)))
			.join('  ')
			.trimEnd();
	console.log(line(headers));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const c of cells) console.log(line(c));
}

export async function main(): Promise<number> {
	const real = Boolean(process.env.FEISHU_APP_ID && process.env.FEISHU_APP_SECRET);
	let emulator: FeishuEmulator | undefined;
	let credentials: Record<string, string>;
	if (real) {
		credentials = {
			...realDomain(),
			appId: String(process.env.FEISHU_APP_ID),
			appSecret: String(process.env.FEISHU_APP_SECRET),
			helpdeskId: process.env.FEISHU_HELPDESK_ID ?? '',
			helpdeskToken: process.env.FEISHU_HELPDESK_TOKEN ?? '',
			tenantAccessToken: '',
		};
		console.log(
			`Talking to the REAL Feishu API (${credentials.customBaseUrl || credentials.domain}) as app ${credentials.appId}.`,
		);
	} else {
		emulator = await FeishuEmulator.start();
		seed(emulator);
		credentials = credentialData(emulator);
		console.log(`Sandbox: the bundled Feishu emulator at ${emulator.baseUrl}.`);
		console.log(
			'(Set FEISHU_APP_ID and FEISHU_APP_SECRET, and FEISHU_DOMAIN=feishu|lark, to use the real API.)',
		);
	}
	console.log(
		`Workflow: ${sampleWorkflow.name}, run through n8n's engine (n8n-core WorkflowExecute).\n`,
	);

	const store = new CredentialStore([{ ...CREDENTIAL, type: 'feishuApi', data: credentials }]);
	const outDir = path.resolve('demo-output');
	await rm(outDir, { recursive: true, force: true });
	await mkdir(outDir, { recursive: true });

	const rows: Row[] = [];
	let failures = 0;
	for (const node of sampleWorkflow.nodes as unknown as INode[]) {
		if (node.type !== FEISHU_NODE) continue;
		const prepared = real ? withRealIds(node) : { parameters: node.parameters };
		if (!prepared.parameters) {
			rows.push({
				operation: node.name,
				file: `(skipped: ${prepared.skip})`,
				mimeType: '',
				bytes: '',
				ms: 0,
			});
			continue;
		}
		const started = performance.now();
		const result = await runNode({
			nodeType: new FeishuImages(),
			credentialTypes: [new FeishuApi()],
			parameters: prepared.parameters,
			credentials: { feishuApi: CREDENTIAL },
			store,
			nodeName: node.name,
		});
		const ms = performance.now() - started;
		if (result.error) {
			failures++;
			rows.push({
				operation: node.name,
				file: `(failed: ${result.error.message})`,
				mimeType: '',
				bytes: '',
				ms,
			});
			continue;
		}
		const folder = path.join(outDir, safeName(node.name));
		await mkdir(folder, { recursive: true });
		for (const item of result.items) {
			const binary = item.binary?.data;
			if (!binary) continue;
			const bytes = await result.binaryBuffer(item);
			const file = path.join(folder, safeName(binary.fileName ?? 'file'));
			await writeFile(file, bytes);
			rows.push({
				operation: node.name,
				file: path.relative(process.cwd(), file),
				mimeType: binary.mimeType,
				bytes: bytes.length,
				ms,
			});
		}
	}

	printTable(rows);
	if (emulator) {
		console.log(
			`\nToken requests: ${emulator.counters.tokenRequests} for ${rows.length} files (one token, saved and reused).`,
		);
		await emulator.close();
	}
	console.log(`Files written to ${path.relative(process.cwd(), outDir) || '.'}/`);
	removeEngineTempFolder();
	return failures > 0 ? 1 : 0;
}
