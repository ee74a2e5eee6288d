/**
 * Real image bytes for the Feishu emulator.
 *
 * Tests compare downloaded binaries byte for byte and may hand them to image
 * tooling, so every helper here produces a file a real decoder accepts rather
 * than a few magic bytes followed by junk.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/** Deterministic 32-bit PRNG (mulberry32): same seed, same sequence, on every run. */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// Node 20 has no zlib.crc32, so PNG chunk checksums use the classic table.
const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (ISO 3309 / PNG) of `data`. */
export function crc32(data: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A valid 8-bit RGB PNG of `width` x `height` pixels whose colours come from
 * `seed`, so two fixtures with different seeds never share bytes.
 */
export function makePng(width = 8, height = 8, seed = 1): Buffer {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`makePng: bad size ${width}x${height}`);
	}
	const rand = mulberry32(seed);
	const rgb = Buffer.alloc(width * height * 3);
	for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor(rand() * 256);
	return encodePng(width, height, rgb);
}

/** An 8-bit RGB PNG of `rgb` (width * height * 3 bytes, rows top first). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
	const rowLength = 1 + width * 3; // filter byte + RGB triples
	const raw = Buffer.alloc(rowLength * height);
	for (let y = 0; y < height; y++) {
		raw[y * rowLength] = 0; // filter type None
		raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * rowLength + 1);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: truecolour
	ihdr[10] = 0; // compression: deflate
	ihdr[11] = 0; // filter method
	ihdr[12] = 0; // no interlace
	return Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/**
 * A hand-assembled baseline JFIF: 8x8 grey, one component, quantisation all 1,
 * and one-symbol Huffman tables (DC category 0, AC end-of-block), so the whole
 * scan is the two bits "00" padded with ones. Checked with libjpeg's djpeg.
 */
const JPEG_8X8_GREY: readonly number[] = [
	0xff,
	0xd8, // SOI
	0xff,
	0xe0,
	0x00,
	0x10,
	0x4a,
	0x46,
	0x49,
	0x46,
	0x00,
	0x01,
	0x01,
	0x00,
	0x00,
	0x01,
	0x00,
	0x01,
	0x00,
	0x00, // APP0 JFIF 1.1
	0xff,
	0xdb,
	0x00,
	0x43,
	0x00,
	...new Array<number>(64).fill(1), // DQT table 0
	0xff,
	0xc0,
	0x00,
	0x0b,
	0x08,
	0x00,
	0x08,
	0x00,
	0x08,
	0x01,
	0x01,
	0x11,
	0x00, // SOF0 8x8, 1 component
	0xff,
	0xc4,
	0x00,
	0x14,
	0x00,
	0x01,
	...new Array<number>(15).fill(0),
	0x00, // DHT DC0: one 1-bit code -> 0
	0xff,
	0xc4,
	0x00,
	0x14,
	0x10,
	0x01,
	...new Array<number>(15).fill(0),
	0x00, // DHT AC0: one 1-bit code -> EOB
	0xff,
	0xda,
	0x00,
	0x08,
	0x01,
	0x01,
	0x00,
	0x00,
	0x3f,
	0x00, // SOS
	0x3f, // scan: DC diff 0 ("0"), EOB ("0"), padded with 1 bits
	0xff,
	0xd9, // EOI
];

/**
 * A real, decodable 8x8 baseline JPEG (starts FFD8FF, ends FFD9). With a `seed`, a comment
 * segment (COM) carrying it follows SOI, so that fixtures differ byte for byte.
 */
export function makeJpeg(seed?: number): Buffer {
	const jpeg = Buffer.from(JPEG_8X8_GREY);
	if (seed === undefined) return jpeg;
	const text = Buffer.from(`seed ${seed}`, 'latin1');
	const com = Buffer.alloc(4);
	com.writeUInt16BE(0xfffe, 0);
	com.writeUInt16BE(text.length + 2, 2);
	return Buffer.concat([jpeg.subarray(0, 2), com, text, jpeg.subarray(2)]);
}

/** The classic 43-byte 1x1 transparent GIF89a. */
const GIF_1X1: readonly number[] = [
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/** A valid 1x1 GIF89a; with a `seed`, a comment extension carrying it comes before the trailer. */
export function makeGif(seed?: number): Buffer {
	const gif = Buffer.from(GIF_1X1);
	if (seed === undefined) return gif;
	const text = Buffer.from(`seed ${seed}`, 'latin1');
	const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0])]);
	return Buffer.concat([gif.subarray(0, -1), comment, gif.subarray(-1)]);
}

/**
 * A small valid SVG (Feishu may answer a whiteboard as image/svg+xml): a frame and a few shapes
 * whose places come from `seed`, so that two seeds never give the same document.
 */
export function makeSvg(width = 160, height = 90, seed = 1): Buffer {
	const rand = mulberry32(seed);
	const shapes = Array.from({ length: 3 }, (_, i) => {
		const x = Math.floor(rand() * (width - 40)) + 4;
		const y = Math.floor(rand() * (height - 30)) + 4;
		return `<rect x="${x}" y="${y}" width="32" height="20" rx="4" fill="${PALETTE[i]}" stroke="#1f2329"/>`;
	});
	const svg = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		...shapes,
		'</svg>',
		'',
	];
	return Buffer.from(svg.join('\n'), 'utf8');
}

const PALETTE = ['#e1eaff', '#d9f5d6', '#fff5eb'] as const;

/** MIME type from magic bytes; used as the default Content-Type of fixtures. */
export function sniffImageMime(bytes: Uint8Array): string {
	const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
	if (
		b.length >= 6 &&
		(b.toString('latin1', 0, 6) === 'GIF89a' || b.toString('latin1', 0, 6) === 'GIF87a')
	) {
		return 'image/gif';
	}
	if (
		b.length >= 12 &&
		b.toString('latin1', 0, 4) === 'RIFF' &&
		b.toString('latin1', 8, 12) === 'WEBP'
	) {
		return 'image/webp';
	}
	// An XML prolog, comments or whitespace may come before the root element.
	const head = b.toString('utf8', 0, Math.min(b.length, 512)).replace(/^\uFEFF/, '');
	if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head))
		return 'image/svg+xml';
	return 'application/octet-stream';
}

/** Pixel size from a PNG, GIF or baseline/progressive JPEG header; undefined for anything else. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
	const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const mime = sniffImageMime(b);
	if (mime === 'image/png' && b.length >= 24)
		return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
	if (mime === 'image/gif' && b.length >= 10)
		return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
	if (mime !== 'image/jpeg') return undefined;
	// Walk the marker segments to the first start-of-frame (SOF0..SOF3).
	for (let at = 2; at + 9 <= b.length && b[at] === 0xff;) {
		const marker = b[at + 1] ?? 0;
		if (marker >= 0xc0 && marker <= 0xc3)
			return { width: b.readUInt16BE(at + 7), height: b.readUInt16BE(at + 5) };
		at += 2 + b.readUInt16BE(at + 2);
	}
	return undefined;
}

export const PATTERN_CHUNK_SIZE = 64 * 1024;

/**
 * Deterministic content of `size` bytes, yielded in 64 KiB chunks so a 200 MiB
 * fixture never sits in memory. A seeded 64 KiB block is repeated, with the
 * chunk index stamped into the first 8 bytes of each chunk so a client that
 * drops, repeats or reorders chunks produces a different hash.
 */
export function* patternBytes(size: number, seed = 1): Generator<Buffer, void, undefined> {
	if (!Number.isSafeInteger(size) || size < 0)
		throw new RangeError(`patternBytes: bad size ${size}`);
	const rand = mulberry32(seed);
	const block = Buffer.alloc(PATTERN_CHUNK_SIZE);
	for (let i = 0; i < block.length; i++) block[i] = Math.floor(rand() * 256);
	let offset = 0;
	for (let index = 0; offset < size; index++) {
		const length = Math.min(PATTERN_CHUNK_SIZE, size - offset);
		// A fresh buffer per chunk: the socket may still hold the previous one.
		const chunk = Buffer.from(block.subarray(0, length));
		const stamp = Buffer.alloc(8);
		stamp.writeBigUInt64BE(BigInt(index));
		stamp.copy(chunk, 0, 0, Math.min(8, length));
		yield chunk;
		offset += length;
	}
}

/** Hex SHA-256 of `patternBytes(size, seed)`, computed chunk by chunk. */
export function sha256OfPattern(size: number, seed = 1): string {
	const hash = createHash('sha256');
	for (const chunk of patternBytes(size, seed)) hash.update(chunk);
	return hash.digest('hex');
}
