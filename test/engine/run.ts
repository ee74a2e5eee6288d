/**
 * runNode(): runs one node inside n8n-core's real WorkflowExecute, fed by a test-only source node.
 */
import './env';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialType,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';

import type { BinaryMode } from './binary';
import { useBinaryMode } from './binary';
import { CredentialStore, TestCredentialsHelper } from './credentials-helper';
import { installCapturingLogger } from './logger';
import { ITEMS_SOURCE_TYPE, ItemsSource, TestNodeTypes, defaultTypeVersion } from './node-types';

export interface RunOptions {
	/** e.g. `new FeishuImages()` */
	nodeType: INodeType | IVersionedNodeType;
	/** e.g. `[new FeishuApi()]` */
	credentialTypes: ICredentialType[];
	/** The node's parameters (n8n's Workflow adds the defaults and drops hidden ones). */
	parameters: INodeParameters;
	/** node.credentials, e.g. `{ feishuApi: { id: '1', name: 'Feishu' } }` */
	credentials?: Record<string, { id: string; name: string }>;
	/** Shared across runs, so token persistence can be observed (default: an empty store). */
	store?: CredentialStore;
	/** Input items (default: one empty item). */
	items?: INodeExecutionData[];
	/** Node setting "On Error: Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** 'memory' (default): binaries inline as base64; 'filesystem': n8n's filesystem mode in a temp folder. */
	binaryMode?: BinaryMode;
	/** Node version (default: the type's defaultVersion, else its highest version). */
	typeVersion?: number;
	/** Node name (default: the type's displayName). */
	nodeName?: string;
}

export interface RunResult {
	/** The node's main[0] output (empty array if none). */
	items: INodeExecutionData[];
	/** `runData[node][0].error` when the node failed (else the workflow-level error, if any). */
	error?: ExecutionError;
	/** Every line logged through LoggerProxy / the DI Logger during the run: `level: message {meta JSON}`. */
	logs: string[];
	/** Bytes of `item.binary[property]` (default property `data`), in either binary mode. */
	binaryBuffer(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** The whole run. */
	raw: IRun;
	/** Name and type the node had in the workflow. */
	node: { name: string; type: string };
}

const SOURCE_NODE_NAME = 'Input';
const BASE_URL = 'http://localhost:5678';

let packageName: string | undefined;
/** Community package name, the prefix of node type names (`n8n-nodes-feishu-images.feishuImages`). */
export function getPackageName(): string {
	packageName ??= (
		JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
			name: string;
		}
	).name;
	return packageName;
}

function notSupported(what: string): () => never {
	return () => {
		throw new UnexpectedError(`${what} is not supported by the test engine`);
	};
}

function makeAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: 'test-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: notSupported('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: notSupported('startRunnerTask'),
		logAiEvent: () => {},
	} as IWorkflowExecuteAdditionalData;
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const logger = installCapturingLogger();
	const firstLine = logger.lines.length;

	const binaryService = await useBinaryMode(options.binaryMode ?? 'memory');
	const store = options.store ?? new CredentialStore([]);
	const credentialsHelper = new TestCredentialsHelper(store, options.credentialTypes);

	const { nodeType } = options;
	const typeName = `${getPackageName()}.${nodeType.description.name}`;
	const nodeName = options.nodeName ?? nodeType.description.displayName;
	if (nodeName === SOURCE_NODE_NAME)
		throw new UnexpectedError(`Node name "${SOURCE_NODE_NAME}" is reserved`);
	const nodeTypes = new TestNodeTypes({
		[ITEMS_SOURCE_TYPE]: new ItemsSource(options.items ?? [{ json: {} }]),
		[typeName]: nodeType,
	});

	const nodes: INode[] = [
		{
			id: randomUUID(),
			name: SOURCE_NODE_NAME,
			type: ITEMS_SOURCE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: randomUUID(),
			name: nodeName,
			type: typeName,
			typeVersion: options.typeVersion ?? defaultTypeVersion(nodeType),
			position: [220, 0],
			parameters: structuredClone(options.parameters),
			...(options.credentials ? { credentials: structuredClone(options.credentials) } : {}),
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	const connections: IConnections = {
		[SOURCE_NODE_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
	};

	const workflowId = `engine-test-${randomUUID()}`;
	const executionId = String(Date.now()) + String(Math.floor(Math.random() * 1000));
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: `Engine test: ${nodeName}`,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: structuredClone(nodes),
		connections,
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({
		id: workflowId,
		name: workflowData.name,
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = makeAdditionalData(credentialsHelper, hooks, executionId, workflowId);

	const startNode = workflow.getNode(SOURCE_NODE_NAME) ?? undefined;
	const execute = new WorkflowExecute(additionalData, 'manual');
	// n8n-core 1.x (scripts/compat-n8n1.sh) takes run(workflow, startNode); 2.x an object.
	const runV1 = execute.run as unknown as (w: Workflow, s?: INode) => Promise<IRun>;
	const raw = await (execute.run.length >= 2
		? runV1.call(execute, workflow, startNode)
		: execute.run({ workflow, startNode }));

	const taskData = raw.data.resultData.runData[nodeName]?.[0];
	const items = taskData?.data?.main?.[0] ?? [];
	const error = taskData?.error ?? raw.data.resultData.error;

	return {
		items,
		...(error ? { error } : {}),
		logs: logger.lines.slice(firstLine),
		raw,
		node: { name: nodeName, type: typeName },
		async binaryBuffer(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
			const binary = item.binary?.[property];
			if (!binary) {
				throw new Error(
					`Item has no binary property "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
				);
			}
			return await binaryService.getAsBuffer(binary);
		},
	};
}
