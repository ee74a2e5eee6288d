import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import type { Connection } from './request-builder';
import { TENANT_CREDENTIAL, USER_CREDENTIAL, type CredentialType } from './transport/request';
import { FeishuCredentialError, resolveBaseUrl } from './transport/token';

/** A header value may only carry printable ASCII: no CR/LF (header injection), no control bytes. */
const SAFE_HEADER_TEXT = /^[\x20-\x7e]+$/;

function resolveBaseUrlOrExplain(
	ctx: IExecuteFunctions,
	credentials: ICredentialDataDecryptedObject,
): string {
	try {
		return resolveBaseUrl(credentials);
	} catch (error) {
		const message =
			error instanceof FeishuCredentialError
				? error.message
				: 'The Feishu API credential is invalid';
		throw new NodeOperationError(ctx.getNode(), message);
	}
}

/** App or user identity, as the node's Authentication field says (app where it is hidden). */
export function credentialTypeOf(ctx: IExecuteFunctions): CredentialType {
	return ctx.getNodeParameter('authentication', 0, 'tenantToken') === 'userToken'
		? USER_CREDENTIAL
		: TENANT_CREDENTIAL;
}

/** Reads the credential once per execution: base URL and the helpdesk header. */
export async function openConnection(
	ctx: IExecuteFunctions,
	credentialType: CredentialType,
): Promise<Connection> {
	const credentials = await ctx.getCredentials(credentialType, 0);
	const baseUrl = resolveBaseUrlOrExplain(ctx, credentials);
	const helpdeskId = String(credentials.helpdeskId ?? '').trim();
	const helpdeskToken = String(credentials.helpdeskToken ?? '').trim();
	return {
		baseUrl,
		hasToken:
			typeof credentials.tenantAccessToken === 'string' && credentials.tenantAccessToken !== '',
		helpdeskAuthorization(itemIndex: number) {
			if (!helpdeskId || !helpdeskToken) {
				throw new NodeOperationError(
					ctx.getNode(),
					'The Feishu API credential has no Helpdesk ID and Helpdesk Token',
					{
						itemIndex,
						description:
							'Helpdesk ticket images need the X-Lark-Helpdesk-Authorization header. Copy the helpdesk ID and token from the Feishu helpdesk admin console into the credential.',
					},
				);
			}
			if (
				!SAFE_HEADER_TEXT.test(helpdeskId) ||
				!SAFE_HEADER_TEXT.test(helpdeskToken) ||
				helpdeskId.includes(':')
			) {
				throw new NodeOperationError(
					ctx.getNode(),
					'The Helpdesk ID or Helpdesk Token in the Feishu API credential contains characters that cannot be sent',
					{
						itemIndex,
					},
				);
			}
			return Buffer.from(`${helpdeskId}:${helpdeskToken}`, 'utf8').toString('base64');
		},
	};
}
