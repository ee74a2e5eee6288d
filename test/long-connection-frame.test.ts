/**
 * Feishu's pbbp2.Frame (proto2) as the node encodes and decodes it: a frame written out byte by
 * byte, round trips at the edges of the field types, and both directions against the
 * emulator's independent codec.
 */
import {
	decodeFrame,
	encodeFrame,
	FrameDecodeError,
	type Frame,
} from '../nodes/FeishuImagesTrigger/long-connection/pbbp2';
import { FragmentBuffer } from '../nodes/FeishuImagesTrigger/long-connection/fragments';
import { decodeWireFrame, encodeWireFrame } from './emulator/events/long-connection-frame';

/** A ping as the node-sdk sends it: SeqID 0, LogID 0, service 7, method 0, header type=ping. */
const PING_BYTES = Uint8Array.from([
	0x08,
	0x00, // field 1 (SeqID), varint 0
	0x10,
	0x00, // field 2 (LogID), varint 0
	0x18,
	0x07, // field 3 (service), varint 7
	0x20,
	0x00, // field 4 (method), varint 0 = control
	0x2a,
	0x0c, // field 5 (headers), 12 bytes
	0x0a,
	0x04,
	0x74,
	0x79,
	0x70,
	0x65, // Header.key "type"
	0x12,
	0x04,
	0x70,
	0x69,
	0x6e,
	0x67, // Header.value "ping"
]);

/** A data frame with a 300 SeqID (two-byte varint), payload "{}" and LogIDNew "a". */
const DATA_BYTES = Uint8Array.from([
	0x08,
	0xac,
	0x02, // SeqID 300
	0x10,
	0x01, // LogID 1
	0x18,
	0x02, // service 2
	0x20,
	0x01, // method 1 = data
	0x2a,
	0x0b,
	0x0a,
	0x04,
	0x74,
	0x79,
	0x70,
	0x65,
	0x12,
	0x03,
	0x65,
	0x76,
	0x74, // type=evt
	0x32,
	0x00, // payload_encoding ""
	0x3a,
	0x04,
	0x6a,
	0x73,
	0x6f,
	0x6e, // payload_type "json"
	0x42,
	0x02,
	0x7b,
	0x7d, // payload "{}"
	0x4a,
	0x01,
	0x61, // LogIDNew "a"
]);

describe('pbbp2 frame codec', () => {
	it('decodes a ping written byte by byte, and encodes the same bytes back', () => {
		const frame = decodeFrame(PING_BYTES);
		expect(frame).toEqual({
			seqId: 0n,
			logId: 0n,
			service: 7,
			method: 0,
			headers: [{ key: 'type', value: 'ping' }],
		});
		expect(Buffer.from(encodeFrame(frame))).toEqual(Buffer.from(PING_BYTES));
	});

	it('decodes every field of a data frame, in field order, and re-encodes it exactly', () => {
		const frame = decodeFrame(DATA_BYTES);
		expect(frame.seqId).toBe(300n);
		expect(frame.logId).toBe(1n);
		expect(frame.service).toBe(2);
		expect(frame.method).toBe(1);
		expect(frame.headers).toEqual([{ key: 'type', value: 'evt' }]);
		expect(frame.payloadEncoding).toBe('');
		expect(frame.payloadType).toBe('json');
		expect(Buffer.from(frame.payload ?? [])).toEqual(Buffer.from('{}'));
		expect(frame.logIdNew).toBe('a');
		expect(Buffer.from(encodeFrame(frame))).toEqual(Buffer.from(DATA_BYTES));
	});

	it('keeps 64-bit SeqID / LogID exact and sign-extends a negative int32 to ten bytes', () => {
		const frame: Frame = {
			seqId: 2n ** 64n - 1n,
			logId: 7302405837946736641n,
			service: -1,
			method: 1,
			headers: [],
		};
		const bytes = encodeFrame(frame);
		// tag 0x08, then 0xff×9, 0x01: the maximum uint64 takes ten bytes.
		expect(Array.from(bytes.subarray(0, 11))).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
		expect(
			Array.from(encodeFrame({ seqId: 0n, logId: 0n, service: -1, method: 0, headers: [] })),
		).toEqual([0x08, 0x00, 0x10, 0x00, 0x18, ...Array(9).fill(0xff), 0x01, 0x20, 0x00]);
		expect(decodeFrame(bytes)).toEqual(frame);
	});

	it('round-trips UTF-8 headers, an empty payload and several headers of one key', () => {
		const frame: Frame = {
			seqId: 1n,
			logId: 2n,
			service: 3,
			method: 1,
			headers: [
				{ key: 'message_id', value: '飞书-消息-1' },
				{ key: 'k', value: 'a' },
				{ key: 'k', value: 'b' },
			],
			payload: new Uint8Array(0),
		};
		expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
	});

	it('skips unknown fields of every wire type (varint, 64-bit, bytes, 32-bit)', () => {
		const unknown = Uint8Array.from([
			0x50,
			0x05, // field 10 varint
			0x59,
			1,
			2,
			3,
			4,
			5,
			6,
			7,
			8, // field 11 fixed64
			0x62,
			0x02,
			0x68,
			0x69, // field 12 bytes
			0x6d,
			1,
			2,
			3,
			4, // field 13 fixed32
		]);
		const frame = decodeFrame(Uint8Array.from([...unknown, ...PING_BYTES]));
		expect(frame.headers).toEqual([{ key: 'type', value: 'ping' }]);
	});

	it('refuses a truncated frame, an overlong varint and a frame without its required fields', () => {
		expect(() => decodeFrame(PING_BYTES.subarray(0, PING_BYTES.length - 2))).toThrow(
			FrameDecodeError,
		);
		expect(() => decodeFrame(Uint8Array.from([0x08, ...Array(11).fill(0xff)]))).toThrow(
			FrameDecodeError,
		);
		expect(() => decodeFrame(Uint8Array.from([0x08, 0x01, 0x10, 0x01]))).toThrow(
			/required field 3/,
		);
		expect(() => decodeFrame(Uint8Array.from([0x0a, 0x00, ...PING_BYTES]))).toThrow(/wire type/);
	});

	it("agrees with the emulator's independent codec in both directions", () => {
		const frame: Frame = {
			seqId: 123456789012345n,
			logId: 98765n,
			service: 33554678,
			method: 1,
			headers: [
				{ key: 'type', value: 'event' },
				{ key: 'sum', value: '2' },
			],
			payloadType: 'json',
			payload: Buffer.from('{"schema":"2.0"}'),
			logIdNew: '02abc',
		};
		const wire = decodeWireFrame(Buffer.from(encodeFrame(frame)));
		expect(wire).toEqual({
			SeqID: frame.seqId,
			LogID: frame.logId,
			service: frame.service,
			method: frame.method,
			headers: frame.headers,
			payload_type: 'json',
			payload: Buffer.from('{"schema":"2.0"}'),
			LogIDNew: '02abc',
		});
		const back = decodeFrame(encodeWireFrame(wire));
		expect({ ...back, payload: Buffer.from(back.payload ?? []) }).toEqual(frame);
	});
});

describe('fragment reassembly', () => {
	const part = (seq: number, text: string) => ({
		messageId: 'm1',
		sum: 3,
		seq,
		payload: Buffer.from(text),
	});

	it('joins the parts in seq order whatever order they arrive in', () => {
		const buffer = new FragmentBuffer();
		expect(buffer.add(part(2, 'c'))).toBeUndefined();
		expect(buffer.add(part(0, 'a'))).toBeUndefined();
		expect(Buffer.from(buffer.add(part(1, 'b')) ?? []).toString()).toBe('abc');
		expect(buffer.size).toBe(0);
	});

	it('passes a single-part message through and ignores a seq outside sum', () => {
		const buffer = new FragmentBuffer();
		expect(buffer.add({ messageId: 'x', sum: 1, seq: 0, payload: Buffer.from('x') })).toEqual(
			Buffer.from('x'),
		);
		expect(buffer.add({ ...part(3, 'z') })).toBeUndefined();
		expect(buffer.size).toBe(0);
	});

	it('drops a partial message older than 10 s when later fragments arrive', () => {
		let now = 0;
		const buffer = new FragmentBuffer(() => now);
		buffer.add(part(0, 'a'));
		now = 10_001;
		buffer.add({ messageId: 'm2', sum: 2, seq: 0, payload: Buffer.from('q') });
		expect(buffer.size).toBe(1);
		// The rest of m1 now starts a new partial message instead of completing a stale one.
		expect(buffer.add(part(1, 'b'))).toBeUndefined();
		expect(buffer.add(part(2, 'c'))).toBeUndefined();
	});
});
