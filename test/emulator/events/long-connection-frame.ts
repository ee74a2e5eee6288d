/**
 * The emulator's own pbbp2.Frame codec (proto2), written from the schema alone so it can
 * witness the node's: it never imports the node. Field numbers and wire types:
 *   1 SeqID varint, 2 LogID varint, 3 service varint, 4 method varint,
 *   5 headers bytes (Header: 1 key, 2 value), 6 payload_encoding, 7 payload_type,
 *   8 payload, 9 LogIDNew (all bytes / strings).
 */
export interface WireHeader {
	key: string;
	value: string;
}

export interface WireFrame {
	SeqID: bigint;
	LogID: bigint;
	service: number;
	method: number;
	headers: WireHeader[];
	payload_encoding?: string;
	payload_type?: string;
	payload?: Buffer;
	LogIDNew?: string;
}

function varint(value: bigint): Buffer {
	const out: number[] = [];
	let v = value < 0n ? value + (1n << 64n) : value;
	do {
		let byte = Number(v % 128n);
		v /= 128n;
		if (v > 0n) byte += 128;
		out.push(byte);
	} while (v > 0n);
	return Buffer.from(out);
}

const key = (field: number, wire: 0 | 2): Buffer => varint(BigInt(field * 8 + wire));
const lengthPrefixed = (field: number, bytes: Buffer): Buffer =>
	Buffer.concat([key(field, 2), varint(BigInt(bytes.length)), bytes]);

export function encodeWireFrame(frame: WireFrame): Buffer {
	const parts: Buffer[] = [
		key(1, 0),
		varint(frame.SeqID),
		key(2, 0),
		varint(frame.LogID),
		key(3, 0),
		varint(BigInt(frame.service)),
		key(4, 0),
		varint(BigInt(frame.method)),
	];
	for (const header of frame.headers) {
		const inner = Buffer.concat([
			lengthPrefixed(1, Buffer.from(header.key, 'utf8')),
			lengthPrefixed(2, Buffer.from(header.value, 'utf8')),
		]);
		parts.push(lengthPrefixed(5, inner));
	}
	if (frame.payload_encoding !== undefined)
		parts.push(lengthPrefixed(6, Buffer.from(frame.payload_encoding, 'utf8')));
	if (frame.payload_type !== undefined)
		parts.push(lengthPrefixed(7, Buffer.from(frame.payload_type, 'utf8')));
	if (frame.payload !== undefined) parts.push(lengthPrefixed(8, frame.payload));
	if (frame.LogIDNew !== undefined)
		parts.push(lengthPrefixed(9, Buffer.from(frame.LogIDNew, 'utf8')));
	return Buffer.concat(parts);
}

/** Reads fields as (number, wire type, value) triples; throws on anything malformed. */
function* fields(buf: Buffer): Generator<[number, number, bigint | Buffer]> {
	let pos = 0;
	const readVarint = (): bigint => {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			if (pos >= buf.length) throw new Error('pbbp2: truncated varint');
			const byte = buf[pos++];
			result += BigInt(byte & 127) << shift;
			if (byte < 128) return result;
			shift += 7n;
			if (shift > 63n) throw new Error('pbbp2: varint too long');
		}
	};
	while (pos < buf.length) {
		const tag = Number(readVarint());
		const wire = tag % 8;
		const field = Math.floor(tag / 8);
		if (wire === 0) yield [field, wire, readVarint()];
		else if (wire === 2) {
			const len = Number(readVarint());
			if (pos + len > buf.length) throw new Error('pbbp2: truncated bytes');
			yield [field, wire, buf.subarray(pos, pos + len)];
			pos += len;
		} else if (wire === 1 || wire === 5) pos += wire === 1 ? 8 : 4;
		else throw new Error(`pbbp2: wire type ${wire}`);
	}
}

export function decodeWireFrame(buf: Buffer): WireFrame {
	const frame: WireFrame = { SeqID: 0n, LogID: 0n, service: 0, method: 0, headers: [] };
	const seen = new Set<number>();
	for (const [field, wire, value] of fields(buf)) {
		seen.add(field);
		const expected = field <= 4 ? 0 : 2;
		if (field >= 1 && field <= 9 && wire !== expected)
			throw new Error(`pbbp2: field ${field} with wire type ${wire}`);
		if (typeof value === 'bigint') {
			if (field === 1) frame.SeqID = value;
			if (field === 2) frame.LogID = value;
			if (field === 3) frame.service = Number(BigInt.asIntN(32, value));
			if (field === 4) frame.method = Number(BigInt.asIntN(32, value));
			continue;
		}
		if (field === 5) {
			const header: WireHeader = { key: '', value: '' };
			for (const [f, , v] of fields(value)) {
				if (f === 1 && Buffer.isBuffer(v)) header.key = v.toString('utf8');
				if (f === 2 && Buffer.isBuffer(v)) header.value = v.toString('utf8');
			}
			frame.headers.push(header);
		}
		if (field === 6) frame.payload_encoding = value.toString('utf8');
		if (field === 7) frame.payload_type = value.toString('utf8');
		if (field === 8) frame.payload = Buffer.from(value);
		if (field === 9) frame.LogIDNew = value.toString('utf8');
	}
	for (const required of [1, 2, 3, 4])
		if (!seen.has(required)) throw new Error(`pbbp2: required field ${required} missing`);
	return frame;
}

export const wireHeader = (frame: WireFrame, name: string): string | undefined =>
	frame.headers.find((h) => h.key === name)?.value;
