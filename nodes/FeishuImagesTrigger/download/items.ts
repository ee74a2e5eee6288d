import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ReceivedMessage } from '../events';
import type { OutputMode } from '../settings';
import type { FetchedResource } from './fetch-resources';

/** What every item says about the message it came from. */
function messageFields(message: ReceivedMessage): IDataObject {
	return {
		eventId: message.eventId,
		messageId: message.messageId,
		chatId: message.chatId,
		chatType: message.chatType,
		messageType: message.messageType,
		sender: { ...message.sender },
		...(message.createTime ? { createTime: message.createTime } : {}),
	};
}

/** One file's description: its key, kind, place, and what arrived (or why not). */
function fileFields(fetched: FetchedResource): IDataObject {
	const { resource } = fetched;
	const base: IDataObject = {
		fileKey: resource.fileKey,
		kind: resource.kind,
		resourceType: resource.type,
		position: resource.position,
	};
	if (fetched.failure) return { ...base, ...fetched.failure };
	const { binary, sha256, size } = fetched.stored;
	return {
		...base,
		fileName: binary.fileName ?? resource.fileName ?? null,
		mimeType: binary.mimeType,
		size,
		sha256,
	};
}

/** `data`, `data_1`, `data_2`… for the files of one message. */
export function binaryFieldName(base: string, index: number): string {
	return index === 0 ? base : `${base}_${index}`;
}

/** The message without files: its fields, its content and the resources it names. */
function messageOnlyItem(message: ReceivedMessage): INodeExecutionData {
	return {
		json: {
			...messageFields(message),
			content: message.content,
			resources: message.resources.map((r) => ({ ...r })),
		},
	};
}

/** The items the trigger emits for one message, in the chosen output mode. */
export function itemsFor(
	message: ReceivedMessage,
	fetched: FetchedResource[],
	output: OutputMode,
	binaryPropertyName: string,
): INodeExecutionData[] {
	if (output === 'messageOnly') return [messageOnlyItem(message)];
	if (output === 'file') {
		return fetched.map((file) => ({
			json: { ...messageFields(message), ...fileFields(file) },
			...(file.stored ? { binary: { [binaryPropertyName]: file.stored.binary } } : {}),
		}));
	}
	const binary: Record<string, IBinaryData> = {};
	const files: IDataObject[] = [];
	let field = 0;
	for (const file of fetched) {
		const fields = fileFields(file);
		if (file.stored) {
			const name = binaryFieldName(binaryPropertyName, field++);
			binary[name] = file.stored.binary;
			fields.binaryField = name;
		}
		files.push(fields);
	}
	return [
		{
			json: { ...messageFields(message), content: message.content, files },
			...(field > 0 ? { binary } : {}),
		},
	];
}
