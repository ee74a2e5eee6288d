/**
 * makeBitableTable: a Base table of N records x M attachment fields whose attachments are
 * drive media fixtures of deterministic, streamed bytes (images.ts patternBytes), so a spec
 * can build 2,000 x 3 without holding the files and check each download by its sha256.
 */
import { createHash } from 'node:crypto';
import type { DriveMediaPatternOptions, PatternFile } from '../types';
import { ATTACHMENT_TYPE } from './bitable';
import type {
	BitableAttachment,
	BitableAttachmentFixture,
	BitableFixtureOptions,
	BitableRecord,
	BitableTableOptions,
} from './types';

/** What the builder needs of the emulator. */
export interface FixtureHost {
	readonly baseUrl: string;
	addDriveMedia(token: string, opts: DriveMediaPatternOptions): PatternFile;
}

const KINDS = [
	{ type: 'image/png', ext: 'png' },
	{ type: 'application/pdf', ext: 'pdf' },
	{ type: 'text/plain', ext: 'txt' },
] as const;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Feishu-looking id: `prefix` + `length` letters and digits, the same for the same key. */
export function idFor(prefix: string, key: string, length: number): string {
	const digest = createHash('sha256').update(key).digest();
	let out = prefix;
	for (let i = 0; out.length < prefix.length + length; i++)
		out += ALPHABET[(digest[i % digest.length] ?? 0) % ALPHABET.length] ?? 'A';
	return out;
}

/** The `extra` Feishu puts in a cell's url / tmp_url: tableId and rev, no attachments (§4.3). */
export function cellExtra(tableId: string, rev: number): string {
	return encodeURIComponent(JSON.stringify({ bitablePerm: { tableId, rev } }));
}

/** An attachment cell entry with its url and tmp_url on this emulator. */
export function attachmentCell(
	baseUrl: string,
	tableId: string,
	rev: number,
	file: Pick<BitableAttachment, 'file_token' | 'name' | 'size' | 'type'>,
): BitableAttachment {
	const extra = cellExtra(tableId, rev);
	const medias = `${baseUrl}/open-apis/drive/v1/medias`;
	return {
		...file,
		url: `${medias}/${file.file_token}/download?extra=${extra}`,
		tmp_url: `${medias}/batch_get_tmp_download_url?file_tokens=${file.file_token}&extra=${extra}`,
	};
}

/** The table options and the attachment manifest of a generated table. */
export function buildBitableTable(
	host: FixtureHost,
	opts: BitableFixtureOptions,
): { table: BitableTableOptions; attachments: BitableAttachmentFixture[] } {
	const { appToken, tableId } = opts;
	const perCell = opts.filesPerCell ?? 1;
	const sizeOf = opts.size ?? ((i: number) => 200 + ((i * 37) % 1800));
	const seedBase = opts.seed ?? 1000;
	const key = `${appToken}/${tableId}`;
	const fields: BitableTableOptions['fields'] = [
		{ field_id: idFor('fld', `${key}/name`, 10), field_name: 'Name', type: 1, ui_type: 'Text' },
		{ field_id: idFor('fld', `${key}/count`, 10), field_name: 'Count', type: 2, ui_type: 'Number' },
	];
	const attachmentFields = Array.from({ length: opts.attachmentFields }, (_, j) => ({
		field_id: idFor('fld', `${key}/attachment/${j}`, 10),
		field_name: `Attachment ${j + 1}`,
		type: ATTACHMENT_TYPE,
		ui_type: 'Attachment',
	}));
	fields.push(...attachmentFields);
	const attachments: BitableAttachmentFixture[] = [];
	const records: BitableRecord[] = [];
	let index = 0;
	for (let r = 0; r < opts.records; r++) {
		const recordId = idFor('rec', `${key}/record/${r}`, 10);
		const cells: Record<string, unknown> = {
			Name: [{ text: `Record ${r + 1}`, type: 'text' }],
			Count: r + 1,
		};
		const empty = opts.emptyEvery !== undefined && (r + 1) % opts.emptyEvery === 0;
		for (const [j, field] of attachmentFields.entries()) {
			if (empty) continue;
			const cell: BitableAttachment[] = [];
			for (let k = 0; k < perCell; k++, index++) {
				const kind = KINDS[index % KINDS.length] ?? KINDS[0];
				const token = idFor('', `${key}/file/${r}/${j}/${k}`, 27);
				const name = `record${r + 1}-field${j + 1}-${k + 1}.${kind.ext}`;
				const file = host.addDriveMedia(token, {
					size: sizeOf(index),
					seed: seedBase + index,
					contentType: kind.type,
					fileName: name,
				});
				const attachment = attachmentCell(host.baseUrl, tableId, 1, {
					file_token: token,
					name,
					size: file.size,
					type: kind.type,
				});
				cell.push(attachment);
				attachments.push({
					recordId,
					fieldId: field.field_id,
					fieldName: field.field_name,
					attachment,
					sha256: () => file.sha256(),
				});
			}
			cells[field.field_name] = cell;
		}
		const time = 1_700_000_000_000 + r * 1000;
		records.push({
			record_id: recordId,
			fields: cells,
			created_time: time,
			last_modified_time: time,
		});
	}
	const table: BitableTableOptions = {
		appToken,
		tableId,
		fields,
		records,
		advancedPermissions: opts.advancedPermissions,
		appCannotRead: opts.appCannotRead,
		wikiToken: opts.wikiToken,
	};
	return { table, attachments };
}
