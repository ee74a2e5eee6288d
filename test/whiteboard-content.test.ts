/**
 * Whiteboard → Get Content, from the nodes answer (big-files-and-more-sources.md §5): the tree
 * rebuilt from parent_id/children, the texts in reading order, and every Mermaid or PlantUML
 * code block as a text file. The answer below is shaped as Feishu's page and node-sdk describe
 * it, listed in drawing order (not reading order), as a real board's is.
 */
import {
	inReadingOrder,
	textOfNode,
	whiteboardContent,
} from '../nodes/FeishuImages/sources/whiteboard-content';

const BOARD = 'Ru8nwrWFOhEmaFbEU2VbPRGHcxd';

const MERMAID = 'flowchart LR\n  Build --> Test --> Ship\n';
const PLANTUML = '@startuml\nAlice -> Bob: deploy\n@enduml\n';

/** GET /open-apis/board/v1/whiteboards/:id/nodes → data */
const answer = {
	nodes: [
		{
			id: 'o1:1',
			type: 'section',
			x: 0,
			y: 0,
			width: 1200,
			height: 800,
			section: { title: 'Release plan' },
			// Drawing order: the shapes were added right to left.
			children: ['o1:6', 'o1:5', 'o1:4', 'o1:3', 'o1:7', 'o1:8'],
		},
		{
			id: 'o1:3',
			type: 'composite_shape',
			parent_id: 'o1:1',
			x: 40,
			y: 200,
			width: 160,
			height: 80,
			composite_shape: { type: 'round_rect' },
			text: { text: 'Build', font_size: 14, horizontal_align: 'center' },
		},
		{
			id: 'o1:4',
			type: 'composite_shape',
			parent_id: 'o1:1',
			x: 300,
			y: 205,
			width: 160,
			height: 80,
			text: { text: 'Test' },
		},
		{
			id: 'o1:5',
			type: 'composite_shape',
			parent_id: 'o1:1',
			x: 560,
			y: 196,
			width: 160,
			height: 80,
			text: { text: 'Ship' },
		},
		{
			id: 'o1:6',
			type: 'text_shape',
			parent_id: 'o1:1',
			x: 40,
			y: 60,
			width: 400,
			height: 40,
			text: { text: 'Goals for Q3' },
		},
		{
			id: 'o1:7',
			type: 'connector',
			parent_id: 'o1:1',
			x: 200,
			y: 240,
			width: 100,
			height: 0,
			connector: {
				start_object: { id: 'o1:3' },
				end_object: { id: 'o1:4' },
				captions: { data: [{ text: 'then' }] },
			},
		},
		{
			// A Mermaid block inside the section, below the shapes (its node type is unconfirmed).
			id: 'o1:8',
			type: 'svg',
			parent_id: 'o1:1',
			x: 40,
			y: 400,
			width: 700,
			height: 300,
			syntax: { syntax_type: 2, code: MERMAID, style_type: 1 },
		},
		{
			id: 'o1:9',
			type: 'sticky_note',
			x: 1300,
			y: 10,
			width: 200,
			height: 200,
			text: { text: 'Ask ops about the freeze' },
		},
		{
			id: 'o1:10',
			type: 'image',
			x: 0,
			y: 900,
			width: 600,
			height: 400,
			syntax: { syntax_type: 1, code: PLANTUML },
		},
		{
			id: 'o1:11',
			type: 'table',
			x: 700,
			y: 900,
			width: 400,
			height: 120,
			table: {
				title: 'Owners',
				meta: { row_num: 2, col_num: 2 },
				cells: [
					{ row_index: 1, col_index: 1, text: { text: 'Bob' } },
					{ row_index: 0, col_index: 1, text: { text: 'Owner' } },
					{ row_index: 1, col_index: 0, text: { text: 'Test' } },
					{ row_index: 0, col_index: 0, text: { text: 'Step' } },
				],
			},
		},
		{
			// A group whose child says no parent_id: the group's children list is the link.
			id: 'o1:12',
			type: 'group',
			x: 0,
			y: 1400,
			width: 300,
			height: 100,
			children: ['o1:13'],
		},
		{
			id: 'o1:13',
			type: 'text_shape',
			x: 10,
			y: 10,
			width: 100,
			height: 30,
			text: { text: 'Footnote' },
		},
		{ id: 'o1:14', type: 'svg', x: 900, y: 1400, syntax: { syntax_type: 3, code: 'digraph {}' } },
	],
};

describe('Whiteboard → Get Content', () => {
	const content = whiteboardContent(answer, BOARD);

	it('rebuilds the tree from parent_id and children', () => {
		expect(content.nodeCount).toBe(13);
		const shape = (n: { id: string; children: unknown[] }): unknown => ({
			id: n.id,
			children: n.children.map((c) => shape(c as never)),
		});
		expect(content.tree.map(shape)).toEqual([
			{
				id: 'o1:1',
				children: ['o1:6', 'o1:3', 'o1:7', 'o1:4', 'o1:5', 'o1:8'].map((id) => ({
					id,
					children: [],
				})),
			},
			{ id: 'o1:9', children: [] },
			{ id: 'o1:10', children: [] },
			{ id: 'o1:11', children: [] },
			{ id: 'o1:12', children: [{ id: 'o1:13', children: [] }] },
			{ id: 'o1:14', children: [] },
		]);
		expect(content.tree[0]).toMatchObject({ type: 'section', text: 'Release plan', x: 0, y: 0 });
	});

	it('reads the texts top to bottom, left to right, a container before what it holds', () => {
		expect(content.texts.map((t) => t.text)).toEqual([
			'Release plan',
			'Goals for Q3',
			'Build',
			'then',
			'Test',
			'Ship',
			'Ask ops about the freeze',
			'Owners\nStep\nOwner\nTest\nBob',
			'Footnote',
		]);
	});

	it('exports every Mermaid and PlantUML block as a text file named by its node', () => {
		expect(content.codeBlocks).toEqual([
			{
				nodeId: 'o1:8',
				language: 'mermaid',
				syntaxType: 2,
				fileName: `${BOARD}-o1-8.mmd`,
				mimeType: 'text/plain',
				text: MERMAID,
			},
			{
				nodeId: 'o1:10',
				language: 'plantuml',
				syntaxType: 1,
				fileName: `${BOARD}-o1-10.puml`,
				mimeType: 'text/plain',
				text: PLANTUML,
			},
		]);
		expect(content.tree[0].children.at(-1)).toMatchObject({
			id: 'o1:8',
			codeFile: `${BOARD}-o1-8.mmd`,
		});
	});

	it('says what it could not use', () => {
		expect(content.notes).toEqual([
			'node o1:14 holds code of syntax_type 3, neither PlantUML (1) nor Mermaid (2); not exported',
		]);
	});
});

describe('reading order and odd answers', () => {
	it('shapes a few pixels off one line still read left to right; a lower row after', () => {
		const nodes = [
			{ id: 'c', x: 400, y: 98, height: 40 },
			{ id: 'a', x: 0, y: 104, height: 40 },
			{ id: 'b', x: 200, y: 100, height: 40 },
			{ id: 'd', x: 0, y: 160, height: 40 },
			{ id: 'u' },
		];
		expect(inReadingOrder(nodes).map((n) => n.id)).toEqual(['a', 'b', 'c', 'd', 'u']);
	});

	it('an empty answer, duplicate IDs and parent cycles are reported, not lost', () => {
		expect(whiteboardContent({}, BOARD)).toEqual({
			nodeCount: 0,
			tree: [],
			texts: [],
			codeBlocks: [],
			notes: [],
		});
		const odd = whiteboardContent(
			{
				nodes: [
					{ id: 'a', parent_id: 'b', text: { text: 'A' } },
					{ id: 'b', parent_id: 'a', text: { text: 'B' } },
					{ id: 'a', text: { text: 'again' } },
					{ id: 'r', parent_id: 'missing', text: { text: 'R' } },
				],
			},
			BOARD,
		);
		expect(odd.nodeCount).toBe(3);
		expect(odd.texts.map((t) => t.text)).toEqual(['R', 'A', 'B']);
		expect(odd.notes).toEqual([
			'node a appears twice; the first is used',
			'node a is part of a parent cycle; shown at the top level',
		]);
	});

	it('a node without text has none; whitespace is no text', () => {
		expect(textOfNode({ id: 'x', type: 'image', image: { token: 'boxcn1' } })).toBeUndefined();
		expect(textOfNode({ id: 'x', text: { text: '  ' } })).toBeUndefined();
	});
});
