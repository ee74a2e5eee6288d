/**
 * The catalogue as a spec of Feishu's behaviour. Every operation downloads its file (bytes,
 * name, MIME), and every code Feishu documents for its endpoint — as the emulator transcribes
 * the page, on its own, not from the node's catalogue — is in the node's table with the page's
 * status and message, and reaches the user with Feishu's code and message, the node's hint,
 * the page's HTTP status and the log ID.
 */
import {
	documentedCode,
	ENDPOINTS,
	OPERATIONS,
	PLATFORM_CODES,
	WHITEBOARD,
	WIKI_NODE,
	type CodeTable,
	type FeishuOperation,
} from '../nodes/FeishuImages/catalogue';
import {
	BAIKE_ERRORS,
	BITABLE_ERRORS,
	DRIVE_FILE_ERRORS,
	DOCX_ERRORS,
	DRIVE_MEDIA_ERRORS,
	DRIVE_MEDIA_STATUSES,
	HELPDESK_ERRORS,
	LINGO_ERRORS,
	makePng,
	MESSAGE_IMAGE_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	PLATFORM_ERRORS,
	WHITEBOARD_ERRORS,
	WHITEBOARD_NODE_ERRORS,
	WIKI_ERRORS,
	type EndpointName,
	type FeishuEmulator,
	type FeishuError,
} from './emulator';
import { parametersFor, startHarness, type Harness } from './support/feishu';

type PageTable = Readonly<Record<number, FeishuError>>;

interface RowCase {
	/** The page's error table, as the emulator has it. */
	page: PageTable;
	/** Puts a file behind the row and says how to ask for it and what must come back. */
	fixture(emulator: FeishuEmulator): {
		parameters: Record<string, unknown>;
		bytes: Buffer;
		fileName: string;
		mimeType: string;
		/** The binary field the file is in; default `data`. */
		binaryField?: string;
	};
}

const png = (seed: number) => makePng(6, 4, seed);

/** By `resource.operation`: the two document operations share one endpoint. */
const CASES: Record<string, RowCase> = {
	'whiteboard.downloadAsImage': {
		page: WHITEBOARD_ERRORS,
		fixture: (e) => ({
			parameters: { whiteboardId: 'wbSpec' },
			bytes: e.addWhiteboard('wbSpec', png(1)),
			fileName: 'wbSpec.png',
			mimeType: 'image/png',
		}),
	},
	'messageImage.download': {
		page: MESSAGE_IMAGE_ERRORS,
		fixture: (e) => ({
			parameters: { imageKey: 'img_spec' },
			bytes: e.addMessageImage('img_spec', { bytes: png(2) }),
			fileName: 'img_spec.png',
			mimeType: 'image/png',
		}),
	},
	'helpdeskTicketImage.download': {
		page: HELPDESK_ERRORS,
		fixture: (e) => ({
			parameters: { ticketId: 'tSpec', messageId: 'mSpec' },
			bytes: e.addTicketMessage('tSpec', 'mSpec', { type: 'img', images: [{ bytes: png(3) }] })[0],
			fileName: 'mSpec.png',
			mimeType: 'image/png',
		}),
	},
	'dictionaryImage.downloadLingo': {
		page: LINGO_ERRORS,
		fixture: (e) => ({
			parameters: { fileToken: 'boxLingoSpec' },
			bytes: e.addLingoFile('boxLingoSpec', { bytes: png(4), fileName: '词条.png' }),
			fileName: '词条.png',
			mimeType: 'image/png',
		}),
	},
	'dictionaryImage.download': {
		page: BAIKE_ERRORS,
		fixture: (e) => ({
			parameters: { fileToken: 'boxBaikeSpec' },
			bytes: e.addBaikeFile('boxBaikeSpec', { bytes: png(5) }),
			fileName: 'boxBaikeSpec.png',
			mimeType: 'image/png',
		}),
	},
	'message.downloadResource': {
		page: MESSAGE_RESOURCE_ERRORS,
		fixture: (e) => ({
			parameters: { messageId: 'om_spec', fileKey: 'file_spec', resourceType: 'file' },
			bytes: e.addMessageResource('om_spec', 'file_spec', {
				type: 'file',
				bytes: Buffer.from('%PDF-1.4 spec'),
				contentType: 'application/pdf',
				fileName: 'report.pdf',
			}),
			fileName: 'report.pdf',
			mimeType: 'application/pdf',
		}),
	},
	'document.downloadWhiteboards': {
		page: DOCX_ERRORS,
		fixture: (e) => {
			const bytes = e.addWhiteboard('wbInDoc', png(6));
			e.addDocument('doxcnSpec', ['text', { whiteboard: 'wbInDoc' }]);
			return {
				parameters: { documentId: 'doxcnSpec' },
				bytes,
				fileName: 'wbInDoc.png',
				mimeType: 'image/png',
			};
		},
	},
	'document.downloadImages': {
		page: DOCX_ERRORS,
		fixture: (e) => {
			const bytes = e.addDriveMedia('boxcnImageInDoc', {
				bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
			});
			e.addDocument('doxcnImagesSpec', [
				'text',
				{ image: 'boxcnImageInDoc', width: 640, height: 480 },
			]);
			return {
				parameters: { documentId: 'doxcnImagesSpec' },
				bytes,
				fileName: 'boxcnImageInDoc.jpg',
				mimeType: 'image/jpeg',
			};
		},
	},
	'whiteboard.getContent': {
		page: WHITEBOARD_NODE_ERRORS,
		fixture: (e) => {
			const code = 'graph TD; Spec-->Done';
			e.sources.addWhiteboardNodes('wbContentSpec0000000000', [
				{ id: 'o1:1', type: 'svg', x: 0, y: 0, syntax: { syntax_type: 2, code } },
			]);
			return {
				parameters: { whiteboardId: 'wbContentSpec0000000000' },
				bytes: Buffer.from(code),
				fileName: 'wbContentSpec0000000000-o1-1.mmd',
				mimeType: 'text/plain',
				binaryField: 'mermaid_1',
			};
		},
	},
	'driveFile.download': {
		page: DRIVE_FILE_ERRORS,
		fixture: (e) => ({
			parameters: { fileToken: 'boxcnSpecFile' },
			bytes: e.sources.addDriveFile('boxcnSpecFile', {
				bytes: Buffer.from('%PDF-1.4 drive spec'),
				contentType: 'application/pdf',
				fileName: 'minutes.pdf',
			}),
			fileName: 'minutes.pdf',
			mimeType: 'application/pdf',
		}),
	},
	'base.downloadAttachments': {
		page: BITABLE_ERRORS,
		fixture: (e) => {
			const bytes = e.addDriveMedia('boxcnBaseSpec', { bytes: png(8), fileName: 'photo.png' });
			e.sources.addBitableTable({
				appToken: 'bascnSpec',
				tableId: 'tblSpec',
				fields: [
					{ field_id: 'fldName', field_name: 'Name', type: 1, ui_type: 'Text' },
					{ field_id: 'fldFiles', field_name: 'Files', type: 17, ui_type: 'Attachment' },
				],
				records: [
					{
						record_id: 'recSpec',
						fields: {
							Name: 'spec',
							Files: [
								{
									file_token: 'boxcnBaseSpec',
									name: 'photo.png',
									size: bytes.length,
									type: 'image/png',
									url: '',
									tmp_url: '',
								},
							],
						},
						created_time: 0,
						last_modified_time: 0,
					},
				],
				advancedPermissions: true,
			});
			return {
				parameters: { baseId: 'bascnSpec', tableId: 'tblSpec' },
				bytes,
				fileName: 'photo.png',
				mimeType: 'image/png',
			};
		},
	},
	'driveMedia.download': {
		page: DRIVE_MEDIA_ERRORS,
		fixture: (e) => ({
			parameters: { mediaToken: 'boxcnSpecMedia' },
			bytes: e.addDriveMedia('boxcnSpecMedia', { bytes: png(7), fileName: 'diagram.png' }),
			fileName: 'diagram.png',
			mimeType: 'image/png',
		}),
	},
};

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => await h.close());
beforeEach(() => {
	h.emulator.clearFaults();
	h.emulator.resetCounters();
});

/** The node's table and the page's agree on every code: status and Feishu's message. */
function expectSameCodes(codes: CodeTable, page: PageTable) {
	for (const documented of Object.values(page)) {
		const node = codes[documented.code];
		expect({ code: documented.code, status: node?.httpStatus, msg: node?.msg }).toEqual({
			code: documented.code,
			status: documented.httpStatus,
			msg: documented.msg,
		});
	}
}

interface ThrownNodeError {
	name: string;
	message: string;
	description?: string;
	httpCode?: string;
	errorResponse?: Record<string, unknown>;
}

/** What the user sees for a code Feishu answers on `endpoint`, forever. */
async function errorFor(
	endpoint: EndpointName,
	code: number,
	parameters: Record<string, unknown>,
): Promise<ThrownNodeError> {
	h.emulator.injectFault({ kind: 'error', code }, { endpoint, times: Infinity });
	const result = await h.run(parameters as never);
	h.emulator.clearFaults();
	expect(result.error).toBeDefined();
	return result.error as unknown as ThrownNodeError;
}

const caseOf = (row: FeishuOperation) => CASES[`${row.resource}.${row.operation}`];

const fixtures = new Map<string, ReturnType<RowCase['fixture']>>();
function fixtureOf(row: FeishuOperation) {
	const id = `${row.resource}.${row.operation}`;
	let fixture = fixtures.get(id);
	if (!fixture) {
		fixture = caseOf(row).fixture(h.emulator);
		fixtures.set(id, fixture);
	}
	return fixture;
}

const parametersOf = (row: FeishuOperation, options: Record<string, unknown> = {}) =>
	parametersFor(row, fixtureOf(row).parameters as Record<string, string>, options);

describe.each(
	OPERATIONS.map((row) => [`${row.resourceName} → ${row.operationName}`, row] as const),
)('%s', (_name, row) => {
	it('downloads the file: its bytes, name and MIME type', async () => {
		const fixture = fixtureOf(row);
		const result = await h.run(parametersOf(row) as never);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		const field = fixture.binaryField ?? 'data';
		expect(await result.binaryBuffer(item, field)).toEqual(fixture.bytes);
		expect(item.binary?.[field]).toMatchObject({
			fileName: fixture.fileName,
			mimeType: fixture.mimeType,
		});
		expect(item.json).toMatchObject({ resource: row.resource, operation: row.operation });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it("documents every code of Feishu's page, at the page's status, with Feishu's message", () => {
		expectSameCodes(row.endpoint.codes, caseOf(row).page);
	});

	const final = Object.values(caseOf(row).page).filter(
		(e) => documentedCode(row.endpoint.codes, e.code)?.kind !== 'rateLimit',
	);
	const finals = final.map((e) => [e.code, e] as const);
	// Drive media documents no codes at all: its statuses are walked below.
	if (finals.length > 0)
		it.each(finals)(
			'%d reaches the user with its message and the fix to try',
			async (code, page) => {
				const error = await errorFor(row.endpoint.key, code, parametersOf(row, { retries: 0 }));
				const meaning = documentedCode(row.endpoint.codes, code);
				expect(error.name).toBe('NodeApiError');
				expect(error.message).toContain(`Feishu error ${code}: ${page.msg}`);
				expect(error.httpCode).toBe(String(page.httpStatus));
				expect(error.description).toContain(meaning?.hint);
				expect(error.description).toContain(String(error.errorResponse?.logId));
				expect(error.errorResponse).toMatchObject({ code, msg: page.msg });
			},
		);

	const waits = Object.values(caseOf(row).page).filter(
		(e) => documentedCode(row.endpoint.codes, e.code)?.kind === 'rateLimit',
	);
	const statuses = Object.entries(row.endpoint.statuses ?? {});
	if (statuses.length > 0) {
		it.each(statuses.map(([status, meaning]) => [Number(status), meaning] as const))(
			'HTTP %d without a code reaches the user with what the page says it means',
			async (status, meaning) => {
				expect(DRIVE_MEDIA_STATUSES[status]).toBeDefined();
				h.emulator.injectFault(
					{ kind: 'bareStatus', status },
					{ endpoint: row.endpoint.key, times: Infinity },
				);
				const result = await h.run(parametersOf(row, { retries: 0 }) as never);
				const error = result.error as unknown as ThrownNodeError;
				expect(error.message).toContain(`Feishu answered HTTP ${status}: ${meaning.msg}`);
				expect(error.description).toContain(meaning.hint);
				expect(error.httpCode).toBe(String(status));
			},
		);
	}

	if (waits.length > 0) {
		it.each(waits.map((e) => [e.code] as const))(
			'%d means "later": the request is sent again and the file arrives',
			async (code) => {
				h.emulator.injectFault({ kind: 'error', code }, { endpoint: row.endpoint.key, times: 1 });
				const result = await h.run(parametersOf(row) as never);
				expect(result.error).toBeUndefined();
				const fixture = fixtureOf(row);
				expect(await result.binaryBuffer(result.items[0], fixture.binaryField)).toEqual(
					fixture.bytes,
				);
			},
		);
	}
});

describe('the wiki lookup (behind a wiki link of a document operation)', () => {
	const documentRow = OPERATIONS.find(
		(o) => o.endpoint.key === 'documentBlocks',
	) as FeishuOperation;
	const viaWiki = {
		resource: documentRow.resource,
		operation: documentRow.operation,
		documentId: { __rl: true, mode: 'url', value: 'https://acme.feishu.cn/wiki/wikcnSpec' },
		options: { retries: 0 },
	};

	it("documents every code of Feishu's page, at the page's status, with Feishu's message", () => {
		expectSameCodes(WIKI_NODE.codes, WIKI_ERRORS);
	});

	it.each(Object.values(WIKI_ERRORS).map((e) => [e.code, e] as const))(
		'%d reaches the user with its message and the fix to try',
		async (code, page) => {
			const error = await errorFor('wikiNode', code, viaWiki);
			expect(error.message).toContain(`Feishu error ${code}: ${page.msg}`);
			expect(error.description).toContain(WIKI_NODE.codes[code]?.hint);
		},
	);
});

describe('platform-wide codes, on any operation', () => {
	const whiteboardRow = OPERATIONS.find((o) => o.endpoint === WHITEBOARD) as FeishuOperation;
	it.each(
		Object.values(PLATFORM_ERRORS)
			.filter((e) => PLATFORM_CODES[e.code]?.kind !== 'rateLimit')
			.map((e) => [e.code, e] as const),
	)('%d reaches the user with its message and the fix to try', async (code, page) => {
		const error = await errorFor('whiteboard', code, parametersOf(whiteboardRow, { retries: 0 }));
		expect(error.message).toContain(`Feishu error ${code}: ${page.msg}`);
		expect(error.description).toContain(PLATFORM_CODES[code]?.hint);
	});

	it('every platform code the emulator answers has a meaning in the node', () => {
		for (const code of Object.keys(PLATFORM_ERRORS)) {
			expect(PLATFORM_CODES[Number(code)]?.kind).toBeDefined();
		}
	});

	it("documents every platform code at the page's status, with Feishu's message", () => {
		expectSameCodes(PLATFORM_CODES, PLATFORM_ERRORS);
	});
});

describe('the rows', () => {
	it('name each endpoint once, as the emulator names it', () => {
		const keys = ENDPOINTS.map((e) => e.key);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('offer each Resource → Operation once', () => {
		const pairs = OPERATIONS.map((o) => `${o.resource}.${o.operation}`);
		expect(new Set(pairs).size).toBe(pairs.length);
	});

	it('list every endpoint an operation calls', () => {
		const called = new Set(OPERATIONS.flatMap((o) => [o.endpoint, ...(o.alsoCalls ?? [])]));
		expect([...called].sort((a, b) => a.key.localeCompare(b.key))).toEqual(
			[...ENDPOINTS].sort((a, b) => a.key.localeCompare(b.key)),
		);
	});
});
