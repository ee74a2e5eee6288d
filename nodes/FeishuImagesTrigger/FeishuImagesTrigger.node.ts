import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { triggerProperties } from './description';
import { startListening } from './listen';
import { receiveWebhook } from './webhook';
import { FEISHU_WEBHOOK } from './webhook-description';

export class FeishuImagesTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Feishu Images Trigger',
		name: 'feishuImagesTrigger',
		icon: {
			light: 'file:../FeishuImages/feishu.svg',
			dark: 'file:../FeishuImages/feishu.dark.svg',
		},
		group: ['trigger'],
		documentationUrl: 'https://github.com/n8n-nodes-feishu-images/n8n-nodes-feishu-images#readme',
		version: 1,
		subtitle: '={{$parameter["receiveVia"] === "webhook" ? "Webhook" : "Long connection"}}',
		description:
			'Starts the workflow when a picture or file is sent to the bot in Feishu / Lark, with the files downloaded as binary items',
		defaults: {
			name: 'Feishu Images Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'feishuApi', required: true }],
		webhooks: [FEISHU_WEBHOOK],
		properties: triggerProperties,
	};

	// Feishu has no API to register the request URL: the user pastes it into the console.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWebhook(this);
	}

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await startListening(this);
	}
}
