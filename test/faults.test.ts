/**
 * The fault matrix: for each fault Feishu or the network can throw at a download, the item
 * either recovers with its bytes intact or fails with a clear error; items keep their count
 * and order; the emulator's counters show no retry storm.
 */
import type { Fault } from './emulator';
import type { RunResult } from './engine';
import {
	baikeImage,
	itemsWithIds,
	messageImage,
	startHarness,
	ticketImage,
	whiteboard,
	type Harness,
} from './support/feishu';

let h: Harness;
let served: Buffer;
beforeEach(async () => {
	h = await startHarness();
	served = h.emulator.addMessageImage('img_1', { fileName: 'photo.png' });
	for (const id of ['img_2', 'img_3']) h.emulator.addMessageImage(id);
	h.emulator.addWhiteboard('wb1');
	h.emulator.addBaikeFile('box1');
	h.emulator.addTicketMessage('t1', 'm1', { type: 'img', images: [{}] });
	// Warm the token so that download counters below count downloads only.
	await h.run(messageImage('img_2'));
	h.emulator.resetCounters();
});
afterEach(async () => await h.close());

const downloads = () => h.emulator.counters.downloads.messageImage;

describe('recovered with the bytes intact', () => {
	const recoverable: Array<[string, Fault, number]> = [
		['429 with x-ogw-ratelimit-reset', { kind: 'rateLimit', status: 429, resetSeconds: 1 }, 1],
		['429 without a reset header', { kind: 'rateLimit', status: 429 }, 2],
		['400 with code 99991400', { kind: 'rateLimit', status: 400 }, 1],
		['a burst of three 502s from a proxy', { kind: 'status', status: 502 }, 3],
		['500 with Feishu code 2891001-style internal errors', { kind: 'status', status: 503 }, 1],
		['a connection reset mid-body', { kind: 'resetMidBody' }, 1],
		['a body shorter than its Content-Length', { kind: 'shortBody' }, 2],
		['a slow body beyond the timeout', { kind: 'slowBody', delayMs: 1500 }, 1],
		['a slow answer beyond the timeout', { kind: 'delay', delayMs: 1500 }, 1],
		['a token revoked server-side', { kind: 'tokenInvalid' }, 1],
	];

	it.each(recoverable)('%s', async (_name, fault, times) => {
		h.emulator.injectFault(fault, { endpoint: 'messageImage', id: 'img_1', times });
		const result = await h.run(messageImage('img_1', { timeout: 700 }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(await result.binaryBuffer(result.items[0])).toEqual(served);
		expect(result.items[0].binary?.data?.fileName).toBe('photo.png');
		// One request per fault, then the one that worked: no retry storm.
		expect(downloads()).toBe(times + 1);
	});

	it('a stalled body is cut off by the timeout in filesystem mode too, and fetched again', async () => {
		h.emulator.injectFault(
			{ kind: 'slowBody', delayMs: 5000 },
			{ endpoint: 'messageImage', id: 'img_1' },
		);
		const result = await h.run(messageImage('img_1', { timeout: 700 }), {
			binaryMode: 'filesystem',
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.id).toMatch(/^filesystem/);
		expect(await result.binaryBuffer(result.items[0])).toEqual(served);
		expect(downloads()).toBe(2);
	});

	it('waits as long as x-ogw-ratelimit-reset says', async () => {
		h.emulator.injectFault({ kind: 'rateLimit', resetSeconds: 1 }, { endpoint: 'messageImage' });
		await h.run(messageImage('img_1'));
		const [limited, retried] = h.emulator.requestLog.filter((r) => r.endpoint === 'messageImage');
		expect(limited.status).toBe(429);
		expect(retried.at - limited.at).toBeGreaterThanOrEqual(990);
	});

	it('whiteboard 2890006 (too many request) and 2891001 (internal error) are retried', async () => {
		h.emulator.injectFault({ kind: 'error', code: 2890006 }, { endpoint: 'whiteboard' });
		h.emulator.injectFault({ kind: 'error', code: 2891001 }, { endpoint: 'whiteboard' });
		const result = await h.run(whiteboard('wb1'));
		expect(result.error).toBeUndefined();
		expect(h.emulator.counters.downloads.whiteboard).toBe(3);
	});

	it('helpdesk 155000 and baike 1540002 internal errors are retried', async () => {
		h.emulator.injectFault({ kind: 'error', code: 155000 }, { endpoint: 'ticketImage' });
		h.emulator.injectFault({ kind: 'error', code: 1540002 }, { endpoint: 'baikeFile' });
		expect((await h.run(ticketImage('t1', 'm1'))).error).toBeUndefined();
		expect((await h.run(baikeImage('box1'))).error).toBeUndefined();
		expect(h.emulator.counters.downloads.ticketImage).toBe(2);
		expect(h.emulator.counters.downloads.baikeFile).toBe(2);
	});

	it('an HTTP 500 carrying a code documented at another status (234002 is a 401) is retried', async () => {
		h.emulator.injectFault(
			{ kind: 'error', code: 234002, status: 500 },
			{ endpoint: 'messageImage', times: 2 },
		);
		const result = await h.run(messageImage('img_1'));
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(served);
		expect(downloads()).toBe(3);
	});
});

describe('bounded: when the retries run out', () => {
	it('says how many attempts were made, the last code and the log ID', async () => {
		h.emulator.injectFault(
			{ kind: 'rateLimit', status: 400, resetSeconds: 0 },
			{ endpoint: 'messageImage', times: Infinity },
		);
		// Max Rate-Limit Wait 0: rate limits count as Retries, as they all did before it existed.
		const result = await h.run(messageImage('img_1', { retries: 2, maxRateLimitWait: 0 }));
		expect(result.error?.message).toBe(
			'Feishu error 99991400: request trigger frequency limit (after 3 attempts)',
		);
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toMatch(/Gave up after 3 attempts/);
		expect(description).toMatch(/Feishu log ID: \w{10,}/);
		expect(downloads()).toBe(3);
	});

	it('a connection that keeps breaking fails as a connection error, never as a corrupt file', async () => {
		h.emulator.injectFault({ kind: 'shortBody' }, { endpoint: 'messageImage', times: Infinity });
		const result = await h.run(messageImage('img_1', { retries: 1 }), { continueOnFail: true });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.error).toMatch(/Feishu connection failed.*\(after 2 attempts\)/);
		expect(downloads()).toBe(2);
	});

	it('Retries = 0 sends exactly one request', async () => {
		h.emulator.injectFault(
			{ kind: 'status', status: 500 },
			{ endpoint: 'messageImage', times: Infinity },
		);
		const result = await h.run(messageImage('img_1', { retries: 0 }));
		expect(result.error?.message).toMatch(/HTTP 500/);
		expect(downloads()).toBe(1);
	});
});

describe('not retried: answers that retrying cannot fix', () => {
	it.each([
		['record missing', 'whiteboard', 2890003],
		['forbidden', 'whiteboard', 2890005],
		['wrong param', 'messageImage', 234001],
		['not the sender', 'messageImage', 234008],
		['helpdesk header wrong', 'ticketImage', 154003],
		['invalid param', 'baikeFile', 1540001],
	] as const)('%s on %s (%i) is one request, then a clear error', async (_name, endpoint, code) => {
		h.emulator.injectFault({ kind: 'error', code }, { endpoint, times: Infinity });
		const parameters = {
			whiteboard: whiteboard('wb1'),
			messageImage: messageImage('img_1'),
			ticketImage: ticketImage('t1', 'm1'),
			baikeFile: baikeImage('box1'),
		}[endpoint];
		const result = await h.run(parameters, { continueOnFail: true });
		expect(result.items[0].json.code).toBe(code);
		expect(h.emulator.counters.downloads[endpoint]).toBe(1);
	});

	it('JSON on HTTP 200 is a clear error, one request', async () => {
		h.emulator.injectFault(
			{ kind: 'jsonOn200', code: 234005 },
			{ endpoint: 'messageImage', times: Infinity },
		);
		const result = await h.run(messageImage('img_1'), { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({ code: 234005 });
		expect(result.items[0].binary).toBeUndefined();
		expect(downloads()).toBe(1);
	});

	it('the same code at its documented status (401) stays final: one request', async () => {
		h.emulator.injectFault(
			{ kind: 'error', code: 234002, status: 401 },
			{ endpoint: 'messageImage', times: Infinity },
		);
		const result = await h.run(messageImage('img_1'), { continueOnFail: true });
		expect(result.items[0].json.code).toBe(234002);
		expect(downloads()).toBe(1);
	});

	it('a missing helpdesk header (credential without helpdesk fields) is refused before sending', async () => {
		await h.close();
		h = await startHarness({}, { helpdeskId: '', helpdeskToken: '' });
		h.emulator.addTicketMessage('t1', 'm1', { type: 'img', images: [{}] });
		const result = await h.run(ticketImage('t1', 'm1'));
		expect(result.error?.message).toBe(
			'The Feishu API credential has no Helpdesk ID and Helpdesk Token',
		);
		expect(h.emulator.counters.downloads.ticketImage).toBe(0);
	});

	it("a wrong helpdesk token is Feishu's 154003, not retried", async () => {
		await h.close();
		h = await startHarness({}, { helpdeskToken: 'wrong-helpdesk-token' });
		h.emulator.addTicketMessage('t1', 'm1', { type: 'img', images: [{}] });
		const result = await h.run(ticketImage('t1', 'm1'));
		expect(result.error?.message).toContain('Feishu error 154003');
		expect(h.emulator.counters.downloads.ticketImage).toBe(1);
	});
});

describe('rate limits other than the documented ones: waited out, no item lost', () => {
	const whiteboards = (prefix: string, n: number) => {
		const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
		for (const id of ids) h.emulator.addWhiteboard(id);
		return ids;
	};
	const allDownloaded = (result: RunResult, n: number) => {
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(n);
		expect(result.items.every((item) => item.binary?.data)).toBe(true);
	};
	/** `n` whiteboards against an app limited to `limit`/s: every one is downloaded. */
	const downloadAllAt = async (limit: number, n: number, concurrency: number) => {
		const ids = whiteboards(`wb${limit}_`, n);
		h.emulator.enforceRateLimit('whiteboard', limit, 1000);
		const result = await h.run(whiteboard('={{ $json.id }}', { concurrency }), {
			items: itemsWithIds(ids),
		});
		allDownloaded(result, n);
	};

	it('a limit lower than documented (4/s where the page says 10/s)', async () => {
		await downloadAllAt(4, 20, 5);
		// The first second goes at the documented 10/s; then the pace follows Feishu's answers.
		expect(h.emulator.counters.status429).toBeGreaterThan(0);
		expect(h.emulator.counters.status429).toBeLessThanOrEqual(8);
	});

	it('a limit higher than documented (50/s, as the newer pages say): the pace goes above 10/s', async () => {
		await downloadAllAt(50, 80, 20);
		expect(h.emulator.counters.status429).toBe(0);
		const at = h.emulator.requestLog.filter((r) => r.endpoint === 'whiteboard').map((r) => r.at);
		const busiestSecond = Math.max(
			...at.map((t) => at.filter((u) => u > t - 1000 && u <= t).length),
		);
		expect(busiestSecond).toBeGreaterThan(10);
	});

	it.each([
		['429 with x-ogw-ratelimit-reset 0', { kind: 'rateLimit', status: 429, resetSeconds: 0 }],
		['400 with 99991400', { kind: 'rateLimit', status: 400, resetSeconds: 0 }],
	] as const)(
		'a rate-limit storm longer than Retries × backoff (%s) is waited out',
		async (_n, fault) => {
			h.emulator.injectFault(fault, { endpoint: 'messageImage', id: 'img_1', times: 8 });
			const result = await h.run(messageImage('img_1', { retries: 1 }));
			expect(result.error).toBeUndefined();
			expect(await result.binaryBuffer(result.items[0])).toEqual(served);
			expect(downloads()).toBe(9);
		},
	);

	it('when Max Rate-Limit Wait runs out, the error says how long it waited, the last code and the log ID', async () => {
		h.emulator.injectFault(
			{ kind: 'rateLimit', status: 429, resetSeconds: 0 },
			{ endpoint: 'messageImage', times: Infinity },
		);
		const result = await h.run(messageImage('img_1', { maxRateLimitWait: 1 }));
		expect(result.error?.message).toMatch(
			/^Feishu error 99991400: request trigger frequency limit \(after \d+ attempts and [\d.]+ m?s of waiting\)$/,
		);
		const description = (result.error as unknown as { description: string }).description;
		expect(description).toMatch(/"Max Rate-Limit Wait" is 1\.0 s/);
		expect(description).toMatch(/Feishu log ID: \w{10,}/);
		expect(downloads()).toBeGreaterThan(4);
	});

	it('two executions sharing a credential at once keep to one pace', async () => {
		const ids = whiteboards('wbt', 24);
		h.emulator.enforceRateLimit('whiteboard', 10, 1000);
		const parameters = whiteboard('={{ $json.id }}', { concurrency: 5 });
		const [first, second] = await Promise.all([
			h.run(parameters, { items: itemsWithIds(ids.slice(0, 12)) }),
			h.run(parameters, { items: itemsWithIds(ids.slice(12)) }),
		]);
		allDownloaded(first, 12);
		allDownloaded(second, 12);
		expect(h.emulator.counters.status429).toBe(0);
		expect(h.emulator.counters.downloads.whiteboard).toBe(24);
	});
});

describe('many items at once', () => {
	it('keeps count and order while some items hit faults, with one token refresh', async () => {
		const ids = Array.from({ length: 30 }, (_, i) => `img_m${i}`);
		const bytes = ids.map((id) => h.emulator.addMessageImage(id));
		h.emulator.injectFault({ kind: 'resetMidBody' }, { endpoint: 'messageImage', id: 'img_m3' });
		h.emulator.injectFault(
			{ kind: 'status', status: 502 },
			{ endpoint: 'messageImage', id: 'img_m7', times: 2 },
		);
		h.emulator.injectFault(
			{ kind: 'rateLimit', resetSeconds: 0 },
			{ endpoint: 'messageImage', id: 'img_m11' },
		);
		h.emulator.injectFault(
			{ kind: 'error', code: 234005 },
			{ endpoint: 'messageImage', id: 'img_m20' },
		);
		h.emulator.expireAllTokens();
		const result = await h.run(messageImage('={{ $json.id }}', { concurrency: 8 }), {
			items: ids.map((id) => ({ json: { id } })),
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(30);
		expect(result.items.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		for (const [i, item] of result.items.entries()) {
			if (i === 20) {
				expect(item.json).toMatchObject({ code: 234005 });
				continue;
			}
			expect(item.json.imageKey).toBe(ids[i]);
			expect(await result.binaryBuffer(item)).toEqual(bytes[i]);
		}
		expect(h.emulator.counters.tokenRequests).toBe(1);
	});
});
