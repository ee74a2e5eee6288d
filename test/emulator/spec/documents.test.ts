/** The docx block list and wiki get_node. */
import { makePng } from '..';
import type { Json } from './support';
import { answersEach, DOC, DRIVE, expectError, statusOf, useEmulator } from './support';

describe('docx list blocks', () => {
	const ctx = useEmulator();

	it('mixes text, images and whiteboards in document order', async () => {
		ctx.emu.addDriveMedia('boxcnPhoto', { bytes: makePng(33, 17, 3) });
		const served = ctx.emu.addDocument('doxcnMixed', [
			{ text: 'Intro' },
			{ image: 'boxcnPhoto' },
			{ whiteboard: 'wbPlan', width: 800, height: 450 },
			'text',
			{ image: 'boxcnLater', width: 10 },
			{ block_type: 27, image: { token: 'boxcnFull', width: 1, height: 2 } },
		]);
		expect(served.map((b) => b.block_type)).toEqual([1, 2, 27, 43, 2, 27, 27]);
		expect(served[1]?.text).toMatchObject({ elements: [{ text_run: { content: 'Intro' } }] });
		expect(served[2]?.image).toEqual({ token: 'boxcnPhoto', width: 33, height: 17 });
		expect(served[3]?.board).toEqual({ token: 'wbPlan', width: 800, height: 450 });
		expect(served[5]?.image).toEqual({ token: 'boxcnLater', width: 10, height: 480 });
		expect(served[0]?.children).toEqual(served.slice(1).map((b) => b.block_id));
		const body = (await (await ctx.get(DOC('doxcnMixed'))).json()) as Json;
		expect(body.data.items).toEqual(served);
		// The image block's token is what drive media serves.
		expect(await statusOf(ctx.get(DRIVE(served[2]?.image?.token ?? '')))).toBe(200);
	});

	it('pages by page_size and the fixture pageSize, following opaque page tokens', async () => {
		const served = ctx.emu.addDocument(
			'doxcnDoc1',
			['text', { whiteboard: 'wbInDoc' }, 'text', 'text'],
			{
				pageSize: 2,
				title: 'Spec',
			},
		);
		expect(served[0]).toMatchObject({ block_id: 'doxcnDoc1', parent_id: '', block_type: 1 });
		const items: Json[] = [];
		let pageToken: string | undefined;
		let pages = 0;
		do {
			const query = `?page_size=500${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
			const body = (await (await ctx.get(DOC('doxcnDoc1', query))).json()) as Json;
			expect(body).toMatchObject({ code: 0, msg: 'success' });
			expect('page_token' in body.data).toBe(body.data.has_more);
			items.push(...body.data.items);
			pageToken = body.data.has_more ? body.data.page_token : undefined;
			pages += 1;
		} while (pageToken);
		expect(pages).toBe(3);
		expect(items).toEqual(served);
		const one = (await (
			await ctx.get(DOC('doxcnDoc1', '?page_size=1&document_revision_id=-1'))
		).json()) as Json;
		expect([one.data.items.length, one.data.has_more]).toEqual([1, true]);
	});

	answersEach(
		ctx,
		[
			['page_size over 500', '?page_size=501', 400, 1770001],
			['page_size 0', '?page_size=0', 400, 1770001],
			['a page_size that is not a number', '?page_size=ten', 400, 1770001],
			['a page_token never handed out', '?page_token=not-a-token', 400, 1770022],
			['a revision that is not a number', '?document_revision_id=latest', 400, 1770001],
		],
		(query) => DOC('doxcnDoc1', query),
	);

	it("another document's page token is 1770022", async () => {
		ctx.emu.addDocument('doxcnDoc2', ['text', 'text', 'text'], { pageSize: 1 });
		const other = (await (await ctx.get(DOC('doxcnDoc2'))).json()) as Json;
		await expectError(
			await ctx.get(DOC('doxcnDoc1', `?page_token=${other.data.page_token}`)),
			400,
			1770022,
		);
	});

	it('missing 404 / 1770002, deleted 400 / 1770003, forbidden 403 / 1770032', async () => {
		ctx.emu.addDocument('doxcnSecret', [], { forbidden: true });
		ctx.emu.addDocument('doxcnBinned', [], { deleted: true });
		expect((await expectError(await ctx.get(DOC('nope')), 404, 1770002)).msg).toBe('not found');
		await expectError(await ctx.get(DOC('doxcnBinned')), 400, 1770003);
		await expectError(await ctx.get(DOC('doxcnSecret')), 403, 1770032);
	});

	it('the server-side codes come at 500, maintenance at 503', async () => {
		for (const code of [1771001, 1771002, 1771003, 1771004, 1771005]) {
			ctx.emu.injectFault({ kind: 'error', code }, { endpoint: 'documentBlocks' });
			await expectError(await ctx.get(DOC('doxcnDoc1')), code === 1771005 ? 503 : 500, code);
		}
	});
});

describe('wiki get_node', () => {
	const ctx = useEmulator();
	const NODE = (query: string) => `/open-apis/wiki/v2/spaces/get_node?${query}`;
	beforeAll(() => {
		ctx.emu.addWikiNode('wikcnNode1', { objToken: 'doxcnDoc1', title: 'Spec' });
		ctx.emu.addWikiNode('wikcnLocked', { objToken: 'shtcnX', objType: 'sheet', forbidden: true });
	});

	it('finds a node by wiki token (the default obj_type) and by its document token', async () => {
		for (const query of [
			'token=wikcnNode1&obj_type=wiki',
			'token=wikcnNode1',
			'token=doxcnDoc1&obj_type=docx',
		]) {
			const body = (await (await ctx.get(NODE(query))).json()) as Json;
			expect(body.data.node).toMatchObject({
				node_token: 'wikcnNode1',
				obj_token: 'doxcnDoc1',
				obj_type: 'docx',
				title: 'Spec',
			});
		}
	});

	it('131005 not found, 131006 permission denied, 131002 bad parameters', async () => {
		expect((await expectError(await ctx.get(NODE('token=wikcnNope')), 400, 131005)).msg).toBe(
			'not found',
		);
		await expectError(await ctx.get(NODE('token=doxcnDoc1&obj_type=sheet')), 400, 131005);
		await expectError(await ctx.get(NODE('token=wikcnLocked')), 400, 131006);
		await expectError(await ctx.get(NODE('obj_type=wiki')), 400, 131002);
		await expectError(await ctx.get(NODE('token=wikcnNode1&obj_type=pdf')), 400, 131002);
	});
});
