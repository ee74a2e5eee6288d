/**
 * What the emulator's Base (bitable) endpoints and whiteboard nodes answer (issue 17),
 * checked with plain fetch and no node code: list fields, search records (paging, view,
 * filter, field_names, automatic_fields), the codes that arrive with HTTP 200, advanced
 * permissions on drive media with and without `extra`, wiki nodes of Bases, and board nodes.
 */
import { createHash } from 'node:crypto';

import { BITABLE_ERRORS, MERMAID_SOURCE, PLANTUML_SOURCE, WHITEBOARD_NODE_ERRORS } from '..';
import type { BitableTableFixture } from '..';
import { useEmulator as useFreshEmulator } from './support';
import type { Ctx as FreshCtx, Json } from './support';

interface Ctx extends FreshCtx {
	/** POST a JSON body (a string as is) with the tenant token. */
	post(path: string, body: unknown): Promise<Response>;
}

/** support.ts's emulator per describe, plus POST for records/search. */
function useEmulator(): Ctx {
	const ctx = useFreshEmulator() as Ctx;
	ctx.post = (path, body) =>
		fetch(ctx.emu.baseUrl + path, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${ctx.token}`,
				'Content-Type': 'application/json; charset=utf-8',
			},
			body: typeof body === 'string' ? body : JSON.stringify(body),
		});
	return ctx;
}

const BASE = (app: string, table: string) => `/open-apis/bitable/v1/apps/${app}/tables/${table}`;
const MEDIA = (token: string, extra?: string) =>
	`/open-apis/drive/v1/medias/${token}/download` +
	(extra === undefined ? '' : `?extra=${encodeURIComponent(extra)}`);
const NODES = (board: string, query = '') =>
	`/open-apis/board/v1/whiteboards/${board}/nodes${query}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function json(res: Response): Promise<[number, Json]> {
	return [res.status, (await res.json()) as Json];
}

/** Every record of a table, paging with page_token; the pages' sizes. */
async function searchAll(ctx: Ctx, path: string, pageSize: number, body: unknown = {}) {
	const items: Json[] = [];
	const pages: number[] = [];
	let token: string | undefined;
	do {
		const query = `?page_size=${pageSize}` + (token ? `&page_token=${token}` : '');
		const [status, answer] = await json(await ctx.post(`${path}/records/search${query}`, body));
		expect([status, answer.code]).toEqual([200, 0]);
		items.push(...answer.data.items);
		pages.push(answer.data.items.length);
		token = answer.data.has_more ? answer.data.page_token : undefined;
		if (!answer.data.has_more) expect(answer.data.page_token).toBeUndefined();
	} while (token);
	return { items, pages };
}

describe('a Base of 2,000 records x 3 attachment fields', () => {
	const ctx = useEmulator();
	let table: BitableTableFixture;
	beforeAll(() => {
		table = ctx.emu.sources.makeBitableTable({
			appToken: 'bascnBigBase00000000000001',
			tableId: 'tblBig0000000001',
			records: 2000,
			attachmentFields: 3,
			advancedPermissions: true,
			wikiToken: 'wikcnBaseNode',
		});
	});

	it('list fields: type 17 / ui_type Attachment, paged 20 by default', async () => {
		const [status, first] = await json(
			await ctx.get(`${BASE(table.appToken, table.tableId)}/fields`),
		);
		expect([status, first.code, first.data.total, first.data.has_more]).toEqual([200, 0, 5, false]);
		const attachments = first.data.items.filter((f: Json) => f.type === 17);
		expect(attachments.map((f: Json) => [f.field_name, f.ui_type])).toEqual([
			['Attachment 1', 'Attachment'],
			['Attachment 2', 'Attachment'],
			['Attachment 3', 'Attachment'],
		]);
		expect(first.data.items[0]).toMatchObject({ field_name: 'Name', is_primary: true, type: 1 });
		expect(attachments[0].field_id).toMatch(/^fld[A-Za-z0-9]{10}$/);
		const [, paged] = await json(
			await ctx.get(`${BASE(table.appToken, table.tableId)}/fields?page_size=2`),
		);
		expect([paged.data.items.length, paged.data.has_more, typeof paged.data.page_token]).toEqual([
			2,
			true,
			'string',
		]);
		const [, next] = await json(
			await ctx.get(
				`${BASE(table.appToken, table.tableId)}/fields?page_size=2&page_token=${paged.data.page_token}`,
			),
		);
		expect(next.data.items[0].field_name).toBe('Attachment 1');
		const [badStatus, bad] = await json(
			await ctx.get(`${BASE(table.appToken, table.tableId)}/fields?page_size=101`),
		);
		expect([badStatus, bad.code]).toEqual([400, 99992402]);
	});

	it('search pages 500 at a time: 4 pages, every record once, cells as facts §4.3', async () => {
		const { items, pages } = await searchAll(ctx, BASE(table.appToken, table.tableId), 500);
		expect(pages).toEqual([500, 500, 500, 500]);
		expect(new Set(items.map((r) => r.record_id)).size).toBe(2000);
		const first = items[0] as Json;
		expect(first.record_id).toBe(table.records[0]?.record_id);
		const cell = first.fields['Attachment 2'][0];
		expect(Object.keys(cell).sort()).toEqual([
			'file_token',
			'name',
			'size',
			'tmp_url',
			'type',
			'url',
		]);
		const url = new URL(cell.url);
		expect(url.pathname).toBe(`/open-apis/drive/v1/medias/${cell.file_token}/download`);
		expect(JSON.parse(url.searchParams.get('extra') ?? '')).toEqual({
			bitablePerm: { tableId: table.tableId, rev: 1 },
		});
		expect(new URL(cell.tmp_url).searchParams.get('file_tokens')).toBe(cell.file_token);
		expect(first.created_time).toBeUndefined();
	});

	it('search: default page 20; 0 is 1254011, 501 is 99992402; a forged page_token is refused', async () => {
		const path = `${BASE(table.appToken, table.tableId)}/records/search`;
		const [, dflt] = await json(await ctx.post(path, {}));
		expect([dflt.data.items.length, dflt.data.total]).toEqual([20, 2000]);
		expect(await json(await ctx.post(`${path}?page_size=0`, {}))).toEqual([
			400,
			expect.objectContaining({ code: 1254011 }),
		]);
		expect((await json(await ctx.post(`${path}?page_size=501`, {})))[1].code).toBe(99992402);
		expect((await json(await ctx.post(`${path}?page_token=Zm9yZ2Vk`, {})))[1].code).toBe(99992402);
	});

	it('view_id, filter, field_names and automatic_fields', async () => {
		const path = `${BASE(table.appToken, table.tableId)}/records/search`;
		const filter = {
			conjunction: 'or',
			conditions: [
				{ field_name: 'Name', operator: 'is', value: ['Record 7'] },
				{ field_name: 'Count', operator: 'isGreater', value: ['1998'] },
			],
		};
		const [, found] = await json(
			await ctx.post(path, {
				view_id: table.viewId,
				filter,
				field_names: ['Name', 'Attachment 3'],
				automatic_fields: true,
			}),
		);
		expect(found.data.items.map((r: Json) => r.fields.Name[0].text)).toEqual([
			'Record 7',
			'Record 1999',
			'Record 2000',
		]);
		expect(Object.keys(found.data.items[0].fields)).toEqual(['Name', 'Attachment 3']);
		expect(typeof found.data.items[0].created_time).toBe('number');
		expect(found.data.total).toBe(3);
		expect(await json(await ctx.post(path, { view_id: 'vewNope' }))).toEqual([
			200,
			expect.objectContaining({ code: 1254042 }),
		]);
		expect((await json(await ctx.post(path, { field_names: ['Nope'] })))[1].code).toBe(1254045);
		const unknownField = { conditions: [{ field_name: 'Nope', operator: 'is', value: ['x'] }] };
		expect((await json(await ctx.post(path, { filter: unknownField })))[1].code).toBe(1254045);
		expect((await json(await ctx.post(path, '{not json')))[1].code).toBe(1254000);
	});

	it('unknown Base 1254040, unknown table 1254041, both at HTTP 200', async () => {
		expect(
			await json(await ctx.post(`${BASE('bascnNope', table.tableId)}/records/search`, {})),
		).toEqual([200, expect.objectContaining({ code: 1254040 })]);
		expect(await json(await ctx.get(`${BASE(table.appToken, 'tblNope')}/fields`))).toEqual([
			200,
			expect.objectContaining({ code: 1254041 }),
		]);
	});

	it('advanced permissions: drive media needs extra with tableId and field -> record -> tokens', async () => {
		const a = table.attachments[4];
		if (!a) throw new Error('fixture');
		const token = a.attachment.file_token;
		const good = JSON.stringify({
			bitablePerm: {
				tableId: table.tableId,
				attachments: { [a.fieldId]: { [a.recordId]: [token] } },
			},
		});
		const bare = await ctx.get(MEDIA(token));
		expect([bare.status, await bare.json()]).toEqual([403, { msg: 'forbidden' }]);
		const revOnly = new URL(a.attachment.url).searchParams.get('extra') ?? '';
		expect((await ctx.get(MEDIA(token, revOnly))).status).toBe(403);
		const otherRecord = good.replace(a.recordId, table.records[9]?.record_id ?? '');
		expect((await ctx.get(MEDIA(token, otherRecord))).status).toBe(403);
		expect((await ctx.get(MEDIA(token, good.replace(table.tableId, 'tblOther')))).status).toBe(403);
		expect((await ctx.get(MEDIA(token, 'not json'))).status).toBe(403);
		const ok = await ctx.get(MEDIA(token, good));
		expect([ok.status, ok.headers.get('content-type'), ok.headers.get('content-length')]).toEqual([
			200,
			a.attachment.type,
			String(a.attachment.size),
		]);
		expect(sha256(Buffer.from(await ok.arrayBuffer()))).toBe(a.sha256());
		const ranged = await ctx.get(MEDIA(token, good), { Range: 'bytes=0-99' });
		expect([ranged.status, ranged.headers.get('content-range')]).toEqual([
			206,
			`bytes 0-99/${a.attachment.size}`,
		]);
		await ranged.arrayBuffer();
		ctx.emu.sources.bitable.permStatus = 400;
		expect((await ctx.get(MEDIA(token))).status).toBe(400);
		ctx.emu.sources.bitable.permStatus = 403;
	});

	it('the wiki node of the Base has obj_type bitable and the app_token as obj_token', async () => {
		const [, answer] = await json(
			await ctx.get('/open-apis/wiki/v2/spaces/get_node?token=wikcnBaseNode'),
		);
		expect([answer.data.node.obj_type, answer.data.node.obj_token]).toEqual([
			'bitable',
			table.appToken,
		]);
	});
});

describe('Base: other tables, codes at HTTP 200, limits', () => {
	const ctx = useEmulator();

	it('a table without advanced permissions serves its attachments without extra', async () => {
		const t = ctx.emu.sources.makeBitableTable({
			appToken: 'bascnOpen',
			tableId: 'tblOpen',
			records: 3,
			attachmentFields: 1,
		});
		const a = t.attachments[2];
		const res = await ctx.get(MEDIA(a?.attachment.file_token ?? ''));
		expect(res.status).toBe(200);
		expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(a?.sha256());
	});

	it('advanced permissions and no readable role: the search succeeds with no records', async () => {
		ctx.emu.sources.makeBitableTable({
			appToken: 'bascnHidden',
			tableId: 'tblHidden',
			records: 5,
			attachmentFields: 1,
			advancedPermissions: true,
			appCannotRead: true,
		});
		const [status, answer] = await json(
			await ctx.post(`${BASE('bascnHidden', 'tblHidden')}/records/search`, {}),
		);
		expect([
			status,
			answer.code,
			answer.data.items,
			answer.data.total,
			answer.data.has_more,
		]).toEqual([200, 0, [], 0, false]);
	});

	it('empty cells are left out; filesPerCell puts several files in one cell', async () => {
		const t = ctx.emu.sources.makeBitableTable({
			appToken: 'bascnSparse',
			tableId: 'tblSparse',
			records: 4,
			attachmentFields: 2,
			filesPerCell: 2,
			emptyEvery: 2,
		});
		expect(t.attachments).toHaveLength(2 * 2 * 2);
		const [, answer] = await json(
			await ctx.post(`${BASE('bascnSparse', 'tblSparse')}/records/search`, {}),
		);
		expect(answer.data.items.map((r: Json) => Object.keys(r.fields).length)).toEqual([4, 2, 4, 2]);
		expect(answer.data.items[0].fields['Attachment 1']).toHaveLength(2);
	});

	it('retryable codes arrive at HTTP 200 (1254290) or their own status; the throttle answers 1254290', async () => {
		ctx.emu.sources.makeBitableTable({
			appToken: 'bascnBusy',
			tableId: 'tblBusy',
			records: 1,
			attachmentFields: 1,
		});
		const path = `${BASE('bascnBusy', 'tblBusy')}/records/search`;
		expect(BITABLE_ERRORS[1254290]?.httpStatus).toBe(200);
		ctx.emu.injectFault({ kind: 'error', code: 1254290 }, { endpoint: 'bitableSearch' });
		expect(await json(await ctx.post(path, {}))).toEqual([
			200,
			expect.objectContaining({ code: 1254290 }),
		]);
		ctx.emu.injectFault({ kind: 'error', code: 1254607 }, { endpoint: 'bitableSearch' });
		expect((await json(await ctx.post(path, {})))[0]).toBe(400);
		ctx.emu.injectFault({ kind: 'error', code: 1255040 }, { endpoint: 'bitableSearch' });
		expect((await json(await ctx.post(path, {})))[0]).toBe(504);
		ctx.emu.sources.throttle('bitableSearch', 3);
		const codes = [];
		for (let i = 0; i < 4; i++) codes.push((await json(await ctx.post(path, {})))[1].code);
		expect(codes).toEqual([0, 0, 0, 1254290]);
		ctx.emu.sources.throttle('bitableSearch', Infinity);
	});

	it('the gateway limit (enforceRateLimit) answers 99991400 at 429 before any Base code', async () => {
		ctx.emu.sources.makeBitableTable({
			appToken: 'bascnGate',
			tableId: 'tblGate',
			records: 1,
			attachmentFields: 1,
		});
		ctx.emu.enforceRateLimit('bitableFields', 1);
		await (await ctx.get(`${BASE('bascnGate', 'tblGate')}/fields`)).arrayBuffer();
		const [status, answer] = await json(await ctx.get(`${BASE('bascnGate', 'tblGate')}/fields`));
		expect([status, answer.code]).toEqual([429, 99991400]);
		ctx.emu.enforceRateLimit('bitableFields', Infinity);
	});

	it('a search without a token is refused like every endpoint (99991661)', async () => {
		const res = await fetch(`${ctx.emu.baseUrl}${BASE('bascnGate', 'tblGate')}/records/search`, {
			method: 'POST',
		});
		expect(((await res.json()) as Json).code).toBe(99991661);
	});
});

describe('whiteboard nodes', () => {
	const ctx = useEmulator();
	const BOARD = 'Xn5WwK1VqhL9bdbEoYgcb1a2nZe';

	it('all nodes in one answer; the tree from parent_id / children is consistent', async () => {
		const served = ctx.emu.sources.addSampleWhiteboardNodes(BOARD);
		const [status, answer] = await json(await ctx.get(NODES(BOARD)));
		expect([status, answer.code, answer.data.page_token, answer.data.has_more]).toEqual([
			200,
			0,
			undefined,
			undefined,
		]);
		const nodes = answer.data.nodes as Json[];
		expect(nodes).toEqual(served);
		const byId = new Map(nodes.map((n) => [n.id, n]));
		for (const node of nodes) {
			for (const child of node.children ?? []) expect(byId.get(child)?.parent_id).toBe(node.id);
			if (node.parent_id) expect(byId.get(node.parent_id)?.children).toContain(node.id);
		}
		expect(nodes.find((n) => n.type === 'section')?.section).toEqual({ title: 'Release plan' });
		const connector = nodes.find((n) => n.type === 'connector')?.connector;
		expect([
			connector.start_object.id,
			connector.end_object.id,
			connector.captions.data[0].text,
		]).toEqual(['o1:2', 'o1:3', 'then']);
		const texts = nodes.filter((n) => n.text).map((n) => n.text.text);
		expect(texts).toEqual(
			expect.arrayContaining([
				'Build',
				'Ship',
				'Notes: ship on Friday',
				'Goals',
				'Speed',
				'Quality',
			]),
		);
		expect(nodes.find((n) => n.id === 'o1:7')?.mind_map_node).toMatchObject({ parent_id: 'o1:6' });
	});

	it('one Mermaid (syntax_type 2) and one PlantUML (syntax_type 1) code block, found by syntax', async () => {
		ctx.emu.sources.addSampleWhiteboardNodes(BOARD);
		const nodes = (await json(await ctx.get(NODES(BOARD))))[1].data.nodes as Json[];
		const blocks = nodes.filter((n) => n.syntax).map((n) => [n.syntax.syntax_type, n.syntax.code]);
		expect(blocks).toEqual([
			[2, MERMAID_SOURCE],
			[1, PLANTUML_SOURCE],
		]);
		expect(MERMAID_SOURCE.startsWith('flowchart')).toBe(true);
		expect(PLANTUML_SOURCE.startsWith('@startuml')).toBe(true);
	});

	it('2890006 unknown, 2890002 bad id or user_id_type, 2890008 forbidden, 2890009 past the throttle', async () => {
		ctx.emu.sources.addSampleWhiteboardNodes(BOARD);
		ctx.emu.sources.addWhiteboardNodes('Locked00000000000000000000', [], { forbidden: true });
		const code = async (path: string) => {
			const [status, body] = await json(await ctx.get(path));
			return [status, body.code];
		};
		expect(await code(NODES('Unknown0000000000000000000'))).toEqual([400, 2890006]);
		expect(await code(NODES('short'))).toEqual([400, 2890002]);
		expect(await code(NODES(BOARD, '?user_id_type=email'))).toEqual([400, 2890002]);
		expect(await code(NODES(BOARD, '?user_id_type=open_id'))).toEqual([200, 0]);
		expect(await code(NODES('Locked00000000000000000000'))).toEqual([403, 2890008]);
		expect(WHITEBOARD_NODE_ERRORS[2890009]?.httpStatus).toBe(429);
		ctx.emu.sources.throttle('whiteboardNodes', 2);
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push(await code(NODES(BOARD)));
		expect(codes).toEqual([
			[200, 0],
			[200, 0],
			[429, 2890009],
		]);
		ctx.emu.sources.throttle('whiteboardNodes', Infinity);
	});
});
