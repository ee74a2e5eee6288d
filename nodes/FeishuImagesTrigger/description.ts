import type { INodeProperties } from 'n8n-workflow';

const webhookOnly = { show: { receiveVia: ['webhook'] } };
const longConnectionOnly = { show: { receiveVia: ['longConnection'] } };

/** Defaults are literals (n8n's lint reads them); settings.ts DEFAULTS holds the same values. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Receive Events Via',
		name: 'receiveVia',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Long Connection',
				value: 'longConnection',
				description:
					'Feishu custom apps (企业自建应用): no public URL needed, works behind NAT; what Feishu recommends',
			},
			{
				name: 'Webhook',
				value: 'webhook',
				description:
					"Lark international, store apps, or by choice: Feishu POSTs each event to this workflow's URL",
			},
		],
		default: 'longConnection',
	},
	{
		displayName:
			'In the Feishu developer console: Events & Callbacks → Event Configuration → "Receive events through persistent connection", save while this workflow is active, then add the event "Message received" (im.message.receive_v1) and publish a new app version.',
		name: 'longConnectionNotice',
		type: 'notice',
		default: '',
		displayOptions: longConnectionOnly,
	},
	{
		displayName:
			'In the Feishu developer console: Events & Callbacks → Event Configuration → "Send events to developer server", paste the Production URL above as the Request URL (Feishu checks it at once, so activate the workflow first), add the event "Message received" (im.message.receive_v1) and publish a new app version. Copy the Verification Token and Encrypt Key from Events & Callbacks → Encryption Strategy into the Feishu API credential: with an Encrypt Key every request is signature-checked and anything forged gets 401.',
		name: 'webhookNotice',
		type: 'notice',
		default: '',
		displayOptions: webhookOnly,
	},
	{
		displayName:
			'Scopes: the event needs im:message.p2p_msg:readonly for messages sent to the bot, and im:message.group_msg for pictures and files posted in groups (an image or file message cannot @mention the bot, so im:message.group_at_msg:readonly does not deliver them). Downloading the files needs im:message or im:message:readonly (or im:message.history:readonly).',
		name: 'scopesNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Item per File',
				value: 'file',
				description:
					'Each picture or file downloaded, in its own item, in the order of the message',
			},
			{
				name: 'One Item per Message',
				value: 'message',
				description: 'Every file of the message in its own binary field: data, data_1, data_2…',
			},
			{
				name: 'Message Only',
				value: 'messageOnly',
				description: 'The message and its file keys, nothing downloaded',
			},
		],
		default: 'file',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Chat IDs',
				name: 'chatIds',
				type: 'string',
				default: '',
				placeholder: 'oc_a0553eda9014c201e6969b478895c230, oc_…',
				description: 'Only messages in these chats (comma-separated oc_… IDs)',
			},
			{
				displayName: 'Chat Types',
				name: 'chatTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Direct Message (P2p)', value: 'p2p' },
					{ name: 'Group', value: 'group', description: 'Needs the im:message.group_msg scope' },
				],
				default: [],
				description: 'Only messages in these kinds of chat',
			},
			{
				displayName: 'Message Types',
				name: 'messageTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'File', value: 'file' },
					{ name: 'Image', value: 'image' },
					{ name: 'Rich Text (Post)', value: 'post', description: 'Its images and videos' },
					{ name: 'Video (Media)', value: 'media', description: 'The video and its cover image' },
				],
				default: [],
				description:
					'Only these kinds of message (stickers, cards and forwarded bundles never carry files Feishu can serve)',
			},
			{
				displayName: 'Sender Types',
				name: 'senderTypes',
				type: 'multiOptions',
				options: [
					{ name: 'User', value: 'user' },
					{ name: 'App (Bot)', value: 'app' },
				],
				default: [],
				description: 'Only messages from these kinds of sender',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { hide: { output: ['messageOnly'] } },
		options: [
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description:
					'The binary field of each file; with one item per message the next files go in [field]_1, [field]_2…',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description: 'Extra attempts for a file after a transient fault or rate limit',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60000,
				description: 'Time in ms to wait for each file',
			},
		],
	},
];
