import type { IBinaryKeyData, IDataObject } from 'n8n-workflow';

import type { ExecutionContext } from '../execution';
import { whiteboardContent, type CodeBlockFile } from '../sources/whiteboard-content';
import { buildRequest } from '../transport/build-request';
import { fetchJson } from '../transport/request';
import type { Handler } from './handler';

/**
 * The binary field of each code block: `mermaid_1`, `mermaid_2`…, `plantuml_1`… numbered per
 * language in reading order, so a workflow can name the field before it has seen the board.
 */
export function codeBlockFields(blocks: CodeBlockFile[]): string[] {
	const counts: Record<string, number> = {};
	return blocks.map((block) => {
		counts[block.language] = (counts[block.language] ?? 0) + 1;
		return `${block.language}_${counts[block.language]}`;
	});
}

async function codeFiles(
	execution: ExecutionContext,
	blocks: CodeBlockFile[],
	fields: string[],
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const [index, block] of blocks.entries()) {
		binary[fields[index]] = await execution.ctx.helpers.prepareBinaryData(
			Buffer.from(block.text, 'utf8'),
			block.fileName,
			block.mimeType,
		);
	}
	return binary;
}

/**
 * `handler: 'whiteboardContent'`: the board's nodes (one request, no paging) → one item: the
 * tree rebuilt from parent_id / children, the texts in reading order, and every Mermaid or
 * PlantUML code block as a text file of its own (.mmd / .puml) in a binary field.
 */
export const getWhiteboardContent: Handler = async (execution, operation, item) => {
	const whiteboardId = String(item.values.whiteboardId);
	const request = buildRequest(
		operation.endpoint,
		item.values,
		item.itemIndex,
		execution.connection,
	);
	const data = await fetchJson(execution.ctx, request, execution.transport);
	const content = whiteboardContent(data, whiteboardId);
	const fields = codeBlockFields(content.codeBlocks);
	const codeBlocks: IDataObject[] = content.codeBlocks.map((block, index) => ({
		nodeId: block.nodeId,
		language: block.language,
		syntaxType: block.syntaxType,
		fileName: block.fileName,
		binaryField: fields[index],
	}));
	const json: IDataObject = {
		resource: operation.resource,
		operation: operation.operation,
		whiteboardId,
		nodeCount: content.nodeCount,
		text: content.texts.map((t) => t.text).join('\n'),
		texts: content.texts as unknown as IDataObject[],
		codeBlocks,
		tree: content.tree as unknown as IDataObject[],
		notes: content.notes,
	};
	const binary = await codeFiles(execution, content.codeBlocks, fields);
	return [
		{
			json,
			...(fields.length > 0 ? { binary } : {}),
			pairedItem: { item: item.itemIndex },
		},
	];
};
