// Helpers of scripts/test-queue.sh (n8n in queue mode). Plain Node 24, no dependencies.
//
//   node queue-test.mjs fixtures <state.json> <outDir> <webhookPath> [requests per second]
//       writes <outDir>/credentials.json and <outDir>/workflow.json for `n8n import:*`:
//       Webhook (POST, answers with the last node's items) -> Code (one item per whiteboard ID
//       of the body) -> Feishu Images (whiteboard download, failed items continue) -> Crypto
//       (SHA-256 of the binary as n8n stored it) -> Code (each download's json + that hash)
//   node queue-test.mjs fire <webhook URL> <state.json> <executions> <per execution> <out.json>
//       fires the executions at once, each with its own whiteboards, and checks every item of
//       every answer against the emulator's bytes; prints one line per execution and a summary,
//       writes { items, ok, failed, wrong, failures: [...] } to <out.json>
//   node queue-test.mjs stored <state.json> <rows.txt> <expected count> <label>
//       one check (checks.mjs): the rows `fileName|sha256` read from n8n's binary_data table
//       against the emulator
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { createHash } from 'node:crypto';

import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	emu,
	feishuCredential,
	N8nRest,
	NODE_TYPE,
	readJson,
	TRIGGER_NODE,
	triggerCredential,
	triggerWorkflow,
	waitForExecutions,
	writeFixtures,
} from './app-test.mjs';
import { check, expect, runChecks, runCommand } from './checks.mjs';

export const WORKFLOW_ID = 'FeishuQueueTest01';
const NODE_NAME = 'Download Whiteboards';

function fixtures(stateFile, outDir, webhookPath, requestsPerSecond = '0') {
	const state = readJson(stateFile);
	const node = (id, name, type, typeVersion, x, parameters, extra = {}) => ({
		id: `7a2d4b63-1c8f-4e2f-8b62-8c2e1d3f4a${id}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	const main = (to) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	writeFixtures(outDir, [feishuCredential(state)], {
		id: WORKFLOW_ID,
		name: 'Feishu Images: whiteboards in queue mode (queue test)',
		nodes: [
			node(
				'01',
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				0,
				{
					httpMethod: 'POST',
					path: webhookPath,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
				{ webhookId: '5d0c8f5e-3f5b-4c52-9a77-2b8f3c1e9d01' },
			),
			node('02', 'One Item per Whiteboard', 'n8n-nodes-base.code', 2, 220, {
				jsCode:
					'return $input.first().json.body.boards.map((whiteboardId) => ({ json: { whiteboardId } }));',
			}),
			node(
				'03',
				NODE_NAME,
				NODE_TYPE,
				1,
				440,
				{
					resource: 'whiteboard',
					operation: 'downloadAsImage',
					whiteboardId: { __rl: true, mode: 'id', value: '={{ $json.whiteboardId }}' },
					// 0: the node's default (Feishu's documented limit, per n8n process).
					options:
						Number(requestsPerSecond) > 0 ? { requestsPerSecond: Number(requestsPerSecond) } : {},
				},
				{
					credentials: { feishuApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
					onError: 'continueRegularOutput',
				},
			),
			node(
				'04',
				'SHA-256 of the Binary',
				'n8n-nodes-base.crypto',
				2,
				660,
				{
					action: 'hash',
					type: 'SHA256',
					binaryData: true,
					binaryPropertyName: 'data',
					dataPropertyName: 'sha256',
					encoding: 'hex',
				},
				// An item the Feishu node failed has no binary: Crypto fails it too, and goes on.
				{ onError: 'continueRegularOutput' },
			),
			// What the webhook answers: each download's json (its error, for a failed item) and the
			// hash of its bytes. Crypto outputs one item per input, in order.
			node('05', 'Report', 'n8n-nodes-base.code', 2, 880, {
				jsCode: [
					`const downloads = $('${NODE_NAME}').all();`,
					'return $input.all().map((item, i) => ({',
					'\tjson: { ...downloads[i].json, sha256: item.json.sha256 ?? null },',
					'}));',
				].join('\n'),
			}),
		],
		connections: {
			Webhook: main('One Item per Whiteboard'),
			'One Item per Whiteboard': main(NODE_NAME),
			[NODE_NAME]: main('SHA-256 of the Binary'),
			'SHA-256 of the Binary': main('Report'),
		},
	});
}

async function fire(url, stateFile, executions, perExecution, outFile) {
	const state = readJson(stateFile);
	const n = Number(executions);
	const per = Number(perExecution);
	if (state.boards.length < n * per)
		throw new Error(`the emulator has ${state.boards.length} boards, ${n * per} needed`);
	const byId = new Map(state.boards.map((b) => [b.id, b]));
	const t0 = performance.now();
	const answers = await Promise.all(
		Array.from({ length: n }, async (_, e) => {
			const boards = state.boards.slice(e * per, (e + 1) * per).map((b) => b.id);
			const started = performance.now();
			try {
				const res = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ boards }),
					signal: AbortSignal.timeout(300_000),
				});
				const text = await res.text();
				return { e, boards, status: res.status, text, ms: performance.now() - started };
			} catch (error) {
				return { e, boards, status: 0, text: String(error), ms: performance.now() - started };
			}
		}),
	);
	const summary = { items: 0, ok: 0, failed: 0, wrong: 0, failures: [], wrongItems: [] };
	for (const answer of answers) {
		let items;
		try {
			items = JSON.parse(answer.text);
		} catch {
			items = undefined;
		}
		const label = `execution ${answer.e + 1}`;
		if (answer.status !== 200 || !Array.isArray(items)) {
			summary.items += answer.boards.length;
			summary.wrong += answer.boards.length;
			summary.wrongItems.push(`${label}: HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
			console.log(`${label}: HTTP ${answer.status}, no items (${answer.text.slice(0, 200)})`);
			continue;
		}
		let ok = 0;
		let failed = 0;
		let wrong = 0;
		if (items.length !== answer.boards.length) {
			wrong += Math.abs(answer.boards.length - items.length);
			summary.wrongItems.push(`${label}: ${items.length} items for ${answer.boards.length} boards`);
		}
		for (const [i, item] of items.entries()) {
			const expected = byId.get(answer.boards[i]);
			if (item.error !== undefined || !item.sha256) {
				failed += 1;
				summary.failures.push(
					`${label} item ${i} (${answer.boards[i]}): ${item.error ?? 'no sha256'}`,
				);
				continue;
			}
			const problems = [];
			if (item.whiteboardId !== expected?.id)
				problems.push(`whiteboardId ${item.whiteboardId}, expected ${expected?.id}`);
			if (item.sha256 !== expected?.sha256) problems.push(`sha256 ${item.sha256} differs`);
			if (item.fileName !== expected?.fileName) problems.push(`fileName ${item.fileName}`);
			if (item.mimeType !== 'image/png') problems.push(`mimeType ${item.mimeType}`);
			if (item.fileSize !== expected?.size) problems.push(`fileSize ${item.fileSize}`);
			if (problems.length === 0) ok += 1;
			else {
				wrong += 1;
				summary.wrongItems.push(`${label} item ${i}: ${problems.join(', ')}`);
			}
		}
		summary.items += answer.boards.length;
		summary.ok += ok;
		summary.failed += failed;
		summary.wrong += wrong;
		console.log(
			`${label}: HTTP 200, ${items.length} items: ${ok} right (sha256 = the emulator's bytes), ` +
				`${failed} failed, ${wrong} wrong, ${(answer.ms / 1000).toFixed(1)} s`,
		);
	}
	summary.seconds = (performance.now() - t0) / 1000;
	writeFileSync(outFile, JSON.stringify(summary, null, 2));
	for (const line of summary.wrongItems.slice(0, 10)) console.log(`  wrong: ${line}`);
	for (const line of summary.failures.slice(0, 5)) console.log(`  failed: ${line}`);
	if (summary.failures.length > 5)
		console.log(`  ... and ${summary.failures.length - 5} more failed`);
	console.log(
		`${n} executions x ${per} whiteboards in ${summary.seconds.toFixed(1)} s: ${summary.ok} right, ` +
			`${summary.failed} failed, ${summary.wrong} wrong`,
	);
}

function stored(stateFile, rowsFile, expectedCount, label) {
	const byName = new Map(readJson(stateFile).boards.map((b) => [b.fileName, b]));
	const rows = readFileSync(rowsFile, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => line.split('|'));
	const right = rows.filter(([name, sha]) => byName.get(name)?.sha256 === sha).length;
	const found = `${label}: binary_data: ${rows.length} files of these executions in Postgres, ${right} with the emulator's bytes`;
	expect(
		rows.length === Number(expectedCount) && right === rows.length,
		`${found}, expected ${expectedCount}`,
	);
	return found;
}

// ---- Feishu Images Trigger in queue mode (issue 16) ----------------------------------------------
//   node queue-test.mjs trigger-fixtures <state.json> <outDir>
//       the workflow: Feishu Images Trigger (long connection) -> Crypto (SHA-256 of the binary,
//       so the worker reads the bytes the trigger stored on main); appended to <outDir>'s
//       credentials.json, in <outDir>/trigger-workflow.json
//   node queue-test.mjs trigger <n8n URL> <emulator control URL> <count> <ids out file>
//       checks: one connection, `count` events delivered → `count` executions that succeeded,
//       the hash each worker computed and the bytes n8n serves = the emulator's; the ids of the
//       executions go to <ids out file> (test-queue.sh checks the worker logs)
export const TRIGGER_WORKFLOW_ID = 'FeishuQueueTrig01';
const HASH_NODE = 'SHA-256 on the Worker';

function triggerFixtures(stateFile, outDir) {
	const state = readJson(stateFile);
	const credentialsFile = path.join(outDir, 'credentials.json');
	const credentials = readJson(credentialsFile);
	writeFileSync(
		credentialsFile,
		JSON.stringify([...credentials, triggerCredential(state)], null, 2),
	);
	const workflow = triggerWorkflow('longConnection', {
		id: TRIGGER_WORKFLOW_ID,
		name: 'Feishu Images Trigger in queue mode (queue test)',
	});
	workflow.nodes.push({
		id: '9c4f6d85-3e0a-4a4b-8d84-0e4f3a5b6c03',
		name: HASH_NODE,
		type: 'n8n-nodes-base.crypto',
		typeVersion: 2,
		position: [220, 0],
		parameters: {
			action: 'hash',
			type: 'SHA256',
			binaryData: true,
			binaryPropertyName: 'data',
			dataPropertyName: 'workerSha256',
			encoding: 'hex',
		},
	});
	workflow.connections = {
		[TRIGGER_NODE]: { main: [[{ node: HASH_NODE, type: 'main', index: 0 }]] },
	};
	writeFileSync(path.join(outDir, 'trigger-workflow.json'), JSON.stringify(workflow, null, 2));
}

async function trigger(n8nUrl, control, count, idsFile) {
	const n = Number(count);
	const rest = await new N8nRest(n8nUrl).signIn();
	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
	await check('trigger: the leader main holds ONE long connection at the emulator', async () => {
		let stats;
		for (let i = 0; i < 60; i++) {
			stats = await emu(control, 'longConnectionStats');
			if (stats.open > 0) break;
			await sleep(500);
		}
		expect(stats.open === 1, `${stats.open} open connections: ${JSON.stringify(stats)}`);
		return `1 open connection (upgrades ${stats.upgrades})`;
	});
	const files = await emu(control, 'addChatImages', n, 'om_queue');
	const byId = new Map(files.map((f) => [f.messageId, f]));
	await emu(
		control,
		'longConnectionDeliver',
		files.map((f) => f.messageId),
	);
	const executions = await waitForExecutions(rest, TRIGGER_WORKFLOW_ID, n, { timeoutMs: 120_000 });
	writeFileSync(idsFile, executions.map((e) => e.id).join('\n'));
	await check(`trigger: ${n} events → ${n} executions that succeeded`, async () => {
		const statuses = executions.map((e) => e.status);
		expect(executions.length === n, `${executions.length} executions (${statuses.join(',')})`);
		expect(
			statuses.every((s) => s === 'success'),
			`statuses ${statuses.join(',')}`,
		);
		const stats = await emu(control, 'longConnectionStats');
		expect(stats.acksOk === stats.acks && stats.unacked === 0, JSON.stringify(stats));
		return `${n} executions, status success; ${stats.acksOk} acks 200 (p99 ${stats.ackP99Ms.toFixed(0)} ms)`;
	});
	// Read on the worker: the Crypto node hashed the bytes the trigger stored on main. n8n's REST
	// API may refuse them (database mode keeps a trigger's binaries under the temporary
	// execution ID, which its access check rejects): reported, the rows are checked in Postgres.
	const served = { ok: 0, refused: 0 };
	await check('trigger: every binary readable on the worker and byte-exact', async () => {
		const problems = [];
		let right = 0;
		let mode = '';
		for (const summary of executions) {
			const execution = await rest.execution(summary.id);
			const runData = execution.data?.resultData?.runData ?? {};
			const item = runData[TRIGGER_NODE]?.[0]?.data?.main?.[0]?.[0];
			const hashed = runData[HASH_NODE]?.[0]?.data?.main?.[0]?.[0];
			const expected = byId.get(item?.json?.messageId);
			if (!item || !hashed || !expected) {
				problems.push(
					`execution ${summary.id}: trigger item ${!!item}, hash ${!!hashed}, message ${item?.json?.messageId}`,
				);
				continue;
			}
			mode = item.binary.data.id?.split(':')[0] ?? 'inline';
			if (hashed.json.workerSha256 !== expected.sha256)
				problems.push(`execution ${summary.id}: the worker hashed ${hashed.json.workerSha256}`);
			else right++;
			try {
				const bytes = await rest.binary(item.binary.data.id);
				if (createHash('sha256').update(bytes).digest('hex') === expected.sha256) served.ok++;
				else problems.push(`execution ${summary.id}: n8n serves other bytes (${bytes.length} B)`);
			} catch {
				served.refused++;
			}
		}
		expect(problems.length === 0, problems.join('; '));
		return (
			`${right} pictures: the SHA-256 the worker computed = the emulator's (binary ids '${mode}:…'); ` +
			`n8n's REST API served ${served.ok}, refused ${served.refused}`
		);
	});
	writeFileSync(`${idsFile}.sha256`, files.map((f) => f.sha256).join('\n'));
	await check('trigger: still ONE connection at the emulator after the burst', async () => {
		const stats = await emu(control, 'longConnectionStats');
		expect(stats.open === 1 && stats.maxOpenPerApp === 1, JSON.stringify(stats));
		return `open ${stats.open}, at most ${stats.maxOpenPerApp} at once`;
	});
}

if (process.argv[2] === 'trigger') runChecks(() => trigger(...process.argv.slice(3)));
else runCommand({ fixtures, fire, 'trigger-fixtures': triggerFixtures }, { stored });
