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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { expect, isMain, runCommand } from './checks.mjs';

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

// The command line runs only when this file is the one node was started with (others import it).
if (isMain(import.meta.url)) {
	runCommand({ fixtures, result: extractResult }, { output, emulator, credential });
}
