/**
 * Whiteboard → Get Content (issue 17): a board's nodes in one request, no paging, as one item —
 * the tree rebuilt from parent_id / children, the texts in reading order, and every Mermaid or
 * PlantUML code block as a text file (.mmd, .puml) in a binary field of its own, named
 * mermaid_1, plantuml_1… so a scheduled export can keep a diagram's source. Through n8n's
 * engine against the emulator's sample board.
 */
import { MERMAID_SOURCE, PLANTUML_SOURCE } from './emulator';
import { locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

const BOARD = 'Ru8nwrWFOhEmaFbEU2VbPRsHcxb';
const getContent = (id: string, options: Record<string, unknown> = {}) =>
	({
		resource: 'whiteboard',
		operation: 'getContent',
		whiteboardId: locator(id),
		options,
	}) as never;

interface TreeNode {
	id: string;
	children: TreeNode[];
}
const ids = (nodes: TreeNode[]): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);

describe('Whiteboard → Get Content', () => {
	it('one request: the tree, the texts in reading order, and each code block as a file', async () => {
		const nodes = h.emulator.sources.addSampleWhiteboardNodes(BOARD);
		const result = await h.run(getContent(BOARD));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.json).toMatchObject({
			resource: 'whiteboard',
			operation: 'getContent',
			whiteboardId: BOARD,
			nodeCount: nodes.length,
			notes: [],
		});
		// Every node once, children under their parents.
		const tree = item.json.tree as unknown as TreeNode[];
		expect(ids(tree).sort()).toEqual(nodes.map((n) => n.id).sort());
		for (const node of nodes.filter((n) => n.parent_id)) {
			const parent = JSON.stringify(tree).indexOf(`"id":"${node.parent_id}"`);
			expect(parent).toBeGreaterThanOrEqual(0);
		}
		const texts = item.json.texts as Array<{ text: string }>;
		expect(texts.length).toBeGreaterThan(0);
		expect(item.json.text).toBe(texts.map((t) => t.text).join('\n'));

		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['mermaid_1', 'plantuml_1']);
		expect((await result.binaryBuffer(item, 'mermaid_1')).toString('utf8')).toBe(MERMAID_SOURCE);
		expect((await result.binaryBuffer(item, 'plantuml_1')).toString('utf8')).toBe(PLANTUML_SOURCE);
		expect(item.binary?.mermaid_1).toMatchObject({ mimeType: 'text/plain' });
		expect(item.binary?.mermaid_1.fileName).toMatch(/\.mmd$/);
		expect(item.binary?.plantuml_1.fileName).toMatch(/\.puml$/);
		expect(item.json.codeBlocks).toEqual([
			expect.objectContaining({ language: expect.any(String), binaryField: expect.any(String) }),
			expect.objectContaining({ language: expect.any(String), binaryField: expect.any(String) }),
		]);
		const sent = h.emulator.requestLog.filter((r) => r.endpoint === 'whiteboardNodes');
		expect(sent.map((r) => r.url)).toEqual([`/open-apis/board/v1/whiteboards/${BOARD}/nodes`]);
	});

	it('two Mermaid blocks: mermaid_1 and mermaid_2, in reading order', async () => {
		h.emulator.sources.addWhiteboardNodes(BOARD, [
			{
				id: 'o1:2',
				type: 'svg',
				x: 0,
				y: 300,
				syntax: { syntax_type: 2, code: 'graph TD; B-->C' },
			},
			{ id: 'o1:1', type: 'svg', x: 0, y: 0, syntax: { syntax_type: 2, code: 'graph TD; A-->B' } },
		]);
		const result = await h.run(getContent(BOARD));
		const [item] = result.items;
		expect((await result.binaryBuffer(item, 'mermaid_1')).toString()).toBe('graph TD; A-->B');
		expect((await result.binaryBuffer(item, 'mermaid_2')).toString()).toBe('graph TD; B-->C');
	});

	it('a board without code blocks: JSON only, no binary', async () => {
		h.emulator.sources.addWhiteboardNodes(BOARD, [
			{ id: 'o1:1', type: 'text_shape', x: 0, y: 0, text: { text: 'Hello' } },
		]);
		const result = await h.run(getContent(BOARD));
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.text).toBe('Hello');
	});

	it('a board the app may not read: 2890008 with what to do', async () => {
		h.emulator.sources.addSampleWhiteboardNodes(BOARD, { forbidden: true });
		const result = await h.run(getContent(BOARD, { retries: 0 }));
		const error = result.error as unknown as { message: string; description: string };
		expect(error.message).toContain('Feishu error 2890008');
		expect(error.description).toMatch(/Add the app to the document/);
	});
});
