/**
 * What the real-app checks (scripts/test-*.sh) find in the emulator: one whiteboard with a
 * UTF-8 file name, `boards` small distinct ones (test:queue), and a document of text, images and
 * whiteboards (test:changed-pictures). Returns the part of the state file that describes them.
 */
import { createHash } from 'node:crypto';

import type { FeishuEmulator } from '../../test/emulator';
import { makePng } from '../../test/emulator';

/** A whiteboard token as Feishu shapes them (a docx block token). */
const WHITEBOARD_ID = 'N8nAppBoard9Xq2LmTzWp0';
/** Raw UTF-8 in Content-Disposition, as Feishu sends it: the name must arrive intact in n8n. */
const FILE_NAME = '架构图 whiteboard.png';

export const sha256 = (bytes: Uint8Array): string =>
	createHash('sha256').update(bytes).digest('hex');

export function addAppFixtures(emulator: FeishuEmulator, boardCount: number) {
	// A 320x200 PNG (about 190 KB): several TCP reads, not one tiny chunk.
	const bytes = emulator.addWhiteboard(WHITEBOARD_ID, makePng(320, 200, 20260930), {
		fileName: FILE_NAME,
	});

	// Small distinct PNGs (a different seed each): a mix-up between items would show in the bytes.
	const boards = Array.from({ length: boardCount }, (_, i) => {
		const id = `QueueBoard${String(i + 1).padStart(4, '0')}`;
		const png = emulator.addWhiteboard(id, makePng(48, 32, 1000 + i), { fileName: `${id}.png` });
		return { id, fileName: `${id}.png`, size: png.length, sha256: sha256(png) };
	});

	const picture = (kind: 'image' | 'whiteboard', token: string, png: Buffer) => ({
		kind,
		token,
		sha256: sha256(
			kind === 'image'
				? emulator.addDriveMedia(token, { bytes: png })
				: emulator.addWhiteboard(token, png),
		),
	});
	const picturesDocument = {
		id: 'N8nAppPicturesDoc7Kd2',
		pictures: [
			picture('image', 'N8nAppImageA1', makePng(40, 30, 501)),
			picture('whiteboard', 'N8nAppBoardB2', makePng(60, 40, 502)),
			picture('image', 'N8nAppImageC3', makePng(30, 30, 503)),
			picture('whiteboard', 'N8nAppBoardD4', makePng(50, 50, 504)),
		],
	};
	emulator.addDocument(picturesDocument.id, [
		'text',
		...picturesDocument.pictures.map((p) =>
			p.kind === 'image' ? { image: p.token } : { whiteboard: p.token },
		),
	]);

	return {
		whiteboardId: WHITEBOARD_ID,
		fileName: FILE_NAME,
		mimeType: 'image/png',
		size: bytes.length,
		sha256: sha256(bytes),
		boards,
		picturesDocument,
	};
}
