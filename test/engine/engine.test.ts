/**
 * Proves test/engine: a fake node and a fake credential (NOT the Feishu ones) run inside
 * n8n-core's real WorkflowExecute against a local HTTP server.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';

import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestHelper,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CredentialStore, engineTempFolder, removeEngineTempFolder, runNode } from './index';
import type { RunOptions } from './index';

// ---------------------------------------------------------------- a local server
const PNG = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256)),
]);
const APP_SECRET = 'app-secret-DO-NOT-LEAK-4f1c';

interface Seen {
	method: string;
	url: string;
	authorization?: string;
	body: string;
}

const server = {
	http: undefined as http.Server | undefined,
	baseUrl: '',
	tokenCalls: 0,
	validTokens: new Set<string>(),
	requests: [] as Seen[],
};

function resetServer() {
	server.tokenCalls = 0;
	server.validTokens.clear();
	server.requests.length = 0;
}

beforeAll(async () => {
	server.http = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const authorization = req.headers.authorization;
			server.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization, body });
			const json = (status: number, data: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(data));
			};
			if (req.method === 'POST' && req.url === '/token') {
				const parsed = JSON.parse(body || '{}') as { secret?: string };
				if (parsed.secret !== APP_SECRET) return json(403, { error: 'bad secret' });
				server.tokenCalls++;
				const token = `tok-${server.tokenCalls}`;
				server.validTokens.add(token);
				return json(200, { token });
			}
			const token = authorization?.replace(/^Bearer /, '');
			if (!token || !server.validTokens.has(token)) return json(401, { error: 'invalid token' });
			if (req.url === '/image') {
				res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
				return res.end(PNG);
			}
			if (req.url === '/fail') return json(500, { error: 'boom' });
			return json(404, { error: 'not found' });
		});
	});
	await new Promise<void>((resolve) => server.http!.listen(0, '127.0.0.1', resolve));
	server.baseUrl = `http://127.0.0.1:${(server.http!.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.http?.close(() => resolve()));
	removeEngineTempFolder();
});

// ---------------------------------------------------------------- fake credential + node
class FakeApi implements ICredentialType {
	name = 'fakeApi';
	displayName = 'Fake API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/token`,
			body: { secret: credentials.appSecret },
			json: true,
		})) as { token: string };
		return { token: response.token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/image' },
	};
}

class FakeImages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fake Images',
		name: 'fakeImages',
		group: ['transform'],
		version: 1,
		description: 'Test-only node',
		defaults: { name: 'Fake Images' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fakeApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/image' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('fakeApi');
				const url = `${baseUrl}${this.getNodeParameter('path', i) as string}`;
				const buffer = (await this.helpers.httpRequestWithAuthentication.call(this, 'fakeApi', {
					method: 'GET',
					url,
					encoding: 'arraybuffer',
				})) as Buffer;
				const fromBuffer = await this.helpers.prepareBinaryData(
					Buffer.from(buffer),
					'x.png',
					'image/png',
				);
				const stream = (await this.helpers.httpRequestWithAuthentication.call(this, 'fakeApi', {
					method: 'GET',
					url,
					encoding: 'stream',
				})) as Readable;
				const fromStream = await this.helpers.prepareBinaryData(stream, 'x.png', 'image/png');
				this.logger.info('fake node downloaded', {
					bytes: buffer.length,
					node: this.getNode().name,
				});
				out.push({
					json: { ok: true },
					binary: { data: fromBuffer, fromStream },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

// ---------------------------------------------------------------- helpers
function newStore(token = '') {
	return new CredentialStore([
		{
			id: '1',
			name: 'Fake',
			type: 'fakeApi',
			data: { baseUrl: server.baseUrl, appSecret: APP_SECRET, token },
		},
	]);
}

function options(store: CredentialStore, extra: Partial<RunOptions> = {}): RunOptions {
	return {
		nodeType: new FakeImages(),
		credentialTypes: [new FakeApi()],
		parameters: {},
		credentials: { fakeApi: { id: '1', name: 'Fake' } },
		store,
		...extra,
	};
}

async function expectPngs(result: Awaited<ReturnType<typeof runNode>>) {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const [item] = result.items;
	for (const property of ['data', 'fromStream']) {
		const binary = item.binary![property];
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe('x.png');
		expect(binary.bytes).toBe(PNG.length);
		expect((await result.binaryBuffer(item, property)).equals(PNG)).toBe(true);
	}
	return item;
}

// ---------------------------------------------------------------- tests
describe('test/engine runNode (real n8n-core WorkflowExecute)', () => {
	beforeEach(resetServer);

	it('fetches the token once across two runs sharing a store, sends it, keeps binaries inline', async () => {
		const store = newStore();
		const first = await runNode(options(store));
		const item = await expectPngs(first);
		expect(item.binary!.data.id).toBeUndefined(); // memory: inline base64
		expect(Buffer.from(item.binary!.data.data, 'base64').equals(PNG)).toBe(true);
		expect(first.node.type).toBe('n8n-nodes-feishu-images.fakeImages');

		const second = await runNode(options(store));
		await expectPngs(second);

		expect(server.tokenCalls).toBe(1);
		expect(store.updates).toBe(1);
		expect(store.get('1').data.token).toBe('tok-1');
		expect(store.writes).toEqual([
			expect.objectContaining({ id: '1', source: 'preAuthentication' }),
		]);
		const imageRequests = server.requests.filter((r) => r.url === '/image');
		expect(imageRequests).toHaveLength(4);
		for (const r of imageRequests) expect(r.authorization).toBe('Bearer tok-1');
		// the secret went only to the token endpoint
		expect(server.requests.filter((r) => r.body.includes(APP_SECRET)).map((r) => r.url)).toEqual([
			'/token',
		]);
	});

	it('refreshes and persists the token when the stored one is rejected with 401', async () => {
		const store = newStore('stale-token');
		const result = await runNode(options(store));
		await expectPngs(result);
		expect(server.tokenCalls).toBe(1);
		expect(store.updates).toBe(1);
		expect(store.get('1').data.token).toBe('tok-1');
		expect(server.requests.map((r) => `${r.method} ${r.url} ${r.authorization ?? ''}`)).toEqual([
			'GET /image Bearer stale-token',
			'POST /token ',
			'GET /image Bearer tok-1',
			'GET /image Bearer tok-1',
		]);
	});

	it('stores binaries on disk in filesystem mode, and modes can alternate in one process', async () => {
		const store = newStore();
		const fsRun = await runNode(options(store, { binaryMode: 'filesystem' }));
		const item = await expectPngs(fsRun);
		const { id } = item.binary!.data;
		expect(id).toMatch(/^filesystem-v2:/);
		expect(item.binary!.data.data).toBe('filesystem-v2');
		expect(item.binary!.fromStream.id).toMatch(/^filesystem-v2:/);
		const file = path.join(engineTempFolder, '.n8n', 'storage', id!.slice('filesystem-v2:'.length));
		expect(existsSync(file)).toBe(true);

		const memRun = await runNode(options(store, { binaryMode: 'memory' }));
		expect((await expectPngs(memRun)).binary!.data.id).toBeUndefined();
		// the filesystem run's result can still be read after switching
		expect((await fsRun.binaryBuffer(item)).equals(PNG)).toBe(true);
		expect(server.tokenCalls).toBe(1);
	});

	it('continueOnFail turns the API error into an error item; without it the node fails', async () => {
		const store = newStore();
		const ok = await runNode(
			options(store, { parameters: { path: '/fail' }, continueOnFail: true }),
		);
		expect(ok.error).toBeUndefined();
		expect(ok.items).toHaveLength(1);
		expect(ok.items[0].json.error).toEqual(expect.any(String));
		expect(ok.items[0].binary).toBeUndefined();

		const failed = await runNode(options(store, { parameters: { path: '/fail' } }));
		expect(failed.items).toEqual([]);
		expect(failed.error).toBeDefined();
		expect(failed.error!.name).toBe('NodeApiError');
		expect((failed.error as { httpCode?: string }).httpCode).toBe('500');
		expect(failed.raw.data.resultData.runData['Fake Images'][0].error).toBe(failed.error);
		expect(failed.logs.some((l) => l.includes('finished with error'))).toBe(true);
	});

	it('captures engine and node logs (debug included, meta as JSON)', async () => {
		const result = await runNode(
			options(newStore(), { items: [{ json: { n: 1 } }, { json: { n: 2 } }] }),
		);
		expect(result.items).toHaveLength(2);
		expect(result.logs.some((l) => l.startsWith('debug: Start executing node "Fake Images"'))).toBe(
			true,
		);
		expect(result.logs.filter((l) => l.startsWith('info: fake node downloaded'))).toHaveLength(2);
		expect(result.logs.some((l) => l.includes(`"bytes":${PNG.length}`))).toBe(true);
		for (const line of result.logs) expect(line).not.toContain(APP_SECRET);
	});

	it('MIME sniffing of a Buffer needs --experimental-vm-modules under jest (n8n-core imports ESM file-type)', async () => {
		const realPng = Buffer.from(
			'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
			'base64',
		);
		class Sniff implements INodeType {
			description: INodeTypeDescription = {
				...new FakeImages().description,
				displayName: 'Sniff',
				name: 'sniff',
				credentials: [],
				properties: [],
			};
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const data = await this.helpers.prepareBinaryData(realPng); // no file name, no MIME
				return [[{ json: {}, binary: { data }, pairedItem: { item: 0 } }]];
			}
		}
		const result = await runNode({ nodeType: new Sniff(), credentialTypes: [], parameters: {} });
		const vmModules = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes(
			'--experimental-vm-modules',
		);
		if (vmModules) {
			expect(result.error).toBeUndefined();
			expect(result.items[0].binary!.data.mimeType).toBe('image/png');
		} else {
			// In real n8n (no jest VM) this works; in jest it throws unless node runs with the flag.
			expect(result.error?.message).toContain('experimental-vm-modules');
		}
	});
});
