import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { APP_ONLY_RESOURCES } from './catalogue';
import { nodeProperties } from './description';
import { route } from './router';

export class FeishuImages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Feishu Images',
		name: 'feishuImages',
		icon: { light: 'file:feishu.svg', dark: 'file:feishu.dark.svg' },
		group: ['input'],
		// The node's "Docs" link in the editor: how to set up the app, the scopes and each operation.
		documentationUrl: 'https://github.com/n8n-nodes-feishu-images/n8n-nodes-feishu-images#readme',
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Download images and files from Feishu / Lark as binary files: whiteboards (one, or all in a docx document), images and files sent in chats, helpdesk ticket images, dictionary images',
		defaults: {
			name: 'Feishu Images',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Hide conditions only: with `show` conditions n8n's editor folds Authentication into one
		// credential select that preselects the newest credential of either type (description.ts).
		credentials: [
			{
				name: 'feishuApi',
				required: true,
				displayOptions: { hide: { authentication: ['userToken'] } },
			},
			{
				name: 'feishuOAuth2Api',
				required: true,
				displayOptions: {
					hide: { authentication: ['tenantToken'], resource: APP_ONLY_RESOURCES },
				},
			},
		],
		properties: nodeProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this);
	}
}
