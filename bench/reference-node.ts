/**
 * The "n8n floor" of phase 1: the least a node can do to turn an ID into a binary item the
 * n8n way — one expression read per item, n8n's authenticated request helper (same Feishu
 * API credential, same token handling by n8n), n8n's binary helper on the response stream,
 * same concurrency — and nothing else: no pacing, token gate, retries, validation, naming or
 * error mapping. The gap between it and the axios loop is the platform's (engine, expressions,
 * credential resolution, n8n's HTTP stack, binary store); the gap between the Feishu Images
 * node and it is the node's own code.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

export class ReferenceDownload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reference Download',
		name: 'benchReferenceDownload',
		group: ['input'],
		version: 1,
		description:
			'Benchmark only: GET one Feishu message image per item with n8n helpers and nothing else',
		defaults: { name: 'Reference Download' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'feishuApi', required: true }],
		properties: [
			{ displayName: 'Image Key', name: 'imageKey', type: 'string', default: '' },
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 16 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials('feishuApi');
		const baseUrl = String(credentials.customBaseUrl);
		const concurrency = this.getNodeParameter('concurrency', 0) as number;
		const results: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const itemIndex = next++;
				const key = this.getNodeParameter('imageKey', itemIndex) as string;
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'feishuApi', {
					method: 'GET',
					url: `${baseUrl}/open-apis/im/v1/images/${encodeURIComponent(key)}`,
					encoding: 'stream',
					returnFullResponse: true,
				})) as {
					body: Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
					headers: Record<string, string>;
				};
				const binary = await this.helpers.prepareBinaryData(
					response.body,
					`${key}.png`,
					response.headers['content-type'],
				);
				results[itemIndex] = {
					json: { imageKey: key },
					binary: { data: binary },
					pairedItem: { item: itemIndex },
				};
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
		return [results];
	}
}
