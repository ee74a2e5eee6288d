/** The fixture pictures: real files of the type and size they claim. */
import { imageSize, makeGif, makeJpeg, makePng, sniffImageMime } from '..';

describe('pictures', () => {
	it('the image makers give files their sniffed types and sizes say they are', () => {
		expect([sniffImageMime(makePng(3, 2)), imageSize(makePng(3, 2))]).toEqual([
			'image/png',
			{ width: 3, height: 2 },
		]);
		expect([sniffImageMime(makeJpeg(1)), imageSize(makeJpeg(1))]).toEqual([
			'image/jpeg',
			{ width: 8, height: 8 },
		]);
		expect([sniffImageMime(makeGif(1)), imageSize(makeGif(1))]).toEqual([
			'image/gif',
			{ width: 1, height: 1 },
		]);
		expect(makeJpeg(1)).not.toEqual(makeJpeg(2));
		expect(sniffImageMime(Buffer.from('<?xml version="1.0"?>\n<svg width="1"/>'))).toBe(
			'image/svg+xml',
		);
	});
});
