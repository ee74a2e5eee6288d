/**
 * A small proto2 codec for Feishu's `pbbp2.Frame`, the message every long-connection WebSocket
 * message carries. Only wire types 0 (varint) and 2 (length-delimited) occur in the schema; the
 * 64- and 32-bit fixed types are skipped when unknown fields carry them, as proto2 requires.
 *
 *   1 SeqID uint64, 2 LogID uint64, 3 service int32, 4 method int32 (all required),
 *   5 headers repeated Header{1 key string, 2 value string},
 *   6 payload_encoding string, 7 payload_type string, 8 payload bytes, 9 LogIDNew string.
 *
 * SeqID and LogID stay bigint: an ack echoes them back exactly.
 */

export const FRAME_METHOD = { control: 0, data: 1 } as const;

export interface FrameHeader {
	key: string;
	value: string;
}

export interface Frame {
	seqId: bigint;
	logId: bigint;
	service: number;
	method: number;
	headers: FrameHeader[];
	payloadEncoding?: string;
	payloadType?: string;
	payload?: Uint8Array;
	logIdNew?: string;
}

export class FrameDecodeError extends Error {}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const MAX_VARINT_BYTES = 10;

const utf8Encoder = new TextEncoder();
// Lenient: a malformed string becomes U+FFFD rather than dropping the whole frame.
const utf8Decoder = new TextDecoder('utf-8');

// ---- encoding ------------------------------------------------------------------------------

class Writer {
	private readonly chunks: number[] = [];

	varint(value: bigint): void {
		let rest = BigInt.asUintN(64, value);
		while (rest > 0x7fn) {
			this.chunks.push(Number(rest & 0x7fn) | 0x80);
			rest >>= 7n;
		}
		this.chunks.push(Number(rest));
	}

	tag(field: number, wireType: number): void {
		this.varint(BigInt((field << 3) | wireType));
	}

	bytes(field: number, value: Uint8Array): void {
		this.tag(field, LENGTH_DELIMITED);
		this.varint(BigInt(value.length));
		for (const byte of value) this.chunks.push(byte);
	}

	finish(): Uint8Array {
		return Uint8Array.from(this.chunks);
	}
}

function encodeHeader(header: FrameHeader): Uint8Array {
	const writer = new Writer();
	writer.bytes(1, utf8Encoder.encode(header.key));
	writer.bytes(2, utf8Encoder.encode(header.value));
	return writer.finish();
}

export function encodeFrame(frame: Frame): Uint8Array {
	const writer = new Writer();
	writer.tag(1, VARINT);
	writer.varint(frame.seqId);
	writer.tag(2, VARINT);
	writer.varint(frame.logId);
	// int32: a negative value is sign-extended to 64 bits (ten bytes), as protobuf does.
	writer.tag(3, VARINT);
	writer.varint(BigInt(frame.service | 0));
	writer.tag(4, VARINT);
	writer.varint(BigInt(frame.method | 0));
	for (const header of frame.headers) writer.bytes(5, encodeHeader(header));
	if (frame.payloadEncoding !== undefined)
		writer.bytes(6, utf8Encoder.encode(frame.payloadEncoding));
	if (frame.payloadType !== undefined) writer.bytes(7, utf8Encoder.encode(frame.payloadType));
	if (frame.payload !== undefined) writer.bytes(8, frame.payload);
	if (frame.logIdNew !== undefined) writer.bytes(9, utf8Encoder.encode(frame.logIdNew));
	return writer.finish();
}

// ---- decoding ------------------------------------------------------------------------------

class Reader {
	private offset = 0;

	constructor(private readonly bytes: Uint8Array) {}

	get done(): boolean {
		return this.offset >= this.bytes.length;
	}

	varint(): bigint {
		let result = 0n;
		for (let i = 0; i < MAX_VARINT_BYTES; i++) {
			if (this.offset >= this.bytes.length) throw new FrameDecodeError('truncated varint');
			const byte = this.bytes[this.offset++];
			result |= BigInt(byte & 0x7f) << BigInt(7 * i);
			if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
		}
		throw new FrameDecodeError('varint longer than 10 bytes');
	}

	lengthDelimited(): Uint8Array {
		const length = Number(this.varint());
		const end = this.offset + length;
		if (end > this.bytes.length) throw new FrameDecodeError('truncated length-delimited field');
		const slice = this.bytes.slice(this.offset, end);
		this.offset = end;
		return slice;
	}

	skip(wireType: number): void {
		if (wireType === VARINT) this.varint();
		else if (wireType === LENGTH_DELIMITED) this.lengthDelimited();
		else if (wireType === FIXED64) this.advance(8);
		else if (wireType === FIXED32) this.advance(4);
		else throw new FrameDecodeError(`unsupported wire type ${wireType}`);
	}

	private advance(count: number): void {
		if (this.offset + count > this.bytes.length) throw new FrameDecodeError('truncated field');
		this.offset += count;
	}
}

const text = (bytes: Uint8Array): string => utf8Decoder.decode(bytes);

function expectWireType(field: number, actual: number, expected: number): void {
	if (actual !== expected) {
		throw new FrameDecodeError(`field ${field} has wire type ${actual}, expected ${expected}`);
	}
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
	const reader = new Reader(bytes);
	const header: FrameHeader = { key: '', value: '' };
	while (!reader.done) {
		const tag = Number(reader.varint());
		const field = tag >>> 3;
		const wireType = tag & 7;
		if (field === 1 || field === 2) {
			expectWireType(field, wireType, LENGTH_DELIMITED);
			header[field === 1 ? 'key' : 'value'] = text(reader.lengthDelimited());
		} else reader.skip(wireType);
	}
	return header;
}

const int32 = (value: bigint): number => Number(BigInt.asIntN(32, value));

export function decodeFrame(bytes: Uint8Array): Frame {
	const reader = new Reader(bytes);
	const frame: Frame = { seqId: 0n, logId: 0n, service: 0, method: 0, headers: [] };
	const seen = new Set<number>();
	while (!reader.done) {
		const tag = Number(reader.varint());
		const field = tag >>> 3;
		const wireType = tag & 7;
		if (field === 0) throw new FrameDecodeError('field number 0');
		seen.add(field);
		if (field >= 1 && field <= 4) {
			expectWireType(field, wireType, VARINT);
			const value = reader.varint();
			if (field === 1) frame.seqId = value;
			else if (field === 2) frame.logId = value;
			else if (field === 3) frame.service = int32(value);
			else frame.method = int32(value);
		} else if (field >= 5 && field <= 9) {
			expectWireType(field, wireType, LENGTH_DELIMITED);
			const value = reader.lengthDelimited();
			if (field === 5) frame.headers.push(decodeHeader(value));
			else if (field === 6) frame.payloadEncoding = text(value);
			else if (field === 7) frame.payloadType = text(value);
			else if (field === 8) frame.payload = value;
			else frame.logIdNew = text(value);
		} else reader.skip(wireType);
	}
	for (const required of [1, 2, 3, 4]) {
		if (!seen.has(required)) throw new FrameDecodeError(`required field ${required} is missing`);
	}
	return frame;
}

/** The value of a header (the first one of that key), or undefined. */
export function headerValue(frame: Frame, key: string): string | undefined {
	return frame.headers.find((header) => header.key === key)?.value;
}
