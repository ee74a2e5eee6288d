/**
 * Base → Download Attachments, the parts that need no request (big-files-and-more-sources.md §4):
 * naming a Base by ID or link, the records/search paging, field names ↔ field IDs, the
 * attachment cell, and drive media's `extra` for Bases with advanced permissions.
 */
import {
	bitablePermExtra,
	extraQueryParameter,
	extraValue,
} from '../nodes/FeishuImages/sources/base-extra';
import { parseBaseReference } from '../nodes/FeishuImages/sources/base-link';
import {
	attachmentsOfCell,
	attachmentsOfRecord,
	fieldMap,
	parseFilter,
	readFieldsPage,
	readRecordsPage,
	recordsBatchGetBodies,
	recordsSearchRequest,
	selectAttachmentFields,
} from '../nodes/FeishuImages/sources/base-records';
import { wikiNodeTarget } from '../nodes/FeishuImages/sources/wiki-node';

const APP = 'bascnCMII2ORej2RItqpZZUNMIe';

describe('a Base by ID or link (§4.1)', () => {
	it('the app_token alone', () => {
		expect(parseBaseReference(` ${APP} `)).toEqual({
			ok: true,
			base: { kind: 'base', appToken: APP },
		});
	});

	it.each([
		`https://acme.feishu.cn/base/${APP}?table=tblxI2tWaxP5dG7p&view=vewJHSwJVd`,
		`https://acme.larksuite.com/base/${APP}?table=tblxI2tWaxP5dG7p&view=vewJHSwJVd`,
		`https://acme.larkoffice.com/base/${APP}/?view=vewJHSwJVd&table=tblxI2tWaxP5dG7p#record`,
	])('a Base link: the segment after /base/, table and view from the query: %s', (link) => {
		expect(parseBaseReference(link)).toEqual({
			ok: true,
			base: { kind: 'base', appToken: APP, tableId: 'tblxI2tWaxP5dG7p', viewId: 'vewJHSwJVd' },
		});
	});

	it('a link without table or view names only the Base', () => {
		expect(parseBaseReference(`https://acme.feishu.cn/base/${APP}`)).toEqual({
			ok: true,
			base: { kind: 'base', appToken: APP },
		});
	});

	it('a wiki link is a node token to resolve, its table kept', () => {
		expect(
			parseBaseReference(
				'https://acme.feishu.cn/wiki/wikcnKQ1k3p5mGe2tMGUE1abcde?table=tblxI2tWaxP5dG7p',
			),
		).toEqual({
			ok: true,
			base: { kind: 'wiki', wikiToken: 'wikcnKQ1k3p5mGe2tMGUE1abcde', tableId: 'tblxI2tWaxP5dG7p' },
		});
	});

	it.each([
		['', /empty/],
		['https://evil.example.com/base/bascn123', /Not a Base ID or a Feishu\/Lark link/],
		['https://acme.feishu.cn.evil.com/base/bascn123', /Not a Base ID/],
		['https://acme.feishu.cn/docx/doxcn123', /not a Base .*nor a wiki page/],
		['https://acme.feishu.cn/base/bascn123?table=tbl%2F..%2Fx', /"table" or "view" is not a valid/],
		['https://acme.feishu.cn/base/..', /not a Base/],
		['bascn/123', /Not a Base ID/],
	])('refuses %j, saying why', (input, reason) => {
		const result = parseBaseReference(input);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toMatch(reason);
	});

	it('wiki get_node: a bitable node gives the app_token; any other page says what it is', () => {
		const data = { node: { obj_type: 'bitable', obj_token: APP, node_token: 'wikcn1' } };
		expect(wikiNodeTarget(data, 'bitable')).toEqual({ ok: true, objToken: APP });
		expect(wikiNodeTarget({ node: { obj_type: 'sheet', obj_token: 'shtcn1' } }, 'bitable')).toEqual(
			{
				ok: false,
				objType: 'sheet',
			},
		);
		expect(wikiNodeTarget({}, 'bitable')).toEqual({ ok: false, objType: 'unknown' });
	});
});

describe('records/search, 500 a page (§4.2)', () => {
	it('paging in the query; view, fields, filter in the body', () => {
		const filter = {
			conjunction: 'and',
			conditions: [{ field_name: 'Status', operator: 'is', value: ['Done'] }],
		};
		expect(
			recordsSearchRequest({
				viewId: 'vewJHSwJVd',
				fieldNames: ['Photos', 'Title'],
				filter,
				pageToken: 'pt_2',
			}),
		).toEqual({
			qs: { page_size: 500, page_token: 'pt_2' },
			body: { view_id: 'vewJHSwJVd', field_names: ['Photos', 'Title'], filter },
		});
	});

	it('the first page has no page_token and an empty body asks for every record', () => {
		expect(recordsSearchRequest({})).toEqual({ qs: { page_size: 500 }, body: {} });
		expect(recordsSearchRequest({ pageSize: 5000 }).qs.page_size).toBe(500);
	});

	it('a page: records, the next token while has_more, the total', () => {
		const page = readRecordsPage({
			has_more: true,
			page_token: 'pt_2',
			total: 2001,
			items: [
				{ record_id: 'recu1', fields: { Title: 'A' } },
				{ record_id: 'recu2', fields: {} },
				{ fields: { Title: 'no id' } },
			],
		});
		expect(page).toEqual({
			records: [
				{ recordId: 'recu1', fields: { Title: 'A' } },
				{ recordId: 'recu2', fields: {} },
			],
			next: 'pt_2',
			pagingBroken: false,
			total: 2001,
		});
	});

	it('the last page has no next token; has_more without a token is said, not looped on', () => {
		expect(
			readRecordsPage({ has_more: false, page_token: 'stale', items: [] }).next,
		).toBeUndefined();
		expect(readRecordsPage({ has_more: true, items: [] })).toMatchObject({
			next: undefined,
			pagingBroken: true,
		});
	});

	it('record IDs go to batch_get, 100 a request, duplicates once', () => {
		const ids = Array.from({ length: 230 }, (_, i) => `rec${i}`);
		const bodies = recordsBatchGetBodies([...ids, 'rec0']);
		expect(bodies.map((b) => (b.record_ids as string[]).length)).toEqual([100, 100, 30]);
		expect(readRecordsPage({ records: [{ record_id: 'rec1', fields: { A: 1 } }] }).records).toEqual(
			[{ recordId: 'rec1', fields: { A: 1 } }],
		);
	});

	it('a filter as JSON text is checked before it is sent', () => {
		expect(parseFilter('{"conjunction":"or","conditions":[]}')).toEqual({
			ok: true,
			filter: { conjunction: 'or', conditions: [] },
		});
		expect(parseFilter('{conjunction')).toMatchObject({ ok: false, reason: /not valid JSON/ });
		expect(parseFilter({ conditions: [] })).toMatchObject({ ok: false, reason: /"and" or "or"/ });
		expect(parseFilter('[1]')).toMatchObject({ ok: false, reason: /must be an object/ });
	});
});

describe('field names ↔ field IDs (§4.2)', () => {
	const listing = {
		has_more: false,
		items: [
			{ field_id: 'fldTitle01', field_name: 'Title', type: 1, ui_type: 'Text' },
			{ field_id: 'fldPhotos1', field_name: 'Photos', type: 17, ui_type: 'Attachment' },
			{ field_id: 'fldContract', field_name: 'Contract', type: 17, ui_type: 'Attachment' },
			{ field_id: 'fldOwner01', field_name: 'Owner', type: 11, ui_type: 'User' },
		],
	};
	const map = fieldMap(readFieldsPage(listing).fields);

	it('maps both ways', () => {
		expect(map.byName.get('Photos')?.id).toBe('fldPhotos1');
		expect(map.byId.get('fldContract')?.name).toBe('Contract');
		expect(readFieldsPage({ ...listing, has_more: true, page_token: 'f2' }).next).toBe('f2');
	});

	it('all attachment fields (type 17) by default', () => {
		expect(selectAttachmentFields(map)).toEqual({
			ok: true,
			fields: [map.byName.get('Photos'), map.byName.get('Contract')],
		});
	});

	it('chosen fields by name or ID; a wrong one is named with the choices', () => {
		expect(selectAttachmentFields(map, ['fldContract', 'Photos'])).toMatchObject({
			ok: true,
			fields: [{ id: 'fldContract' }, { id: 'fldPhotos1' }],
		});
		expect(selectAttachmentFields(map, ['Title'])).toEqual({
			ok: false,
			reason:
				'The field "Title" holds no attachments; the table\'s attachment fields: "Photos", "Contract"',
		});
		expect(selectAttachmentFields(map, ['Fotos'])).toMatchObject({
			ok: false,
			reason: /no field "Fotos"/,
		});
		expect(selectAttachmentFields(fieldMap([]))).toMatchObject({
			ok: false,
			reason: /no attachment field/,
		});
	});

	it('an attachment cell (§4.3) → its attachments; a record → one entry per file', () => {
		const cell = [
			{
				file_token: 'Vl3FbVkvnowlgpxpqsAbBrtFcrd',
				name: 'invoice.pdf',
				size: 1024000,
				type: 'application/pdf',
				url: 'https://open.feishu.cn/open-apis/drive/v1/medias/Vl3FbVkvnowlgpxpqsAbBrtFcrd/download?extra=%7B%22bitablePerm%22%3A%7B%22tableId%22%3A%22tblxI2tWaxP5dG7p%22%2C%22rev%22%3A5%7D%7D',
				tmp_url:
					'https://open.feishu.cn/open-apis/drive/v1/medias/batch_get_tmp_download_url?file_tokens=Vl3FbVkvnowlgpxpqsAbBrtFcrd&extra=%7B%7D',
			},
			{ file_token: 'boxcnPhoto2', name: 'site.png', size: 2048, type: 'image/png' },
			{ name: 'no token' },
			{ file_token: '../escape', name: 'bad' },
		];
		expect(attachmentsOfCell(cell)).toEqual([
			{
				fileToken: 'Vl3FbVkvnowlgpxpqsAbBrtFcrd',
				name: 'invoice.pdf',
				size: 1024000,
				mimeType: 'application/pdf',
			},
			{ fileToken: 'boxcnPhoto2', name: 'site.png', size: 2048, mimeType: 'image/png' },
		]);
		expect(attachmentsOfCell('text')).toEqual([]);
		expect(attachmentsOfCell(undefined)).toEqual([]);
		const record = {
			recordId: 'recu1',
			fields: { Photos: cell.slice(1, 2), Contract: cell.slice(0, 1), Title: 'A' },
		};
		const found = attachmentsOfRecord(record, [
			map.byName.get('Photos')!,
			map.byName.get('Contract')!,
		]);
		expect(found.map((f) => [f.recordId, f.field.id, f.attachment.fileToken, f.index])).toEqual([
			['recu1', 'fldPhotos1', 'boxcnPhoto2', 0],
			['recu1', 'fldContract', 'Vl3FbVkvnowlgpxpqsAbBrtFcrd', 0],
		]);
	});
});

describe("drive media's extra for advanced permissions (§4.4)", () => {
	const refs = [
		{ fieldId: 'fldPhotos1', recordId: 'recu1', fileToken: 'boxcnA' },
		{ fieldId: 'fldPhotos1', recordId: 'recu1', fileToken: 'boxcnB' },
		{ fieldId: 'fldPhotos1', recordId: 'recu2', fileToken: 'boxcnC' },
		{ fieldId: 'fldContract', recordId: 'recu1', fileToken: 'boxcnD' },
		{ fieldId: 'fldPhotos1', recordId: 'recu1', fileToken: 'boxcnA' },
	];

	it('bitablePerm with tableId and attachments by field ID → record ID → file tokens', () => {
		expect(bitablePermExtra('tblxI2tWaxP5dG7p', refs)).toEqual({
			bitablePerm: {
				tableId: 'tblxI2tWaxP5dG7p',
				attachments: {
					fldPhotos1: { recu1: ['boxcnA', 'boxcnB'], recu2: ['boxcnC'] },
					fldContract: { recu1: ['boxcnD'] },
				},
			},
		});
	});

	it('serialized exactly as the documented shape, for one attachment', () => {
		expect(extraValue('tblxI2tWaxP5dG7p', [refs[0]])).toBe(
			'{"bitablePerm":{"tableId":"tblxI2tWaxP5dG7p","attachments":{"fldPhotos1":{"recu1":["boxcnA"]}}}}',
		);
	});

	it('URL-encoded once when written into a URL by hand', () => {
		const parameter = extraQueryParameter('tblxI2tWaxP5dG7p', [refs[0]]);
		expect(parameter).toBe(
			'extra=%7B%22bitablePerm%22%3A%7B%22tableId%22%3A%22tblxI2tWaxP5dG7p%22%2C%22attachments%22%3A%7B%22fldPhotos1%22%3A%7B%22recu1%22%3A%5B%22boxcnA%22%5D%7D%7D%7D%7D',
		);
		expect(new URLSearchParams(parameter).get('extra')).toBe(
			extraValue('tblxI2tWaxP5dG7p', [refs[0]]),
		);
	});
});
