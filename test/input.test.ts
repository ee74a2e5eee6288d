/**
 * Bad input is a NodeOperationError that names the field and the item, and nothing is sent:
 * no ID can steer a request to another path or host.
 */
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
	h.emulator.addTicketMessage('t1', 'm1', { type: 'post', images: [{}, {}] });
});
afterAll(async () => await h.close());
beforeEach(() => h.emulator.resetCounters());

const hostile: Array<[string, string]> = [
	['empty', ''],
	['white space only', '   '],
	['a path separator', 'abc/def'],
	['a parent path', '..'],
	['a parent path inside', 'a..b'],
	['an encoded slash', 'abc%2Fdef'],
	['a query', 'abc?x=1'],
	['a fragment', 'abc#x'],
	['user info', 'user@evil.example'],
	['a URL', 'https://evil.example/board/abc'],
	['CR/LF', 'abc\r\nX-Injected: 1'],
	['a NUL byte', 'abc\u0000def'],
	['non-ASCII', '画板123'],
	['a 10 kB string', 'a'.repeat(10_240)],
	['a backslash', 'abc\\def'],
	['a space inside', 'abc def'],
];

// IDs usually arrive through expressions from earlier nodes: the node itself must refuse them.
const fromItem = '={{ $json.id }}';

describe.each([
	['Whiteboard ID', () => whiteboard(fromItem)],
	['Image Key', () => messageImage(fromItem)],
	['File Token', () => baikeImage(fromItem)],
	['Ticket ID', () => ticketImage(fromItem, 'm1')],
	['Message ID', () => ticketImage('t1', fromItem)],
])('%s', (field, parameters) => {
	it.each(hostile)('refuses %s without sending anything', async (_what, value) => {
		const result = await h.run(parameters(), { items: [{ json: { id: value } }] });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain(field);
		expect((result.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(
			0,
		);
		expect(h.emulator.requestLog.filter((r) => r.endpoint !== 'token')).toHaveLength(0);
		expect(result.error?.message.length).toBeLessThan(200);
	});
});

it('names the failing item when the bad ID comes from the third input item', async () => {
	const result = await h.run(whiteboard('={{ $json.id }}'), {
		items: [
			{ json: { id: 'wb1' } },
			{ json: { id: 'wb1' } },
			{ json: { id: '../../im/v1/images/x' } },
		],
	});
	expect(result.error?.message).toMatch(/Whiteboard ID ".*" is not a valid Feishu ID/);
	expect((result.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(2);
});

it('a hostile ID typed into the field is flagged by n8n as a node issue before the run', async () => {
	await expect(h.run(whiteboard('abc/../../x'))).rejects.toThrow(/Not a valid Whiteboard ID/);
	expect(h.emulator.requestLog).toHaveLength(0);
});

it('trims surrounding white space from a pasted ID', async () => {
	const result = await h.run(whiteboard('  wb1 \n'));
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.whiteboardId).toBe('wb1');
});

describe('Image Index', () => {
	it.each([
		['negative', -1],
		['not whole', 1.5],
		['not a number', 'two'],
	])('refuses a %s index', async (_what, index) => {
		const result = await h.run(ticketImage('t1', 'm1', { imageIndex: index }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('Image Index');
		expect(h.emulator.requestLog.filter((r) => r.endpoint === 'ticketImage')).toHaveLength(0);
	});

	it('accepts an index that an expression produced as text', async () => {
		const result = await h.run(ticketImage('t1', 'm1', { imageIndex: '={{ "1" }}' }));
		expect(result.error).toBeUndefined();
		expect(h.emulator.requestLog.at(-1)?.url).toContain('index=1');
	});
});

it('refuses an empty "Put Output File in Field"', async () => {
	const result = await h.run(whiteboard('wb1', { binaryPropertyName: ' ' }));
	expect(result.error?.message).toContain('Put Output File in Field');
});
