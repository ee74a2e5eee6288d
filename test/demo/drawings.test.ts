/** The demo's drawings (demo/drawings.ts): PNGs of their size, the same bytes every time. */
import { drawChatScreenshot, drawDictionaryDiagram, drawWhiteboard } from '../../demo/drawings';
import { imageSize } from '../emulator';

describe('demo drawings', () => {
	it.each([
		[
			'a whiteboard',
			() => drawWhiteboard({ title: 'Q3 roadmap', boxes: ['Plan', 'Build', 'Ship'] }),
			640,
			360,
		],
		[
			'a chat screenshot',
			() =>
				drawChatScreenshot({
					title: 'Support',
					messages: [
						{ from: 'them', name: 'Li', text: 'Hi' },
						{ from: 'me', text: 'Hello' },
					],
				}),
			360,
			480,
		],
		[
			'a dictionary diagram',
			() => drawDictionaryDiagram({ term: 'OKR', definitions: ['Objectives', 'Key results'] }),
			560,
			360,
		],
	])('%s is a PNG of its size, the same bytes every time', (_name, draw, width, height) => {
		const png = draw();
		expect(imageSize(png)).toEqual({ width, height });
		expect(draw()).toEqual(png);
	});
});
