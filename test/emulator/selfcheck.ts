/**
 * Smoke check of the emulator itself, with the platform's fetch.
 * Not a jest suite (the name does not match *.test.ts); run it by compiling
 * with tsc and starting the emitted selfcheck.js under node:
 *
 *   npx tsc --outDir /tmp/emucheck --module commonjs --target es2022 --lib es2022 \
 *     --types node --strict --skipLibCheck --moduleResolution node test/emulator/selfcheck.ts
 *   node /tmp/emucheck/selfcheck.js
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { FeishuEmulator, makeGif, makeJpeg } from './index';

let checks = 0;
async function check(name: string, fn: () => Promise<void>): Promise<void> {
	await fn();
	checks += 1;
	console.log(`ok ${checks} - ${name}`);
}

interface FeishuBody {
	code: number;
	msg: string;
	error?: { log_id: string };
	tenant_access_token?: string;
	expire?: number;
}

async function json(res: Response): Promise<FeishuBody> {
	return (await res.json()) as FeishuBody;
}

type Json = Record<string, any>;
async function anyJson(res: Response): Promise<Json> {
	return (await res.json()) as Json;
}

async function main(): Promise<void> {
	const emu = await FeishuEmulator.start({ tokenTtlSeconds: 60 });
	const base = emu.baseUrl;
	const tokenUrl = `${base}/open-apis/auth/v3/tenant_access_token/internal`;
	const postToken = (body: string): Promise<Response> =>
		fetch(tokenUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json; charset=utf-8' },
			body,
		});
	let token = '';
	const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
		fetch(base + path, { headers: { Authorization: `Bearer ${token}`, ...headers } });
	const expectError = async (res: Response, status: number, code: number): Promise<FeishuBody> => {
		assert.equal(res.status, status, `status for code ${code}`);
		assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
		const body = await json(res);
		assert.equal(body.code, code);
		assert.ok(body.error && body.error.log_id.length >= 20);
		assert.equal(res.headers.get('x-tt-logid'), body.error.log_id);
		return body;
	};

	try {
		await check('token endpoint: errors and success', async () => {
			await expectError(await postToken('{"app_id":"nope","app_secret":"x"}'), 400, 10003);
			await expectError(
				await postToken(JSON.stringify({ app_id: 'cli_test_app', app_secret: 'bad' })),
				400,
				10014,
			);
			await expectError(await postToken('not json'), 400, 10003);
			const res = await postToken(
				JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }),
			);
			assert.equal(res.status, 200);
			assert.ok(res.headers.get('x-tt-logid'));
			const body = await json(res);
			assert.equal(body.code, 0);
			assert.equal(body.expire, 60);
			assert.match(body.tenant_access_token ?? '', /^t-/);
			token = body.tenant_access_token ?? '';
			assert.deepEqual(emu.issuedTokens, [token]);
			assert.equal(emu.counters.tokenRequests, 4);
		});

		await check('whiteboard download', async () => {
			const bytes = emu.addWhiteboard('Ru8nwrWFOhEmaFbEU2VbPRsHcxb');
			const res = await get(
				'/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image',
			);
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'image/png');
			assert.equal(res.headers.get('content-length'), String(bytes.length));
			assert.equal(res.headers.get('content-disposition'), null);
			assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes));
			await expectError(
				await get('/open-apis/board/v1/whiteboards/missing/download_as_image'),
				400,
				2890003,
			);
			// A hostile id stays one encoded path segment.
			const hostile = encodeURIComponent('../../im/v1/images/x');
			await expectError(
				await get(`/open-apis/board/v1/whiteboards/${hostile}/download_as_image`),
				400,
				2890003,
			);
			assert.equal(
				emu.requestLog.at(-1)?.url,
				`/open-apis/board/v1/whiteboards/${hostile}/download_as_image`,
			);
		});

		await check(
			'message image: raw UTF-8 Content-Disposition, 234008, 234005, 234001, user token',
			async () => {
				const jpeg = emu.addMessageImage('img_v2_abc', {
					bytes: makeJpeg(),
					fileName: '白板截图.jpg',
				});
				const res = await get('/open-apis/im/v1/images/img_v2_abc');
				assert.equal(res.status, 200);
				assert.equal(res.headers.get('content-type'), 'image/jpeg');
				// fetch exposes header bytes as latin1 code points; undo that to see the UTF-8 on the wire.
				const cd = Buffer.from(res.headers.get('content-disposition') ?? '', 'latin1').toString(
					'utf8',
				);
				assert.equal(cd, 'attachment; filename="白板截图.jpg"');
				const got = Buffer.from(await res.arrayBuffer());
				assert.ok(got.equals(jpeg));
				assert.equal(got.subarray(0, 3).toString('hex'), 'ffd8ff');
				assert.equal(got.subarray(-2).toString('hex'), 'ffd9');

				emu.addMessageImage('img_v2_gif', {
					bytes: makeGif(),
					contentType: null,
					fileName: 'a b.gif',
					dispositionStyle: 'both',
				});
				const gif = await get('/open-apis/im/v1/images/img_v2_gif');
				assert.equal(gif.headers.get('content-type'), null);
				assert.equal(
					gif.headers.get('content-disposition'),
					`attachment; filename="a b.gif"; filename*=UTF-8''a%20b.gif`,
				);
				await gif.arrayBuffer();

				emu.addMessageImage('img_v2_other', { uploadedByApp: false });
				await expectError(await get('/open-apis/im/v1/images/img_v2_other'), 400, 234008);
				emu.addMessageImage('img_v2_gone', { deleted: true });
				await expectError(await get('/open-apis/im/v1/images/img_v2_gone'), 400, 234005);
				await expectError(await get('/open-apis/im/v1/images/img_v2_unknown'), 400, 234005);
				await expectError(await get('/open-apis/im/v1/images/%E2%9C%93bad'), 400, 234001);
				emu.addUserToken('u-user-1');
				await expectError(
					await get('/open-apis/im/v1/images/img_v2_abc', { Authorization: 'Bearer u-user-1' }),
					401,
					234002,
				);
				const wb = await get(
					'/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image',
					{
						Authorization: 'Bearer u-user-1',
					},
				);
				assert.equal(wb.status, 200);
				await wb.arrayBuffer();
			},
		);

		await check('helpdesk ticket images', async () => {
			const hd = {
				'X-Lark-Helpdesk-Authorization': Buffer.from('7001:hd-token-abc').toString('base64'),
			};
			const imgs = emu.addTicketMessage('T1', 'M1', {
				type: 'post',
				images: [{}, { fileName: 'b.png' }, { deleted: true }],
			});
			const one = await get(
				'/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=1',
				hd,
			);
			assert.equal(one.status, 200);
			assert.ok(Buffer.from(await one.arrayBuffer()).equals(imgs[1] ?? Buffer.alloc(0)));
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1', hd),
				400,
				154000,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=3', hd),
				400,
				154000,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=2', hd),
				401,
				154404,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T2&msg_id=M1&index=0', hd),
				404,
				154004,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?msg_id=M1', hd),
				400,
				154000,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=0'),
				403,
				154003,
			);
			const single = emu.addTicketMessage('T1', 'M2', { type: 'img', images: [{}] });
			const s = await get(
				'/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M2&index=9',
				hd,
			);
			assert.ok(Buffer.from(await s.arrayBuffer()).equals(single[0] ?? Buffer.alloc(0)));
		});

		await check('baike: small file, streamed pattern file, unknown token', async () => {
			const small = emu.addBaikeFile('boxbcSmall', {
				fileName: 'x.png',
				dispositionStyle: 'rfc5987',
			});
			const r1 = await get('/open-apis/baike/v1/files/boxbcSmall/download');
			assert.equal(r1.headers.get('content-disposition'), `attachment; filename*=UTF-8''x.png`);
			assert.ok(Buffer.from(await r1.arrayBuffer()).equals(small));
			const big = emu.addBaikeFile('boxbcBig', { size: 5 * 1024 * 1024 + 123, seed: 42 });
			const r2 = await get('/open-apis/baike/v1/files/boxbcBig/download');
			assert.equal(r2.headers.get('content-length'), String(big.size));
			const hash = createHash('sha256');
			const reader = r2.body?.getReader();
			assert.ok(reader);
			for (let step = await reader.read(); !step.done; step = await reader.read())
				hash.update(step.value);
			assert.equal(hash.digest('hex'), big.sha256());
			await expectError(await get('/open-apis/baike/v1/files/nope/download'), 400, 1540001);
		});

		await check('helpdesk: post index must be a number in range, img needs none', async () => {
			const hd = {
				'X-Lark-Helpdesk-Authorization': Buffer.from('7001:hd-token-abc').toString('base64'),
			};
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=abc', hd),
				400,
				154000,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=', hd),
				400,
				154000,
			);
			await expectError(
				await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M1&index=-1', hd),
				400,
				154000,
			);
			const img = await get('/open-apis/helpdesk/v1/ticket_images?ticket_id=T1&msg_id=M2', hd);
			assert.equal(img.status, 200);
			await img.arrayBuffer();
		});

		await check(
			'document blocks: sugar, pagination, page_size, page_token, codes, user tokens',
			async () => {
				const served = emu.addDocument(
					'doxcnDoc1',
					[
						'text',
						{ whiteboard: 'wbInDoc' },
						'text',
						{ block_type: 27, image: { token: 'boxImg', width: 10, height: 10 } },
					],
					{
						pageSize: 2,
						title: 'Spec',
					},
				);
				assert.equal(served.length, 5);
				assert.deepEqual(
					served.map((b) => [b.block_type, b.parent_id]),
					[
						[1, ''],
						[2, 'doxcnDoc1'],
						[43, 'doxcnDoc1'],
						[2, 'doxcnDoc1'],
						[27, 'doxcnDoc1'],
					],
				);
				assert.equal(served[0]?.block_id, 'doxcnDoc1');
				assert.deepEqual(
					served[0]?.children,
					served.slice(1).map((b) => b.block_id),
				);
				assert.deepEqual(served[2]?.board, { token: 'wbInDoc' });
				assert.equal(new Set(served.map((b) => b.block_id)).size, 5);
				const base = '/open-apis/docx/v1/documents/doxcnDoc1/blocks';
				const items: Json[] = [];
				let pageToken: string | undefined;
				let pages = 0;
				do {
					const res = await get(
						`${base}?page_size=500${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`,
					);
					assert.equal(res.status, 200);
					assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
					const body = await anyJson(res);
					assert.equal(body.code, 0);
					assert.equal(body.msg, 'success');
					assert.ok(body.data.items.length <= 2);
					items.push(...(body.data.items as Json[]));
					pages += 1;
					if (body.data.has_more) assert.equal(typeof body.data.page_token, 'string');
					else assert.equal('page_token' in body.data, false);
					pageToken = body.data.has_more ? body.data.page_token : undefined;
				} while (pageToken);
				assert.equal(pages, 3);
				assert.deepEqual(items, served);
				const one = await anyJson(await get(`${base}?page_size=1&document_revision_id=-1`));
				assert.equal(one.data.items.length, 1);
				assert.equal(one.data.has_more, true);
				await expectError(await get(`${base}?page_size=501`), 400, 1770001);
				await expectError(await get(`${base}?page_size=0`), 400, 1770001);
				await expectError(await get(`${base}?page_size=ten`), 400, 1770001);
				await expectError(await get(`${base}?page_token=not-a-token`), 400, 1770022);
				await expectError(await get(`${base}?document_revision_id=latest`), 400, 1770001);
				emu.addDocument('doxcnDoc2', ['text', 'text', 'text'], { pageSize: 1 });
				const other = await anyJson(await get('/open-apis/docx/v1/documents/doxcnDoc2/blocks'));
				await expectError(await get(`${base}?page_token=${other.data.page_token}`), 400, 1770022);
				const missing = await expectError(
					await get('/open-apis/docx/v1/documents/nope/blocks'),
					404,
					1770002,
				);
				assert.equal(missing.msg, 'not found');
				emu.addDocument('doxcnSecret', [], { forbidden: true });
				await expectError(
					await get('/open-apis/docx/v1/documents/doxcnSecret/blocks'),
					403,
					1770032,
				);
				const empty = await anyJson(
					await get('/open-apis/docx/v1/documents/doxcnDoc2/blocks?page_size=500'),
				);
				assert.equal(empty.data.items.length, 1);
				emu.addUserToken('u-doc-reader', 60);
				const asUser = await get(base, { Authorization: 'Bearer u-doc-reader' });
				assert.equal(asUser.status, 200);
				await asUser.arrayBuffer();
				emu.addUserToken('u-stale', 0);
				const stale = await expectError(
					await get(base, { Authorization: 'Bearer u-stale' }),
					400,
					99991677,
				);
				assert.equal(stale.msg, 'user access token expired');
				await expectError(
					await get(base, { Authorization: 'Bearer u-never-issued' }),
					400,
					99991663,
				);
				assert.equal(emu.counters.downloads.documentBlocks, 17);
			},
		);

		await check('wiki get_node: by wiki token, by obj token, codes', async () => {
			const node = emu.addWikiNode('wikcnNode1', { objToken: 'doxcnDoc1', title: 'Spec' });
			const res = await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1&obj_type=wiki');
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
			const body = await anyJson(res);
			assert.equal(body.code, 0);
			assert.equal(body.msg, 'success');
			assert.deepEqual(body.data.node, node);
			assert.equal(body.data.node.node_token, 'wikcnNode1');
			assert.equal(body.data.node.obj_token, 'doxcnDoc1');
			assert.equal(body.data.node.obj_type, 'docx');
			assert.equal(body.data.node.title, 'Spec');
			assert.equal(typeof body.data.node.space_id, 'string');
			const byDefault = await anyJson(
				await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1'),
			);
			assert.equal(byDefault.data.node.obj_token, 'doxcnDoc1');
			const byObj = await anyJson(
				await get('/open-apis/wiki/v2/spaces/get_node?token=doxcnDoc1&obj_type=docx'),
			);
			assert.equal(byObj.data.node.node_token, 'wikcnNode1');
			await expectError(
				await get('/open-apis/wiki/v2/spaces/get_node?token=doxcnDoc1&obj_type=sheet'),
				400,
				131005,
			);
			const missing = await expectError(
				await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnNope&obj_type=wiki'),
				400,
				131005,
			);
			assert.equal(missing.msg, 'not found');
			await expectError(await get('/open-apis/wiki/v2/spaces/get_node?obj_type=wiki'), 400, 131002);
			await expectError(
				await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1&obj_type=pdf'),
				400,
				131002,
			);
			emu.addWikiNode('wikcnLocked', { objToken: 'shtcnX', objType: 'sheet', forbidden: true });
			await expectError(
				await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnLocked'),
				400,
				131006,
			);
			const asUser = await get('/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1', {
				Authorization: 'Bearer u-doc-reader',
			});
			assert.equal(asUser.status, 200);
			await asUser.arrayBuffer();
			assert.equal(emu.counters.downloads.wikiNode, 9);
		});

		await check('message resources: image and file, type checks, 234001 / 234003', async () => {
			const png = emu.addMessageResource('om_msg1', 'img_v3_res');
			const path = '/open-apis/im/v1/messages/om_msg1/resources/img_v3_res';
			const res = await get(`${path}?type=image`);
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'image/png');
			assert.equal(res.headers.get('content-length'), String(png.length));
			assert.ok(Buffer.from(await res.arrayBuffer()).equals(png));
			// Asked as a file, an image is still served.
			const mismatch = await get(`${path}?type=file`);
			assert.equal(mismatch.status, 200);
			assert.ok(Buffer.from(await mismatch.arrayBuffer()).equals(png));
			const pdf = emu.addMessageResource('om_msg1', 'file_v3_doc', {
				bytes: Buffer.from('%PDF-1.4 emulator'),
				type: 'file',
				contentType: 'application/pdf',
				fileName: '报告 v2.pdf',
				dispositionStyle: 'both',
			});
			const file = await get('/open-apis/im/v1/messages/om_msg1/resources/file_v3_doc?type=file', {
				Authorization: 'Bearer u-doc-reader',
			});
			assert.equal(file.status, 200);
			assert.equal(file.headers.get('content-type'), 'application/pdf');
			const cd = Buffer.from(file.headers.get('content-disposition') ?? '', 'latin1').toString(
				'utf8',
			);
			assert.equal(
				cd,
				`attachment; filename="报告 v2.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v2.pdf`,
			);
			assert.ok(Buffer.from(await file.arrayBuffer()).equals(pdf));
			const big = emu.addMessageResource('om_msg2', 'file_v3_big', {
				size: 300_000,
				seed: 9,
				type: 'file',
			});
			const r = await get('/open-apis/im/v1/messages/om_msg2/resources/file_v3_big?type=file');
			assert.equal(r.headers.get('content-length'), String(big.size));
			assert.equal(
				createHash('sha256')
					.update(Buffer.from(await r.arrayBuffer()))
					.digest('hex'),
				big.sha256(),
			);
			await expectError(await get(path), 400, 234001);
			await expectError(await get(`${path}?type=video`), 400, 234001);
			await expectError(
				await get('/open-apis/im/v1/messages/om_msg1/resources/%ZZbad?type=image'),
				400,
				234001,
			);
			const notIn = await expectError(
				await get('/open-apis/im/v1/messages/om_msg2/resources/img_v3_res?type=image'),
				400,
				234003,
			);
			assert.equal(notIn.msg, 'File not in message.');
			await expectError(
				await get('/open-apis/im/v1/messages/om_nope/resources/img_v3_res?type=image'),
				400,
				234003,
			);
			assert.equal(emu.counters.downloads.messageResource, 9);
		});

		await check('lingo: small file, streamed pattern file, unknown token, user token', async () => {
			const small = emu.addLingoFile('lingoSmall', {
				fileName: 'y.png',
				dispositionStyle: 'rfc5987',
			});
			const r1 = await get('/open-apis/lingo/v1/files/lingoSmall/download');
			assert.equal(r1.status, 200);
			assert.equal(r1.headers.get('content-type'), 'image/png');
			assert.equal(r1.headers.get('content-disposition'), `attachment; filename*=UTF-8''y.png`);
			assert.ok(Buffer.from(await r1.arrayBuffer()).equals(small));
			const big = emu.addLingoFile('lingoBig', {
				size: 3 * 1024 * 1024 + 7,
				seed: 5,
				fileName: 'big.bin',
			});
			const r2 = await get('/open-apis/lingo/v1/files/lingoBig/download', {
				Authorization: 'Bearer u-doc-reader',
			});
			assert.equal(r2.headers.get('content-length'), String(big.size));
			assert.equal(r2.headers.get('content-type'), 'application/octet-stream');
			const hash = createHash('sha256');
			const reader = r2.body?.getReader();
			assert.ok(reader);
			for (let step = await reader.read(); !step.done; step = await reader.read())
				hash.update(step.value);
			assert.equal(hash.digest('hex'), big.sha256());
			await expectError(await get('/open-apis/lingo/v1/files/nope/download'), 400, 2250001);
			// Lingo and baike are separate stores.
			await expectError(await get('/open-apis/lingo/v1/files/boxbcSmall/download'), 400, 2250001);
		});

		await check(
			'OAuth v2 token endpoint: code, refresh rotation, errors, Basic auth, user tokens',
			async () => {
				const oauthUrl = `${base}/open-apis/authen/v2/oauth/token`;
				const postJson = (body: Json, headers: Record<string, string> = {}): Promise<Response> =>
					fetch(oauthUrl, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
						body: JSON.stringify(body),
					});
				const postForm = (
					body: Record<string, string>,
					headers: Record<string, string> = {},
				): Promise<Response> =>
					fetch(oauthUrl, {
						method: 'POST',
						headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
						body: new URLSearchParams(body).toString(),
					});
				const expectOAuthError = async (
					res: Response,
					status: number,
					code: number,
					error: string,
				): Promise<Json> => {
					assert.equal(res.status, status, `status for code ${code}`);
					assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
					const body = await anyJson(res);
					assert.equal(body.code, code);
					assert.equal(body.error, error);
					assert.equal(typeof body.error_description, 'string');
					return body;
				};
				const client = { client_id: 'cli_test_app', client_secret: 'test-secret-value-123' };
				const basic = `Basic ${Buffer.from('cli_test_app:test-secret-value-123').toString('base64')}`;
				const redirect = 'https://n8n.example/rest/oauth2-credential/callback';
				const tenantRequests = emu.counters.tokenRequests;
				emu.resetCounters();
				emu.addAuthorizationCode('code-1', {
					scope: 'docx:document:readonly offline_access',
					redirectUri: redirect,
				});

				await expectOAuthError(await postJson({}), 400, 20001, 'invalid_request');
				await expectOAuthError(
					await postJson({ ...client, grant_type: 'password' }),
					400,
					20001,
					'invalid_request',
				);
				await expectOAuthError(
					await postJson({ ...client, grant_type: 'authorization_code' }),
					400,
					20001,
					'invalid_request',
				);
				await expectOAuthError(
					await postJson({
						grant_type: 'authorization_code',
						code: 'code-1',
						client_id: 'cli_test_app',
						client_secret: 'nope',
					}),
					401,
					20002,
					'invalid_client',
				);
				await expectOAuthError(
					await postForm(
						{ grant_type: 'authorization_code', code: 'code-1' },
						{ Authorization: `Basic ${Buffer.from('cli_test_app:nope').toString('base64')}` },
					),
					401,
					20002,
					'invalid_client',
				);
				await expectOAuthError(
					await postJson({
						...client,
						grant_type: 'authorization_code',
						code: 'code-1',
						redirect_uri: 'https://elsewhere/',
					}),
					400,
					20003,
					'invalid_grant',
				);
				await expectOAuthError(
					await postJson({ ...client, grant_type: 'authorization_code', code: 'code-x' }),
					400,
					20003,
					'invalid_grant',
				);

				// n8n's OAuth2 client: form body, client credentials as HTTP Basic.
				const ok = await postForm(
					{ grant_type: 'authorization_code', code: 'code-1', redirect_uri: redirect },
					{ Authorization: basic },
				);
				assert.equal(ok.status, 200);
				assert.equal(ok.headers.get('content-type'), 'application/json; charset=utf-8');
				const pair = await anyJson(ok);
				assert.equal(pair.code, 0);
				assert.match(pair.access_token, /^u-[0-9a-f]{40}$/);
				assert.match(pair.refresh_token, /^ur-[0-9a-f]{40}$/);
				assert.equal(pair.expires_in, 7200);
				assert.equal(pair.refresh_token_expires_in, 604800);
				assert.equal(pair.scope, 'docx:document:readonly offline_access');
				assert.equal(pair.token_type, 'Bearer');
				assert.deepEqual(emu.issuedUserTokens, [pair.access_token]);
				assert.deepEqual(emu.issuedRefreshTokens, [pair.refresh_token]);
				// The code is single-use.
				await expectOAuthError(
					await postForm(
						{ grant_type: 'authorization_code', code: 'code-1', redirect_uri: redirect },
						{ Authorization: basic },
					),
					400,
					20003,
					'invalid_grant',
				);

				const asUser = { Authorization: `Bearer ${pair.access_token}` };
				const userPaths = [
					'/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image',
					'/open-apis/baike/v1/files/boxbcSmall/download',
					'/open-apis/lingo/v1/files/lingoSmall/download',
					'/open-apis/docx/v1/documents/doxcnDoc1/blocks',
					'/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1',
					'/open-apis/im/v1/messages/om_msg1/resources/img_v3_res?type=image',
				];
				for (const p of userPaths) {
					const r = await get(p, asUser);
					assert.equal(r.status, 200, p);
					await r.arrayBuffer();
				}
				// Endpoints whose pages list tenant tokens only still refuse a user token.
				await expectError(await get('/open-apis/im/v1/images/img_v2_abc', asUser), 401, 234002);

				// Refresh: JSON body with client credentials in it; the old refresh token is used up.
				const refreshed = await postJson({
					...client,
					grant_type: 'refresh_token',
					refresh_token: pair.refresh_token,
				});
				assert.equal(refreshed.status, 200);
				const pair2 = await anyJson(refreshed);
				assert.notEqual(pair2.access_token, pair.access_token);
				assert.notEqual(pair2.refresh_token, pair.refresh_token);
				assert.equal(pair2.scope, pair.scope);
				await expectOAuthError(
					await postJson({
						...client,
						grant_type: 'refresh_token',
						refresh_token: pair.refresh_token,
					}),
					400,
					20003,
					'invalid_grant',
				);
				await expectOAuthError(
					await postJson({ ...client, grant_type: 'refresh_token' }),
					400,
					20001,
					'invalid_request',
				);

				// Expired user tokens: 99991677; refresh tokens survive expireAllTokens.
				emu.expireAllTokens();
				for (const t of [pair.access_token, pair2.access_token, 'u-doc-reader']) {
					await expectError(
						await get('/open-apis/docx/v1/documents/doxcnDoc1/blocks', {
							Authorization: `Bearer ${t}`,
						}),
						400,
						99991677,
					);
				}
				await expectError(await get(userPaths[0] ?? ''), 400, 99991663); // the tenant token
				emu.userTokenTtlSeconds = 60;
				emu.refreshTokenTtlSeconds = 120;
				const pair3 = await anyJson(
					await postForm(
						{ grant_type: 'refresh_token', refresh_token: pair2.refresh_token },
						{ Authorization: basic },
					),
				);
				assert.equal(pair3.expires_in, 60);
				assert.equal(pair3.refresh_token_expires_in, 120);
				const fresh = await get('/open-apis/docx/v1/documents/doxcnDoc1/blocks', {
					Authorization: `Bearer ${pair3.access_token}`,
				});
				assert.equal(fresh.status, 200);
				await fresh.arrayBuffer();
				emu.invalidateToken(pair3.access_token);
				await expectError(
					await get('/open-apis/docx/v1/documents/doxcnDoc1/blocks', {
						Authorization: `Bearer ${pair3.access_token}`,
					}),
					400,
					99991663,
				);
				emu.expireRefreshTokens();
				await expectOAuthError(
					await postForm(
						{ grant_type: 'refresh_token', refresh_token: pair3.refresh_token },
						{ Authorization: basic },
					),
					400,
					20003,
					'invalid_grant',
				);

				// Another client id / secret; form-encoded Basic credentials (RFC 6749) are accepted too.
				emu.oauthClientId = 'cli_oauth';
				emu.oauthClientSecret = 'sec ret+/';
				emu.addAuthorizationCode('code-2');
				const encoded = `Basic ${Buffer.from('cli_oauth:sec+ret%2B%2F').toString('base64')}`;
				const other = await postForm(
					{ grant_type: 'authorization_code', code: 'code-2' },
					{ Authorization: encoded },
				);
				assert.equal(other.status, 200);
				assert.equal((await anyJson(other)).scope, 'offline_access');
				emu.addAuthorizationCode('code-3', { ttlSeconds: 0 });
				await expectOAuthError(
					await postJson({
						grant_type: 'authorization_code',
						code: 'code-3',
						client_id: 'cli_oauth',
						client_secret: 'sec ret+/',
					}),
					400,
					20003,
					'invalid_grant',
				);
				emu.oauthClientId = emu.appId;
				emu.oauthClientSecret = emu.appSecret;

				assert.equal(emu.counters.oauthTokenRequests, 16);
				assert.equal(emu.counters.downloads.oauthToken, 16);
				assert.equal(emu.counters.tokenRequests, 0);
				assert.ok(tenantRequests > 0);

				// A fresh tenant token for the checks that follow.
				const res = await postToken(
					JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }),
				);
				token = (await json(res)).tenant_access_token ?? '';
			},
		);

		await check(
			'faults on the new endpoints: unscoped only hit file downloads; scoped hit any',
			async () => {
				const docPath = '/open-apis/docx/v1/documents/doxcnDoc1/blocks';
				const wikiPath = '/open-apis/wiki/v2/spaces/get_node?token=wikcnNode1';
				const resPath = '/open-apis/im/v1/messages/om_msg1/resources/img_v3_res?type=image';
				const oauthUrl = `${base}/open-apis/authen/v2/oauth/token`;
				emu.injectFault({ kind: 'status', status: 502 });
				for (const p of [docPath, wikiPath]) {
					const r = await get(p);
					assert.equal(r.status, 200, p);
					await r.arrayBuffer();
				}
				const o = await fetch(oauthUrl, { method: 'POST', body: '{}' });
				assert.equal(o.status, 400);
				await o.arrayBuffer();
				assert.equal(emu.pendingFaults, 1);
				const hit = await get(resPath);
				assert.equal(hit.status, 502);
				await hit.arrayBuffer();
				emu.injectFault({ kind: 'status', status: 503 });
				const lingo = await get('/open-apis/lingo/v1/files/lingoSmall/download');
				assert.equal(lingo.status, 503);
				await lingo.arrayBuffer();

				emu.injectFault({ kind: 'error', code: 1771001 }, { endpoint: 'documentBlocks' });
				await expectError(await get(docPath), 500, 1771001);
				emu.injectFault({ kind: 'jsonOn200' }, { endpoint: 'wikiNode', id: 'wikcnNode1' });
				await expectError(await get(wikiPath), 200, 131005);
				emu.injectFault({ kind: 'jsonOn200' }, { endpoint: 'documentBlocks' });
				await expectError(await get(docPath), 200, 1770002);
				emu.injectFault(
					{ kind: 'rateLimit', resetSeconds: 1 },
					{ endpoint: 'messageResource', id: 'img_v3_res' },
				);
				await expectError(await get(resPath), 429, 99991400);
				emu.injectFault({ kind: 'error', code: 2250002 }, { endpoint: 'lingoFile' });
				await expectError(await get('/open-apis/lingo/v1/files/lingoSmall/download'), 500, 2250002);
				emu.injectFault({ kind: 'error', code: 20050 }, { endpoint: 'oauthToken' });
				const oe = await fetch(oauthUrl, { method: 'POST', body: '{}' });
				assert.equal(oe.status, 500);
				assert.deepEqual(await anyJson(oe), {
					code: 20050,
					error: 'server_error',
					error_description: 'Internal server error, please retry.',
				});
				emu.injectFault({ kind: 'jsonOn200' }, { endpoint: 'oauthToken' });
				const oj = await fetch(oauthUrl, { method: 'POST', body: '{}' });
				assert.equal(oj.status, 200);
				assert.equal((await anyJson(oj)).error, 'invalid_grant');
				emu.injectFault({ kind: 'shortBody' }, { endpoint: 'documentBlocks' });
				await assert.rejects((await get(docPath)).arrayBuffer());
				assert.equal(emu.pendingFaults, 0);

				emu.failRandomly(1, [{ kind: 'status', status: 503 }], 1);
				for (const p of [docPath, wikiPath]) {
					const r = await get(p);
					assert.equal(r.status, 200, p);
					await r.arrayBuffer();
				}
				for (const p of [resPath, '/open-apis/lingo/v1/files/lingoSmall/download']) {
					const r = await get(p);
					assert.equal(r.status, 503, p);
					await r.arrayBuffer();
				}
				emu.clearFaults();

				emu.enforceRateLimit('documentBlocks', 1, 1000);
				const [a, b] = await Promise.all([get(docPath), get(docPath)]);
				assert.deepEqual([a?.status, b?.status].sort(), [200, 400]);
				await Promise.all([a?.arrayBuffer(), b?.arrayBuffer()]);
				emu.enforceRateLimit('documentBlocks', Infinity);
			},
		);

		await check('auth failures', async () => {
			const path = '/open-apis/baike/v1/files/boxbcSmall/download';
			await expectError(await fetch(base + path), 400, 99991661);
			await expectError(await get(path, { Authorization: 'Bearer t-forged' }), 400, 99991663);
			emu.invalidTokenStatus = 200;
			await expectError(await get(path, { Authorization: 'Bearer t-forged' }), 200, 99991663);
			emu.invalidTokenStatus = 400;
			const res = await fetch(`${base}/open-apis/nothing/here`);
			assert.equal(res.status, 404);
			assert.equal((await json(res)).msg, '404 page not found');
		});

		const wbPath = '/open-apis/board/v1/whiteboards/Ru8nwrWFOhEmaFbEU2VbPRsHcxb/download_as_image';
		await check('faults: error, rateLimit, status, jsonOn200, tokenInvalid', async () => {
			emu.injectFault({ kind: 'error', code: 2891001 });
			await expectError(await get(wbPath), 500, 2891001);
			emu.injectFault({ kind: 'rateLimit', resetSeconds: 3 }, { endpoint: 'whiteboard' });
			const rl = await expectError(await get(wbPath), 429, 99991400);
			assert.equal(rl.msg, 'request trigger frequency limit');
			emu.injectFault({ kind: 'status', status: 502 }, { id: 'Ru8nwrWFOhEmaFbEU2VbPRsHcxb' });
			const bad = await get(wbPath);
			assert.equal(bad.status, 502);
			assert.match(await bad.text(), /502 Bad Gateway/);
			emu.injectFault({ kind: 'jsonOn200' });
			await expectError(await get(wbPath), 200, 2890003);
			emu.injectFault({ kind: 'tokenInvalid' }, { times: 2 });
			await expectError(await get(wbPath), 400, 99991663);
			await expectError(await get(wbPath), 400, 99991663);
			assert.equal((await get(wbPath)).status, 200);
			assert.equal(emu.pendingFaults, 0);
			// A fault for the token endpoint must name it.
			emu.injectFault({ kind: 'error', code: 10014 }, { endpoint: 'token' });
			await expectError(await postToken('{}'), 400, 10014);
		});

		await check('faults: resetMidBody, shortBody, slowBody, delay', async () => {
			emu.injectFault({ kind: 'resetMidBody' });
			const reset = await get(wbPath);
			assert.equal(reset.status, 200);
			await assert.rejects(reset.arrayBuffer());
			emu.injectFault({ kind: 'shortBody' });
			const short = await get(wbPath);
			await assert.rejects(short.arrayBuffer());
			emu.injectFault({ kind: 'slowBody', delayMs: 150 });
			let t0 = performance.now();
			const slow = await get(wbPath);
			assert.equal(
				(await slow.arrayBuffer()).byteLength,
				Number(slow.headers.get('content-length')),
			);
			assert.ok(performance.now() - t0 >= 140);
			emu.injectFault({ kind: 'delay', delayMs: 120 });
			t0 = performance.now();
			await (await get(wbPath)).arrayBuffer();
			assert.ok(performance.now() - t0 >= 110);
		});

		await check('expired tokens and invalidateToken', async () => {
			emu.expireAllTokens();
			await expectError(await get(wbPath), 400, 99991663);
			const res = await postToken(
				JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }),
			);
			token = (await json(res)).tenant_access_token ?? '';
			assert.equal((await get(wbPath)).status, 200);
			emu.invalidateToken(token);
			await expectError(await get(wbPath), 400, 99991663);
			token = emu.issuedTokens.at(-1) ?? '';
			emu.tokenTtlSeconds = 1;
			const again = await postToken(
				JSON.stringify({ app_id: 'cli_test_app', app_secret: 'test-secret-value-123' }),
			);
			assert.equal((await json(again)).expire, 1);
			token = emu.issuedTokens.at(-1) ?? '';
			assert.equal((await get(wbPath)).status, 200);
		});

		await check('enforceRateLimit and counters', async () => {
			emu.resetCounters();
			emu.enforceRateLimit('whiteboard', 3, 1000);
			const results = await Promise.all(Array.from({ length: 5 }, () => get(wbPath)));
			const statuses = results.map((r) => r.status).sort();
			assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
			const limited = results.find((r) => r.status === 429);
			assert.equal(limited?.headers.get('x-ogw-ratelimit-reset'), '1');
			assert.equal(limited?.headers.get('x-ogw-ratelimit-limit'), '3');
			await Promise.all(results.map((r) => r.arrayBuffer()));
			assert.equal(emu.counters.status429, 2);
			assert.equal(emu.counters.downloads.whiteboard, 5);
			assert.equal(emu.counters.byStatus[200], 3);
			assert.equal(emu.requestLog.length, 5);
			emu.enforceRateLimit('whiteboard', Infinity);
		});

		await check('failRandomly is deterministic', async () => {
			const run = async (): Promise<number[]> => {
				emu.failRandomly(
					0.5,
					[
						{ kind: 'error', code: 2891001 },
						{ kind: 'status', status: 503 },
					],
					7,
				);
				const out: number[] = [];
				for (let i = 0; i < 20; i++) {
					const r = await get(wbPath);
					await r.arrayBuffer();
					out.push(r.status);
				}
				return out;
			};
			const a = await run();
			const b = await run();
			assert.deepEqual(a, b);
			assert.ok(a.includes(200) && a.some((s) => s !== 200));
			emu.clearFaults();
		});
	} finally {
		await emu.close();
	}
	console.log(`selfcheck: ${checks} passed, 0 failed`);
}

main().catch((err: unknown) => {
	console.error(err);
	process.exitCode = 1;
});
