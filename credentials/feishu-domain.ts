import type { INodeProperties } from 'n8n-workflow';

import {
	CUSTOM_DOMAIN,
	FEISHU_ORIGIN,
	LARK_ORIGIN,
} from '../nodes/FeishuImages/transport/platform';

/** Where both Feishu credentials send their requests: Feishu, Lark, or a private deployment. */
export const domainProperties: INodeProperties[] = [
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'options',
		options: [
			{ name: 'Feishu (open.feishu.cn)', value: FEISHU_ORIGIN },
			{ name: 'Lark (open.larksuite.com)', value: LARK_ORIGIN },
			{ name: 'Custom Base URL', value: CUSTOM_DOMAIN },
		],
		default: FEISHU_ORIGIN,
	},
	{
		displayName: 'Base URL',
		name: 'customBaseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://open.example.com',
		description:
			'Root URL of a private Feishu deployment, e.g. https://open.example.com (a trailing /open-apis is ignored)',
		displayOptions: { show: { domain: [CUSTOM_DOMAIN] } },
	},
];

export const feishuIcon = {
	light: 'file:../nodes/FeishuImages/feishu.svg',
	dark: 'file:../nodes/FeishuImages/feishu.dark.svg',
} as const;
