/**
 * Server side of RFC 6455 over node:http's 'upgrade', written out so the emulator needs no
 * dependency: the handshake (Sec-WebSocket-Accept), masked client frames, continuation frames,
 * WebSocket-level ping/pong and the closing handshake. Feishu's own ping/pong are pbbp2
 * control frames inside binary messages (long-connection-server.ts), not these.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;
/** The emulator's cap on one message (Feishu's frames are small; fragments keep them so). */
const MAX_MESSAGE = 16 * 1024 * 1024;

export const acceptKey = (key: string): string =>
	createHash('sha1')
		.update(key + GUID)
		.digest('base64');

/** Writes an HTTP refusal of an upgrade and ends the socket. */
export function refuseUpgrade(
	socket: Duplex,
	status: number,
	reason: string,
	headers: Record<string, string> = {},
): void {
	const lines = [`HTTP/1.1 ${status} ${reason}`, 'Connection: close', 'Content-Length: 0'];
	for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
	socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}

/** Answers a valid upgrade request with 101; false (and a 400) when it is not one. */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex): boolean {
	const key = req.headers['sec-websocket-key'];
	const isUpgrade = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
	if (!isUpgrade || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
		refuseUpgrade(socket, 400, 'Bad Request');
		return false;
	}
	socket.write(
		'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
			`Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
	);
	return true;
}

function frameHeader(opcode: number, length: number): Buffer {
	if (length < 126) return Buffer.from([0x80 | opcode, length]);
	if (length < 65536) {
		const head = Buffer.alloc(4);
		head[0] = 0x80 | opcode;
		head[1] = 126;
		head.writeUInt16BE(length, 2);
		return head;
	}
	const head = Buffer.alloc(10);
	head[0] = 0x80 | opcode;
	head[1] = 127;
	head.writeBigUInt64BE(BigInt(length), 2);
	return head;
}

export interface ServerSocketEvents {
	onBinary(message: Buffer): void;
	onClose(): void;
}

/** One upgraded connection: parses masked client frames, writes unmasked server frames. */
export class ServerWebSocket {
	closed = false;
	private buffer: Buffer = Buffer.alloc(0);
	private fragments: Buffer[] = [];
	private fragmentOpcode = 0;
	private closeSent = false;

	constructor(
		private readonly socket: Duplex,
		private readonly events: ServerSocketEvents,
		head: Buffer,
	) {
		socket.on('data', (chunk: Buffer) => this.receive(chunk));
		socket.on('close', () => this.finish());
		socket.on('error', () => socket.destroy());
		if (head.length) this.receive(head);
	}

	sendBinary(message: Buffer): boolean {
		if (this.closed || this.closeSent) return false;
		this.socket.write(Buffer.concat([frameHeader(OP.binary, message.length), message]));
		return true;
	}

	/** The closing handshake: a close frame, then the TCP end once the client answers. */
	close(code = 1000, reason = ''): void {
		if (this.closed || this.closeSent) return;
		this.closeSent = true;
		const body = Buffer.alloc(2 + Buffer.byteLength(reason));
		body.writeUInt16BE(code, 0);
		body.write(reason, 2);
		this.socket.write(Buffer.concat([frameHeader(OP.close, body.length), body]));
	}

	/** A drop: the TCP connection goes away without any closing handshake. */
	destroy(): void {
		this.socket.destroy();
	}

	private finish(): void {
		if (this.closed) return;
		this.closed = true;
		this.events.onClose();
	}

	private protocolError(): void {
		this.close(1002, 'protocol error');
		this.socket.end();
	}

	private receive(chunk: Buffer): void {
		this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
		while (!this.closed) {
			const parsed = this.parseOne();
			if (!parsed) return;
		}
	}

	/** Parses one frame off the buffer; false when more bytes are needed. */
	private parseOne(): boolean {
		const buf = this.buffer;
		if (buf.length < 2) return false;
		const fin = (buf[0] & 0x80) !== 0;
		const opcode = buf[0] & 0x0f;
		const masked = (buf[1] & 0x80) !== 0;
		let length = buf[1] & 0x7f;
		let offset = 2;
		if (length === 126) {
			if (buf.length < 4) return false;
			length = buf.readUInt16BE(2);
			offset = 4;
		} else if (length === 127) {
			if (buf.length < 10) return false;
			length = Number(buf.readBigUInt64BE(2));
			offset = 10;
		}
		// RFC 6455 §5.1: a server must close the connection on an unmasked client frame.
		if (!masked || length > MAX_MESSAGE) {
			this.protocolError();
			return false;
		}
		if (buf.length < offset + 4 + length) return false;
		const mask = buf.subarray(offset, offset + 4);
		const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + length));
		for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
		this.buffer = buf.subarray(offset + 4 + length);
		this.handleFrame(fin, opcode, payload);
		return true;
	}

	private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
		if (opcode === OP.close) {
			// Answer the client's close (unless ours started it), then end the TCP connection.
			if (!this.closeSent) {
				this.closeSent = true;
				this.socket.write(
					Buffer.concat([
						frameHeader(OP.close, Math.min(payload.length, 2)),
						payload.subarray(0, 2),
					]),
				);
			}
			this.socket.end();
			return;
		}
		if (opcode === OP.ping) {
			this.socket.write(Buffer.concat([frameHeader(OP.pong, payload.length), payload]));
			return;
		}
		if (opcode === OP.pong) return;
		if (opcode === OP.text || opcode === OP.binary) {
			this.fragmentOpcode = opcode;
			this.fragments = [payload];
		} else if (opcode === OP.continuation) this.fragments.push(payload);
		else return this.protocolError();
		if (!fin) return;
		const message = Buffer.concat(this.fragments);
		this.fragments = [];
		if (this.fragmentOpcode === OP.binary) this.events.onBinary(message);
	}
}
