/**
 * The scenarios of scripts/compat-n8n1.sh, on test/engine's harness (see run-n8n1.cjs): whiteboard
 * and message-image downloads (name, MIME type, bytes, json.fileSize), the token saved and
 * reused, an expired token refreshed, a documented error, continue-on-fail, and no token sent on
 * a redirect to another origin (sendCredentialsOnCrossOriginRedirect: false).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialType, INodeExecutionData, INodeType } from 'n8n-workflow';

import { FeishuEmulator, makePng } from '../../../test/emulator';
import { CredentialStore, removeEngineTempFolder, runNode } from '../../../test/engine';

interface Options {
	nodeType: INodeType;
	credentialTypes: ICredentialType[];
	check(name: string, fn: () => Promise<string>): Promise<boolean>;
	expect(ok: unknown, message: string): asserts ok;
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const whiteboard = (id: string) => ({
	resource: 'whiteboard',
	operation: 'downloadAsImage',
	whiteboardId: { __rl: true, mode: 'id', value: id },
	options: {},
});

export async function runScenarios(options: Options) {
	const { nodeType, credentialTypes, check } = options;
	const expect: Options['expect'] = options.expect;
	const emulator = await FeishuEmulator.start();
	const store = new CredentialStore([
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
	const run = async (parameters: object, credentialId = 'cred-1', continueOnFail = false) =>
		await runNode({
			nodeType,
			credentialTypes,
			parameters: parameters as never,
			credentials: { feishuApi: { id: credentialId, name: 'Feishu' } },
			store,
			continueOnFail,
			binaryMode: 'filesystem',
		});
	const expectFile = async (
		result: Awaited<ReturnType<typeof run>>,
		bytes: Uint8Array,
		fileName: string,
	) => {
		const { items, error } = result;
		expect(!error, `node error: ${error?.message} ${error?.description ?? ''}`);
		expect(items.length === 1, `expected 1 item, got ${items.length}`);
		const item: INodeExecutionData = items[0];
		const binary = item.binary?.data;
		expect(binary, `no binary.data: ${JSON.stringify(item).slice(0, 300)}`);
		expect(binary.fileName === fileName, `fileName ${JSON.stringify(binary.fileName)}`);
		expect(binary.mimeType === 'image/png', `mimeType ${binary.mimeType}`);
		const stored = await result.binaryBuffer(item);
		expect(
			sha(stored) === sha(bytes),
			`stored bytes differ (${stored.length} vs ${bytes.length} B)`,
		);
		expect(JSON.stringify(item.pairedItem ?? null).includes('"item":0'), 'no pairedItem');
		expect(item.json?.fileSize === bytes.length, `json.fileSize ${item.json?.fileSize}`);
		return `${fileName} image/png ${stored.length} B, bytes match`;
	};
	const tokens = () => emulator.counters.tokenRequests;
	const savedToken = () => store.get('cred-1').data.tenantAccessToken;

	const boardBytes = emulator.addWhiteboard('CompatBoard1', makePng(200, 120, 11), {
		fileName: '画板 compat.png',
	});
	const imageBytes = emulator.addMessageImage('img_v2_compat_1', { fileName: 'photo.png' });

	await check('whiteboard download (fetches a token, saves it in the credential)', async () => {
		const detail = await expectFile(
			await run(whiteboard('CompatBoard1')),
			boardBytes,
			'画板 compat.png',
		);
		expect(tokens() === 1, `token requests ${tokens()}, expected 1`);
		expect(savedToken() === emulator.issuedTokens[0], 'token not persisted');
		return detail;
	});

	await check('message image download in a new execution (reuses the saved token)', async () => {
		const result = await run({
			resource: 'messageImage',
			operation: 'download',
			imageKey: { __rl: true, mode: 'id', value: 'img_v2_compat_1' },
			options: {},
		});
		const detail = await expectFile(result, imageBytes, 'photo.png');
		expect(tokens() === 1, `token requests ${tokens()}, expected still 1`);
		return detail;
	});

	await check('expired token (99991663): one fresh token, saved, download retried', async () => {
		emulator.expireAllTokens();
		const updates = store.updates;
		const detail = await expectFile(
			await run(whiteboard('CompatBoard1')),
			boardBytes,
			'画板 compat.png',
		);
		expect(tokens() === 2, `token requests ${tokens()}, expected 2`);
		expect(store.updates === updates + 1, 'the fresh token was not saved');
		expect(savedToken() === emulator.issuedTokens[1], 'saved token is not the fresh one');
		return detail;
	});

	await check('documented error (2890003 record missing): NodeApiError with the code', async () => {
		const { items, error } = await run(whiteboard('NoSuchBoard'));
		expect(error, `expected a node error, got ${items.length} items`);
		const text = `${error.message} ${error.description ?? ''}`;
		expect(/2890003/.test(text), `error does not name code 2890003: ${text}`);
		expect(error.name === 'NodeApiError', `error is ${error.name}, expected NodeApiError`);
		return `NodeApiError: ${error.message.slice(0, 90)}`;
	});

	await check('continue on fail: an error item with pairedItem', async () => {
		const { items, error } = await run(whiteboard('NoSuchBoard'), 'cred-1', true);
		expect(!error, `node error despite continueOnFail: ${error?.message}`);
		expect(items.length === 1 && items[0].json.error, `expected 1 error item`);
		expect(items[0].json.code === 2890003, `code ${String(items[0].json.code)}`);
		expect(JSON.stringify(items[0].pairedItem ?? null).includes('"item":0'), 'no pairedItem');
		return `{ error: "${String(items[0].json.error).slice(0, 60)}…", code: 2890003 }`;
	});

	await check(
		'cross-origin redirect: the tenant token is not sent to the other origin',
		async () => {
			// A "Feishu" on one 127.0.0.1 port answers the download with a 302 to another port.
			const seen: Array<string | undefined> = [];
			const listen = async (handler: http.RequestListener) =>
				await new Promise<http.Server>((resolve) => {
					const server = http.createServer(handler);
					server.listen(0, '127.0.0.1', () => resolve(server));
				});
			const png = makePng(8, 8, 5);
			const other = await listen((req, res) => {
				seen.push(req.headers.authorization);
				res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
				res.end(png);
			});
			const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
			const feishu = await listen((req, res) => {
				req.resume();
				if (req.method === 'POST') {
					res.writeHead(200, { 'Content-Type': 'application/json' });
					const token = { code: 0, msg: 'ok', tenant_access_token: 't-redirect', expire: 7200 };
					res.end(JSON.stringify(token));
				} else {
					res.writeHead(302, { Location: `${otherUrl}/elsewhere.png` });
					res.end();
				}
			});
			const port = (feishu.address() as AddressInfo).port;
			const data = {
				domain: 'custom',
				customBaseUrl: `http://127.0.0.1:${port}`,
				appId: 'cli_x',
				appSecret: 'y',
			};
			const redirecting = new CredentialStore([
				{ id: 'cred-redirect', name: 'R', type: 'feishuApi', data },
			]);
			try {
				const { items, error } = await runNode({
					nodeType,
					credentialTypes,
					parameters: whiteboard('RedirectBoard') as never,
					credentials: { feishuApi: { id: 'cred-redirect', name: 'R' } },
					store: redirecting,
				});
				expect(
					seen.length > 0,
					`the redirect was not followed (${error?.message ?? `${items.length} items`})`,
				);
				expect(
					seen.every((authorization) => authorization === undefined),
					`the other origin received Authorization: ${seen.join(', ')}`,
				);
				return `redirect followed (${seen.length} request(s) to the other origin), no Authorization header there`;
			} finally {
				feishu.close();
				other.close();
			}
		},
	);

	await emulator.close();
	removeEngineTempFolder();
}
