import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { domainProperties, feishuIcon } from './feishu-domain';

import {
	apiRootExpression,
	APP_LOGIN_PATH,
	APP_REFUSALS,
} from '../nodes/FeishuImages/transport/platform';
import { fetchTenantAccessToken } from '../nodes/FeishuImages/transport/token';

export class FeishuApi implements ICredentialType {
	name = 'feishuApi';

	displayName = 'Feishu API';

	icon: Icon = feishuIcon;

	documentationUrl =
		'https://open.feishu.cn/document/server-docs/api-call-guide/calling-process/get-access-token';

	properties: INodeProperties[] = [
		...domainProperties,
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'cli_a1b2c3d4e5f6',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Helpdesk ID',
			name: 'helpdeskId',
			type: 'string',
			default: '',
			description:
				'Only for helpdesk ticket images: the helpdesk ID from the Feishu helpdesk admin console',
		},
		{
			displayName: 'Helpdesk Token',
			name: 'helpdeskToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for helpdesk ticket images: the helpdesk token that goes with the helpdesk ID',
		},
		{
			displayName: 'Verification Token',
			name: 'verificationToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Only for the trigger's webhook: Feishu developer console → Events & Callbacks → Encryption Strategy → Verification Token. Requests carrying another token are refused.",
		},
		{
			displayName: 'Encrypt Key',
			name: 'encryptKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Only for the trigger's webhook: Feishu developer console → Events & Callbacks → Encryption Strategy → Encrypt Key. When set, every request must be encrypted and carry a valid X-Lark-Signature.",
		},
		{
			// Filled by preAuthentication and saved by n8n, so every item, execution and queue
			// worker reuses one tenant_access_token until Feishu rejects it.
			displayName: 'Tenant Access Token',
			name: 'tenantAccessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tenantAccessToken = await fetchTenantAccessToken(this, credentials);
		return { tenantAccessToken };
	}

	// A function rather than an IAuthenticateGeneric: n8n evaluates a generic one's expression
	// on every request (about 0.1 ms each, see BENCHMARKS.md); this sets the same header directly.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.tenantAccessToken ?? '')}`,
			},
		};
	}

	// preAuthentication runs first when a credential is tested, so a wrong secret fails there
	// with Feishu's own message; this request then proves the token is accepted. Its base URL
	// reads the Base URL field as the transport does (platform.ts), /open-apis pasted or not.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{${apiRootExpression('$credentials')}}}`,
			url: APP_LOGIN_PATH,
			method: 'POST',
			body: {
				app_id: '={{$credentials.appId}}',
				app_secret: '={{$credentials.appSecret}}',
			},
		},
		rules: APP_REFUSALS.map(({ code, message }) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: 'code', value: code, message: `${message} (Feishu code ${code})` },
		})),
	};
}
