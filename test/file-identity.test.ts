/**
 * Naming a downloaded file (pure functions, no engine): Content-Disposition as Feishu and
 * RFC 5987 write it, the MIME type from the bytes, and the order in which they are trusted.
 */
import {
	fileNameFromContentDisposition,
	identifyFile,
	sanitizeFileName,
	sniffMimeType,
} from '../nodes/FeishuImages/file/identify';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('Content-Disposition', () => {
	it.each([
		['attachment; filename="board.png"', 'board.png'],
		['attachment; filename=board.png', 'board.png'],
		["attachment; filename*=UTF-8''%E7%94%BB%E6%9D%BF.png", '画板.png'],
		['attachment; filename="fallback.png"; filename*=UTF-8\'\'%E8%AF%8D.png', '词.png'],
		['attachment; filename="a \\"quoted\\" name.png"', 'a "quoted" name.png'],
		// Feishu sends raw UTF-8 bytes, which Node hands over as latin1.
		[`attachment; filename="${Buffer.from('画板.png').toString('latin1')}"`, '画板.png'],
		['attachment; filename="../../etc/passwd"', 'passwd'],
		['attachment; filename=".."', undefined],
		['inline', undefined],
		[undefined, undefined],
	])('%s → %s', (header, name) => {
		expect(fileNameFromContentDisposition(header)).toBe(name);
	});

	it('drops control characters and folders from a name', () => {
		expect(sanitizeFileName('dir\\sub/na\u0000me\u007f.png')).toBe('name.png');
	});
});

describe('MIME type from the bytes', () => {
	it.each([
		[bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image/png'],
		[bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
		[ascii('GIF89a'), 'image/gif'],
		[ascii('RIFF\0\0\0\0WEBP'), 'image/webp'],
		[ascii('%PDF-1.7'), 'application/pdf'],
		[ascii('{"code":0}'), undefined],
		[bytes(), undefined],
	])('%p → %s', (head, mime) => {
		expect(sniffMimeType(head)).toBe(mime);
	});
});

describe('which source wins', () => {
	const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

	it('the File Name option, then Content-Disposition, then <ID>.<extension of the type>', () => {
		const base = { head: png, fallbackBaseName: 'wb1', contentType: 'image/png' };
		expect(identifyFile({ ...base, fileNameOverride: 'mine.png' }).fileName).toBe('mine.png');
		expect(
			identifyFile({ ...base, contentDisposition: 'attachment; filename="feishu.png"' }).fileName,
		).toBe('feishu.png');
		expect(identifyFile(base)).toEqual({
			fileName: 'wb1.png',
			mimeType: 'image/png',
			fileExtension: 'png',
		});
	});

	it('keeps the type Feishu sends: a whiteboard may be SVG, JPEG or GIF', () => {
		for (const [mime, ext] of [
			['image/svg+xml', 'svg'],
			['image/jpeg', 'jpg'],
			['image/gif', 'gif'],
		]) {
			expect(identifyFile({ head: bytes(), fallbackBaseName: 'wb', contentType: mime })).toEqual({
				fileName: `wb.${ext}`,
				mimeType: mime,
				fileExtension: ext,
			});
		}
	});

	it('sniffs when Feishu sends no type or a generic one, then trusts the promise of the page', () => {
		expect(
			identifyFile({ head: png, fallbackBaseName: 'x', contentType: 'application/octet-stream' })
				.mimeType,
		).toBe('image/png');
		expect(
			identifyFile({ head: bytes(1, 2, 3), fallbackBaseName: 'x', defaultMimeType: 'image/png' })
				.mimeType,
		).toBe('image/png');
		expect(identifyFile({ head: bytes(1, 2, 3), fallbackBaseName: 'x' })).toEqual({
			fileName: 'x',
			mimeType: 'application/octet-stream',
			fileExtension: undefined,
		});
	});
});
