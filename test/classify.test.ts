/**
 * What an answer or a thrown error means to the retry loop (pure, no engine): the endpoint's codes,
 * then the platform's, then the HTTP status; network faults are transient.
 */
import { WHITEBOARD } from '../nodes/FeishuImages/catalogue';
import { classifyAnswer, classifyThrown } from '../nodes/FeishuImages/transport/errors';
import { FeishuCredentialError } from '../nodes/FeishuImages/transport/platform';

const whiteboard = WHITEBOARD;
const answer = (status: number, body: unknown, headers: Record<string, unknown> = {}) =>
	classifyAnswer(whiteboard, status, body, headers);

describe('an answer', () => {
	it.each([
		[400, 2890003, 'fatal'],
		[429, 2890006, 'rateLimit'],
		[500, 2891001, 'transient'],
		[429, 99991400, 'rateLimit'],
		[400, 99991400, 'rateLimit'],
		[400, 99991663, 'invalidToken'],
		[200, 99991663, 'invalidToken'],
		[400, 99991677, 'invalidToken'],
		[400, 99991672, 'scopeMissing'],
		[400, 99991679, 'scopeMissing'],
		[429, 12345, 'rateLimit'],
		[502, 12345, 'transient'],
		[400, 12345, 'fatal'],
	])('HTTP %d with code %d is %s', (status, code, kind) => {
		expect(answer(status, { code, msg: 'm' }).kind).toBe(kind);
	});

	it("takes Feishu's msg and log ID, and how long to wait from x-ogw-ratelimit-reset", () => {
		expect(
			answer(
				429,
				{ code: 99991400, msg: 'request trigger frequency limit', error: { log_id: 'L1' } },
				{ 'x-ogw-ratelimit-reset': '2' },
			),
		).toMatchObject({
			code: 99991400,
			msg: 'request trigger frequency limit',
			logId: 'L1',
			retryAfterMs: 2000,
		});
		expect(answer(400, { code: 2890003 }, { 'x-tt-logid': 'L2' })).toMatchObject({
			msg: 'record missing',
			logId: 'L2',
		});
	});

	it('a body without a code is judged by its status', () => {
		expect(answer(503, undefined)).toMatchObject({ kind: 'transient', msg: 'HTTP 503' });
		expect(answer(404, undefined)).toMatchObject({ kind: 'fatal', code: undefined });
	});
});

describe('a thrown error', () => {
	it.each([['ECONNRESET'], ['ETIMEDOUT'], ['ECONNREFUSED'], ['ERR_STREAM_PREMATURE_CLOSE']])(
		'%s, however deep n8n wrapped it, is transient',
		(code) => {
			const wrapped = {
				message: 'Request failed',
				cause: { cause: Object.assign(new Error('x'), { code }) },
			};
			expect(classifyThrown(wrapped)).toMatchObject({ kind: 'transient', network: code });
		},
	);

	it('a cancelled execution is final, not a fault to retry', () => {
		expect(classifyThrown({ message: 'canceled', code: 'ERR_CANCELED' }).kind).toBe('fatal');
	});

	it("the token endpoint's refusal is a credentials failure with Feishu's code", () => {
		expect(classifyThrown({ cause: new FeishuCredentialError('refused', 10014) })).toMatchObject({
			kind: 'credentials',
			code: 10014,
		});
	});
});

describe('a user token the endpoint refuses', () => {
	it('99991668 "user access token not support" is final: refreshing the token cannot help', () => {
		expect(answer(400, { code: 99991668, msg: 'user access token not support' }).kind).toBe(
			'fatal',
		);
	});

	it('99991668 otherwise is an invalid user token, refreshed once', () => {
		expect(answer(400, { code: 99991668, msg: 'invalid user access token' }).kind).toBe(
			'invalidToken',
		);
	});
});
