/**
 * Reading a Base table's records and fields (big-files-and-more-sources.md §4.2, §4.3):
 * - records/search (`POST …/tables/:table_id/records/search`): `page_size` (max 500) and
 *   `page_token` in the query; `view_id`, `field_names`, `filter`, `sort`, `automatic_fields`
 *   in the body; the answer's `fields` are keyed by field NAME;
 * - records/batch_get (`POST …/records/batch_get`) for given record IDs, ≤ 100 a request;
 * - the fields listing (`GET …/tables/:table_id/fields`) maps names to the field IDs that
 *   drive media's `extra` needs; attachment fields are `type` 17, `ui_type` "Attachment";
 * - an attachment cell is an array of `{file_token, name, size, type, url, tmp_url}`.
 */
import type { IDataObject } from 'n8n-workflow';

import { isFeishuToken } from './link';

/** The documented maximum of records/search, the fewest requests for a table. */
export const SEARCH_PAGE_SIZE = 500;
/** records/batch_get takes up to 100 record IDs. */
export const BATCH_GET_MAX_IDS = 100;
export const ATTACHMENT_FIELD_TYPE = 17;

export interface RecordSearchInput {
	viewId?: string;
	/** Only these fields in the answer (names); all when absent. */
	fieldNames?: string[];
	/** Base's filter object `{conjunction, conditions[], children[]}` (see parseFilter). */
	filter?: IDataObject;
	sort?: IDataObject[];
	automaticFields?: boolean;
	pageToken?: string;
	pageSize?: number;
}

/** One records/search request: the query (paging) and the JSON body. */
export function recordsSearchRequest(input: RecordSearchInput): {
	qs: { page_size: number; page_token?: string };
	body: IDataObject;
} {
	const qs: { page_size: number; page_token?: string } = {
		page_size: Math.min(Math.max(1, input.pageSize ?? SEARCH_PAGE_SIZE), SEARCH_PAGE_SIZE),
	};
	if (input.pageToken) qs.page_token = input.pageToken;
	const body: IDataObject = {};
	if (input.viewId) body.view_id = input.viewId;
	if (input.fieldNames?.length) body.field_names = input.fieldNames;
	if (input.filter) body.filter = input.filter;
	if (input.sort?.length) body.sort = input.sort;
	if (input.automaticFields) body.automatic_fields = true;
	return { qs, body };
}

/** records/batch_get bodies for these record IDs, 100 at most each, in the given order. */
export function recordsBatchGetBodies(recordIds: string[], automaticFields = false): IDataObject[] {
	const unique = [...new Set(recordIds)];
	const bodies: IDataObject[] = [];
	for (let at = 0; at < unique.length; at += BATCH_GET_MAX_IDS) {
		const body: IDataObject = { record_ids: unique.slice(at, at + BATCH_GET_MAX_IDS) };
		if (automaticFields) body.automatic_fields = true;
		bodies.push(body);
	}
	return bodies;
}

/** A filter given as JSON text or an object: Base's shape, checked enough to say what is wrong. */
export function parseFilter(
	value: unknown,
): { ok: true; filter: IDataObject } | { ok: false; reason: string } {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch {
			return { ok: false, reason: 'The filter is not valid JSON' };
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return {
			ok: false,
			reason: 'The filter must be an object {"conjunction": "and", "conditions": […]}',
		};
	}
	const filter = parsed as IDataObject;
	if (filter.conjunction !== 'and' && filter.conjunction !== 'or') {
		return { ok: false, reason: 'The filter\'s "conjunction" must be "and" or "or"' };
	}
	if (filter.conditions !== undefined && !Array.isArray(filter.conditions)) {
		return { ok: false, reason: 'The filter\'s "conditions" must be a list' };
	}
	return { ok: true, filter };
}

export interface BaseRecord {
	recordId: string;
	/** Keyed by field name, as Feishu answers. */
	fields: IDataObject;
}

export interface RecordsPage {
	records: BaseRecord[];
	/** The next page's token; undefined on the last page. */
	next?: string;
	/** Feishu said `has_more` but sent no `page_token`: paging cannot go on. */
	pagingBroken: boolean;
	total?: number;
}

/** A records/search (`items`) or batch_get (`records`) answer's `data`. */
export function readRecordsPage(data: unknown): RecordsPage {
	const d = (data ?? {}) as IDataObject;
	const list = Array.isArray(d.items) ? d.items : Array.isArray(d.records) ? d.records : [];
	const records: BaseRecord[] = [];
	for (const entry of list as IDataObject[]) {
		if (typeof entry?.record_id !== 'string') continue;
		const fields = typeof entry.fields === 'object' && entry.fields !== null ? entry.fields : {};
		records.push({ recordId: entry.record_id, fields: fields as IDataObject });
	}
	const hasMore = d.has_more === true;
	const token = typeof d.page_token === 'string' && d.page_token !== '' ? d.page_token : undefined;
	return {
		records,
		next: hasMore ? token : undefined,
		pagingBroken: hasMore && token === undefined,
		total: typeof d.total === 'number' ? d.total : undefined,
	};
}

export interface BaseField {
	id: string;
	name: string;
	type: number;
	uiType?: string;
}

/** A fields listing's `data`: its fields and the next page's token. */
export function readFieldsPage(data: unknown): { fields: BaseField[]; next?: string } {
	const d = (data ?? {}) as IDataObject;
	const fields: BaseField[] = [];
	for (const item of (Array.isArray(d.items) ? d.items : []) as IDataObject[]) {
		if (typeof item?.field_id !== 'string' || typeof item.field_name !== 'string') continue;
		fields.push({
			id: item.field_id,
			name: item.field_name,
			type: typeof item.type === 'number' ? item.type : -1,
			uiType: typeof item.ui_type === 'string' ? item.ui_type : undefined,
		});
	}
	const token = typeof d.page_token === 'string' && d.page_token !== '' ? d.page_token : undefined;
	return { fields, next: d.has_more === true ? token : undefined };
}

export function isAttachmentField(field: BaseField): boolean {
	return field.type === ATTACHMENT_FIELD_TYPE || field.uiType === 'Attachment';
}

/** Field names ↔ field IDs of one table. */
export interface FieldMap {
	fields: BaseField[];
	byName: Map<string, BaseField>;
	byId: Map<string, BaseField>;
}

export function fieldMap(fields: BaseField[]): FieldMap {
	return {
		fields,
		byName: new Map(fields.map((f) => [f.name, f])),
		byId: new Map(fields.map((f) => [f.id, f])),
	};
}

/**
 * The attachment fields to download: those named (by name or ID), or every attachment field.
 * A name that is no field, or a field that holds no attachments, is said, with the choices.
 */
export function selectAttachmentFields(
	map: FieldMap,
	requested: string[] = [],
): { ok: true; fields: BaseField[] } | { ok: false; reason: string } {
	const attachmentFields = map.fields.filter(isAttachmentField);
	const choices = attachmentFields.map((f) => `"${f.name}"`).join(', ') || 'none';
	if (requested.length === 0) {
		if (attachmentFields.length === 0) {
			return { ok: false, reason: 'The table has no attachment field' };
		}
		return { ok: true, fields: attachmentFields };
	}
	const fields: BaseField[] = [];
	for (const wanted of requested.map((r) => r.trim()).filter(Boolean)) {
		const field = map.byName.get(wanted) ?? map.byId.get(wanted);
		if (!field) {
			return {
				ok: false,
				reason: `The table has no field "${wanted}"; its attachment fields: ${choices}`,
			};
		}
		if (!isAttachmentField(field)) {
			return {
				ok: false,
				reason: `The field "${field.name}" holds no attachments; the table's attachment fields: ${choices}`,
			};
		}
		if (!fields.includes(field)) fields.push(field);
	}
	return { ok: true, fields };
}

export interface BaseAttachment {
	fileToken: string;
	name?: string;
	/** Bytes, as the cell says: the total a ranged download can expect. */
	size?: number;
	mimeType?: string;
}

/** An attachment cell → its attachments; entries without a valid file_token are left out. */
export function attachmentsOfCell(value: unknown): BaseAttachment[] {
	if (!Array.isArray(value)) return [];
	const attachments: BaseAttachment[] = [];
	for (const entry of value as IDataObject[]) {
		const token = entry?.file_token;
		if (typeof token !== 'string' || !isFeishuToken(token)) continue;
		const attachment: BaseAttachment = { fileToken: token };
		if (typeof entry.name === 'string' && entry.name !== '') attachment.name = entry.name;
		if (typeof entry.size === 'number' && Number.isSafeInteger(entry.size) && entry.size >= 0) {
			attachment.size = entry.size;
		}
		if (typeof entry.type === 'string' && entry.type !== '') attachment.mimeType = entry.type;
		attachments.push(attachment);
	}
	return attachments;
}

export interface RecordAttachment {
	recordId: string;
	field: BaseField;
	attachment: BaseAttachment;
	/** Position within its cell, from 0. */
	index: number;
}

/** Every attachment of a record in the given fields, field by field, in cell order. */
export function attachmentsOfRecord(record: BaseRecord, fields: BaseField[]): RecordAttachment[] {
	return fields.flatMap((field) =>
		attachmentsOfCell(record.fields[field.name]).map((attachment, index) => ({
			recordId: record.recordId,
			field,
			attachment,
			index,
		})),
	);
}
