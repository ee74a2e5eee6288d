/**
 * The emulator's long connection, checked on its own (it is the witness the node's specs lean
 * on): RFC 6455's handshake vector and masking rule, Feishu's resend of an unacked event to one
 * connection of the app, the give-up after the resend schedule, the connection limit's
 * handshake headers, and the discovery's refusal of a wrong secret.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

import {
	startLongConnectionEmulator,
	type StandaloneLongConnection,
} from './emulator/events/long-connection-attach';
import {
	decodeWireFrame,
	encodeWireFrame,
	wireHeader,
} from './emulator/events/long-connection-frame';
import { acceptKey } from './emulator/events/long-connection-websocket';

const APP_ID = 'cli_0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret';
let lc: StandaloneLongConnection;

afterEach(async () => {
	await lc?.close();
});

async function discover(secret = APP_SECRET): Promise<{ code: number; data?: { URL: string } }> {
	const answer = await fetch(`${lc.baseUrl}/callback/ws/endpoint`, {
		method: 'POST',
		headers: { locale: 'zh', 'content-type': 'application/json' },
		body: JSON.stringify({ AppID: APP_ID, AppSecret: secret }),
	});
	return (await answer.json()) as { code: number; data?: { URL: string } };
}

/** A bare client: the runtime's WebSocket, answering nothing (no ack, no ping). */
async function silentClient(): Promise<{ socket: WebSocket; frames: Buffer[] }> {
	const { data } = await discover();
	const socket = new WebSocket(data?.URL ?? '');
	socket.binaryType = 'arraybuffer';
	const frames: Buffer[] = [];
	socket.onmessage = (event) => frames.push(Buffer.from(event.data as ArrayBuffer));
	await new Promise((resolve, reject) => {
		socket.onopen = resolve;
		socket.onerror = reject;
	});
	return { socket, frames };
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('long-connection emulator', () => {
	it("computes RFC 6455's Sec-WebSocket-Accept example", () => {
		expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
	});

	it('closes the connection on an unmasked client frame (RFC 6455 §5.1)', async () => {
		lc = await startLongConnectionEmulator({ apps: { [APP_ID]: APP_SECRET } });
		const url = new URL((await discover()).data?.URL ?? '');
		const socket: Socket = connect(Number(url.port), '127.0.0.1');
		const received: Buffer[] = [];
		socket.on('data', (chunk) => received.push(chunk));
		socket.write(
			`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
				'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
		);
		await waitFor(() => Buffer.concat(received).includes('\r\n\r\n'));
		expect(Buffer.concat(received).toString()).toContain('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
		socket.write(Buffer.from([0x82, 0x01, 0x00])); // binary, unmasked, one byte
		await new Promise((resolve) => socket.once('close', resolve));
		const all = Buffer.concat(received);
		const close = all.subarray(all.indexOf(0x88));
		expect(close.readUInt16BE(2)).toBe(1002);
	});

	it('resends an unacked event on the schedule, then counts it lost', async () => {
		lc = await startLongConnectionEmulator({
			apps: { [APP_ID]: APP_SECRET },
			ackTimeoutMs: 50,
			retryDelaysMs: [20, 20],
		});
		const { socket, frames } = await silentClient();
		const messageId = lc.emulator.deliver({ schema: '2.0', header: { event_id: 'e1' } });
		await waitFor(() => lc.emulator.counters.lost === 1);
		const pushes = frames.map((f) => decodeWireFrame(f)).filter((f) => f.method === 1);
		expect(pushes).toHaveLength(3);
		expect(pushes.every((f) => wireHeader(f, 'message_id') === messageId)).toBe(true);
		expect(lc.emulator.counters.redeliveries).toBe(2);
		socket.close();
	});

	it('settles an event acked with code 200: no resend follows', async () => {
		lc = await startLongConnectionEmulator({ apps: { [APP_ID]: APP_SECRET }, ackTimeoutMs: 50 });
		const { socket, frames } = await silentClient();
		lc.emulator.deliver({ schema: '2.0', header: { event_id: 'e2' } });
		await waitFor(() => frames.length === 1);
		const frame = decodeWireFrame(frames[0]);
		socket.send(
			encodeWireFrame({
				...frame,
				headers: [...frame.headers, { key: 'biz_rt', value: '0' }],
				payload: Buffer.from('{"code":200}'),
			}),
		);
		await waitFor(() => lc.emulator.counters.acks.length === 1);
		expect(lc.emulator.counters.acks[0]).toMatchObject({ code: 200, echoed: true, bizRt: '0' });
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(lc.emulator.unacked()).toBe(0);
		expect(lc.emulator.counters.redeliveries).toBe(0);
		socket.close();
	});

	it('refuses a connection over the limit with handshake-status 514 and autherrcode 1000040350', async () => {
		lc = await startLongConnectionEmulator({
			apps: { [APP_ID]: APP_SECRET },
			maxConnectionsPerApp: 1,
		});
		const { socket } = await silentClient();
		const url = new URL((await discover()).data?.URL ?? '');
		const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
			const req = request({
				host: '127.0.0.1',
				port: url.port,
				path: `${url.pathname}${url.search}`,
				headers: {
					Connection: 'Upgrade',
					Upgrade: 'websocket',
					'Sec-WebSocket-Version': '13',
					'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
				},
			});
			req.on('response', (res) => resolve({ status: res.statusCode, ...res.headers }));
			req.on('upgrade', () => reject(new Error('upgraded over the limit')));
			req.on('error', reject);
			req.end();
		});
		expect(headers).toMatchObject({
			status: 403,
			'handshake-status': '514',
			'handshake-autherrcode': '1000040350',
		});
		expect(lc.emulator.openConnections(APP_ID)).toBe(1);
		socket.close();
	});

	it('answers a wrong App Secret with code 514 and no URL', async () => {
		lc = await startLongConnectionEmulator({ apps: { [APP_ID]: APP_SECRET } });
		expect(await discover('not-the-secret')).toEqual({ code: 514, msg: 'auth failed' });
	});
});
