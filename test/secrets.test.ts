/** The app secret, the tenant token and the helpdesk token appear in no output, error or log line. */
import { startHarness, ticketImage, whiteboard, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
	h.emulator.addWhiteboard('wb1');
	h.emulator.addTicketMessage('t1', 'm1', { type: 'img', images: [{}] });
});
afterEach(async () => await h.close());

function expectNoSecrets(text: string) {
	for (const secret of h.secrets()) expect(text).not.toContain(secret);
	const helpdeskHeader = Buffer.from(
		`${h.emulator.helpdeskId}:${h.emulator.helpdeskToken}`,
	).toString('base64');
	expect(text).not.toContain(helpdeskHeader);
}

it('in a successful run', async () => {
	const result = await h.run(ticketImage('t1', 'm1'));
	expect(result.items).toHaveLength(1);
	expect(h.emulator.issuedTokens.length).toBeGreaterThan(0);
	expectNoSecrets(h.everything(result));
});

it('in errors from the download endpoints, the helpdesk check and an invalid token', async () => {
	h.emulator.injectFault({ kind: 'error', code: 154003 }, { endpoint: 'ticketImage' });
	const helpdesk = await h.run(ticketImage('t1', 'm1'));
	expect(helpdesk.error).toBeDefined();
	expectNoSecrets(h.everything(helpdesk));

	h.emulator.injectFault({ kind: 'tokenInvalid' }, { endpoint: 'whiteboard', times: Infinity });
	const invalid = await h.run(whiteboard('wb1'), { continueOnFail: true });
	expect(invalid.items[0].json.error).toContain('99991663');
	expectNoSecrets(h.everything(invalid));
});

it('when the token endpoint itself fails', async () => {
	h.emulator.injectFault(
		{ kind: 'status', status: 500, body: 'upstream exploded' },
		{ endpoint: 'token', times: Infinity },
	);
	const result = await h.run(whiteboard('wb1', { retries: 0 }));
	expect(result.error).toBeDefined();
	expectNoSecrets(h.everything(result));
});

it('when a 5xx persists until the retries run out', async () => {
	h.emulator.injectFault(
		{ kind: 'status', status: 503 },
		{ endpoint: 'whiteboard', times: Infinity },
	);
	const result = await h.run(whiteboard('wb1', { retries: 1 }), { continueOnFail: true });
	expect(result.items[0].json.error).toMatch(/HTTP 503/);
	expectNoSecrets(h.everything(result));
});
