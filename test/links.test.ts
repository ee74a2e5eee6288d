/**
 * Paste a Feishu or Lark link instead of an ID: the "By URL" mode of an ID field.
 */
import { byUrl, startHarness, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

describe('Paste an ID or a URL', () => {
	it.each([
		'https://acme.feishu.cn/board/WbUrl123abc',
		'https://acme.larksuite.com/board/WbUrl123abc?from=share',
		'https://acme.larkoffice.com/board/WbUrl123abc#section',
	])('takes the whiteboard ID out of %s', async (url) => {
		const bytes = h.emulator.addWhiteboard('WbUrl123abc');
		const result = await h.run({ ...whiteboard(''), whiteboardId: byUrl(url) } as never);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.whiteboardId).toBe('WbUrl123abc');
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});

	it('takes a token with "_" or "-" from a link, as By ID does', async () => {
		const bytes = h.emulator.addWhiteboard('Wb_url-123');
		const result = await h.run({
			...whiteboard(''),
			whiteboardId: byUrl('https://acme.feishu.cn/board/Wb_url-123'),
		} as never);
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});

	it('says which link form it wants when a URL does not match', async () => {
		const result = await h.run(
			{ ...whiteboard(''), whiteboardId: byUrl('={{ $json.url }}') } as never,
			{
				items: [{ json: { url: 'https://evil.example.com/board/abc' } }],
			},
		);
		expect(result.error?.message).toMatch(/is not a link to a whiteboard id/);
		expect((result.error as unknown as { description: string }).description).toContain(
			'https://example.feishu.cn/board/',
		);
		expect(h.emulator.requestLog.filter((r) => r.endpoint !== 'token')).toHaveLength(0);
	});

	it('n8n flags a non-matching link typed into the field before the run', async () => {
		await expect(
			h.run({ ...whiteboard(''), whiteboardId: byUrl('https://acme.feishu.cn/docx/abc') } as never),
		).rejects.toThrow(/Not a Feishu or Lark link of this kind/);
	});
});
