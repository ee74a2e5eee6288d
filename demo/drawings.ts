/**
 * The demo's pictures (demo/run.ts): a whiteboard, a chat screenshot and a dictionary diagram
 * that look like what they stand for, drawn on a small raster with the 5x7 font of font.ts and
 * written as PNG by the emulator's encoder. Deterministic: the same spec, the same bytes.
 */
import { encodePng } from '../test/emulator';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './font';

/** An sRGB colour as [red, green, blue]. */
export type Rgb = readonly [number, number, number];

const INK: Rgb = [31, 35, 41];
const GREY_TEXT: Rgb = [100, 106, 115];
const LINE: Rgb = [222, 224, 227];
const WHITE: Rgb = [255, 255, 255];
const FEISHU_BLUE: Rgb = [51, 112, 255];
/** Box fills and borders of Feishu's whiteboard palette: blue, green, orange, purple. */
const BOX_COLOURS: ReadonlyArray<{ fill: Rgb; border: Rgb }> = [
	{ fill: [225, 234, 255], border: [51, 112, 255] },
	{ fill: [217, 245, 214], border: [52, 199, 36] },
	{ fill: [254, 234, 210], border: [255, 136, 0] },
	{ fill: [236, 226, 254], border: [127, 59, 245] },
];

/** A tiny RGB raster with just what the drawings need; every shape is drawn deterministically. */
class Canvas {
	readonly pixels: Buffer;

	constructor(
		readonly width: number,
		readonly height: number,
		background: Rgb,
	) {
		if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
			throw new RangeError(`drawing: bad size ${width}x${height}`);
		this.pixels = Buffer.alloc(width * height * 3);
		this.fillRect(0, 0, width, height, background);
	}

	png(): Buffer {
		return encodePng(this.width, this.height, this.pixels);
	}

	dot(x: number, y: number, colour: Rgb): void {
		const [px, py] = [Math.round(x), Math.round(y)];
		if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
		this.pixels.set(colour, (py * this.width + px) * 3);
	}

	fillRect(x: number, y: number, w: number, h: number, colour: Rgb): void {
		const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
		const [x0, x1] = [clamp(x, this.width), clamp(x + w, this.width)];
		const [y0, y1] = [clamp(y, this.height), clamp(y + h, this.height)];
		const rowBytes = (x1 - x0) * 3;
		if (rowBytes <= 0) return;
		for (let row = y0; row < y1; row++) {
			// One pixel, then doubling copies: a row costs a few memmoves, not a loop per pixel.
			const start = (row * this.width + x0) * 3;
			this.pixels.set(colour, start);
			for (let done = 3; done < rowBytes; done *= 2)
				this.pixels.copyWithin(start + done, start, start + Math.min(done, rowBytes - done));
		}
	}

	/** A rectangle whose corners are quarter circles of radius `r` (0: square corners). */
	fillRoundRect(x: number, y: number, w: number, h: number, r: number, colour: Rgb): void {
		const radius = Math.max(0, Math.min(r, w / 2, h / 2));
		for (let row = 0; row < h; row++) {
			const fromEdge = Math.min(row + 0.5, h - row - 0.5);
			const inset =
				fromEdge < radius ? radius - Math.sqrt(radius * radius - (radius - fromEdge) ** 2) : 0;
			this.fillRect(x + Math.round(inset), y + row, w - 2 * Math.round(inset), 1, colour);
		}
	}

	/** A filled box with a `thickness`-pixel border. */
	box(x: number, y: number, w: number, h: number, style: BoxStyle): void {
		const t = style.thickness ?? 2;
		this.fillRoundRect(x, y, w, h, style.radius, style.border);
		this.fillRoundRect(
			x + t,
			y + t,
			w - 2 * t,
			h - 2 * t,
			Math.max(0, style.radius - t),
			style.fill,
		);
	}

	fillCircle(cx: number, cy: number, r: number, colour: Rgb): void {
		this.fillRoundRect(cx - r, cy - r, 2 * r, 2 * r, r, colour);
	}

	/** A straight line `thickness` pixels wide. */
	line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, thickness = 2): void {
		const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
		const half = (thickness - 1) / 2;
		for (let i = 0; i <= steps; i++) {
			const x = x0 + ((x1 - x0) * i) / steps;
			const y = y0 + ((y1 - y0) * i) / steps;
			this.fillRect(x - half, y - half, thickness, thickness, colour);
		}
	}

	fillTriangle(points: ReadonlyArray<readonly [number, number]>, colour: Rgb): void {
		const [a, b, c] = points as [[number, number], [number, number], [number, number]];
		const side = (
			p: readonly [number, number],
			q: readonly [number, number],
			x: number,
			y: number,
		) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
		const xs = [a[0], b[0], c[0]];
		const ys = [a[1], b[1], c[1]];
		for (let y = Math.floor(Math.min(...ys)); y <= Math.ceil(Math.max(...ys)); y++) {
			for (let x = Math.floor(Math.min(...xs)); x <= Math.ceil(Math.max(...xs)); x++) {
				const d = [side(a, b, x, y), side(b, c, x, y), side(c, a, x, y)];
				if (d.every((v) => v >= 0) || d.every((v) => v <= 0)) this.dot(x, y, colour);
			}
		}
	}

	/** A line from (x0, y0) ending in an arrowhead at (x1, y1). */
	arrow(x0: number, y0: number, x1: number, y1: number, colour: Rgb, thickness = 3): void {
		const length = Math.hypot(x1 - x0, y1 - y0) || 1;
		const [ux, uy] = [(x1 - x0) / length, (y1 - y0) / length];
		const head = 4 * thickness;
		const [bx, by] = [x1 - ux * head, y1 - uy * head];
		this.line(x0, y0, bx, by, colour, thickness);
		const spread = head * 0.6;
		this.fillTriangle(
			[
				[x1, y1],
				[bx - uy * spread, by + ux * spread],
				[bx + uy * spread, by - ux * spread],
			],
			colour,
		);
	}

	/** Text in the built-in 5x7 font, each font pixel `scale` pixels square, top-left at (x, y). */
	text(x: number, y: number, text: string, colour: Rgb, scale = 2): void {
		for (const [i, char] of [...text].entries()) {
			for (const [row, bits] of glyphRows(char).entries())
				for (let col = 0; col < bits.length; col++)
					if (bits[col] === '#')
						this.fillRect(x + (i * 6 + col) * scale, y + row * scale, scale, scale, colour);
		}
	}

	/** Lines of text centred on (cx, top of the block at y), `lineGap` font pixels apart. */
	centredLines(cx: number, y: number, lines: readonly string[], colour: Rgb, scale: number): void {
		for (const [i, line] of lines.entries())
			this.text(cx - textWidth(line, scale) / 2, y + i * LINE_PITCH * scale, line, colour, scale);
	}
}

interface BoxStyle {
	fill: Rgb;
	border: Rgb;
	radius: number;
	thickness?: number;
}

/** Font rows from one line's top to the next's: 7 rows, a descender row and a gap. */
const LINE_PITCH = GLYPH_HEIGHT + 3;

function textWidth(text: string, scale: number): number {
	const n = [...text].length;
	return n === 0 ? 0 : (n * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Greedy word wrap to lines of at most `maxChars` characters (a longer word is cut). */
function wrap(text: string, maxChars: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		for (let rest = word; rest.length > 0;) {
			const candidate = line ? `${line} ${rest}` : rest;
			if ([...candidate].length <= maxChars) {
				line = candidate;
				rest = '';
			} else if (line) {
				lines.push(line);
				line = '';
			} else {
				lines.push(rest.slice(0, maxChars));
				rest = rest.slice(maxChars);
			}
		}
	}
	if (line) lines.push(line);
	return lines.length ? lines : [''];
}

/** How many characters of the font at `scale` fit in `pixels`. */
function charsIn(pixels: number, scale: number): number {
	return Math.max(1, Math.floor((pixels + scale) / ((GLYPH_WIDTH + 1) * scale)));
}

/** Scale 2, or 1 when a word of the labels would have to be cut to fit `pixels` at 2. */
function labelScale(labels: readonly string[], pixels: number): number {
	const words = labels.flatMap((label) => label.split(/\s+/));
	const longest = Math.max(0, ...words.map((w) => [...w].length));
	return longest <= charsIn(pixels, 2) ? 2 : 1;
}

export interface WhiteboardBox {
	label: string;
	/** 'rounded' (default) or 'plain' square corners. */
	shape?: 'rounded' | 'plain' | undefined;
}

export interface WhiteboardDrawing {
	title: string;
	/** Three or four read best; drawn left to right, an arrow from each to the next. */
	boxes: ReadonlyArray<string | WhiteboardBox>;
	width?: number | undefined;
	height?: number | undefined;
}

/**
 * A whiteboard as Feishu renders one: white, a dotted grid, a title, labelled boxes in
 * Feishu's palette and arrows between them. A PNG; the same spec gives the same bytes.
 */
export function drawWhiteboard(spec: WhiteboardDrawing): Buffer {
	const { width = 640, height = 360 } = spec;
	const canvas = new Canvas(width, height, WHITE);
	for (let y = 10; y < height; y += 20) for (let x = 10; x < width; x += 20) canvas.dot(x, y, LINE);
	canvas.text(24, 22, spec.title, INK, 3);
	canvas.fillRect(24, 22 + 8 * 3 + 6, textWidth(spec.title, 3), 3, FEISHU_BLUE);

	const boxes = spec.boxes.map((b) => (typeof b === 'string' ? { label: b } : b));
	const n = Math.max(1, boxes.length);
	const margin = 20;
	const gap = 32; // room for an arrow
	const boxW = Math.floor((width - 2 * margin - (n - 1) * gap) / n);
	const boxH = Math.min(120, Math.floor(height * 0.36));
	const top = Math.floor(70 + (height - 70 - boxH) / 2);
	const scale = labelScale(
		boxes.map((b) => b.label),
		boxW - 16,
	);
	for (const [i, box] of boxes.entries()) {
		const x = margin + i * (boxW + gap);
		const colours = BOX_COLOURS[i % BOX_COLOURS.length] ?? BOX_COLOURS[0];
		const radius = box.shape === 'plain' ? 0 : 14;
		canvas.box(x, top, boxW, boxH, { ...colours!, radius, thickness: 3 });
		const lines = wrap(box.label, charsIn(boxW - 16, scale)).slice(0, 4);
		const blockH = (lines.length * LINE_PITCH - 3) * scale;
		canvas.centredLines(x + boxW / 2, top + (boxH - blockH) / 2, lines, INK, scale);
		if (i > 0) {
			const ay = top + boxH / 2;
			canvas.arrow(x - gap + 6, ay, x - 4, ay, GREY_TEXT, 3);
		}
	}
	return canvas.png();
}

export interface ChatMessage {
	/** 'them' on the left with an avatar, 'me' on the right. */
	from: 'them' | 'me';
	text: string;
	/** Shown above a left bubble; its first letter is the avatar's. */
	name?: string | undefined;
}

export interface ChatScreenshot {
	/** The chat's name in the header bar. */
	title: string;
	messages: readonly ChatMessage[];
	width?: number | undefined;
	height?: number | undefined;
}

/** A colour picked from the name's characters, so one sender keeps one avatar colour. */
function avatarColour(name: string): Rgb {
	const sum = [...name].reduce((acc, c) => acc + (c.codePointAt(0) ?? 0), 0);
	return BOX_COLOURS[sum % BOX_COLOURS.length]?.border ?? FEISHU_BLUE;
}

/**
 * A phone screenshot of a Feishu chat: a header with the chat's name, the other side's bubbles
 * on the left under their name and avatar, one's own in blue on the right. A PNG.
 */
export function drawChatScreenshot(spec: ChatScreenshot): Buffer {
	const { width = 360, height = 480 } = spec;
	const canvas = new Canvas(width, height, [242, 243, 245]);
	canvas.fillRect(0, 0, width, 52, [250, 250, 251]);
	canvas.fillRect(0, 52, width, 1, LINE);
	const title = wrap(spec.title, charsIn(width - 40, 2))[0] ?? '';
	canvas.centredLines(width / 2, 19, [title], INK, 2);

	const scale = 2;
	const avatar = 16; // radius
	const pad = 10;
	const maxChars = charsIn(Math.floor(width * 0.62) - 2 * pad, scale);
	let y = 68;
	for (const message of spec.messages) {
		const lines = wrap(message.text, maxChars);
		const textW = Math.max(...lines.map((l) => textWidth(l, scale)));
		const bubbleW = textW + 2 * pad;
		const bubbleH = (lines.length * LINE_PITCH - 3) * scale + 2 * pad;
		const mine = message.from === 'me';
		const nameH = !mine && message.name ? 18 : 0;
		if (y + nameH + bubbleH > height - 8) break;
		const x = mine ? width - 14 - bubbleW : 14 + 2 * avatar + 10;
		if (!mine) {
			const name = message.name ?? '?';
			canvas.fillCircle(14 + avatar, y + avatar, avatar, avatarColour(name));
			canvas.centredLines(14 + avatar, y + avatar - 7, [[...name][0] ?? '?'], WHITE, 2);
			if (message.name) canvas.text(x, y, message.name, GREY_TEXT, 1);
		}
		const style = mine
			? { fill: [209, 227, 255] as Rgb, border: [184, 208, 255] as Rgb, radius: 10 }
			: { fill: WHITE, border: LINE, radius: 10 };
		canvas.box(x, y + nameH, bubbleW, bubbleH, { ...style, thickness: 1 });
		for (const [i, line] of lines.entries())
			canvas.text(x + pad, y + nameH + pad + i * LINE_PITCH * scale, line, INK, scale);
		y += nameH + bubbleH + 14;
	}
	return canvas.png();
}

export interface DictionaryDiagram {
	/** The entry's term, in the box on top. */
	term: string;
	/** Two to four read best: the boxes below it, each joined to the term. */
	definitions: readonly string[];
	width?: number | undefined;
	height?: number | undefined;
}

/**
 * A Feishu dictionary (Lingo) entry as a diagram: the term in a blue box on top, its
 * definitions in boxes below, joined to it by a tree of connectors. A PNG.
 */
export function drawDictionaryDiagram(spec: DictionaryDiagram): Buffer {
	const { width = 560, height = 360 } = spec;
	const canvas = new Canvas(width, height, WHITE);
	const termScale = 3;
	const termW = Math.min(width - 40, textWidth(spec.term, termScale) + 48);
	const termH = 8 * termScale + 32;
	const termX = Math.round((width - termW) / 2);
	const termY = 28;
	canvas.box(termX, termY, termW, termH, {
		fill: FEISHU_BLUE,
		border: [36, 91, 219],
		radius: 12,
		thickness: 2,
	});
	const termLine = wrap(spec.term, charsIn(termW - 24, termScale))[0] ?? '';
	canvas.centredLines(width / 2, termY + 16, [termLine], WHITE, termScale);

	const n = Math.max(1, spec.definitions.length);
	const margin = 20;
	const gap = 16;
	const boxW = Math.floor((width - 2 * margin - (n - 1) * gap) / n);
	const boxTop = termY + termH + 64;
	const boxH = Math.min(130, height - boxTop - 24);
	const busY = termY + termH + 30;
	const centres = spec.definitions.map((_, i) => margin + i * (boxW + gap) + boxW / 2);
	const scale = labelScale(spec.definitions, boxW - 20);
	canvas.line(width / 2, termY + termH, width / 2, busY, GREY_TEXT, 3);
	if (centres.length > 1)
		canvas.line(centres[0] ?? 0, busY, centres[centres.length - 1] ?? 0, busY, GREY_TEXT, 3);
	for (const [i, definition] of spec.definitions.entries()) {
		const cx = centres[i] ?? 0;
		const x = margin + i * (boxW + gap);
		canvas.arrow(cx, busY, cx, boxTop - 1, GREY_TEXT, 3);
		canvas.box(x, boxTop, boxW, boxH, {
			fill: [245, 246, 247],
			border: BOX_COLOURS[i % BOX_COLOURS.length]?.border ?? FEISHU_BLUE,
			radius: 8,
			thickness: 2,
		});
		const lines = wrap(definition, charsIn(boxW - 20, scale)).slice(0, 5);
		for (const [row, line] of lines.entries())
			canvas.text(x + 10, boxTop + 18 + row * LINE_PITCH * scale, line, INK, scale);
	}
	return canvas.png();
}
