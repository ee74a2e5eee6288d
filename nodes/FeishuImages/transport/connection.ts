import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { FeishuContext } from './context';
import { credentialKeyOf, TENANT_CREDENTIAL, type CredentialType } from './identity';
import { FeishuCredentialError, resolveBaseUrl } from './platform';
import { tokenGateFor } from './token-gate';

/** A header value may only carry printable ASCII: no CR/LF (header injection), no control bytes. */
const SAFE_HEADER_TEXT = /^[\x20-\x7e]+$/;

/** What one execution's requests need from the credential, read once. */
export interface Connection {
	credentialType: CredentialType;
	baseUrl: string;
	/** The X-Lark-Helpdesk-Authorization value; throws a clear error when the credential lacks it. */
	helpdeskAuthorization(itemIndex: number): string;
}

/** The credential's base URL, or the node's error saying what is wrong with it (trigger too). */
export function resolveBaseUrlOrExplain(
	ctx: FeishuContext,
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

/**
 * Reads the credential once per execution: base URL and the helpdesk header. A credential
 * without a saved tenant_access_token (first use, or edited, or cleared by n8n between runs)
 * makes the next request fetch it alone (see token-gate.ts).
 */
export async function openConnection(
	ctx: FeishuContext,
	credentialType: CredentialType,
): Promise<Connection> {
	const credentials = await ctx.getCredentials(credentialType, 0);
	const baseUrl = resolveBaseUrlOrExplain(ctx, credentials);
	const hasToken =
		typeof credentials.tenantAccessToken === 'string' && credentials.tenantAccessToken !== '';
	if (credentialType === TENANT_CREDENTIAL && !hasToken) {
		tokenGateFor(credentialKeyOf(ctx, credentialType)).markCold();
	}
	const helpdeskId = String(credentials.helpdeskId ?? '').trim();
	const helpdeskToken = String(credentials.helpdeskToken ?? '').trim();
	return {
		credentialType,
		baseUrl,
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
					{ itemIndex },
				);
			}
			return Buffer.from(`${helpdeskId}:${helpdeskToken}`, 'utf8').toString('base64');
		},
	};
}
