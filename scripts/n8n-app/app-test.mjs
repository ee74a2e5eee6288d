// Helpers of scripts/test-n8n-app.sh (the real n8n app test). Plain Node, no dependencies.
//
//   node app-test.mjs fixtures <state.json> <outDir>
//       writes <outDir>/credentials.json and <outDir>/workflow.json for `n8n import:*`
//   node app-test.mjs result <n8n log file> <out.json>
//       finds the execution result `n8n execute --rawOutput` logged and writes it to <out.json>
// One check each (counted through checks.mjs):
//   node app-test.mjs output <result.json> <state.json> <N8N_USER_FOLDER/.n8n> <label>
//       the Feishu Images node's output: one item, binary fileName/mimeType/size, bytes
//   node app-test.mjs emulator <stats.json> <tokenRequests> <whiteboardDownloads>
//       what the emulator saw
//   node app-test.mjs credential <exported credentials.json> <stats.json>
//       n8n saved the tenant token the emulator issued into the credential
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { check, expect, isMain, runChecks, runCommand } from './checks.mjs';

export const CREDENTIAL_ID = 'FeishuEmuCred001';
export const CREDENTIAL_NAME = 'Feishu emulator';
export const WORKFLOW_ID = 'FeishuAppTest001';
export const NODE_NAME = 'Download Whiteboard';
export const NODE_TYPE = 'n8n-nodes-feishu-images.feishuImages';

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The Feishu API credential of the emulator (custom base URL), for `n8n import:credentials`. */
export function feishuCredential(state) {
	return {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: 'feishuApi',
		data: {
			domain: 'custom',
			customBaseUrl: state.baseUrl,
			appId: state.appId,
			appSecret: state.appSecret,
			helpdeskId: '',
			helpdeskToken: '',
			tenantAccessToken: '',
		},
	};
}

/** <outDir>/credentials.json and <outDir>/workflow.json, for `n8n import:*`. */
export function writeFixtures(outDir, credentials, workflow) {
	writeFileSync(path.join(outDir, 'credentials.json'), JSON.stringify(credentials, null, 2));
	writeFileSync(
		path.join(outDir, 'workflow.json'),
		JSON.stringify(
			{ active: false, settings: { executionOrder: 'v1' }, pinData: {}, ...workflow },
			null,
			2,
		),
	);
}

function fixtures(stateFile, outDir) {
	const state = readJson(stateFile);
	writeFixtures(outDir, [feishuCredential(state)], {
		id: WORKFLOW_ID,
		name: 'Feishu Images: whiteboard download (n8n app test)',
		nodes: [
			{
				id: '6f1c3a52-0b7e-4d1e-9a51-7b1f0c2d3e01',
				name: 'When clicking Execute workflow',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '6f1c3a52-0b7e-4d1e-9a51-7b1f0c2d3e02',
				name: NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'whiteboard',
					operation: 'downloadAsImage',
					whiteboardId: { __rl: true, mode: 'id', value: state.whiteboardId },
					options: {},
				},
				credentials: { feishuApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: {
			'When clicking Execute workflow': { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		},
	});
}

/**
 * `n8n execute` hands the result to its logger (this.log → logger.info), not to stdout. With
 * N8N_LOG_OUTPUT=file the logger writes one JSON object per line; the result is the message that
 * parses as an execution ({ data: { resultData } }). Plain (non-JSON) lines are tried too, and a
 * multi-line message (console output) is reassembled from the first "{" line on.
 */
function extractResult(logFile, outFile) {
	const text = readFileSync(logFile, 'utf8');
	const candidates = [];
	for (const line of text.split('\n')) {
		if (!line.trim()) continue;
		try {
			const entry = JSON.parse(line);
			if (typeof entry?.message === 'string') candidates.push(entry.message);
			else if (entry?.data?.resultData) candidates.push(line);
		} catch {
			// not a JSON line
		}
	}
	const start = text.indexOf('\n{');
	if (start !== -1) candidates.push(text.slice(start + 1));
	for (const candidate of candidates) {
		try {
			const parsed = JSON.parse(candidate);
			if (parsed?.data?.resultData) {
				writeFileSync(outFile, JSON.stringify(parsed, null, 2));
				return;
			}
		} catch {
			// not the result
		}
	}
	throw new Error(`no execution result found in ${logFile}`);
}

function output(resultFile, stateFile, n8nFolder, label) {
	const run = readJson(resultFile);
	const state = readJson(stateFile);
	const { resultData } = run.data;
	expect(
		!resultData.error,
		`${label}: the execution failed: ${resultData.error?.message} ${resultData.error?.description ?? ''}`,
	);
	expect(
		run.status === undefined || run.status === 'success',
		`${label}: execution status is ${run.status}`,
	);
	const task = resultData.runData?.[NODE_NAME]?.[0];
	expect(
		task,
		`${label}: no run data for node "${NODE_NAME}" (ran: ${Object.keys(resultData.runData ?? {}).join(', ')})`,
	);
	expect(
		!task.error,
		`${label}: the node failed: ${task.error?.message} ${task.error?.description ?? ''}`,
	);
	const items = task.data?.main?.[0] ?? [];
	expect(items.length === 1, `${label}: expected 1 output item, got ${items.length}`);
	const [item] = items;
	const binary = item.binary?.data;
	expect(
		binary,
		`${label}: the item has no binary "data" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
	);
	// Field checks report every mismatch at once (after the bytes are checked too).
	const problems = [];
	const soft = (ok, message) => {
		if (!ok) problems.push(message);
	};
	soft(
		binary.fileName === state.fileName,
		`${label}: binary fileName ${JSON.stringify(binary.fileName)}, expected ${JSON.stringify(state.fileName)}`,
	);
	soft(
		binary.mimeType === state.mimeType,
		`${label}: binary mimeType ${binary.mimeType}, expected ${state.mimeType}`,
	);
	soft(
		binary.fileExtension === 'png',
		`${label}: binary fileExtension ${binary.fileExtension}, expected png`,
	);
	soft(
		item.json?.fileSize === state.size,
		`${label}: json.fileSize ${item.json?.fileSize}, expected ${state.size}`,
	);
	soft(
		item.json?.fileName === state.fileName,
		`${label}: json.fileName ${JSON.stringify(item.json?.fileName)}`,
	);
	soft(
		item.pairedItem !== undefined && JSON.stringify(item.pairedItem).includes('"item":0'),
		`${label}: pairedItem ${JSON.stringify(item.pairedItem)}`,
	);

	// The bytes: in filesystem mode the binary's id is `filesystem-v2:<key>`, a file under the
	// storage folder; in memory mode `data` is base64.
	let bytes;
	let where;
	if (binary.id) {
		const [mode, key] = [
			binary.id.slice(0, binary.id.indexOf(':')),
			binary.id.slice(binary.id.indexOf(':') + 1),
		];
		expect(
			mode.startsWith('filesystem'),
			`${label}: binary stored in mode ${mode}, expected filesystem`,
		);
		// n8n 2.x keeps binaries under <.n8n>/storage, n8n 1.x under <.n8n>/binaryData.
		const files = ['storage', 'binaryData'].map((dir) => path.resolve(n8nFolder, dir, key));
		for (const [i, dir] of ['storage', 'binaryData'].entries()) {
			expect(
				files[i].startsWith(path.resolve(n8nFolder, dir) + path.sep),
				`${label}: binary id escapes the storage folder: ${binary.id}`,
			);
		}
		const file = files.find((f) => existsSync(f));
		expect(file, `${label}: binary file ${key} is in neither ${files.join(' nor ')}`);
		bytes = readFileSync(file);
		where = `n8n's binary store (${binary.id.slice(0, 40)}…)`;
	} else {
		bytes = Buffer.from(binary.data, 'base64');
		where = 'inline base64';
	}
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	soft(
		bytes.length === state.size,
		`${label}: stored file has ${bytes.length} bytes, expected ${state.size}`,
	);
	soft(
		sha256 === state.sha256,
		`${label}: stored bytes differ from what the emulator served (sha256 ${sha256} vs ${state.sha256})`,
	);
	expect(problems.length === 0, problems.join('\n  '));
	return (
		`${label}: 1 item, binary.data fileName=${JSON.stringify(binary.fileName)} mimeType=${binary.mimeType} ` +
		`size=${bytes.length} B, sha256 matches the emulator's bytes (read from ${where})`
	);
}

function emulator(statsFile, tokenRequests, whiteboardDownloads) {
	const s = readJson(statsFile);
	const unknown = s.requests.filter((r) => r.endpoint === 'unknown');
	expect(unknown.length === 0, `emulator saw unknown requests: ${JSON.stringify(unknown)}`);
	expect(
		s.tokenRequests === Number(tokenRequests),
		`emulator saw ${s.tokenRequests} token requests, expected ${tokenRequests}: ${JSON.stringify(s.requests)}`,
	);
	expect(
		s.downloads.whiteboard === Number(whiteboardDownloads),
		`emulator saw ${s.downloads.whiteboard} whiteboard downloads, expected ${whiteboardDownloads}: ${JSON.stringify(s.requests)}`,
	);
	const non200 = s.requests.filter((r) => r.status !== 200);
	expect(non200.length === 0, `emulator answered non-200: ${JSON.stringify(non200)}`);
	return `${s.tokenRequests} token request(s), ${s.downloads.whiteboard} whiteboard download(s), all 200`;
}

function credential(exportFile, statsFile) {
	const exported = readJson(exportFile);
	const s = readJson(statsFile);
	const cred = (Array.isArray(exported) ? exported : [exported]).find(
		(c) => c.id === CREDENTIAL_ID,
	);
	expect(cred, `credential ${CREDENTIAL_ID} not in the export`);
	const token = cred.data?.tenantAccessToken;
	expect(
		typeof token === 'string' && token !== '',
		'n8n did not save a tenantAccessToken in the credential',
	);
	expect(
		s.issuedTokens.includes(token),
		'the saved tenantAccessToken is not one the emulator issued',
	);
	return `n8n saved the tenant token from preAuthentication in its database (token #${s.issuedTokens.indexOf(token) + 1} of ${s.issuedTokens.length})`;
}

// ---- Feishu Images Trigger in the running app (test:n8n, test:queue, bench-webhook-rate) --------
//   node app-test.mjs trigger-fixtures <state.json> <outDir> <mode: webhook|longConnection|both>
//       <outDir>/credentials.json (a Feishu API credential with Verification Token and Encrypt
//       Key) and <outDir>/workflows/*.json: one active workflow per way, the trigger alone
//   node app-test.mjs trigger-webhook <n8n URL> <emulator control URL> <state.json>
//   node app-test.mjs trigger-long-connection <n8n URL> <emulator control URL> <state.json> [deactivate: 1|0]
//       the checks (below): events delivered by the emulator, executions counted and their
//       binaries read back through n8n's REST API and compared (sha256) with the emulator's

export const TRIGGER_CREDENTIAL_ID = 'FeishuEmuTrig001';
export const TRIGGER_TOKEN = 'v3rification-t0ken-app-test';
export const TRIGGER_KEY = 'encrypt-key-of-the-app-test';
export const TRIGGER_NODE = 'Feishu Images Trigger';
export const TRIGGER_NODE_TYPE = 'n8n-nodes-feishu-images.feishuImagesTrigger';
export const TRIGGER_WORKFLOWS = {
	webhook: { id: 'FeishuTrigWebhk01', webhookId: '2f5b7c1e-8d4a-4b6f-9e3c-0a1b2c3d4e51' },
	longConnection: { id: 'FeishuTrigLongC01' },
};
export const webhookUrl = (n8nUrl) =>
	`${n8nUrl}/webhook/${TRIGGER_WORKFLOWS.webhook.webhookId}/feishu`;

export function triggerCredential(state) {
	const base = feishuCredential(state);
	return {
		...base,
		id: TRIGGER_CREDENTIAL_ID,
		name: 'Feishu emulator (events)',
		data: { ...base.data, verificationToken: TRIGGER_TOKEN, encryptKeySecret: TRIGGER_KEY },
	};
}

export function triggerWorkflow(receiveVia, { id, webhookId, name } = {}) {
	const meta = TRIGGER_WORKFLOWS[receiveVia];
	return {
		id: id ?? meta.id,
		name: name ?? `Feishu Images Trigger via ${receiveVia} (n8n app test)`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `8b3e5c74-2d9f-4f3a-9c73-9d3f2e4a5b${receiveVia === 'webhook' ? '01' : '02'}`,
				name: TRIGGER_NODE,
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { receiveVia, output: 'file', filters: {}, options: {} },
				credentials: { feishuApi: { id: TRIGGER_CREDENTIAL_ID, name: 'Feishu emulator (events)' } },
				...(receiveVia === 'webhook' ? { webhookId: webhookId ?? meta.webhookId } : {}),
			},
		],
		connections: {},
	};
}

function triggerFixtures(stateFile, outDir, mode = 'both') {
	const state = readJson(stateFile);
	writeFileSync(path.join(outDir, 'credentials.json'), JSON.stringify([triggerCredential(state)]));
	mkdirSync(path.join(outDir, 'workflows'), { recursive: true });
	for (const via of mode === 'both' ? ['webhook', 'longConnection'] : [mode]) {
		const workflow = triggerWorkflow(via);
		writeFileSync(path.join(outDir, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow));
	}
}

/** One call of the emulator process (scripts/emulator/process.ts, `POST /<method>`). */
export async function emu(control, method, ...args) {
	const res = await fetch(`${control}/${method}`, { method: 'POST', body: JSON.stringify(args) });
	const value = await res.json();
	if (!res.ok) throw new Error(`emulator ${method}: ${value?.error ?? res.status}`);
	return value;
}

/**
 * n8n's REST API as the editor uses it: the owner set up once (or signed in), then the session
 * cookie with the browser-id header n8n binds it to.
 */
export class N8nRest {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
		this.headers = { 'browser-id': 'feishu-images-app-test', 'content-type': 'application/json' };
	}

	async signIn() {
		const owner = {
			email: 'owner@example.com',
			firstName: 'App',
			lastName: 'Test',
			password: 'Feishu-images-test-1',
		};
		let res = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: this.headers,
			body: JSON.stringify(owner),
		});
		if (!res.ok) {
			res = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: this.headers,
				body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
			});
		}
		if (!res.ok) throw new Error(`n8n sign-in: HTTP ${res.status} ${await res.text()}`);
		this.cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		return this;
	}

	async call(method, url, body) {
		const res = await fetch(`${this.baseUrl}/rest${url}`, {
			method,
			headers: { ...this.headers, cookie: this.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!res.ok) throw new Error(`n8n ${method} ${url}: HTTP ${res.status} ${await res.text()}`);
		return res;
	}

	async json(method, url, body) {
		return (await (await this.call(method, url, body)).json()).data;
	}

	/** Every execution of a workflow (newest first, as n8n lists them). */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.json('GET', `/executions?filter=${filter}&limit=100`);
		return data.results ?? [];
	}

	/** One execution with its run data (n8n sends it `flatted`). */
	async execution(id) {
		const data = await this.json('GET', `/executions/${id}`);
		const { parse } = await flatted();
		return { ...data, data: typeof data.data === 'string' ? parse(data.data) : data.data };
	}

	async binary(id) {
		const res = await this.call('GET', `/binary-data?id=${encodeURIComponent(id)}&action=download`);
		return Buffer.from(await res.arrayBuffer());
	}
}

/** n8n's own `flatted` (what its REST API serialises run data with), from the installed app. */
async function flatted() {
	const appDir = process.env.N8N_TEST_APP_DIR;
	if (!appDir) throw new Error('N8N_TEST_APP_DIR is not set');
	const require = createRequire(path.join(appDir, 'node_modules', 'n8n', 'package.json'));
	return require('flatted');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the workflow has `expected` executions that finished, then `settleMs` more. */
export async function waitForExecutions(
	rest,
	workflowId,
	expected,
	{ timeoutMs = 90_000, settleMs = 3000 } = {},
) {
	const until = Date.now() + timeoutMs;
	let list = [];
	while (Date.now() < until) {
		list = await rest.executions(workflowId);
		const finished = list.filter(
			(e) => e.finished || ['success', 'error', 'crashed'].includes(e.status),
		);
		if (finished.length >= expected && finished.length === list.length) break;
		await sleep(500);
	}
	await sleep(settleMs);
	return await rest.executions(workflowId);
}

/**
 * Every execution's trigger output, its binaries read back through the REST API and compared
 * with the emulator's file of the item's message. Returns { right, problems, messages }.
 */
export async function verifyExecutions(rest, executions, filesById) {
	const problems = [];
	const messages = [];
	let right = 0;
	for (const summary of executions) {
		const execution = await rest.execution(summary.id);
		if (execution.status !== 'success')
			problems.push(`execution ${summary.id}: ${execution.status}`);
		const items = execution.data?.resultData?.runData?.[TRIGGER_NODE]?.[0]?.data?.main?.[0] ?? [];
		if (items.length !== 1)
			problems.push(`execution ${summary.id}: ${items.length} items, expected 1`);
		for (const item of items) {
			const expected = filesById.get(item.json?.messageId);
			messages.push(item.json?.messageId);
			const binary = item.binary?.data;
			if (!expected || !binary) {
				problems.push(
					`execution ${summary.id}: message ${item.json?.messageId}, binary ${!!binary}`,
				);
				continue;
			}
			const bytes = binary.id ? await rest.binary(binary.id) : Buffer.from(binary.data, 'base64');
			const sha = createHash('sha256').update(bytes).digest('hex');
			if (sha !== expected.sha256 || bytes.length !== expected.size)
				problems.push(
					`execution ${summary.id} (${expected.messageId}): ${bytes.length} B sha256 ${sha.slice(0, 12)}…, expected ${expected.size} B ${expected.sha256.slice(0, 12)}…`,
				);
			else if (item.json.sha256 !== expected.sha256)
				problems.push(`execution ${summary.id}: json.sha256 ${item.json.sha256} differs`);
			else right++;
		}
	}
	return { right, problems, messages };
}

const statusList = (attempts) => attempts.map((a) => a.status).join(',');

async function triggerWebhook(n8nUrl, control, stateFile) {
	const rest = await new N8nRest(n8nUrl).signIn();
	const target = {
		url: webhookUrl(n8nUrl),
		verificationToken: TRIGGER_TOKEN,
		encryptKey: TRIGGER_KEY,
	};
	const workflowId = TRIGGER_WORKFLOWS.webhook.id;
	void stateFile;
	await check('webhook: the URL check (challenge) answered', async () => {
		const a = await emu(control, 'webhookChallenge', target, 'challenge-app-test-42');
		expect(a.status === 200, `HTTP ${a.status}: ${a.body}`);
		expect(JSON.parse(a.body).challenge === 'challenge-app-test-42', `body ${a.body}`);
		expect(a.ms < 1000, `answered in ${a.ms.toFixed(0)} ms (Feishu wants < 1 s)`);
		return `HTTP 200 {"challenge":…} in ${a.ms.toFixed(0)} ms at ${target.url}`;
	});
	const good = await emu(control, 'addChatImages', 6, 'om_webhook');
	const forged = await emu(control, 'addChatImages', 4, 'om_forged');
	const files = new Map(good.map((f) => [f.messageId, f]));
	let attempts = {};
	await check(
		'webhook: 6 sealed events and 1 redelivery answered 200, 4 forged ones 401',
		async () => {
			attempts.good = await emu(
				control,
				'webhookPush',
				target,
				good.map((f) => f.messageId),
			);
			attempts.duplicate = await emu(control, 'webhookPush', target, [good[0].messageId]);
			attempts.forged = [];
			for (const [i, tamper] of ['signature', 'body', 'token', 'plain'].entries())
				attempts.forged.push(
					...(await emu(control, 'webhookPush', target, [forged[i].messageId], tamper)),
				);
			const all = [...attempts.good, ...attempts.duplicate];
			expect(
				all.every((a) => a.status === 200),
				`statuses ${statusList(all)}`,
			);
			expect(
				attempts.forged.every((a) => a.status === 401),
				`forged: statuses ${statusList(attempts.forged)}`,
			);
			const slowest = Math.max(...all.map((a) => a.ms));
			return `statuses ${statusList(all)} / forged (signature, body, token, plain) ${statusList(attempts.forged)}; slowest 200 in ${slowest.toFixed(0)} ms`;
		},
	);
	const executions = await waitForExecutions(rest, workflowId, 6);
	await check(
		'webhook: exactly 6 executions (none for the redelivery, none for the forged)',
		async () => {
			expect(executions.length === 6, `${executions.length} executions of the workflow`);
			return `${executions.length} executions (${executions.map((e) => e.id).join(', ')}), mode ${[...new Set(executions.map((e) => e.mode))].join('/')}`;
		},
	);
	await check("webhook: every binary byte-exact (read back through n8n's REST API)", async () => {
		const { right, problems, messages } = await verifyExecutions(rest, executions, files);
		expect(problems.length === 0, problems.join('; '));
		expect(new Set(messages).size === 6, `messages ${messages.join(', ')}`);
		return `${right} pictures, sha256 = the emulator's, one per message`;
	});
}

async function triggerLongConnection(n8nUrl, control, stateFile, deactivate = '1') {
	void stateFile;
	const rest = await new N8nRest(n8nUrl).signIn();
	const workflowId = TRIGGER_WORKFLOWS.longConnection.id;
	await check(
		'long connection: the active workflow holds ONE connection at the emulator',
		async () => {
			let stats;
			for (let i = 0; i < 60; i++) {
				stats = await emu(control, 'longConnectionStats');
				if (stats.open > 0) break;
				await sleep(500);
			}
			expect(stats.open === 1, `${stats.open} open connections (${JSON.stringify(stats)})`);
			return `${stats.open} open (discoveries ${stats.discoveries}, upgrades ${stats.upgrades})`;
		},
	);
	const files = await emu(control, 'addChatImages', 5, 'om_longconn');
	const byId = new Map(files.map((f) => [f.messageId, f]));
	await emu(
		control,
		'longConnectionDeliver',
		files.slice(0, 4).map((f) => f.messageId),
	);
	// Feishu's at-least-once: the last event is delivered again once acked (same event_id).
	await emu(control, 'longConnectionDeliver', [files[4].messageId], { duplicate: true });
	const executions = await waitForExecutions(rest, workflowId, 5);
	await check(
		'long connection: 5 events + 1 redelivery → exactly 5 executions, every ack 200',
		async () => {
			const stats = await emu(control, 'longConnectionStats');
			expect(executions.length === 5, `${executions.length} executions`);
			expect(stats.acksOk === stats.acks && stats.unacked === 0, JSON.stringify(stats));
			return `${executions.length} executions; emulator: ${stats.eventsDelivered} pushes, ${stats.acksOk} acks 200 (p99 ${stats.ackP99Ms.toFixed(0)} ms), 0 unacked`;
		},
	);
	await check(
		"long connection: every binary byte-exact (read back through n8n's REST API)",
		async () => {
			const { right, problems, messages } = await verifyExecutions(rest, executions, byId);
			expect(problems.length === 0, problems.join('; '));
			expect(new Set(messages).size === 5, `messages ${messages.join(', ')}`);
			return `${right} pictures, sha256 = the emulator's`;
		},
	);
	if (deactivate !== '1') return;
	await check('long connection: deactivating the workflow leaves 0 open connections', async () => {
		await rest.json('POST', `/workflows/${workflowId}/deactivate`, {});
		let stats;
		for (let i = 0; i < 40; i++) {
			stats = await emu(control, 'longConnectionStats');
			if (stats.open === 0) break;
			await sleep(250);
		}
		expect(stats.open === 0, `${stats.open} connections still open after 10 s`);
		return `0 open connections at the emulator after POST /rest/workflows/${workflowId}/deactivate`;
	});
}

// The command line runs only when this file is the one node was started with (others import it).
// ---- issue 17's sources through the packed package (test:n8n) -----------------------------------
//   node app-test.mjs sources-fixtures <state.json> <base.json> <chat-file.json> <outDir>
//       <outDir>/base.json and <outDir>/ranged.json: Manual Trigger -> Feishu Images, Base ->
//       Download Attachments (by link) and Message -> Download Resource (type=file)
//   node app-test.mjs source-output <result.json> <expected.json> <node name> <.n8n folder> <label>
//       one check: each output item's binary read from n8n's store, sha256 = the emulator's

function manualThen(id, name, nodeName, parameters) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${id}-manual`,
				name: 'When clicking Execute workflow',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-feishu`,
				name: nodeName,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: { feishuApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: {
			'When clicking Execute workflow': { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
	};
}

function sourcesFixtures(stateFile, baseFile, chatFile, outDir) {
	const base = readJson(baseFile);
	const chat = readJson(chatFile);
	const link = `https://example.feishu.cn/base/${base.appToken}?table=${base.tableId}`;
	writeFileSync(
		path.join(outDir, 'base.json'),
		JSON.stringify(
			manualThen('FeishuAppBase0001', 'Base attachments (n8n app test)', 'Download Attachments', {
				resource: 'base',
				operation: 'downloadAttachments',
				baseId: { __rl: true, mode: 'url', value: link },
				options: {},
			}),
		),
	);
	writeFileSync(
		path.join(outDir, 'ranged.json'),
		JSON.stringify(
			manualThen('FeishuAppRange001', 'Ranged chat file (n8n app test)', 'Download Chat File', {
				resource: 'message',
				operation: 'downloadResource',
				messageId: { __rl: true, mode: 'id', value: chat.messageId },
				fileKey: { __rl: true, mode: 'id', value: chat.fileKey },
				resourceType: 'file',
				options: {},
			}),
		),
	);
	void stateFile;
}

function sourceOutput(resultFile, expectedFile, nodeName, n8nFolder, label) {
	const run = readJson(resultFile);
	const expected = [readJson(expectedFile)].flat();
	const task = run.data.resultData.runData?.[nodeName]?.[0];
	expect(
		task && !task.error,
		`${label}: the node failed: ${task?.error?.message ?? 'no run data'}`,
	);
	const items = task.data?.main?.[0] ?? [];
	expect(
		items.length === expected.length,
		`${label}: ${items.length} items, expected ${expected.length}`,
	);
	const lines = [];
	for (const [i, item] of items.entries()) {
		const binary = item.binary?.data;
		expect(
			binary,
			`${label}: item ${i} has no binary (json: ${JSON.stringify(item.json).slice(0, 300)})`,
		);
		let bytes;
		if (binary.id) {
			const key = binary.id.slice(binary.id.indexOf(':') + 1);
			const file = path.resolve(n8nFolder, 'storage', key);
			expect(
				file.startsWith(path.resolve(n8nFolder, 'storage') + path.sep),
				`${label}: id escapes`,
			);
			bytes = readFileSync(file);
		} else bytes = Buffer.from(binary.data, 'base64');
		const sha = createHash('sha256').update(bytes).digest('hex');
		expect(
			bytes.length === expected[i].size && sha === expected[i].sha256,
			`${label}: item ${i}: ${bytes.length} B sha256 ${sha}, expected ${expected[i].size} B ${expected[i].sha256}`,
		);
		lines.push(`${binary.fileName ?? '?'} ${bytes.length} B`);
	}
	return `${label}: ${lines.join(', ')}: sha256 = the emulator's (read from n8n's binary store)`;
}

const multiCheck = {
	'trigger-webhook': triggerWebhook,
	'trigger-long-connection': triggerLongConnection,
};
if (isMain(import.meta.url) && multiCheck[process.argv[2]]) {
	runChecks(() => multiCheck[process.argv[2]](...process.argv.slice(3)), { timeoutMs: 5 * 60_000 });
} else if (isMain(import.meta.url)) {
	runCommand(
		{
			fixtures,
			result: extractResult,
			'trigger-fixtures': triggerFixtures,
			'sources-fixtures': sourcesFixtures,
		},
		{ output, emulator, credential, 'source-output': sourceOutput },
	);
}
