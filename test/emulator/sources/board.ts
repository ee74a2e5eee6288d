/**
 * Whiteboard nodes, `GET /open-apis/board/v1/whiteboards/:whiteboard_id/nodes` (facts §5):
 * every node in one answer, no paging; the only query is user_id_type. Field names are
 * node-sdk 1.73.0's (the Lark page's plus `syntax`, `mind_map_node`, `mind_map_root`).
 */
import type { Reply } from '../reply';
import type { Route } from '../route-match';
import type { WhiteboardNode, WhiteboardNodesOptions } from './types';

const USER_ID_TYPES: ReadonlySet<string> = new Set(['open_id', 'union_id', 'user_id']);
/** A whiteboard_id is 22-27 characters (facts §5). */
const ID_SHAPE = /^[A-Za-z0-9]{22,27}$/;

export const MERMAID_SOURCE = [
	'flowchart LR',
	'    Build --> Test',
	'    Test -->|green| Ship',
	'    Test -->|red| Build',
].join('\n');

export const PLANTUML_SOURCE = [
	'@startuml',
	'Alice -> Bob: request',
	'Bob --> Alice: response',
	'@enduml',
].join('\n');

function text(value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		text: value,
		font_weight: 'regular',
		font_size: 14,
		horizontal_align: 'center',
		vertical_align: 'mid',
		...extra,
	};
}

/**
 * A board with a section holding two shapes and a connector between them, a loose text, a
 * mind map (root and two children), a picture, and two code blocks: one Mermaid (syntax_type
 * 2), one PlantUML (syntax_type 1). Served with some children listed before their parents,
 * as z-order may have them. Which `type` a code block node carries is unconfirmed: here `svg`
 * for Mermaid and `image` for PlantUML, so a client must detect them by `syntax`.
 */
export function sampleWhiteboardNodes(): WhiteboardNode[] {
	return [
		{
			id: 'o1:4',
			type: 'connector',
			parent_id: 'o1:1',
			x: 220,
			y: 140,
			width: 80,
			height: 0,
			connector: {
				start_object: { id: 'o1:2' },
				end_object: { id: 'o1:3' },
				captions: { data: [text('then')] },
			},
		},
		{
			id: 'o1:1',
			type: 'section',
			children: ['o1:2', 'o1:3', 'o1:4'],
			x: 40,
			y: 40,
			width: 520,
			height: 240,
			section: { title: 'Release plan' },
		},
		{
			id: 'o1:2',
			type: 'composite_shape',
			parent_id: 'o1:1',
			x: 60,
			y: 100,
			width: 160,
			height: 80,
			composite_shape: { type: 'round_rect' },
			text: text('Build'),
			style: {
				fill_opacity: 100,
				border_style: 'solid',
				border_width: 'narrow',
				border_opacity: 100,
			},
		},
		{
			id: 'o1:3',
			type: 'composite_shape',
			parent_id: 'o1:1',
			x: 300,
			y: 100,
			width: 160,
			height: 80,
			composite_shape: { type: 'ellipse' },
			text: text('Ship'),
		},
		{
			id: 'o1:5',
			type: 'text_shape',
			x: 40,
			y: 320,
			width: 300,
			height: 40,
			text: text('Notes: ship on Friday', { horizontal_align: 'left', font_weight: 'bold' }),
		},
		{
			id: 'o1:6',
			type: 'mind_map',
			children: ['o1:7', 'o1:8'],
			x: 620,
			y: 40,
			width: 120,
			height: 48,
			text: text('Goals'),
			mind_map_root: {
				layout: 'left_right',
				type: 'mind_map_round_rect',
				line_style: 'curve',
				right_children: ['o1:7', 'o1:8'],
			},
		},
		{
			id: 'o1:7',
			type: 'mind_map',
			parent_id: 'o1:6',
			x: 800,
			y: 20,
			width: 100,
			height: 32,
			text: text('Speed'),
			mind_map_node: { parent_id: 'o1:6', type: 'mind_map_text', layout_position: 'right' },
		},
		{
			id: 'o1:8',
			type: 'mind_map',
			parent_id: 'o1:6',
			x: 800,
			y: 80,
			width: 100,
			height: 32,
			text: text('Quality'),
			mind_map_node: { parent_id: 'o1:6', type: 'mind_map_text', layout_position: 'right' },
		},
		{
			id: 'o1:9',
			type: 'image',
			x: 40,
			y: 400,
			width: 200,
			height: 120,
			image: { token: 'boxcnBoardPicture0000000001' },
		},
		{
			id: 'o1:10',
			type: 'svg',
			x: 300,
			y: 400,
			width: 320,
			height: 160,
			syntax: { syntax_type: 2, code: MERMAID_SOURCE, style_type: 1 },
		},
		{
			id: 'o1:11',
			type: 'image',
			x: 660,
			y: 400,
			width: 320,
			height: 160,
			syntax: { syntax_type: 1, code: PLANTUML_SOURCE, style_type: 1 },
		},
	];
}

export class BoardStore {
	private readonly boards = new Map<string, { nodes: WhiteboardNode[]; forbidden: boolean }>();

	add(id: string, nodes: WhiteboardNode[], opts: WhiteboardNodesOptions = {}): WhiteboardNode[] {
		this.boards.set(id, { nodes: structuredClone(nodes), forbidden: opts.forbidden ?? false });
		return structuredClone(nodes);
	}

	/** All nodes at once; 2890002 for a bad id or user_id_type, 2890006 unknown, 2890008 forbidden. */
	nodes(route: Route, reply: Reply): Promise<void> {
		const id = route.params['whiteboard_id'];
		const userIdType = route.query.get('user_id_type');
		if (id === undefined || (userIdType !== null && !USER_ID_TYPES.has(userIdType)))
			return reply.error(2890002);
		const board = this.boards.get(id);
		if (!board) return reply.error(ID_SHAPE.test(id) ? 2890006 : 2890002);
		if (board.forbidden) return reply.error(2890008);
		const data = { nodes: structuredClone(board.nodes) };
		return reply.json(200, { code: 0, msg: 'success', data });
	}
}
