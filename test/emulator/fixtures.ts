/**
 * What a test puts in the emulator before a request: files for each file endpoint, docx
 * documents and wiki nodes. Each add* method returns what will be served (a copy).
 */
import { buildDocument } from './docx';
import type { DocumentStore } from './docx';
import { DOWNLOAD_ENDPOINTS, pairKey } from './file-endpoints';
import {
	imageSize,
	makeGif,
	makeJpeg,
	makePng,
	makeSvg,
	sha256OfPattern,
	sniffImageMime,
} from './images';
import type { FileFixture } from './reply';
import type { FileMaps } from './route-context';
import type {
	DocumentBlock,
	DocumentBlockInput,
	DocumentOptions,
	DriveMediaOptions,
	DriveMediaPatternOptions,
	FileFixtureOptions,
	MessageImageOptions,
	MessageResourceOptions,
	MessageResourcePatternOptions,
	PatternFile,
	PatternFileOptions,
	TicketMessageOptions,
	WhiteboardFormat,
	WhiteboardImage,
	WhiteboardOptions,
	WikiNode,
	WikiNodeOptions,
} from './types';
import { buildWikiNode } from './wiki';
import type { WikiNodeStore } from './wiki';
import { assertHeaderSafeName } from './wire';

/** The fixture half of FeishuEmulator (server.ts): the stores the route handlers read. */
export class EmulatorFixtures {
	/** Fixtures of each file endpoint, keyed as its entry in file-endpoints.ts looks them up. */
	protected readonly files = Object.fromEntries(
		DOWNLOAD_ENDPOINTS.map((endpoint) => [endpoint, new Map()]),
	) as FileMaps;
	protected readonly documents: DocumentStore = new Map();
	protected readonly wikiNodes: WikiNodeStore = new Map();
	private nextSeed = 1;

	/**
	 * A whiteboard picture. Feishu may answer in PNG, JPEG, GIF or SVG: the Content-Type is
	 * sniffed from `bytes` (or given); without bytes a fresh picture in `opts.format`.
	 */
	addWhiteboard(id: string, bytes?: Uint8Array, opts: WhiteboardOptions = {}): Buffer {
		const fixture = this.fixture({ ...opts, bytes }, opts.format);
		this.files.whiteboard.set(id, fixture);
		return bytesOf(fixture);
	}

	/**
	 * Replaces a whiteboard's picture, as when someone edits the board between two runs:
	 * its bytes (and so its sha256) change; its file name and disposition stay unless given.
	 * Returns the new bytes.
	 */
	setWhiteboardImage(id: string, image: Uint8Array | WhiteboardImage): Buffer {
		const current = this.files.whiteboard.get(id);
		if (!current) throw new RangeError(`setWhiteboardImage: no whiteboard ${id}`);
		const opts: WhiteboardImage = image instanceof Uint8Array ? { bytes: image } : image;
		return this.addWhiteboard(id, opts.bytes, {
			fileName: current.fileName,
			dispositionStyle: current.dispositionStyle,
			...withoutUndefined(opts),
		});
	}

	/** `uploadedByApp: false` answers 234008, `deleted: true` answers 234005. */
	addMessageImage(key: string, opts: MessageImageOptions = {}): Buffer {
		const fixture = this.fixture(opts);
		this.files.messageImage.set(key, {
			...fixture,
			uploadedByApp: opts.uploadedByApp ?? true,
			deleted: opts.deleted ?? false,
		});
		return bytesOf(fixture);
	}

	/** Returns the bytes of each image, in index order (deleted ones included). */
	addTicketMessage(ticketId: string, msgId: string, opts: TicketMessageOptions): Buffer[] {
		if (opts.type === 'img' && opts.images.length !== 1) {
			throw new RangeError('addTicketMessage: an img message carries exactly one image');
		}
		const images = opts.images.map((o) => ({ ...this.fixture(o), deleted: o.deleted ?? false }));
		this.files.ticketImage.set(pairKey(ticketId, msgId), { type: opts.type, images });
		return images.map(bytesOf);
	}

	/**
	 * With `size`, the content is patternBytes(size, seed), streamed in 64 KiB
	 * chunks and never held in memory; a PatternFile describing it is returned
	 * instead of the bytes. Its default Content-Type is application/octet-stream.
	 */
	addBaikeFile(token: string, opts: PatternFileOptions): PatternFile;
	addBaikeFile(token: string, opts?: FileFixtureOptions): Buffer;
	addBaikeFile(
		token: string,
		opts: FileFixtureOptions | PatternFileOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addBaikeFile');
		this.files.baikeFile.set(token, fixture);
		return result;
	}

	/** Same fixture kinds as addBaikeFile (including streamed pattern files). */
	addLingoFile(token: string, opts: PatternFileOptions): PatternFile;
	addLingoFile(token: string, opts?: FileFixtureOptions): Buffer;
	addLingoFile(
		token: string,
		opts: FileFixtureOptions | PatternFileOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addLingoFile');
		this.files.lingoFile.set(token, fixture);
		return result;
	}

	/**
	 * A resource (image or file) of a chat message. `type` is what it is stored
	 * as (default 'image'); a request must name type=image or type=file, but
	 * is served whichever it names. With `size`, a streamed pattern file.
	 */
	addMessageResource(
		messageId: string,
		fileKey: string,
		opts: MessageResourcePatternOptions,
	): PatternFile;
	addMessageResource(messageId: string, fileKey: string, opts?: MessageResourceOptions): Buffer;
	addMessageResource(
		messageId: string,
		fileKey: string,
		opts: MessageResourceOptions | MessageResourcePatternOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addMessageResource');
		this.files.messageResource.set(pairKey(messageId, fileKey), {
			...fixture,
			type: opts.type ?? 'image',
		});
		return result;
	}

	/**
	 * A document's media for drive media download (the `image.token` of a docx image block,
	 * file blocks, sheet and bitable attachments). Served whole, or in part for a
	 * `Range: bytes=…` header (206). `forbidden: true` answers 403, `deleted: true` 404, both
	 * without a Feishu code. With `size`, a streamed pattern file.
	 */
	addDriveMedia(token: string, opts: DriveMediaPatternOptions): PatternFile;
	addDriveMedia(token: string, opts?: DriveMediaOptions): Buffer;
	addDriveMedia(
		token: string,
		opts: DriveMediaOptions | DriveMediaPatternOptions = {},
	): Buffer | PatternFile {
		const [fixture, result] = this.fileOrPattern(opts, 'addDriveMedia');
		this.files.driveMedia.set(token, {
			...fixture,
			forbidden: opts.forbidden ?? false,
			deleted: opts.deleted ?? false,
		});
		return result;
	}

	/**
	 * A docx document for the block list. The page block (block_type 1,
	 * block_id = documentId) comes first and is added here; `blocks` follow in
	 * document order and may mix text, whiteboards (type 43, board.token) and
	 * images (type 27, image.token, downloadable through addDriveMedia
	 * fixtures); see DocumentBlockInput. A DocumentBlockSpec is served as given
	 * with block_id (default: derived from the document id and position) and
	 * parent_id (default: the page) filled in. Returns the blocks as served.
	 */
	addDocument(
		documentId: string,
		blocks: DocumentBlockInput[],
		opts: DocumentOptions = {},
	): DocumentBlock[] {
		const mediaSize = (token: string): { width: number; height: number } | undefined => {
			const media = this.files.driveMedia.get(token);
			return media?.body.kind === 'buffer' ? imageSize(media.body.bytes) : undefined;
		};
		const document = buildDocument(documentId, blocks, opts, mediaSize);
		this.documents.set(documentId, document);
		return structuredClone(document.blocks);
	}

	/** A wiki node for get_node; looked up by wiki token (obj_type=wiki) or by its objToken and objType. */
	addWikiNode(wikiToken: string, opts: WikiNodeOptions): WikiNode {
		const stored = buildWikiNode(wikiToken, opts);
		this.wikiNodes.set(wikiToken, stored);
		return { ...stored.node };
	}

	/** A buffer fixture, or with `size` a streamed pattern file (default Content-Type application/octet-stream). */
	private fileOrPattern(
		opts: FileFixtureOptions | PatternFileOptions,
		caller: string,
	): [FileFixture, Buffer | PatternFile] {
		if (!('size' in opts)) {
			const fixture = this.fixture(opts);
			return [fixture, bytesOf(fixture)];
		}
		const { size } = opts;
		const seed = opts.seed ?? this.nextSeed++;
		if (!Number.isSafeInteger(size) || size < 0)
			throw new RangeError(`${caller}: bad size ${size}`);
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		const fixture: FileFixture = {
			body: { kind: 'pattern', size, seed },
			contentType: opts.contentType === undefined ? 'application/octet-stream' : opts.contentType,
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
		};
		return [fixture, { size, seed, sha256: () => sha256OfPattern(size, seed) }];
	}

	/** Default bytes are a fresh 16x16 picture per fixture (PNG unless told), so no two match. */
	private fixture(opts: FileFixtureOptions, format: WhiteboardFormat = 'png'): FileFixture {
		const bytes = opts.bytes ? Buffer.from(opts.bytes) : freshPicture(format, this.nextSeed++);
		if (opts.fileName !== undefined) assertHeaderSafeName(opts.fileName);
		return {
			body: { kind: 'buffer', bytes },
			contentType: opts.contentType === undefined ? sniffImageMime(bytes) : opts.contentType,
			fileName: opts.fileName,
			dispositionStyle: opts.dispositionStyle ?? 'raw',
		};
	}
}

function freshPicture(format: WhiteboardFormat, seed: number): Buffer {
	switch (format) {
		case 'png':
			return makePng(16, 16, seed);
		case 'jpeg':
			return makeJpeg(seed);
		case 'gif':
			return makeGif(seed);
		case 'svg':
			return makeSvg(160, 90, seed);
	}
}

/** The fields that are set, so that spreading them cannot blank a default. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A copy, so a test mutating what add* returned cannot change what is served. */
function bytesOf(fixture: FileFixture): Buffer {
	return fixture.body.kind === 'buffer' ? Buffer.from(fixture.body.bytes) : Buffer.alloc(0);
}
