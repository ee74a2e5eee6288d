/**
 * The tenant_access_token: fetched by n8n's preAuthentication into the credential's hidden
 * expirable field, saved, and reused by every item and execution until Feishu rejects it;
 * then refreshed once (even with many requests in flight) and saved again.
 */
import {
	credentialData,
	messageImage,
	startHarness,
	whiteboard,
	type Harness,
} from './support/feishu';

let h: Harness;
const ids = Array.from({ length: 20 }, (_, i) => `img_${i}`);

beforeEach(async () => {
	h = await startHarness();
	for (const id of ids) h.emulator.addMessageImage(id);
	h.emulator.addWhiteboard('wb1');
});
afterEach(async () => await h.close());

const twentyItems = () => ids.map((id) => ({ json: { id } }));

it('fetches one token for 20 items, saves it in the credential, and reuses it in the next execution', async () => {
	const first = await h.run(messageImage('={{ $json.id }}', { concurrency: 10 }), {
		items: twentyItems(),
	});
	expect(first.error).toBeUndefined();
	expect(first.items).toHaveLength(20);
	expect(h.emulator.counters.tokenRequests).toBe(1);
	const saved = h.store.get(h.credentialId).data.tenantAccessToken;
	expect(saved).toBe(h.emulator.issuedTokens[0]);

	const second = await h.run(messageImage('={{ $json.id }}', { concurrency: 10 }), {
		items: twentyItems(),
	});
	expect(second.items).toHaveLength(20);
	expect(h.emulator.counters.tokenRequests).toBe(1);
	const auth = h.emulator.requestLog
		.filter((r) => r.endpoint === 'messageImage')
		.map((r) => r.headers.authorization);
	expect(new Set(auth)).toEqual(new Set([`Bearer ${saved}`]));
});

it.each([400, 200])(
	'a token Feishu rejects mid-run (99991663 at HTTP %d) is refreshed once and no item fails',
	async (status) => {
		h.emulator.invalidTokenStatus = status;
		await h.run(messageImage('img_0'));
		expect(h.emulator.counters.tokenRequests).toBe(1);
		h.emulator.expireAllTokens();

		const result = await h.run(messageImage('={{ $json.id }}', { concurrency: 10 }), {
			items: twentyItems(),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		expect(result.items.every((item) => item.binary?.data)).toBe(true);
		expect(h.emulator.counters.tokenRequests).toBe(2);
		expect(h.store.get(h.credentialId).data.tenantAccessToken).toBe(h.emulator.issuedTokens[1]);

		// The next execution starts with the fresh token: no further token request.
		await h.run(messageImage('img_1'));
		expect(h.emulator.counters.tokenRequests).toBe(2);
	},
);

it('a token that expires while 20 requests are in flight is refreshed once', async () => {
	await h.run(messageImage('img_0'));
	h.emulator.latencyMs = 50;
	h.emulator.injectFault({ kind: 'tokenInvalid' }, { endpoint: 'messageImage', times: 20 });
	h.emulator.expireAllTokens();
	const result = await h.run(messageImage('={{ $json.id }}', { concurrency: 20 }), {
		items: twentyItems(),
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(20);
	expect(h.emulator.counters.tokenRequests).toBe(2);
});

it('a token rejected again right after a refresh fails the item clearly instead of looping', async () => {
	h.emulator.injectFault({ kind: 'tokenInvalid' }, { endpoint: 'whiteboard', times: Infinity });
	const result = await h.run(whiteboard('wb1'));
	expect(result.error?.message).toContain('Feishu error 99991663');
	expect(h.emulator.counters.tokenRequests).toBe(2);
	expect(h.emulator.counters.downloads.whiteboard).toBe(2);
});

describe('wrong credentials', () => {
	it("a wrong App Secret fails with Feishu's message, one token request, and no secret in the error", async () => {
		await h.close();
		h = await startHarness({}, { appSecret: 'definitely-wrong-secret-42' });
		for (const id of ids) h.emulator.addMessageImage(id);
		const result = await h.run(messageImage('={{ $json.id }}', { concurrency: 10 }), {
			items: twentyItems(),
		});
		expect(result.error?.message).toMatch(
			/^Feishu refused the App Secret\. .*\(Feishu code 10014: app secret invalid\)$/,
		);
		expect(h.emulator.counters.tokenRequests).toBe(1);
		expect(h.emulator.counters.downloads.messageImage).toBe(0);
		const everything = h.everything(result);
		expect(everything).not.toContain('definitely-wrong-secret-42');
		expect(everything).not.toContain(h.emulator.appSecret);
	});

	it("an unknown App ID fails with Feishu's message", async () => {
		await h.close();
		h = await startHarness({}, { appId: 'cli_unknown' });
		h.emulator.addWhiteboard('wb1');
		const result = await h.run(whiteboard('wb1'));
		expect(result.error?.message).toMatch(
			/^Feishu does not know this App ID\. .*\(Feishu code 10003/,
		);
	});

	it('a Base URL pasted with /open-apis at its end still reaches Feishu', async () => {
		h.store.set(
			h.credentialId,
			credentialData(h.emulator, { customBaseUrl: `${h.emulator.baseUrl}/open-apis/` }),
		);
		h.emulator.addWhiteboard('wb1');
		const result = await h.run(whiteboard('wb1'));
		expect(result.error).toBeUndefined();
	});

	it('a Base URL that does not lead to Feishu says so, instead of blaming the App ID', async () => {
		h.store.set(
			h.credentialId,
			credentialData(h.emulator, { customBaseUrl: `${h.emulator.baseUrl}/not-feishu` }),
		);
		const result = await h.run(whiteboard('wb1'));
		expect(result.error?.message).toMatch(
			/^The Base URL does not answer as Feishu's Open API \(HTTP 404/,
		);
		expect(result.error?.message).not.toMatch(/App ID/);
	});

	it('a custom base URL that is not http(s) is refused before anything is sent', async () => {
		await h.close();
		h = await startHarness({}, { customBaseUrl: 'file:///etc/passwd' });
		const result = await h.run(whiteboard('wb1'));
		expect(result.error?.message).toMatch(/must start with https:\/\/ or http:\/\//);
		expect(h.emulator.requestLog).toHaveLength(0);
	});

	it('a custom base URL with user info is refused, without echoing it', async () => {
		await h.close();
		h = await startHarness({}, { customBaseUrl: 'http://user:hunter2@127.0.0.1:1' });
		const result = await h.run(whiteboard('wb1'));
		expect(result.error?.message).toMatch(/must not contain a user name, password/);
		expect(h.everything(result)).not.toContain('hunter2');
	});
});
