/**
 * Every error code documented on the four endpoint pages reaches the user as a NodeApiError
 * with Feishu's code, msg and log_id, and a description that says what to do. The tables come
 * from the emulator (transcribed from the pages on their own), not from the node's catalogue.
 */
import { BAIKE_ERRORS, HELPDESK_ERRORS, MESSAGE_IMAGE_ERRORS, WHITEBOARD_ERRORS } from './emulator';
import type { EndpointName, FeishuError } from './emulator';
import {
	baikeImage,
	messageImage,
	startHarness,
	ticketImage,
	whiteboard,
	type Harness,
} from './support/feishu';

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
	h.emulator.addWhiteboard('wb1');
	h.emulator.addMessageImage('img_1');
	h.emulator.addTicketMessage('t1', 'm1', { type: 'img', images: [{}] });
	h.emulator.addBaikeFile('box1');
});
afterAll(async () => await h.close());
beforeEach(() => {
	h.emulator.clearFaults();
	h.emulator.resetCounters();
});

/** One request per code: no retries, and rate limits (2890006) not waited out either. */
const ONE_ATTEMPT = { retries: 0, maxRateLimitWait: 0 };

const cases: Array<
	[string, EndpointName, Readonly<Record<number, FeishuError>>, () => Record<string, unknown>]
> = [
	['whiteboard', 'whiteboard', WHITEBOARD_ERRORS, () => whiteboard('wb1', ONE_ATTEMPT)],
	['message image', 'messageImage', MESSAGE_IMAGE_ERRORS, () => messageImage('img_1', ONE_ATTEMPT)],
	[
		'helpdesk ticket image',
		'ticketImage',
		HELPDESK_ERRORS,
		() => ticketImage('t1', 'm1', ONE_ATTEMPT),
	],
	['dictionary image', 'baikeFile', BAIKE_ERRORS, () => baikeImage('box1', ONE_ATTEMPT)],
];

describe.each(cases)('%s: documented error codes', (_name, endpoint, table, parameters) => {
	it.each(Object.values(table).map((e) => [e.code, e] as const))(
		'%d becomes a clear NodeApiError',
		async (code, documented) => {
			h.emulator.injectFault({ kind: 'error', code }, { endpoint, times: Infinity });
			const result = await h.run(parameters() as never);
			const error = result.error as unknown as {
				message: string;
				description?: string;
				httpCode?: string;
				errorResponse?: Record<string, unknown>;
				name: string;
				context?: Record<string, unknown>;
			};
			expect(error).toBeDefined();
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toContain(`Feishu error ${code}`);
			expect(error.message).toContain(documented.msg);
			expect(error.httpCode).toBe(String(documented.httpStatus));
			expect(error.description).toMatch(/\w{10,}/);
			const logged = h.emulator.requestLog.find((r) => r.endpoint === endpoint);
			expect(error.errorResponse).toMatchObject({ code, msg: documented.msg });
			expect(error.description).toContain(String(error.errorResponse?.logId));
			expect(logged).toBeDefined();
			expect(error.context?.itemIndex).toBe(0);
		},
	);
});

describe('descriptions tell the user what to do', () => {
	const run = async (
		parameters: Record<string, unknown>,
		endpoint: EndpointName,
		code: number,
		msg?: string,
	) => {
		h.emulator.injectFault({ kind: 'error', code, msg }, { endpoint, times: Infinity });
		const result = await h.run(parameters as never);
		return (result.error as unknown as { description: string }).description;
	};

	it('234008 points to downloading the image as a message resource', async () => {
		expect(await run(messageImage('img_1'), 'messageImage', 234008)).toMatch(
			/only returns images the app itself uploaded.*messages\/\{message_id\}\/resources/,
		);
	});
	it('234007 says to enable the bot feature', async () => {
		expect(await run(messageImage('img_1'), 'messageImage', 234007)).toMatch(
			/Enable the Bot feature/,
		);
	});
	it('154003 names the helpdesk header and the credential fields', async () => {
		expect(await run(ticketImage('t1', 'm1'), 'ticketImage', 154003)).toMatch(
			/Helpdesk ID and Helpdesk Token.*X-Lark-Helpdesk-Authorization/,
		);
	});
	it('154000 points at the image index', async () => {
		expect(await run(ticketImage('t1', 'm1'), 'ticketImage', 154000)).toMatch(/index/);
	});
	it('2890005 says how to give the app access to the whiteboard and names the scope', async () => {
		const description = await run(whiteboard('wb1'), 'whiteboard', 2890005);
		expect(description).toMatch(/Add document app/);
		expect(description).toContain('board:whiteboard:node:read');
	});
	it('a missing scope (99991672) names the scope to enable', async () => {
		const description = await run(
			baikeImage('box1'),
			'baikeFile',
			99991672,
			'Access denied. One of the following scopes is required: [baike:entity:readonly]',
		);
		expect(description).toMatch(/Permissions & Scopes/);
		expect(description).toContain('baike:entity:readonly');
	});
});

describe('JSON where bytes were expected', () => {
	it('a Feishu error body on HTTP 200 is an error, not a binary item', async () => {
		h.emulator.injectFault({ kind: 'jsonOn200', code: 2890003 }, { endpoint: 'whiteboard' });
		const result = await h.run(whiteboard('wb1'));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toContain('Feishu error 2890003: record missing');
	});

	it('an unknown record the emulator answers on its own is reported with its code', async () => {
		const result = await h.run(whiteboard('doesNotExist'));
		expect(result.error?.message).toContain('2890003');
		expect((result.error as unknown as { description: string }).description).toMatch(
			/block_type 43/,
		);
	});
});
