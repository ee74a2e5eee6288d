/**
 * A whiteboard's content from `GET /open-apis/board/v1/whiteboards/:whiteboard_id/nodes`
 * (big-files-and-more-sources.md §5): every node in one answer, no paging. From it:
 * - the tree, rebuilt from `parent_id` / `children`;
 * - the texts in reading order;
 * - every Mermaid / PlantUML code block (`syntax.syntax_type` 2 / 1) as a text file.
 *
 * Reading order. A board is a canvas, and Feishu documents no order for the node list or for
 * a node's `children` (nothing says either follows how the board reads). So the order is
 * geometric, as a page is read: among the nodes of one parent, rows from top to bottom, left
 * to right within a row; a node's own text comes before its children's (a section's title,
 * then what it holds). A node is in the current row when its vertical centre lies within the
 * row's topmost node (taken at least ROW_TOLERANCE_PX tall), so shapes "side by side" but a
 * few pixels off, and the connector between them, read left to right. `x`/`y` are relative to
 * the parent, so siblings are only ever compared with each other. Nodes without a position
 * keep the answer's order, after the placed ones.
 */

export interface WhiteboardNode {
	id: string;
	type?: string;
	parent_id?: string;
	children?: string[];
	x?: number;
	y?: number;
	width?: number;
	height?: number;
	text?: { text?: string };
	section?: { title?: string };
	table?: {
		title?: string;
		cells?: Array<{ row_index?: number; col_index?: number; text?: { text?: string } | string }>;
	};
	connector?: { captions?: { data?: Array<{ text?: string }> } };
	syntax?: { syntax_type?: number; code?: string; style_type?: number };
	[key: string]: unknown;
}

/** One node of the rebuilt tree: what it is, where, what it says, what it holds. */
export interface ContentNode {
	id: string;
	type: string;
	x?: number;
	y?: number;
	width?: number;
	height?: number;
	text?: string;
	/** The file name of its code block, when it is one. */
	codeFile?: string;
	children: ContentNode[];
}

export interface BoardText {
	nodeId: string;
	type: string;
	text: string;
}

export type CodeLanguage = 'plantuml' | 'mermaid';

/** A code block as the text file it becomes: the node's ID names it, so it is stable across runs. */
export interface CodeBlockFile {
	nodeId: string;
	language: CodeLanguage;
	syntaxType: number;
	fileName: string;
	mimeType: string;
	text: string;
}

export interface WhiteboardContent {
	nodeCount: number;
	tree: ContentNode[];
	texts: BoardText[];
	codeBlocks: CodeBlockFile[];
	/** What did not fit: duplicate IDs, cycles, code of an unknown syntax. Empty when all is well. */
	notes: string[];
}

/** `syntax_type` → language and extension (the official CLI saves `.puml` and `.mmd`). */
const SYNTAX: Record<number, { language: CodeLanguage; extension: string }> = {
	1: { language: 'plantuml', extension: 'puml' },
	2: { language: 'mermaid', extension: 'mmd' },
};

/** Neither language has a registered MIME type; plain text opens everywhere, the extension tells. */
const CODE_MIME_TYPE = 'text/plain';

export const ROW_TOLERANCE_PX = 10;

const finite = (value: unknown): value is number =>
	typeof value === 'number' && Number.isFinite(value);

/** The nodes of the answer's `data` (`{ nodes: [...] }`), those with an ID. */
export function readWhiteboardNodes(data: unknown): WhiteboardNode[] {
	const nodes = (data as { nodes?: unknown } | undefined)?.nodes;
	if (!Array.isArray(nodes)) return [];
	return nodes.filter(
		(n): n is WhiteboardNode =>
			typeof n === 'object' && n !== null && typeof (n as WhiteboardNode).id === 'string',
	);
}

/** Everything a node says, its parts in their own order (a table's cells row by row). */
export function textOfNode(node: WhiteboardNode): string | undefined {
	const parts: string[] = [];
	if (typeof node.section?.title === 'string') parts.push(node.section.title);
	if (typeof node.table?.title === 'string') parts.push(node.table.title);
	if (typeof node.text?.text === 'string') parts.push(node.text.text);
	const cells = [...(node.table?.cells ?? [])].sort(
		(a, b) => (a.row_index ?? 0) - (b.row_index ?? 0) || (a.col_index ?? 0) - (b.col_index ?? 0),
	);
	for (const cell of cells) {
		const text = typeof cell.text === 'string' ? cell.text : cell.text?.text;
		if (typeof text === 'string') parts.push(text);
	}
	for (const caption of node.connector?.captions?.data ?? []) {
		if (typeof caption?.text === 'string') parts.push(caption.text);
	}
	const text = parts
		.map((p) => p.trim())
		.filter(Boolean)
		.join('\n');
	return text === '' ? undefined : text;
}

/** Siblings in reading order: rows top to bottom, left to right within a row (see the file's head). */
export function inReadingOrder<T extends Pick<WhiteboardNode, 'x' | 'y' | 'height'>>(
	siblings: T[],
): T[] {
	const placed = siblings.filter((n) => finite(n.x) && finite(n.y));
	const unplaced = siblings.filter((n) => !(finite(n.x) && finite(n.y)));
	placed.sort((a, b) => (a.y as number) - (b.y as number) || (a.x as number) - (b.x as number));
	const ordered: T[] = [];
	let row: T[] = [];
	let rowBottom = -Infinity;
	const height = (n: T) => (finite(n.height) && n.height > 0 ? n.height : 0);
	for (const node of placed) {
		const centre = (node.y as number) + height(node) / 2;
		if (row.length > 0 && centre > rowBottom) {
			ordered.push(...row.sort((a, b) => (a.x as number) - (b.x as number)));
			row = [];
		}
		if (row.length === 0) {
			rowBottom = (node.y as number) + Math.max(height(node), ROW_TOLERANCE_PX);
		}
		row.push(node);
	}
	ordered.push(...row.sort((a, b) => (a.x as number) - (b.x as number)));
	return [...ordered, ...unplaced];
}

/** A node ID as a file-name part: `o1:12` → `o1-12`. */
function fileSafe(id: string): string {
	return id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'node';
}

/** The board's tree, texts and code blocks (see the file's head for the order). */
export function whiteboardContent(data: unknown, whiteboardId: string): WhiteboardContent {
	const notes: string[] = [];
	const byId = new Map<string, WhiteboardNode>();
	for (const node of readWhiteboardNodes(data)) {
		if (byId.has(node.id)) notes.push(`node ${node.id} appears twice; the first is used`);
		else byId.set(node.id, node);
	}

	// The parent: `parent_id` when it names a node, else the node whose `children` list it.
	const listedBy = new Map<string, string>();
	for (const node of byId.values()) {
		for (const child of node.children ?? []) {
			if (typeof child === 'string' && !listedBy.has(child)) listedBy.set(child, node.id);
		}
	}
	const parentOf = (node: WhiteboardNode): string | undefined => {
		const declared = node.parent_id;
		if (declared && declared !== node.id && byId.has(declared)) return declared;
		const listed = listedBy.get(node.id);
		return listed && listed !== node.id ? listed : undefined;
	};
	const childrenOf = new Map<string | undefined, WhiteboardNode[]>();
	for (const node of byId.values()) {
		const parent = parentOf(node);
		const list = childrenOf.get(parent) ?? [];
		list.push(node);
		childrenOf.set(parent, list);
	}

	const texts: BoardText[] = [];
	const codeBlocks: CodeBlockFile[] = [];
	const reached = new Set<string>();
	const build = (node: WhiteboardNode): ContentNode => {
		reached.add(node.id);
		const type = typeof node.type === 'string' ? node.type : 'unknown';
		const content: ContentNode = { id: node.id, type, children: [] };
		for (const key of ['x', 'y', 'width', 'height'] as const) {
			if (finite(node[key])) content[key] = node[key];
		}
		const text = textOfNode(node);
		if (text !== undefined) {
			content.text = text;
			texts.push({ nodeId: node.id, type, text });
		}
		const code = codeBlockOf(node, whiteboardId, notes);
		if (code) {
			content.codeFile = code.fileName;
			codeBlocks.push(code);
		}
		for (const child of inReadingOrder(childrenOf.get(node.id) ?? [])) {
			if (!reached.has(child.id)) content.children.push(build(child));
		}
		return content;
	};
	const tree = inReadingOrder(childrenOf.get(undefined) ?? []).map(build);
	// Nodes that are each other's parents never hang from a root: show them at the top.
	for (const node of byId.values()) {
		if (reached.has(node.id)) continue;
		notes.push(`node ${node.id} is part of a parent cycle; shown at the top level`);
		tree.push(build(node));
	}
	return { nodeCount: byId.size, tree, texts, codeBlocks, notes };
}

function codeBlockOf(
	node: WhiteboardNode,
	whiteboardId: string,
	notes: string[],
): CodeBlockFile | undefined {
	const syntax = node.syntax;
	if (typeof syntax !== 'object' || syntax === null || typeof syntax.code !== 'string') {
		return undefined;
	}
	const kind = typeof syntax.syntax_type === 'number' ? SYNTAX[syntax.syntax_type] : undefined;
	if (!kind) {
		notes.push(
			`node ${node.id} holds code of syntax_type ${String(syntax.syntax_type)}, neither PlantUML (1) nor Mermaid (2); not exported`,
		);
		return undefined;
	}
	return {
		nodeId: node.id,
		language: kind.language,
		syntaxType: syntax.syntax_type as number,
		fileName: `${fileSafe(whiteboardId)}-${fileSafe(node.id)}.${kind.extension}`,
		mimeType: CODE_MIME_TYPE,
		text: syntax.code,
	};
}
