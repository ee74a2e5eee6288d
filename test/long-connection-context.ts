/**
 * A trigger's context for the long-connection specs: n8n-core's real TriggerContext (real
 * `helpers.httpRequest`, credentials through the test credentials helper), on a stand-in node
 * type that declares the Feishu API credential as the trigger does. `emitted` and `errors`
 * record what reaches emit / emitError.
 */
import './engine/env';
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, TriggerContext } from 'n8n-core';
import type {
	INode,
	INodeType,
	ITriggerFunctions,
	IWorkflowExecuteAdditionalData,
	SchedulingFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, UnexpectedError, Workflow } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import {
	CredentialStore,
	TestCredentialsHelper,
	TestNodeTypes,
	installCapturingLogger,
} from './engine';

const TYPE_NAME = 'n8n-nodes-feishu-images.longConnectionStandIn';

/** Declares the credential exactly as the trigger node does; never executed. */
class LongConnectionStandIn implements INodeType {
	description = {
		displayName: 'Long Connection Stand-in Trigger',
		name: 'longConnectionStandIn',
		group: ['trigger'],
		version: 1,
		description: 'Test-only',
		defaults: { name: 'Feishu Images Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'feishuApi', required: true }],
		properties: [],
	} as INodeType['description'];
}

export interface AppCredential {
	baseUrl: string;
	appId: string;
	appSecret: string;
}

export interface TestTrigger {
	ctx: ITriggerFunctions;
	errors: Error[];
	logs: string[];
}

const noScheduling: SchedulingFunctions = {
	registerCron: () => {
		throw new UnexpectedError('no cron in these specs');
	},
	deregisterCron: () => undefined,
} as unknown as SchedulingFunctions;

let counter = 0;

export function triggerContext(app: AppCredential): TestTrigger {
	const logger = installCapturingLogger();
	const firstLine = logger.lines.length;
	const credentialId = `lc-${process.pid}-${++counter}`;
	const store = new CredentialStore([
		{
			id: credentialId,
			name: 'Feishu long connection app',
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
	const credentialsHelper = new TestCredentialsHelper(store, [new FeishuApi()]);
	const node: INode = {
		id: randomUUID(),
		name: 'Feishu Images Trigger',
		type: TYPE_NAME,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { feishuApi: { id: credentialId, name: 'Feishu long connection app' } },
	};
	const workflowId = `lc-workflow-${counter}`;
	const workflow = new Workflow({
		id: workflowId,
		name: 'Long connection spec',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: new TestNodeTypes({ [TYPE_NAME]: new LongConnectionStandIn() }),
		settings: { executionOrder: 'v1' },
	});
	const now = new Date();
	const hooks = new ExecutionLifecycleHooks('trigger', `lc-${counter}`, {
		id: workflowId,
		name: workflow.name ?? '',
		active: true,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	const additionalData = {
		credentialsHelper,
		hooks,
		workflowId,
		userId: 'test-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		logAiEvent: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	const errors: Error[] = [];
	const ctx = new TriggerContext(
		workflow,
		node,
		additionalData,
		'trigger',
		'activate',
		() => {
			throw new UnexpectedError('the long connection never calls emit itself');
		},
		(error: Error) => errors.push(error),
		() => undefined,
		noScheduling,
	);
	return {
		ctx,
		errors,
		get logs() {
			return logger.lines.slice(firstLine);
		},
	};
}
