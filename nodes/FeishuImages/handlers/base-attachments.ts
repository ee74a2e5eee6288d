import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeParameterResourceLocator } from 'n8n-workflow';

import { BITABLE_FIELDS, DRIVE_MEDIA_DOWNLOAD, type FeishuEndpoint } from '../catalogue';
import type { ExecutionContext } from '../execution';
import { readItemOption, type OutputOptions } from '../options';
import { parseBaseReference } from '../sources/base-link';
import { extraValue } from '../sources/base-extra';
import {
	attachmentsOfRecord,
	fieldMap,
	parseFilter,
	readFieldsPage,
	readRecordsPage,
	recordsSearchRequest,
	selectAttachmentFields,
	SEARCH_PAGE_SIZE,
	type BaseField,
	type BaseRecord,
	type RecordAttachment,
} from '../sources/base-records';
import { buildRequest, type ParameterValues } from '../transport/build-request';
import { inputError } from '../transport/errors';
import { fetchJson } from '../transport/request';
import { downloadToItem, mapConcurrent, numbered } from './download-item';
import { failedOne } from './error-item';
import type { Handler, ItemInput } from './handler';
import { resolveWikiToken } from './wiki';

/** A table is finite; a page_token that never ends is a bug on one side or the other. */
const MAX_PAGES = 10_000;
/** The list-fields page's maximum (records/search takes 500). */
const FIELDS_PAGE_SIZE = 100;

/** The table the item names: Base, table and view from the fields, else from the Base link. */
interface TableRef {
	appToken: string;
	tableId: string;
	viewId?: string;
	wikiToken?: string;
}

async function tableOf(execution: ExecutionContext, item: ItemInput): Promise<TableRef> {
	const { ctx } = execution;
	const { itemIndex, values } = item;
	const stored = ctx.getNodeParameter('baseId', itemIndex, '') as INodeParameterResourceLocator;
	const fromLink =
		stored?.mode === 'url' && typeof stored.value === 'string'
			? parseBaseReference(stored.value)
			: undefined;
	const link = fromLink?.ok ? fromLink.base : undefined;
	const given = String(values.baseId);
	const viaWiki = item.wikiTokens.includes('baseId');
	const appToken = viaWiki ? await resolveWikiToken(execution, given, 'bitable', itemIndex) : given;
	const tableId = (values.tableId as string | undefined) ?? link?.tableId;
	if (!tableId) {
		throw inputError(
			ctx.getNode(),
			'Table ID is empty, and the Base link names no table',
			itemIndex,
			'Enter the table ID (tbl…), or paste the Base link as the browser shows it with a table open: …/base/<app_token>?table=<table_id>.',
		);
	}
	const viewId = (values.viewId as string | undefined) ?? link?.viewId;
	return {
		appToken,
		tableId,
		...(viewId ? { viewId } : {}),
		...(viaWiki ? { wikiToken: given } : {}),
	};
}

/** Every page of a listing of the table, in order; `read` takes a page's data, gives the next token. */
async function eachPage(
	execution: ExecutionContext,
	listing: { endpoint: FeishuEndpoint; table: TableRef; size: number; body?: IDataObject },
	itemIndex: number,
	read: (data: IDataObject) => string | undefined,
): Promise<void> {
	const { endpoint, table, size, body } = listing;
	let pageToken: string | undefined;
	for (let count = 0; count < MAX_PAGES; count++) {
		const values: ParameterValues = { baseId: table.appToken, tableId: table.tableId };
		values.pageSize = size;
		if (pageToken) values.pageToken = pageToken;
		const request = buildRequest(endpoint, values, itemIndex, execution.connection);
		if (body) request.body = body;
		pageToken = read(await fetchJson(execution.ctx, request, execution.transport));
		if (!pageToken) return;
	}
	throw new NodeOperationError(
		execution.ctx.getNode(),
		`${endpoint.name}: more than ${MAX_PAGES} pages`,
		{ itemIndex },
	);
}

async function listFields(
	execution: ExecutionContext,
	table: TableRef,
	itemIndex: number,
): Promise<BaseField[]> {
	const fields: BaseField[] = [];
	const listing = { endpoint: BITABLE_FIELDS, table, size: FIELDS_PAGE_SIZE };
	await eachPage(execution, listing, itemIndex, (data) => {
		const page = readFieldsPage(data);
		fields.push(...page.fields);
		return page.next;
	});
	return fields;
}

/** The records of the table (or view, or filter), 500 a page; only the given IDs if any. */
async function searchRecords(
	execution: ExecutionContext,
	endpoint: FeishuEndpoint,
	table: TableRef,
	query: { filter?: IDataObject; fieldNames?: string[]; recordIds: string[] },
	itemIndex: number,
): Promise<BaseRecord[]> {
	const wanted = new Set(query.recordIds);
	const records: BaseRecord[] = [];
	const { body } = recordsSearchRequest({
		viewId: table.viewId,
		filter: query.filter,
		fieldNames: query.fieldNames,
	});
	const listing = { endpoint, table, size: SEARCH_PAGE_SIZE, body };
	await eachPage(execution, listing, itemIndex, (data) => {
		const page = readRecordsPage(data);
		if (page.pagingBroken) {
			throw new NodeOperationError(
				execution.ctx.getNode(),
				'Feishu said more records follow but sent no page_token',
				{ itemIndex },
			);
		}
		records.push(...page.records.filter((r) => wanted.size === 0 || wanted.has(r.recordId)));
		return page.next;
	});
	return records;
}

function listOption(execution: ExecutionContext, itemIndex: number, name: string): string[] {
	const value = readItemOption(execution.ctx, itemIndex, name);
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

function filterOption(execution: ExecutionContext, itemIndex: number): IDataObject | undefined {
	const value = readItemOption(execution.ctx, itemIndex, 'filter');
	if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
		return undefined;
	}
	const parsed = parseFilter(value);
	if (!parsed.ok) throw inputError(execution.ctx.getNode(), parsed.reason, itemIndex);
	return parsed.filter;
}

/**
 * `handler: 'baseAttachments'`: the table's attachment fields (by name or ID, all by default)
 * from the fields listing, the records from records/search (500 a page, view, filter, record
 * IDs), then every attachment through drive media with the documented bitablePerm `extra`
 * (field ID → record ID → token), so tables with advanced permissions work too. One item per
 * attachment; one that fails fails alone under Continue On Fail, named by record and field.
 */
export const downloadBaseAttachments: Handler = async (execution, operation, item) => {
	const { ctx } = execution;
	const { itemIndex, output } = item;
	const table = await tableOf(execution, item);
	const filter = filterOption(execution, itemIndex);
	const recordIds = listOption(execution, itemIndex, 'recordIds');
	const withFields = readItemOption(ctx, itemIndex, 'includeRecordFields') === true;
	const map = fieldMap(await listFields(execution, table, itemIndex));
	const selected = selectAttachmentFields(
		map,
		listOption(execution, itemIndex, 'attachmentFields'),
	);
	if (!selected.ok) throw inputError(ctx.getNode(), selected.reason, itemIndex);
	const records = await searchRecords(
		execution,
		operation.endpoint,
		table,
		{ filter, recordIds, fieldNames: withFields ? undefined : selected.fields.map((f) => f.name) },
		itemIndex,
	);
	const attachments = records.flatMap((record) =>
		attachmentsOfRecord(record, selected.fields).map((found) => ({ found, record })),
	);
	return await mapConcurrent(attachments, execution.concurrency, async ({ found, record }, at) => {
		const origin: IDataObject = {
			resource: operation.resource,
			operation: operation.operation,
			baseId: table.appToken,
			...(table.wikiToken ? { wikiToken: table.wikiToken } : {}),
			tableId: table.tableId,
			...(table.viewId ? { viewId: table.viewId } : {}),
			recordId: found.recordId,
			fieldName: found.field.name,
			fieldId: found.field.id,
			fileToken: found.attachment.fileToken,
		};
		const name = output.fileNameOverride
			? numbered(output.fileNameOverride, at, attachments.length)
			: found.attachment.name;
		const download = downloadAttachment(execution, table, found, itemIndex, {
			...output,
			fileNameOverride: name,
		});
		const outcome = await download.then(
			(done) => ({ done }),
			(error: unknown) => ({ error }),
		);
		if ('done' in outcome) {
			return withJson(outcome.done, found, origin, withFields ? record : undefined);
		}
		const what = `The attachment "${found.attachment.name ?? found.attachment.fileToken}" of record ${found.recordId}, field "${found.field.name}"`;
		return failedOne(ctx, outcome.error, itemIndex, what, origin);
	});
};

async function downloadAttachment(
	execution: ExecutionContext,
	table: TableRef,
	found: RecordAttachment,
	itemIndex: number,
	output: OutputOptions,
): Promise<INodeExecutionData> {
	const ref = {
		fieldId: found.field.id,
		recordId: found.recordId,
		fileToken: found.attachment.fileToken,
	};
	return await downloadToItem(
		execution,
		DRIVE_MEDIA_DOWNLOAD,
		{ mediaToken: ref.fileToken, extra: extraValue(table.tableId, [ref]) },
		itemIndex,
		output,
	);
}

/** The item as a Base user reads it: where the file came from, then what it is. */
function withJson(
	done: INodeExecutionData,
	found: RecordAttachment,
	origin: IDataObject,
	record: BaseRecord | undefined,
): INodeExecutionData {
	const binaryName = Object.keys(done.binary ?? {})[0];
	const binary = binaryName ? done.binary?.[binaryName] : undefined;
	// The attachment's own MIME type (the cell's `type`), as Base shows it.
	if (binary && found.attachment.mimeType) binary.mimeType = found.attachment.mimeType;
	const json: IDataObject = {
		...origin,
		fileName: done.json.fileName ?? null,
		mimeType: binary?.mimeType ?? done.json.mimeType ?? null,
		fileExtension: done.json.fileExtension ?? null,
		size: done.json.fileSize ?? null,
		sha256: done.json.sha256,
	};
	if (record) json.fields = record.fields;
	return { ...done, json };
}
