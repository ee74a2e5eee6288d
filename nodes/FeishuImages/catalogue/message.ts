/** Message: an image or file someone sent in a chat. */
import { IM_TENANT_STORAGE_CODES } from './message-image';
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

export const MESSAGE_RESOURCE: FeishuEndpoint = {
	key: 'messageResource',
	name: 'Message Resource',
	method: 'GET',
	path: '/open-apis/im/v1/messages/{message_id}/resources/{file_key}',
	parameters: [
		{
			name: 'messageId',
			label: 'Message ID',
			apiName: 'message_id',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The message that carries the resource (om_…), e.g. from a message event or "list messages"',
			placeholder: 'om_dc13264520392913993dd051dba21dcf',
		},
		{
			name: 'fileKey',
			label: 'File Key',
			apiName: 'file_key',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The key in the message content: image_key (img_…) of an image, file_key (file_…) of a file',
			placeholder: 'img_v2_041b28e3-5680-48c2-9af2-497ace79333g',
		},
		{
			name: 'resourceType',
			label: 'Resource Type',
			apiName: 'type',
			in: 'query',
			kind: 'choice',
			required: true,
			description:
				'Image for image keys (also images inside rich-text messages); File for files, audio and video',
			choices: [
				{ name: 'Image', value: 'image' },
				{ name: 'File', value: 'file', description: 'Files, audio and video' },
			],
		},
	],
	// The whole-file cap (234037) is of unknown size: files always go in ranges, as Lark's CLI does.
	ranges: { onlyWhen: { query: 'type', values: ['file'] } },
	tokenKinds: ['tenant'],
	scopes: ['im:message', 'im:message:readonly', 'im:message.history:readonly'],
	rateLimits: [
		{ requests: 50, perMs: 1000 },
		{ requests: 1000, perMs: 60_000 },
	],
	docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/message/get-2',
	codes: {
		230110: {
			httpStatus: 400,
			msg: 'Action unavailable as the message has been deleted.',
			hint: 'The message was deleted, and its files with it.',
			kind: 'fatal',
		},
		234001: {
			httpStatus: 400,
			msg: 'Invalid request param.',
			hint: 'Check the message ID, the file key and the resource type.',
			kind: 'fatal',
		},
		234002: {
			httpStatus: 401,
			msg: 'Unauthorized.',
			hint: 'Authentication failed. Check the Feishu API credential.',
			kind: 'fatal',
		},
		234003: {
			httpStatus: 400,
			msg: 'File not in message.',
			hint: 'The file key does not belong to this message. Take both from the same message content.',
			kind: 'fatal',
		},
		234004: {
			httpStatus: 400,
			msg: 'App not in chat.',
			hint: "Add the app's bot to the chat the message was sent in.",
			kind: 'fatal',
		},
		234009: {
			httpStatus: 400,
			msg: 'Lack of necessary permissions.',
			hint: 'The app may not read this message. Check that its bot is in the chat and that the app has one of the scopes below.',
			kind: 'scopeMissing',
		},
		234019: {
			httpStatus: 400,
			msg: 'scope CheckAppTenant fail.',
			hint: "The message belongs to another tenant than the app. Use an app of the message's tenant.",
			kind: 'fatal',
		},
		234037: {
			httpStatus: 400,
			msg: 'Downloaded file size exceeds limit.',
			hint: 'The file is over what Feishu serves in one request. The node fetches such files in ranges (HTTP Range); Feishu refused the ranges of this one too.',
			kind: 'fatal',
		},
		234038: {
			httpStatus: 400,
			msg: 'Do not allow downloading of message resources in restricted mode.',
			hint: "The chat is in restricted mode, which forbids downloading its files. Ask the chat's owner to turn it off.",
			kind: 'fatal',
		},
		234040: {
			httpStatus: 400,
			msg: 'The message is invisible to the operator.',
			hint: 'The bot cannot see this message (for example it was sent before the bot joined the chat).',
			kind: 'fatal',
		},
		...IM_TENANT_STORAGE_CODES,
		234043: {
			httpStatus: 400,
			msg: 'Unsupported message type.',
			hint: 'Stickers, cards and merged-forward messages have no downloadable resource through this API.',
			kind: 'fatal',
		},
	},
};

export const MESSAGE_RESOURCE_DOWNLOAD: FeishuOperation = {
	resource: 'message',
	resourceName: 'Message',
	operation: 'downloadResource',
	operationName: 'Download Resource',
	action: 'Download an image or file from a message',
	description:
		'Download an image or file that someone sent in a chat (files of any size, in ranges; the bot must be in that chat)',
	endpoint: MESSAGE_RESOURCE,
	handler: 'file',
	fileNameFrom: ['fileKey'],
};

export const MESSAGE_ROWS: ResourceRows = {
	endpoints: [MESSAGE_RESOURCE],
	operations: [MESSAGE_RESOURCE_DOWNLOAD],
};
