import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { acceptsUserToken, type FeishuOperation } from '../catalogue';
import type { FeishuContext } from './context';

/** The app's identity: a tenant_access_token that this node fetches through preAuthentication. */
export const TENANT_CREDENTIAL = 'feishuApi';
/** A user's identity: n8n's OAuth2 machinery holds and refreshes the user_access_token. */
export const USER_CREDENTIAL = 'feishuOAuth2Api';
export type CredentialType = typeof TENANT_CREDENTIAL | typeof USER_CREDENTIAL;

/**
 * App or user identity, as the node's Authentication field says. An app-only operation (Feishu
 * refuses user tokens on an endpoint it calls) hides that field and runs as the app, even when
 * a workflow saved before says User; with only an OAuth2 credential it says what to pick.
 */
export function credentialTypeOf(
	ctx: IExecuteFunctions,
	operation: FeishuOperation,
): CredentialType {
	if (acceptsUserToken(operation)) {
		return ctx.getNodeParameter('authentication', 0, 'tenantToken') === 'userToken'
			? USER_CREDENTIAL
			: TENANT_CREDENTIAL;
	}
	const credentials = ctx.getNode().credentials ?? {};
	if (!credentials[TENANT_CREDENTIAL] && credentials[USER_CREDENTIAL]) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${operation.resourceName} → ${operation.operationName} works with the app identity only`,
			{ description: 'Pick a Feishu API credential (App ID and App Secret) for this node.' },
		);
	}
	return TENANT_CREDENTIAL;
}

/** Which token gate and pacers a node's requests share: one per credential. */
export function credentialKeyOf(ctx: FeishuContext, type: CredentialType): string {
	const node = ctx.getNode();
	const ref = node.credentials?.[type];
	return `${type}:${ref?.id ?? ref?.name ?? node.id}`;
}
