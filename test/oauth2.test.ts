/**
 * User identity: the Feishu OAuth2 API credential (authorization code, refresh through
 * offline_access), selectable where Feishu accepts a user_access_token. n8n's own OAuth2
 * machinery holds and refreshes the token; the node makes it refresh on Feishu's 99991677.
 */
import { FeishuOAuth2Api } from '../credentials/FeishuOAuth2Api.credentials';
import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';
import { locator, startHarness, whiteboard, type Harness } from './support/feishu';

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

it('one Authentication field whose conditions name no other field, so Resource stays visible', () => {
	// n8n's editor hides every parameter the authentication field's conditions name.
	const properties = new FeishuImages().description.properties;
	const authentication = properties.filter((p) => p.name === 'authentication');
	expect(authentication).toHaveLength(1);
	expect(authentication[0].displayOptions).toBeUndefined();
	expect(authentication[0].options).toEqual([
		expect.objectContaining({ value: 'tenantToken' }),
		expect.objectContaining({ value: 'userToken' }),
	]);
});

it('says on the panel that an app-only resource needs the app identity', () => {
	const notice = new FeishuImages().description.properties.find((p) => p.name === 'appOnlyNotice');
	expect(notice?.type).toBe('notice');
	expect(notice?.displayOptions?.show).toEqual({
		authentication: ['userToken'],
		resource: ['messageImage', 'helpdeskTicketImage', 'message'],
	});
});

it('a user identity left over on an app-only operation is refused with what to change', async () => {
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
