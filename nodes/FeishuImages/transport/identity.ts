import type { IExecuteFunctions } from 'n8n-workflow';

import type { FeishuContext } from './context';

/** The app's identity: a tenant_access_token that this node fetches through preAuthentication. */
export const TENANT_CREDENTIAL = 'feishuApi';
/** A user's identity: n8n's OAuth2 machinery holds and refreshes the user_access_token. */
export const USER_CREDENTIAL = 'feishuOAuth2Api';
export type CredentialType = typeof TENANT_CREDENTIAL | typeof USER_CREDENTIAL;

/** App or user identity, as the node's Authentication field says (app where it is hidden). */
export function credentialTypeOf(ctx: IExecuteFunctions): CredentialType {
	return ctx.getNodeParameter('authentication', 0, 'tenantToken') === 'userToken'
		? USER_CREDENTIAL
		: TENANT_CREDENTIAL;
}

/** Which token gate and pacers a node's requests share: one per credential. */
export function credentialKeyOf(ctx: FeishuContext, type: CredentialType): string {
	const node = ctx.getNode();
	const ref = node.credentials?.[type];
	return `${type}:${ref?.id ?? ref?.name ?? node.id}`;
}
