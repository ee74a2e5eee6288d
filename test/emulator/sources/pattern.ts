/**
 * Random access into the emulator's generated files (images.ts patternBytes): the bytes of
 * [start, start + length) without producing what precedes them, so 8 MiB chunks of a
 * 300 MiB file cost 8 MiB each, not the file's head again and again.
 */
import { mulberry32, PATTERN_CHUNK_SIZE } from '../images';
import type { Body } from '../wire';

/** The seeded 64 KiB block patternBytes repeats, for the few seeds in use at a time. */
const blocks = new Map<number, Buffer>();

function blockOf(seed: number): Buffer {
	let block = blocks.get(seed);
	if (!block) {
		const rand = mulberry32(seed);
		block = Buffer.alloc(PATTERN_CHUNK_SIZE);
		for (let i = 0; i < block.length; i++) block[i] = Math.floor(rand() * 256);
		if (blocks.size >= 64) blocks.clear();
		blocks.set(seed, block);
	}
	return block;
}

/**
 * The same bytes as patternBytes(size, seed) from `start`, in pieces of at most 64 KiB that
 * end on its chunk boundaries: the seeded block, each chunk's index stamped in its first 8 bytes.
 */
export function* patternSlice(
	seed: number,
	start: number,
	length: number,
): Generator<Buffer, void, undefined> {
	const block = blockOf(seed);
	let offset = start;
	const end = start + length;
	while (offset < end) {
		const index = Math.floor(offset / PATTERN_CHUNK_SIZE);
		const within = offset - index * PATTERN_CHUNK_SIZE;
		const take = Math.min(PATTERN_CHUNK_SIZE - within, end - offset);
		const chunk = Buffer.allocUnsafe(take);
		block.copy(chunk, 0, within, within + take);
		if (within < 8) {
			const stamp = Buffer.alloc(8);
			stamp.writeBigUInt64BE(BigInt(index));
			stamp.copy(chunk, 0, within, Math.min(8, within + take));
		}
		yield chunk;
		offset += take;
	}
}

/** The bytes [start, start + length) of a fixture's body (a buffer or a generated file). */
export function* bodySlice(body: Body, start: number, length: number): Generator<Buffer> {
	if (body.kind === 'pattern') yield* patternSlice(body.seed, start, length);
	else if (body.kind === 'buffer') {
		for (let at = start; at < start + length; at += PATTERN_CHUNK_SIZE)
			yield body.bytes.subarray(at, Math.min(at + PATTERN_CHUNK_SIZE, start + length));
	} else yield* bodySlice(body.of, body.start + start, length);
}
