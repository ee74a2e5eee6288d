import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { domainProperties, feishuIcon } from './feishu-domain';

import {
	ACCOUNTS_ORIGIN,
	apiRootExpression,
	CUSTOM_DOMAIN,
	customRootExpression,
	LARK_ORIGIN,
	USER_AUTHORIZE_PATH,
	USER_TOKEN_PATH,
} from '../nodes/FeishuImages/transport/platform';

/** Feishu's consent page is on its accounts host; a private deployment serves it at its root. */
const CONSENT_ROOT = `($self.domain === "${CUSTOM_DOMAIN}" ? ${customRootExpression('$self')} : $self.domain === "${LARK_ORIGIN}" ? "${ACCOUNTS_ORIGIN.lark}" : "${ACCOUNTS_ORIGIN.feishu}")`;

/**
 * A Feishu user's identity (user_access_token), for what the app itself cannot see: a
 * whiteboard or document shared with the user but not with the app. n8n runs the
 * authorization-code flow and refreshes the token; `offline_access` is what makes Feishu
 * hand out a refresh token at all.
 */
export class FeishuOAuth2Api implements ICredentialType {
	name = 'feishuOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Feishu OAuth2 API';

	icon: Icon = feishuIcon;

	documentationUrl =
		'https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token';

	// n8n lays out an extending credential's fields in its parent's order (Client ID and Client
	// Secret first) and appends new ones, so Domain comes after them: their text points to it.
	properties: INodeProperties[] = [
		...domainProperties,
		{
			displayName: 'Client ID (App ID)',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'cli_a1b2c3d4e5f6',
			description:
				'Your Feishu app\'s App ID, from its "Credentials & Basic Info" page. Choose Feishu or Lark under Domain below, and add the OAuth Redirect URL above to the app\'s "Security Settings" → "Redirect URLs".',
		},
		{
			displayName: 'Client Secret (App Secret)',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The App Secret from the same page of the app',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${CONSENT_ROOT} + "${USER_AUTHORIZE_PATH}" }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${apiRootExpression('$self')} + "${USER_TOKEN_PATH}" }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default:
				'offline_access board:whiteboard:node:read docx:document:readonly wiki:wiki:readonly baike:entity:readonly docs:document.media:download',
			description:
				'Space-separated scopes to ask the user for. Keep offline_access, so that n8n can refresh the token. Each scope must also be enabled for the app in the Feishu developer console.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Feishu's v2 token endpoint reads client_id and client_secret from the body.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
