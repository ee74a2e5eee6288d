/**
 * The Custom Base URL is the root of a private deployment; one pasted with "/open-apis", or
 * with trailing slashes, means the same root. The token, the credential's Test button, the
 * OAuth2 URLs and every node request read it alike (one reading, in transport/platform.ts).
 */
import { Workflow } from 'n8n-workflow';
import type { INode, IWorkflowDataProxyAdditionalKeys } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import { FeishuOAuth2Api } from '../credentials/FeishuOAuth2Api.credentials';
import {
	ACCOUNTS_ORIGIN,
	APP_LOGIN_PATH,
	FEISHU_ORIGIN,
	LARK_ORIGIN,
	USER_AUTHORIZE_PATH,
	USER_TOKEN_PATH,
} from '../nodes/FeishuImages/transport/platform';
import { ITEMS_SOURCE_TYPE, ItemsSource, OAuth2ApiStandIn, TestNodeTypes } from './engine';
import { readCredential, testCredential } from './support/credential-test';
import { credentialData, startHarness, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
	h.emulator.addWhiteboard('wb1');
});
afterEach(async () => await h.close());

const app = () => ({ id: h.credentialId, name: 'Feishu test app' });
const withBaseUrl = (suffix: string) =>
	h.store.set(
		h.credentialId,
		credentialData(h.emulator, { customBaseUrl: h.emulator.baseUrl + suffix }),
	);
const paths = () => h.emulator.requestLog.map((r) => `${r.method} ${r.url}`);

const spellings: Array<[string, string]> = [
	['the root', ''],
	['a trailing slash', '/'],
	['several trailing slashes', '///'],
	['/open-apis', '/open-apis'],
	['/open-apis/', '/open-apis/'],
	['/OPEN-APIS//', '/OPEN-APIS//'],
	['//open-apis', '//open-apis'],
];

describe.each(spellings)('a Custom Base URL given with %s', (_name, suffix) => {
	it('passes the credential test, whose request goes to the login path at the root', async () => {
		withBaseUrl(suffix);
		const result = await testCredential(new FeishuApi(), app(), h.store);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		// preAuthentication's token request, then the test request itself: both at the root.
		expect(paths()).toEqual([`POST ${APP_LOGIN_PATH}`, `POST ${APP_LOGIN_PATH}`]);
		expect(h.emulator.counters.tokenRequests).toBe(2);
	});

	it('downloads, token and file both from the root', async () => {
		withBaseUrl(suffix);
		const result = await h.run(whiteboard('wb1'));
		expect(result.error).toBeUndefined();
		expect(paths()).toEqual([
			`POST ${APP_LOGIN_PATH}`,
			expect.stringMatching(/^GET \/open-apis\/board\/v1\/whiteboards\/wb1\//),
		]);
	});

	it('gives the OAuth2 credential consent and token URLs that reach the emulator', async () => {
		const user = h.store.get(`${h.credentialId}-user`);
		h.store.set(user.id, { ...user.data, customBaseUrl: h.emulator.baseUrl + suffix });
		const urls = await oauth2Urls(user);
		expect(urls).toEqual({
			authUrl: `${h.emulator.baseUrl}${USER_AUTHORIZE_PATH}`,
			accessTokenUrl: `${h.emulator.baseUrl}${USER_TOKEN_PATH}`,
		});
		await fetch(urls.authUrl);
		await fetch(urls.accessTokenUrl, { method: 'POST' });
		expect(h.emulator.requestLog.map((r) => r.endpoint)).toEqual(['oauthAuthorize', 'oauthToken']);
	});
});

describe('the credential test with credentials Feishu refuses', () => {
	it("a wrong App Secret fails with Feishu's words for it", async () => {
		h.store.set(h.credentialId, credentialData(h.emulator, { appSecret: 'wrong-secret' }));
		const result = await testCredential(new FeishuApi(), app(), h.store);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Feishu refused the App Secret\. .*\(Feishu code 10014/);
	});

	it('a Base URL that is not Feishu fails as such, not as a wrong App ID', async () => {
		withBaseUrl('/not-feishu');
		const result = await testCredential(new FeishuApi(), app(), h.store);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The Base URL does not answer as Feishu's Open API/);
	});
});

describe.each([
	['Feishu', FEISHU_ORIGIN, ACCOUNTS_ORIGIN.feishu],
	['Lark', LARK_ORIGIN, ACCOUNTS_ORIGIN.lark],
])('the %s domain', (_name, origin, accounts) => {
	// Nothing may leave 127.0.0.1: n8n's expression engine resolves the URLs, no request is sent.
	it('sends the credential test to its API host', () => {
		const { baseURL } = new FeishuApi().test.request;
		expect(evaluate(baseURL!, { $credentials: { domain: origin, customBaseUrl: '' } })).toBe(
			origin,
		);
	});

	it('sends the user to its accounts host to consent, and fetches the token from its API host', async () => {
		const user = h.store.get(`${h.credentialId}-user`);
		h.store.set(user.id, { ...user.data, domain: origin });
		expect(await oauth2Urls(user)).toEqual({
			authUrl: `${accounts}${USER_AUTHORIZE_PATH}`,
			accessTokenUrl: `${origin}${USER_TOKEN_PATH}`,
		});
	});
});

/** The credential's Authorization and Access Token URLs as a node reads them in n8n's engine. */
async function oauth2Urls(record: { id: string; name: string }) {
	const credentialTypes = [new FeishuOAuth2Api(), new OAuth2ApiStandIn()];
	const { authUrl, accessTokenUrl } = await readCredential(
		credentialTypes[0],
		{ id: record.id, name: record.name },
		h.store,
		credentialTypes,
	);
	return { authUrl: String(authUrl), accessTokenUrl: String(accessTokenUrl) };
}

/** An expression through n8n's expression engine, as the credentials helper resolves one. */
function evaluate(expression: string, additionalKeys: IWorkflowDataProxyAdditionalKeys): unknown {
	const node: INode = {
		id: 'n',
		name: 'n',
		type: ITEMS_SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ [ITEMS_SOURCE_TYPE]: new ItemsSource([]) }),
	});
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', additionalKeys);
}
