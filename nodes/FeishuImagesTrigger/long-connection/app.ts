import { NodeOperationError } from 'n8n-workflow';
import type { ITriggerFunctions } from 'n8n-workflow';

import { resolveBaseUrlOrExplain } from '../../FeishuImages/transport/connection';

/** The credential type the trigger's long connection authenticates with. */
export const CREDENTIAL_TYPE = 'feishuApi';

/** Which app a long connection belongs to, read from the trigger's Feishu API credential. */
export interface AppIdentity {
	/** Root URL of the Open Platform (domain of the credential), without a trailing slash. */
	baseUrl: string;
	appId: string;
	appSecret: string;
}

/**
 * Reads the credential once. The base URL goes through the package's one normalisation
 * (the one the node's requests use).
 */
export async function readAppIdentity(ctx: ITriggerFunctions): Promise<AppIdentity> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = resolveBaseUrlOrExplain(ctx, credentials);
	const appId = String(credentials.appId ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '');
	if (!appId || !appSecret) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Feishu API credential needs an App ID and an App Secret for the long connection',
		);
	}
	return { baseUrl, appId, appSecret };
}

/** One connection per app per process: Feishu hands each event to one random connection. */
export const appKey = (app: AppIdentity): string => `${app.baseUrl}\n${app.appId}`;
