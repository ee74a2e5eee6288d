/**
 * n8n's webhook endpoint for one active workflow with the Feishu Images Trigger, for the
 * webhook specs and benchmarks: a plain node:http server that keeps the raw body as n8n's body
 * parser does, builds n8n-core's real WebhookContext as n8n's WebhookService does, calls the
 * node's webhook() and records the run n8n would start.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExternalSecretsProxy, WebhookContext } from 'n8n-core';
import type {
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FeishuImagesTrigger } from '../nodes/FeishuImagesTrigger/FeishuImagesTrigger.node';
import { TestCredentialsHelper, TestNodeTypes, getPackageName } from './engine';

/** What n8n's webhook endpoint did with one request. */
export interface Served {
	status: number;
	/** The items of the run n8n starts, when webhook() returned workflowData. */
	emitted?: INodeExecutionData[];
	error?: unknown;
}

/**
 * n8n's side of one active workflow with the trigger: an HTTP server that keeps the raw body
 * (n8n's body parser: `rawBody`, `readRawBody()`), builds the WebhookContext as n8n's
 * WebhookService does, calls webhook(), and records the run it would start.
 */
export class N8nWebhookEndpoint {
	readonly served: Served[] = [];
	/** Requests still inside webhook() (downloading after the 200). */
	private readonly inFlight = new Set<Promise<void>>();
	/** Makes n8n slow to get to the request (a busy main), in ms. */
	delayMs = 0;
	private readonly server: Server;
	private readonly workflow: Workflow;
	private readonly node: INode;
	private readonly nodeType = new FeishuImagesTrigger();

	constructor(
		parameters: INodeParameters,
		private readonly credentialsHelper: TestCredentialsHelper,
		credentialId: string,
	) {
		const type = `${getPackageName()}.feishuImagesTrigger`;
		this.node = {
			id: randomUUID(),
			name: 'Feishu Images Trigger',
			type,
			typeVersion: 1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters,
			credentials: { feishuApi: { id: credentialId, name: 'Feishu test app' } },
		};
		this.workflow = new Workflow({
			id: `wf-${randomUUID()}`,
			name: 'Pictures sent to the bot',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: new TestNodeTypes({ [type]: this.nodeType }),
			settings: { executionOrder: 'v1' },
		});
		this.server = createServer((req, res) => {
			const handling = this.handle(req, res).finally(() => this.inFlight.delete(handling));
			this.inFlight.add(handling);
		});
	}

	/** Waits until every request has left webhook(): Feishu's 200 leaves before the downloads. */
	async settled(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
	}

	/** The runs started so far, once every request is through webhook(). */
	async runs(): Promise<INodeExecutionData[][]> {
		await this.settled();
		return this.served.flatMap((s) => (s.emitted ? [s.emitted] : []));
	}

	async listen(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		return `http://127.0.0.1:${port}/webhook/${this.node.webhookId}/feishu`;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}

	private additionalData(
		req: IncomingMessage,
		res: ServerResponse,
	): IWorkflowExecuteAdditionalData {
		const base = 'http://localhost:5678';
		return {
			credentialsHelper: this.credentialsHelper,
			executionId: undefined,
			workflowId: this.workflow.id,
			currentNodeExecutionIndex: 0,
			restApiUrl: `${base}/rest`,
			instanceBaseUrl: `${base}/`,
			formBaseUrl: `${base}/form`,
			formWaitingBaseUrl: `${base}/form-waiting`,
			formTestBaseUrl: `${base}/form-test`,
			webhookBaseUrl: `${base}/webhook`,
			webhookWaitingBaseUrl: `${base}/webhook-waiting`,
			webhookTestBaseUrl: `${base}/webhook-test`,
			variables: {},
			externalSecretsProxy: new ExternalSecretsProxy(),
			httpRequest: req,
			httpResponse: res,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
		// n8n's body parser: the raw bytes kept, JSON parsed from them.
		const raw = Buffer.concat(chunks);
		let body: unknown = {};
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {}
		Object.assign(req, { rawBody: raw, readRawBody: async () => {}, body, params: {}, query: {} });
		const served: Served = { status: 0 };
		this.served.push(served);
		const webhookData = {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${this.node.webhookId}/feishu`,
			webhookDescription: this.nodeType.description.webhooks?.[0],
			workflowId: this.workflow.id,
			webhookId: this.node.webhookId,
		} as unknown as IWebhookData;
		res.on('finish', () => (served.status = res.statusCode));
		try {
			const context = new WebhookContext(
				this.workflow,
				this.node,
				this.additionalData(req, res),
				'webhook',
				webhookData,
				[],
				null,
			);
			const result = await this.nodeType.webhook.call(context);
			if (!result.noWebhookResponse) res.writeHead(200).end();
			if (result.workflowData) served.emitted = result.workflowData[0];
		} catch (error) {
			// What n8n does when webhook() throws before answering: a 500 (Feishu then retries).
			served.error = error;
			if (!res.headersSent) res.writeHead(500).end();
		}
	}
}
