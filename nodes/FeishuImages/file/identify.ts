/**
 * File name and MIME type of a downloaded file: from Feishu's headers when it sends them,
 * else from the bytes and the ID.
 */

const EXTENSION_BY_MIME: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/gif': 'gif',
	'image/webp': 'webp',
	'image/bmp': 'bmp',
	'image/tiff': 'tiff',
	'image/svg+xml': 'svg',
	'image/x-icon': 'ico',
	'image/heic': 'heic',
	'application/pdf': 'pdf',
};

const MIME_BY_EXTENSION: Record<string, string> = Object.fromEntries(
	Object.entries(EXTENSION_BY_MIME).map(([mime, ext]) => [ext, mime]),
);
MIME_BY_EXTENSION.jpeg = 'image/jpeg';

export const GENERIC_MIME = 'application/octet-stream';

/** Magic numbers of the formats Feishu serves. */
export function sniffMimeType(head: Uint8Array): string | undefined {
	const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
	const ascii = (from: number, text: string) =>
		[...text].every((c, i) => head[from + i] === c.charCodeAt(0));
	if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
	if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
	if (ascii(0, 'BM')) return 'image/bmp';
	if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
	if (ascii(0, '%PDF-')) return 'application/pdf';
	if (ascii(4, 'ftyp') && (ascii(8, 'heic') || ascii(8, 'heix') || ascii(8, 'mif1')))
		return 'image/heic';
	return undefined;
}

/** `image/png; charset=…` → `image/png`; empty or generic → undefined. */
export function mimeFromContentType(contentType: string | undefined): string | undefined {
	const mime = contentType?.split(';')[0].trim().toLowerCase();
	return mime && mime !== GENERIC_MIME ? mime : undefined;
}

export function extensionForMime(mime: string): string | undefined {
	return EXTENSION_BY_MIME[mime];
}

export function mimeForFileName(fileName: string): string | undefined {
	const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
	return ext ? MIME_BY_EXTENSION[ext] : undefined;
}

/**
 * Node's HTTP parser hands header bytes over as latin1. Feishu puts the file name into
 * `filename="…"` as raw UTF-8, so the name must be re-read as UTF-8 to arrive un-garbled;
 * a name that is not valid UTF-8 was really latin1 and stays as it is.
 */
function latin1BytesAsUtf8(value: string): string {
	const codes = [...value].map((c) => c.charCodeAt(0));
	if (!codes.some((c) => c >= 0x80) || codes.some((c) => c > 0xff)) return value;
	const decoded = Buffer.from(value, 'latin1').toString('utf8');
	return decoded.includes('\ufffd') ? value : decoded;
}

/** Keeps a name usable as a file name anywhere downstream: no folders, no control characters. */
export function sanitizeFileName(name: string): string | undefined {
	const base = name.split(/[\\/]/).pop() ?? '';
	const clean = [...base]
		.filter((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)
		.join('')
		.trim();
	return clean && clean !== '.' && clean !== '..' ? clean : undefined;
}

/** The file name from a Content-Disposition header: RFC 5987 `filename*` first, then `filename`. */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		const charset = extended[1].trim().toLowerCase();
		try {
			const bytes = Buffer.from(
				extended[2]
					.trim()
					.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
						String.fromCharCode(parseInt(hex, 16)),
					),
				'latin1',
			);
			const name = sanitizeFileName(bytes.toString(charset === 'iso-8859-1' ? 'latin1' : 'utf8'));
			if (name) return name;
		} catch {
			// A malformed extended value falls back to the plain parameter.
		}
	}
	const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
	if (!plain) return undefined;
	const value = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim();
	return sanitizeFileName(latin1BytesAsUtf8(value));
}

export interface FileIdentity {
	fileName: string;
	mimeType: string;
	fileExtension?: string;
}

/**
 * Decides name and MIME. Order: the user's File Name option, Content-Disposition, then
 * `<id>.<ext>`; MIME from Content-Type, then the bytes, then the name, then the endpoint's promise.
 */
export function identifyFile(input: {
	contentType?: string;
	contentDisposition?: string;
	head: Uint8Array;
	fallbackBaseName: string;
	fileNameOverride?: string;
	defaultMimeType?: string;
}): FileIdentity {
	const headerName = fileNameFromContentDisposition(input.contentDisposition);
	const override = input.fileNameOverride ? sanitizeFileName(input.fileNameOverride) : undefined;
	const mimeType =
		mimeFromContentType(input.contentType) ??
		sniffMimeType(input.head) ??
		(override && mimeForFileName(override)) ??
		(headerName && mimeForFileName(headerName)) ??
		input.defaultMimeType ??
		GENERIC_MIME;
	const extFromMime = extensionForMime(mimeType);
	const fileName =
		override ??
		headerName ??
		(sanitizeFileName(input.fallbackBaseName) ?? 'feishu-file') +
			(extFromMime ? `.${extFromMime}` : '');
	const fileExtension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? extFromMime;
	return { fileName, mimeType, fileExtension };
}
