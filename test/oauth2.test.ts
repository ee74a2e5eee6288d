/**
 * User identity: the Feishu OAuth2 API credential (authorization code, refresh through
 * offline_access), selectable where Feishu accepts a user_access_token. n8n's own OAuth2
 * machinery holds and refreshes the token; the node makes it refresh on Feishu's 99991677.
 */
import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { FeishuOAuth2Api } from '../credentials/FeishuOAuth2Api.credentials';
import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';
import {
	locator,
	resolvedParameters,
	startHarness,
	whiteboard,
	type Harness,
} from './support/feishu';

let h: Harness;
let userCredential: { id: string; name: string };

/** What n8n stores after the user authorized: the token endpoint's answer as oauthTokenData. */
async function authorize(): Promise<Record<string, unknown>> {
	h.emulator.addAuthorizationCode('code-from-consent-screen');
	const response = await fetch(`${h.emulator.baseUrl}/open-apis/authen/v2/oauth/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code: 'code-from-consent-screen',
			client_id: h.emulator.appId,
			client_secret: h.emulator.appSecret,
		}),
	});
	return (await response.json()) as Record<string, unknown>;
}

beforeEach(async () => {
	h = await startHarness();
	userCredential = { id: `${h.credentialId}-user`, name: 'Feishu test user' };
	const record = h.store.get(userCredential.id);
	h.store.set(userCredential.id, { ...record.data, oauthTokenData: (await authorize()) as never });
	h.emulator.resetCounters();
});
afterEach(async () => await h.close());

const asUser = (parameters: Record<string, unknown>) =>
	({ ...parameters, authentication: 'userToken' }) as never;

it('downloads a whiteboard with the user token', async () => {
	const bytes = h.emulator.addWhiteboard('wbShared');
	const result = await h.run(asUser(whiteboard('wbShared')), {
		credentials: { feishuOAuth2Api: userCredential },
	});
	expect(result.error).toBeUndefined();
	expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	const [request] = h.emulator.requestLog.filter((r) => r.endpoint === 'whiteboard');
	expect(request.headers.authorization).toBe(`Bearer ${h.emulator.issuedUserTokens[0]}`);
	expect(h.emulator.counters.tokenRequests).toBe(0);
});

it('an expired user token (99991677) is refreshed once through n8n and saved', async () => {
	for (const id of ['wbU1', 'wbU2', 'wbU3']) h.emulator.addWhiteboard(id);
	h.emulator.expireAllTokens();
	const result = await h.run(asUser(whiteboard('={{ $json.id }}', { concurrency: 3 })), {
		credentials: { feishuOAuth2Api: userCredential },
		items: ['wbU1', 'wbU2', 'wbU3'].map((id) => ({ json: { id } })),
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(3);
	expect(h.emulator.counters.oauthTokenRequests).toBe(1);
	const saved = h.store.get(userCredential.id).data.oauthTokenData as Record<string, unknown>;
	expect(saved.access_token).toBe(h.emulator.issuedUserTokens[1]);
	const everything = h.everything(result);
	for (const token of [...h.emulator.issuedUserTokens, ...h.emulator.issuedRefreshTokens])
		expect(everything).not.toContain(token);
});

it('documents and Lingo accept the user token too', async () => {
	h.emulator.addWhiteboard('wbInDoc');
	h.emulator.addDocument('doxcnUserDoc', [{ whiteboard: 'wbInDoc' }]);
	h.emulator.addLingoFile('boxUser');
	const doc = await h.run(
		asUser({
			resource: 'document',
			operation: 'downloadWhiteboards',
			documentId: locator('doxcnUserDoc'),
		}),
		{
			credentials: { feishuOAuth2Api: userCredential },
		},
	);
	expect(doc.items.map((i) => i.json.whiteboardId)).toEqual(['wbInDoc']);
	const lingo = await h.run(
		asUser({
			resource: 'dictionaryImage',
			operation: 'downloadLingo',
			fileToken: locator('boxUser'),
		}),
		{
			credentials: { feishuOAuth2Api: userCredential },
		},
	);
	expect(lingo.error).toBeUndefined();
});

const APP_ONLY = ['messageImage', 'helpdeskTicketImage', 'message'];

it('one Authentication field, hidden where Feishu serves the app only, with hide conditions only', () => {
	// n8n's editor folds a field into the credential select (and hides every parameter its
	// conditions name, Resource included) only when the credentials carry `show` conditions.
	const { properties, credentials } = new FeishuImages().description;
	const authentication = properties.filter((p) => p.name === 'authentication');
	expect(authentication).toHaveLength(1);
	expect(authentication[0].displayOptions).toEqual({ hide: { resource: APP_ONLY } });
	expect(authentication[0].options).toEqual([
		expect.objectContaining({ value: 'tenantToken' }),
		expect.objectContaining({ value: 'userToken' }),
	]);
	expect(credentials?.every((c) => c.displayOptions?.show === undefined)).toBe(true);
});

/** The credentials the editor offers for these parameters, as n8n decides it. */
function offeredCredentials(parameters: Record<string, unknown>): string[] {
	const description = new FeishuImages().description;
	const node = {
		id: 'n',
		name: 'Feishu Images',
		type: 'feishuImages',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: parameters as INodeParameters,
	};
	const resolved = resolvedParameters(node);
	return (description.credentials ?? [])
		.filter((c) => NodeHelpers.displayParameter(resolved, c, node, description, resolved))
		.map((c) => c.name);
}

it('offers the app credential alone on an app-only resource, whatever was saved, and no notice', () => {
	for (const resource of APP_ONLY) {
		expect(offeredCredentials({ resource })).toEqual(['feishuApi']);
		expect(offeredCredentials({ resource, authentication: 'userToken' })).toEqual(['feishuApi']);
	}
	expect(new FeishuImages().description.properties.map((p) => p.name)).not.toContain(
		'appOnlyNotice',
	);
});

it('offers the credential of the identity picked where Feishu takes a user token', () => {
	expect(offeredCredentials({ resource: 'whiteboard' })).toEqual(['feishuApi']);
	expect(offeredCredentials({ resource: 'whiteboard', authentication: 'userToken' })).toEqual([
		'feishuOAuth2Api',
	]);
});

it('a workflow saved with the user identity on an app-only operation runs as the app', async () => {
	const bytes = h.emulator.addMessageImage('img_saved_as_user');
	const result = await h.run(
		asUser({
			resource: 'messageImage',
			operation: 'download',
			imageKey: locator('img_saved_as_user'),
		}),
		{
			credentials: {
				feishuOAuth2Api: userCredential,
				feishuApi: { id: h.credentialId, name: 'Feishu test app' },
			},
		},
	);
	expect(result.error).toBeUndefined();
	expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	const [request] = h.emulator.requestLog.filter((r) => r.endpoint === 'messageImage');
	expect(request.headers.authorization).toBe(`Bearer ${h.emulator.issuedTokens[0]}`);
	expect(h.emulator.counters.oauthTokenRequests).toBe(0);
});

it('a user identity left over on an app-only operation, with no app credential, says what to pick', async () => {
	h.emulator.addMessageImage('img_app_only');
	const result = await h.run(
		asUser({ resource: 'messageImage', operation: 'download', imageKey: locator('img_app_only') }),
		{
			credentials: { feishuOAuth2Api: userCredential },
		},
	);
	expect(result.error?.message).toBe('Message Image → Download works with the app identity only');
	expect(h.emulator.counters.downloads.messageImage).toBe(0);
});

it('asks Feishu for offline_access so that the token can be refreshed', () => {
	const scope = new FeishuOAuth2Api().properties.find((p) => p.name === 'scope');
	expect(String(scope?.default).split(' ')).toContain('offline_access');
});
