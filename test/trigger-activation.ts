/**
 * n8n's side of the Feishu Images Trigger's trigger(), for specs and benchmarks: one n8n main
 * process that activates workflows with the trigger and opens test listens, the way n8n's
 * ActiveWorkflowManager and manual runs do it: n8n-core's real TriggerContext, run through
 * n8n-core's real TriggersAndPollers.runTriggerFunction (which, for a test listen, swaps `emit`
 * after trigger() returns and resolves on the first event).
 *
 * `emit` of an active workflow records the execution n8n would start, keeping n8n 2.41's
 * deduplication rule as measured: a deduplication key is unique across ALL workflows of the
 * instance, and an emit whose key is already stored starts nothing.
 */
import './engine/env';
import { randomUUID } from 'node:crypto';

import {
	type BinaryDataService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	TriggerContext,
	TriggersAndPollers,
} from 'n8n-core';
import type {
	INode,
	INodeExecutionData,
	INodeParameters,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
	SchedulingFunctions,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import { FeishuImagesTrigger } from '../nodes/FeishuImagesTrigger/FeishuImagesTrigger.node';
import { Container } from './engine/core-deps';
import {
	CredentialStore,
	TestCredentialsHelper,
	TestNodeTypes,
	getPackageName,
	installCapturingLogger,
	useBinaryMode,
} from './engine';

/** The app the credential names: the emulator's (in-process, or in the benchmark's own process). */
export interface FeishuApp {
	baseUrl: string;
	appId: string;
	appSecret: string;
}

export const TRIGGER_TYPE = `${getPackageName()}.feishuImagesTrigger`;
const nodeType = new FeishuImagesTrigger();

/** The trigger's parameters as n8n resolves them on load: defaults filled in, hidden ones dropped. */
export function resolvedTriggerParameters(
	parameters: INodeParameters,
	node?: INode,
): INodeParameters {
	const { description } = nodeType;
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node ?? null,
			description,
		) ?? {}
	);
}

const noScheduling = {
	registerCron: () => {
		throw new UnexpectedError('the Feishu Images Trigger schedules nothing');
	},
	deregisterCron: () => undefined,
} as unknown as SchedulingFunctions;

export interface ActiveWorkflow {
	id: string;
	/** The executions n8n started, each with the items of the trigger's emit. */
	executions: INodeExecutionData[][];
	/** emits n8n dropped because their deduplication key was already stored. */
	droppedByKey: number;
	errors: Error[];
	response: ITriggerResponse;
	/** What deactivating the workflow does: the trigger's closeFunction. */
	close(): Promise<void>;
}

export interface TestListen {
	/** The first event's items (n8n then runs the workflow once and stops listening). */
	event: Promise<INodeExecutionData[][]>;
	close(): Promise<void>;
}

let counter = 0;

export class N8nMain {
	/** n8n's stored deduplication keys: one table for every workflow of the instance. */
	readonly deduplicationKeys = new Set<string>();
	readonly credentialId = `trigger-lc-${process.pid}-${++counter}`;
	private readonly credentialsHelper: TestCredentialsHelper;
	private readonly nodeTypes = new TestNodeTypes({ [TRIGGER_TYPE]: nodeType });
	private readonly triggers = Container.get(TriggersAndPollers);

	private constructor(
		app: FeishuApp,
		readonly binary: BinaryDataService,
	) {
		const store = new CredentialStore([
			{
				id: this.credentialId,
				name: 'Feishu app',
				type: 'feishuApi',
				data: {
					domain: 'custom',
					customBaseUrl: app.baseUrl,
					appId: app.appId,
					appSecret: app.appSecret,
					tenantAccessToken: '',
				},
			},
		]);
		this.credentialsHelper = new TestCredentialsHelper(store, [new FeishuApi()]);
	}

	static async start(app: FeishuApp): Promise<N8nMain> {
		installCapturingLogger();
		return new N8nMain(app, await useBinaryMode('memory'));
	}

	/** A workflow made active: trigger() runs in 'trigger' mode with the 'activate' activation. */
	async activate(parameters: INodeParameters, workflowId = `wf-${randomUUID()}`) {
		const active: ActiveWorkflow = {
			id: workflowId,
			executions: [],
			droppedByKey: 0,
			errors: [],
			response: {},
			close: async () => await active.response.closeFunction?.(),
		};
		const emit = (
			data: INodeExecutionData[][],
			_response?: unknown,
			_done?: unknown,
			deduplicationKey?: string,
		) => {
			if (deduplicationKey !== undefined) {
				if (this.deduplicationKeys.has(deduplicationKey)) {
					active.droppedByKey++;
					return;
				}
				this.deduplicationKeys.add(deduplicationKey);
			}
			active.executions.push(data[0]);
		};
		active.response = await this.run(parameters, workflowId, 'trigger', 'activate', emit, (e) =>
			active.errors.push(e),
		);
		return active;
	}

	/** "Listen for test event" in the editor: 'manual' mode, n8n's emit swapped in by n8n-core. */
	async listenForTest(parameters: INodeParameters, workflowId = `wf-${randomUUID()}`) {
		const response = await this.run(
			parameters,
			workflowId,
			'manual',
			'manual',
			() => {
				throw new UnexpectedError('n8n-core swaps a test listen’s emit after trigger()');
			},
			() => undefined,
		);
		const listen: TestListen = {
			event: response.manualTriggerResponse ?? Promise.reject(new Error('no manual response')),
			close: async () => await response.closeFunction?.(),
		};
		return listen;
	}

	/** The bytes of an emitted binary. */
	async bytes(item: INodeExecutionData, field = 'data'): Promise<Buffer> {
		const binary = item.binary?.[field];
		if (!binary) throw new Error(`no binary field ${field}`);
		return await this.binary.getAsBuffer(binary);
	}

	private async run(
		parameters: INodeParameters,
		workflowId: string,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
		emit: TriggerContext['emit'],
		emitError: (error: Error) => void,
	): Promise<ITriggerResponse> {
		const node: INode = {
			id: randomUUID(),
			name: 'Feishu Images Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: {},
			credentials: { feishuApi: { id: this.credentialId, name: 'Feishu app' } },
		};
		node.parameters = resolvedTriggerParameters(parameters, node);
		const workflow = new Workflow({
			id: workflowId,
			name: 'Pictures sent to the bot',
			nodes: [node],
			connections: {},
			active: mode === 'trigger',
			nodeTypes: this.nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		const now = new Date();
		const hooks = new ExecutionLifecycleHooks(mode, `exec-${randomUUID()}`, {
			id: workflowId,
			name: workflow.name ?? '',
			active: mode === 'trigger',
			isArchived: false,
			activeVersionId: null,
			createdAt: now,
			updatedAt: now,
			nodes: [node],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const base = 'http://localhost:5678';
		const additionalData = {
			credentialsHelper: this.credentialsHelper,
			hooks,
			workflowId,
			userId: 'test-user',
			currentNodeExecutionIndex: 0,
			restApiUrl: `${base}/rest`,
			instanceBaseUrl: `${base}/`,
			webhookBaseUrl: `${base}/webhook`,
			webhookWaitingBaseUrl: `${base}/webhook-waiting`,
			webhookTestBaseUrl: `${base}/webhook-test`,
			formWaitingBaseUrl: `${base}/form-waiting`,
			variables: {},
			externalSecretsProxy: new ExternalSecretsProxy(),
			logAiEvent: () => undefined,
		} as unknown as IWorkflowExecuteAdditionalData;
		const response = await this.triggers.runTriggerFunction(
			workflow,
			node,
			(wf, n, data, m, a) =>
				new TriggerContext(wf, n, data, m, a, emit, emitError, () => undefined, noScheduling),
			additionalData,
			mode,
			activation,
		);
		return response ?? {};
	}
}
