// Runs the BUILT package (from its npm tarball) inside n8n 1.x's engine: n8n-core 1.x's
// WorkflowExecute with its real request and binary helpers, n8n-workflow 1.x, on whatever Node
// runs this file (20, 22 ...). Used by scripts/compat-n8n1.sh; plain CommonJS, no build step.
//
//   node run-n8n1.cjs <compat dir> <package dir> <compiled emulator dir>
//
// <compat dir>   a folder whose node_modules holds n8n-core 1.x and n8n-workflow 1.x
// <package dir>  the unpacked tarball, INSIDE <compat dir>/…/node_modules, so that the package's
//                require('n8n-workflow') resolves to the 1.x copy, as in an n8n 1.x install
// <emulator dir> test/emulator compiled to CommonJS (index.js)
//
// A cut-down port of test/engine (n8n 2.x) to the 1.x API: a credentials helper that runs
// preAuthentication and persists the token as n8n's database would, generic `authenticate`
// resolved through the workflow's expression engine, binaries in n8n's filesystem mode.
'use strict';

const { mkdtempSync, rmSync } = require('node:fs');
const { createHash, randomUUID } = require('node:crypto');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const [compatDir, packageDir, emulatorDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!compatDir || !packageDir || !emulatorDir) {
	console.error('usage: node run-n8n1.cjs <compat dir> <package dir> <compiled emulator dir>');
	process.exit(2);
}

// Before n8n-core builds any service: @n8n/config reads the environment then.
const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n1-compat-'));
process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(userFolder, 'binaryData');

const compatRequire = createRequire(path.join(compatDir, 'package.json'));
const core = compatRequire('n8n-core');
const workflowLib = compatRequire('n8n-workflow');
const coreRequire = createRequire(compatRequire.resolve('n8n-core/package.json'));
const { Container } = coreRequire('@n8n/di');
// The Logger class n8n-core resolves from DI: @n8n/backend-common's (n8n-core >= 1.9x), else its own.
let BackendLogger;
try {
	BackendLogger = coreRequire('@n8n/backend-common').Logger;
} catch {
	BackendLogger = core.Logger;
}
const { Workflow, NodeHelpers, ICredentialsHelper, ICredentials, LoggerProxy } = workflowLib;
// n8n-workflow's isExpression (not exported by every 1.x version).
const isExpression = (value) => typeof value === 'string' && value.charAt(0) === '=';
const { ExecutionLifecycleHooks, WorkflowExecute, BinaryDataService } = core;

// The package must see the same n8n-workflow as n8n-core (one copy, the 1.x one).
const packageRequire = createRequire(path.join(packageDir, 'package.json'));
const workflowSeenByPackage = packageRequire.resolve('n8n-workflow');
if (workflowSeenByPackage !== compatRequire.resolve('n8n-workflow')) {
	console.error(`the package resolves n8n-workflow to ${workflowSeenByPackage}, not the 1.x copy`);
	process.exit(2);
}

const versions = {
	node: process.versions.node,
	'n8n-core': compatRequire('n8n-core/package.json').version,
	'n8n-workflow': compatRequire('n8n-workflow/package.json').version,
};

// ---- logger: quiet, but errors are kept for the report ---------------------------------------
const logLines = [];
const logger = {
	error: (m, meta) => logLines.push(`error: ${m} ${meta ? JSON.stringify(meta) : ''}`),
	warn: (m) => logLines.push(`warn: ${m}`),
	info: () => {},
	debug: () => {},
	scoped() {
		return this;
	},
};
Container.set(BackendLogger, logger);
LoggerProxy.init(logger);

// ---- load the package as n8n does: the files its package.json "n8n" section names --------------
const pkgJson = packageRequire('./package.json');
const loadClass = (file) => {
	const mod = packageRequire(path.join(packageDir, file));
	const name = path.basename(file).split('.')[0];
	if (typeof mod[name] !== 'function') throw new Error(`${file} exports no class ${name}`);
	return new mod[name]();
};
let nodeType;
let credentialType;
try {
	nodeType = loadClass(pkgJson.n8n.nodes[0]);
	credentialType = loadClass(pkgJson.n8n.credentials[0]);
	console.log(
		`load: ok (${pkgJson.n8n.nodes[0]}, ${pkgJson.n8n.credentials[0]}) with n8n-workflow ${versions['n8n-workflow']}`,
	);
} catch (error) {
	const where = (error.stack ?? '').split('\n').find((l) => l.includes(packageDir)) ?? '';
	console.log(
		`load: FAILED with n8n-workflow ${versions['n8n-workflow']}: ${error.name}: ${error.message} ${where.trim().replace(packageDir + path.sep, '')}`,
	);
	process.exit(3);
}
for (const [name, value] of Object.entries({
	ExecutionLifecycleHooks,
	WorkflowExecute,
	BinaryDataService,
})) {
	if (typeof value !== 'function') {
		console.log(
			`harness: n8n-core ${versions['n8n-core']} has no ${name}; this harness needs n8n-core >= 1.8x`,
		);
		process.exit(4);
	}
}
const NODE_TYPE_NAME = `${pkgJson.name}.${nodeType.description.name}`;

// ---- node types: the package's node and a source node that emits one empty item ---------------
const source = {
	description: {
		displayName: 'Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'emits one empty item',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		return [[{ json: {} }]];
	},
};
const types = { 'test.source': source, [NODE_TYPE_NAME]: nodeType };
const nodeTypes = {
	getByName: (name) => {
		if (!types[name]) throw new Error(`Unrecognized node type: ${name}`);
		return types[name];
	},
	getByNameAndVersion: (name, version) =>
		NodeHelpers.getVersionedNodeType(nodeTypes.getByName(name), version),
	getKnownTypes: () => ({}),
};

// ---- credentials: an in-memory table and n8n's helper logic -------------------------------------
class PlainCredentials extends ICredentials {
	constructor(details, type, data) {
		super(details, type);
		this.plain = structuredClone(data);
	}
	async getData() {
		return structuredClone(this.plain);
	}
	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}
	async setData(data) {
		this.plain = structuredClone(data);
	}
	async updateData(toUpdate, toDelete = []) {
		this.plain = { ...this.plain, ...toUpdate };
		for (const key of toDelete) delete this.plain[key];
	}
}

const mockNode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

class CompatCredentialsHelper extends ICredentialsHelper {
	constructor(records) {
		super();
		this.records = new Map(records.map((r) => [r.id, structuredClone(r)]));
		this.writes = 0;
	}
	read(details, type) {
		const record = this.records.get(details.id);
		if (!record || record.type !== type)
			throw new Error(`Credential ${details.id} of type ${type} does not exist`);
		return structuredClone(record);
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	getCredentialsProperties(type) {
		if (type !== credentialType.name) throw new Error(`unknown credential type ${type}`);
		return credentialType.properties;
	}
	async getCredentials(details, type) {
		const record = this.read(details, type);
		return new PlainCredentials({ id: record.id, name: record.name }, type, record.data);
	}
	async getDecrypted(additionalData, details, type, mode, executeData, raw) {
		const { data } = this.read(details, type);
		if (raw) return data;
		// As n8n: the type's defaults; no expressions are stored in this test's credential.
		return (
			NodeHelpers.getNodeParameters(
				this.getCredentialsProperties(type),
				data,
				true,
				false,
				null,
				null,
			) ?? {}
		);
	}
	async updateCredentials(details, type, data) {
		this.records.get(this.read(details, type).id).data = structuredClone(data);
	}
	async updateCredentialsOauthTokenData() {}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				requestOptions[outerKey] ??= {};
				for (const [key, value] of Object.entries(outerValue)) {
					requestOptions[outerKey][key] = isExpression(value)
						? String(
								workflow.expression.getSimpleParameterValue(
									node,
									value,
									'internal',
									{ $credentials: credentials },
									undefined,
									'',
								) ?? '',
							)
						: value;
				}
			}
		}
		return requestOptions;
	}
	// n8n's CredentialsHelper.preAuthentication: run the type's preAuthentication when the hidden
	// expirable property is empty or the credential expired, persist and return the result.
	async preAuthentication(helpers, credentials, typeName, node, credentialsExpired) {
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await credentialType.preAuthentication.call(
			{ helpers: { httpRequest: (o) => helpers.helpers.httpRequest(o) } },
			credentials,
		);
		if (output?.[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[credentialType.name];
		if (details) {
			const stored = this.read(details, credentialType.name);
			this.records.get(stored.id).data = { ...stored.data, ...output };
			this.writes++;
		}
		return Object.assign(credentials, output);
	}
}

// ---- one workflow run -----------------------------------------------------------------------
const BASE_URL = 'http://localhost:5678';

async function runNode(
	helper,
	parameters,
	{ continueOnFail = false, credentialId = 'cred-1' } = {},
) {
	const nodeName = 'Feishu Images';
	const nodes = [
		{
			id: randomUUID(),
			name: 'Source',
			type: 'test.source',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: randomUUID(),
			name: nodeName,
			type: NODE_TYPE_NAME,
			typeVersion: 1,
			position: [220, 0],
			parameters: structuredClone(parameters),
			credentials: { feishuApi: { id: credentialId, name: 'Feishu' } },
			...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		},
	];
	const connections = { Source: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } };
	const workflowId = `compat-${randomUUID()}`;
	const executionId = String(Date.now());
	const workflow = new Workflow({
		id: workflowId,
		name: 'compat',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const workflowData = {
		id: workflowId,
		name: 'compat',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
	const additionalData = {
		credentialsHelper: helper,
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData),
		executionId,
		workflowId,
		userId: 'compat-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		variables: {},
		secretsHelpers: {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
	};
	const execute = new WorkflowExecute(additionalData, 'manual');
	const startNode = workflow.getNode('Source');
	// n8n-core 1.x: run(workflow, startNode); 2.x: run({ workflow, startNode }).
	const run = await (execute.run.length >= 2
		? execute.run(workflow, startNode)
		: execute.run({ workflow, startNode }));
	const task = run.data.resultData.runData[nodeName]?.[0];
	const error = task?.error ?? run.data.resultData.error;
	if (error && process.env.COMPAT_DEBUG === '1') console.error(error.stack ?? error);
	return { items: task?.data?.main?.[0] ?? [], error: task?.error ?? run.data.resultData.error };
}

// ---- the scenarios --------------------------------------------------------------------------
async function main() {
	const { FeishuEmulator, makePng } = require(path.join(emulatorDir, 'index.js'));
	const emulator = await FeishuEmulator.start();
	const results = [];
	const binaryService = Container.get(BinaryDataService);
	// n8n-core <= 1.8x: init(config) takes the config; later versions read their own.
	await binaryService.init(
		binaryService.init.length >= 1
			? {
					mode: 'filesystem',
					availableModes: ['filesystem'],
					localStoragePath: process.env.N8N_BINARY_DATA_STORAGE_PATH,
				}
			: undefined,
	);

	const helper = new CompatCredentialsHelper([
		{
			id: 'cred-1',
			name: 'Feishu',
			type: 'feishuApi',
			data: {
				domain: 'custom',
				customBaseUrl: emulator.baseUrl,
				appId: emulator.appId,
				appSecret: emulator.appSecret,
			},
		},
	]);
	const sha = (b) => createHash('sha256').update(b).digest('hex');
	// Soft failures (a wrong field) are collected so the rest of the scenario is still checked.
	let issues = [];
	const soft = (ok, message) => {
		if (!ok) issues.push(message);
	};
	const scenario = async (name, fn) => {
		const tokensBefore = emulator.counters.tokenRequests;
		issues = [];
		try {
			const detail = await fn();
			if (issues.length) throw new Error(issues.join('; '));
			results.push({
				name,
				passed: true,
				detail,
				tokenRequests: emulator.counters.tokenRequests - tokensBefore,
			});
		} catch (error) {
			results.push({
				name,
				passed: false,
				detail: error.message,
				tokenRequests: emulator.counters.tokenRequests - tokensBefore,
			});
		}
	};
	const expect = (ok, message) => {
		if (!ok) throw new Error(message);
	};
	const expectFile = async (items, bytes, fileName, mimeType) => {
		expect(
			items.length === 1,
			`expected 1 item, got ${items.length}: ${JSON.stringify(items).slice(0, 300)}`,
		);
		const binary = items[0].binary?.data;
		expect(binary, `no binary.data: ${JSON.stringify(items[0]).slice(0, 300)}`);
		expect(
			binary.fileName === fileName,
			`fileName ${JSON.stringify(binary.fileName)}, expected ${JSON.stringify(fileName)}`,
		);
		expect(binary.mimeType === mimeType, `mimeType ${binary.mimeType}, expected ${mimeType}`);
		const stored = await binaryService.getAsBuffer(binary);
		expect(
			stored.length === bytes.length && sha(stored) === sha(bytes),
			`stored bytes differ (${stored.length} vs ${bytes.length} B)`,
		);
		expect(
			JSON.stringify(items[0].pairedItem ?? null).includes('"item":0'),
			`pairedItem ${JSON.stringify(items[0].pairedItem)}`,
		);
		soft(
			items[0].json?.fileSize === bytes.length,
			`json.fileSize ${items[0].json?.fileSize}, expected ${bytes.length}`,
		);
		return `${fileName} ${mimeType} ${stored.length} B, bytes match (${binary.id ? binary.id.split(':')[0] : 'inline'})`;
	};
	const whiteboard = (id) => ({
		resource: 'whiteboard',
		operation: 'downloadAsImage',
		whiteboardId: { __rl: true, mode: 'id', value: id },
		options: {},
	});

	const boardBytes = emulator.addWhiteboard('CompatBoard1', makePng(200, 120, 11), {
		fileName: '画板 compat.png',
	});
	const imageBytes = emulator.addMessageImage('img_v2_compat_1', { fileName: 'photo.png' });

	await scenario('whiteboard download (fetches a token, saves it in the credential)', async () => {
		const { items, error } = await runNode(helper, whiteboard('CompatBoard1'));
		expect(!error, `node error: ${error?.message} ${error?.description ?? ''}`);
		const detail = await expectFile(items, boardBytes, '画板 compat.png', 'image/png');
		expect(
			emulator.counters.tokenRequests === 1,
			`token requests ${emulator.counters.tokenRequests}, expected 1`,
		);
		expect(
			helper.records.get('cred-1').data.tenantAccessToken === emulator.issuedTokens[0],
			'token not persisted',
		);
		return detail;
	});

	await scenario('message image download in a new execution (reuses the saved token)', async () => {
		const { items, error } = await runNode(helper, {
			resource: 'messageImage',
			operation: 'download',
			imageKey: { __rl: true, mode: 'id', value: 'img_v2_compat_1' },
			options: {},
		});
		expect(!error, `node error: ${error?.message} ${error?.description ?? ''}`);
		const detail = await expectFile(items, imageBytes, 'photo.png', 'image/png');
		expect(
			emulator.counters.tokenRequests === 1,
			`token requests ${emulator.counters.tokenRequests}, expected still 1`,
		);
		return detail;
	});

	await scenario('expired token (99991663): one fresh token, saved, download retried', async () => {
		emulator.expireAllTokens();
		const writesBefore = helper.writes;
		const { items, error } = await runNode(helper, whiteboard('CompatBoard1'));
		expect(!error, `node error: ${error?.message} ${error?.description ?? ''}`);
		const detail = await expectFile(items, boardBytes, '画板 compat.png', 'image/png');
		expect(
			emulator.counters.tokenRequests === 2,
			`token requests ${emulator.counters.tokenRequests}, expected 2`,
		);
		expect(helper.writes === writesBefore + 1, 'the fresh token was not saved');
		expect(
			helper.records.get('cred-1').data.tenantAccessToken === emulator.issuedTokens[1],
			'saved token is not the fresh one',
		);
		return detail;
	});

	await scenario(
		'documented error (2890003 record missing) fails the node with Feishu code and fix',
		async () => {
			const { items, error } = await runNode(helper, whiteboard('NoSuchBoard'));
			expect(error, `expected a node error, got ${items.length} items`);
			const text = `${error.message} ${error.description ?? ''}`;
			expect(/2890003/.test(text), `error does not name code 2890003: ${text}`);
			expect(
				error.name === 'NodeApiError' || error.constructor?.name === 'NodeApiError',
				`error is ${error.name}, expected NodeApiError`,
			);
			return `NodeApiError: ${error.message.slice(0, 90)}`;
		},
	);

	await scenario(
		'continue on fail: the failing item becomes an error item with pairedItem',
		async () => {
			const { items, error } = await runNode(helper, whiteboard('NoSuchBoard'), {
				continueOnFail: true,
			});
			expect(!error, `node error despite continueOnFail: ${error?.message}`);
			expect(
				items.length === 1 && items[0].json.error,
				`expected 1 error item: ${JSON.stringify(items).slice(0, 300)}`,
			);
			expect(items[0].json.code === 2890003, `code ${items[0].json.code}`);
			expect(
				JSON.stringify(items[0].pairedItem ?? null).includes('"item":0'),
				`pairedItem ${JSON.stringify(items[0].pairedItem)}`,
			);
			return `{ error: "${String(items[0].json.error).slice(0, 60)}…", code: ${items[0].json.code} }`;
		},
	);

	await scenario(
		'cross-origin redirect: the tenant token is not sent to the other origin',
		async () => {
			// A "Feishu" on one 127.0.0.1 port answers the download with a 302 to another port (another
			// origin). The node asks n8n not to forward credentials there (sendCredentialsOnCrossOriginRedirect: false).
			const http = require('node:http');
			const seen = [];
			const listen = (handler) =>
				new Promise((resolve) => {
					const server = http.createServer(handler);
					server.listen(0, '127.0.0.1', () => resolve(server));
				});
			const pngBytes = makePng(8, 8, 5);
			const other = await listen((req, res) => {
				seen.push({ url: req.url, authorization: req.headers.authorization });
				res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': pngBytes.length });
				res.end(pngBytes);
			});
			const otherUrl = `http://127.0.0.1:${other.address().port}`;
			const feishu = await listen((req, res) => {
				if (req.method === 'POST') {
					req.resume();
					res.writeHead(200, { 'Content-Type': 'application/json' });
					res.end(
						JSON.stringify({
							code: 0,
							msg: 'ok',
							tenant_access_token: 't-redirect-test-token',
							expire: 7200,
						}),
					);
				} else {
					res.writeHead(302, { Location: `${otherUrl}/elsewhere.png` });
					res.end();
				}
			});
			helper.records.set('cred-redirect', {
				id: 'cred-redirect',
				name: 'Feishu redirecting',
				type: 'feishuApi',
				data: {
					domain: 'custom',
					customBaseUrl: `http://127.0.0.1:${feishu.address().port}`,
					appId: 'cli_x',
					appSecret: 'y',
				},
			});
			try {
				const { items, error } = await runNode(helper, whiteboard('RedirectBoard'), {
					credentialId: 'cred-redirect',
				});
				expect(
					seen.length > 0,
					`the redirect was not followed (${error ? error.message : `${items.length} items`})`,
				);
				expect(
					seen.every((r) => r.authorization === undefined),
					`the other origin received Authorization: ${seen.map((r) => r.authorization).join(', ')}`,
				);
				return `redirect followed (${seen.length} request(s) to the other origin), no Authorization header there`;
			} finally {
				feishu.close();
				other.close();
			}
		},
	);

	await emulator.close();
	const unexpected = logLines.filter(
		(l) => l.startsWith('error:') && !/2890003|NoSuchBoard|record missing/i.test(l),
	);

	const label = `Node ${versions.node}, n8n-core ${versions['n8n-core']}, n8n-workflow ${versions['n8n-workflow']}`;
	for (const r of results)
		console.log(
			`${r.passed ? 'ok  ' : 'FAIL'} ${r.name} [token requests: ${r.tokenRequests}] — ${r.detail}`,
		);
	if (unexpected.length)
		console.log(`n8n logged errors:\n  ${unexpected.slice(0, 5).join('\n  ')}`);
	const passed = results.filter((r) => r.passed).length;
	console.log(`compat ${label}: ${passed} passed, ${results.length - passed} failed`);
	return passed === results.length;
}

main()
	.then((ok) => process.exit(ok ? 0 : 1))
	.catch((error) => {
		console.error(`compat run crashed: ${error.stack ?? error}`);
		process.exit(1);
	});
