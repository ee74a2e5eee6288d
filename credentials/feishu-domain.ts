import type { INodeProperties } from 'n8n-workflow';

/** Where both Feishu credentials send their requests: Feishu, Lark, or a private deployment. */
export const domainProperties: INodeProperties[] = [
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'options',
		options: [
			{ name: 'Feishu (open.feishu.cn)', value: 'https://open.feishu.cn' },
			{ name: 'Lark (open.larksuite.com)', value: 'https://open.larksuite.com' },
			{ name: 'Custom Base URL', value: 'custom' },
		],
		default: 'https://open.feishu.cn',
	},
	{
		displayName: 'Base URL',
		name: 'customBaseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://open.example.com',
		description: 'Root URL of a private Feishu deployment, without /open-apis',
		displayOptions: { show: { domain: ['custom'] } },
	},
];

export const feishuIcon = {
	light: 'file:../nodes/FeishuImages/feishu.svg',
	dark: 'file:../nodes/FeishuImages/feishu.dark.svg',
} as const;
