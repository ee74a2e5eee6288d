/**
 * A credential's Test button, as n8n's credentials tester runs it: a temporary declarative
 * node whose one property routes the credential's `test.request`, run by n8n-core's
 * RoutingNode (inside the engine, so `={{…}}` goes through n8n's expression engine); then the
 * test's `responseSuccessBody` rules on the answer.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { runNode, type CredentialStore } from '../engine';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export async function testCredential(
	credentialType: ICredentialType,
	credential: { id: string; name: string },
	store: CredentialStore,
	credentialTypes: ICredentialType[] = [credentialType],
): Promise<CredentialTestResult> {
	const test = credentialType.test;
	if (!test?.request) throw new Error(`${credentialType.name} has no test request`);
	const tester: INodeType = {
		description: nodeUsing(credentialType, 'credentialTest', [
			{
				displayName: 'Temp',
				name: 'temp',
				type: 'string',
				routing: { request: test.request },
				default: '',
			},
		]),
	};
	const result = await runNode({
		nodeType: tester,
		credentialTypes,
		parameters: { temp: '' },
		credentials: { [credentialType.name]: credential },
		store,
	});
	if (result.error) return { status: 'Error', message: result.error.message };
	const answer = result.items[0]?.json ?? {};
	for (const rule of test.rules ?? []) {
		if (
			rule.type === 'responseSuccessBody' &&
			answer[rule.properties.key] === rule.properties.value
		)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** The credential's fields as a node reads them in n8n's engine: defaults added, expressions resolved. */
export async function readCredential(
	credentialType: ICredentialType,
	credential: { id: string; name: string },
	store: CredentialStore,
	credentialTypes: ICredentialType[] = [credentialType],
): Promise<ICredentialDataDecryptedObject> {
	const reader: INodeType = {
		description: nodeUsing(credentialType, 'credentialReader', []),
		async execute(this: IExecuteFunctions) {
			return [[{ json: await this.getCredentials(credentialType.name) }]];
		},
	};
	const result = await runNode({
		nodeType: reader,
		credentialTypes,
		parameters: {},
		credentials: { [credentialType.name]: credential },
		store,
	});
	if (result.error) throw result.error;
	return result.items[0].json as ICredentialDataDecryptedObject;
}

/** A test-only node type that needs this one credential. */
function nodeUsing(
	credentialType: ICredentialType,
	name: string,
	properties: INodeProperties[],
): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Test-only: uses the ${credentialType.displayName} credential`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: credentialType.name, required: true }],
		properties,
	};
}
