/**
 * What every spec needs: the Feishu emulator, a stored Feishu API credential, and a way to
 * run the Feishu Images node inside n8n's engine against them.
 */
import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FeishuApi } from '../../credentials/FeishuApi.credentials';
import { FeishuOAuth2Api } from '../../credentials/FeishuOAuth2Api.credentials';
import { findOperation, type FeishuOperation } from '../../nodes/FeishuImages/catalogue';
import { FeishuImages } from '../../nodes/FeishuImages/FeishuImages.node';
import { userKindOf } from '../../nodes/FeishuImages/parameter-kinds';
import { FeishuEmulator, type EmulatorOptions } from '../emulator';
import { CredentialStore, OAuth2ApiStandIn, runNode, type RunResult } from '../engine';

let harnessCount = 0;

export interface Harness {
	emulator: FeishuEmulator;
	/** Unique per harness: the node keeps per-credential state (token gate, pacing) for the process. */
	credentialId: string;
	store: CredentialStore;
	run(parameters: INodeParameters, options?: RunExtras): Promise<RunResult>;
	/** Every string a run could leak a secret into: output, error, logs. */
	everything(result: RunResult): string;
	secrets(): string[];
	close(): Promise<void>;
}

export interface RunExtras {
	/** Which credentials the node has; default the harness's Feishu API credential. */
	credentials?: Record<string, { id: string; name: string }>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	binaryMode?: 'memory' | 'filesystem';
}

export function credentialData(emulator: FeishuEmulator, overrides: Record<string, string> = {}) {
	return {
		domain: 'custom',
		customBaseUrl: emulator.baseUrl,
		appId: emulator.appId,
		appSecret: emulator.appSecret,
		helpdeskId: emulator.helpdeskId,
		helpdeskToken: emulator.helpdeskToken,
		tenantAccessToken: '',
		...overrides,
	};
}

export async function startHarness(
	emulatorOptions: EmulatorOptions = {},
	credentialOverrides: Record<string, string> = {},
): Promise<Harness> {
	const emulator = await FeishuEmulator.start(emulatorOptions);
	const credentialId = `cred-${process.pid}-${++harnessCount}`;
	const store = new CredentialStore([
		{
			id: credentialId,
			name: 'Feishu test app',
			type: 'feishuApi',
			data: credentialData(emulator, credentialOverrides),
		},
		{
			id: `${credentialId}-user`,
			name: 'Feishu test user',
			type: 'feishuOAuth2Api',
			data: {
				domain: 'custom',
				customBaseUrl: emulator.baseUrl,
				clientId: emulator.appId,
				clientSecret: emulator.appSecret,
				scope:
					'offline_access board:whiteboard:node:read docx:document:readonly baike:entity:readonly docs:document.media:download',
			},
		},
	]);
	return {
		emulator,
		credentialId,
		store,
		async run(parameters, extras = {}) {
			return await runNode({
				nodeType: new FeishuImages(),
				credentialTypes: [new FeishuApi(), new FeishuOAuth2Api(), new OAuth2ApiStandIn()],
				parameters,
				credentials: extras.credentials ?? {
					feishuApi: { id: credentialId, name: 'Feishu test app' },
				},
				store,
				items: extras.items,
				continueOnFail: extras.continueOnFail,
				binaryMode: extras.binaryMode,
			});
		},
		everything(result) {
			return JSON.stringify({
				items: result.items,
				error: serializeError(result.error),
				logs: result.logs,
			});
		},
		secrets() {
			return [emulator.appSecret, emulator.helpdeskToken, ...emulator.issuedTokens];
		},
		async close() {
			await emulator.close();
		},
	};
}

function serializeError(error: unknown): unknown {
	if (!error || typeof error !== 'object') return error;
	const e = error as Record<string, unknown>;
	return {
		...e,
		message: e.message,
		description: e.description,
		stack: e.stack,
		cause: serializeError(e.cause),
	};
}

/** Node parameters for one operation; IDs go in as resource locators, as the UI stores them. */
export function whiteboard(id: string, options: Record<string, unknown> = {}): INodeParameters {
	return {
		resource: 'whiteboard',
		operation: 'downloadAsImage',
		whiteboardId: locator(id),
		options,
	} as INodeParameters;
}

export function messageImage(key: string, options: Record<string, unknown> = {}): INodeParameters {
	return {
		resource: 'messageImage',
		operation: 'download',
		imageKey: locator(key),
		options,
	} as INodeParameters;
}

export function ticketImage(
	ticketId: string,
	messageId: string,
	options: Record<string, unknown> = {},
): INodeParameters {
	return {
		resource: 'helpdeskTicketImage',
		operation: 'download',
		ticketId: locator(ticketId),
		messageId: locator(messageId),
		options,
	} as INodeParameters;
}

export function locator(value: string) {
	return { __rl: true, mode: 'id', value };
}

/** n input items, each carrying the value an expression can pick up as `$json.id`. */
export function itemsWithIds(ids: string[]): INodeExecutionData[] {
	return ids.map((id) => ({ json: { id } }));
}

/** Fast retries in tests: backoff is exercised, not waited out. */
export const FAST = { retries: 3 } as const;

/**
 * Node parameters for an operation, as the editor stores them (each parameter kind says how:
 * IDs as resource locators, choices as values, index parameters in Options). `values` by n8n
 * parameter name.
 */
export function parametersFor(
	operation: FeishuOperation,
	values: Record<string, string | number>,
	options: Record<string, unknown> = {},
): INodeParameters {
	const parameters: Record<string, unknown> = {
		resource: operation.resource,
		operation: operation.operation,
	};
	const allOptions: Record<string, unknown> = { ...options };
	for (const p of operation.endpoint.parameters) {
		const value = values[p.name];
		const kind = userKindOf(p);
		if (value === undefined || !kind) continue;
		(kind.place === 'option' ? allOptions : parameters)[p.name] = kind.stored(value);
	}
	return { ...parameters, options: allOptions } as INodeParameters;
}

const operationOf = (resource: string, operation: string) =>
	findOperation(resource, operation) as FeishuOperation;

/** Dictionary → Download (Lingo), the default dictionary operation. */
export function lingoImage(token: string, options: Record<string, unknown> = {}): INodeParameters {
	return parametersFor(
		operationOf('dictionaryImage', 'downloadLingo'),
		{ fileToken: token },
		options,
	);
}

/** Dictionary → Download (Baike, Legacy). */
export function baikeImage(token: string, options: Record<string, unknown> = {}): INodeParameters {
	return parametersFor(operationOf('dictionaryImage', 'download'), { fileToken: token }, options);
}

/** Message → Download Resource. */
export function messageResource(
	messageId: string,
	fileKey: string,
	resourceType: 'image' | 'file',
	options: Record<string, unknown> = {},
): INodeParameters {
	return parametersFor(
		operationOf('message', 'downloadResource'),
		{ messageId, fileKey, resourceType },
		options,
	);
}

/** Document → Download All Whiteboards. */
export function documentWhiteboards(
	documentId: string,
	options: Record<string, unknown> = {},
): INodeParameters {
	return parametersFor(operationOf('document', 'downloadWhiteboards'), { documentId }, options);
}

/** A resource locator in "By URL" mode, as the editor stores a pasted link. */
export function byUrl(value: string) {
	return { __rl: true, mode: 'url', value };
}

/** A node's parameters as n8n resolves them on load: defaults filled in, hidden ones dropped. */
export function resolvedParameters(node: INode): INodeParameters {
	const description = new FeishuImages().description;
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters,
			true,
			false,
			node,
			description,
		) ?? {}
	);
}
