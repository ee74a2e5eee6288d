/**
 * Bases (多维表格) as the emulator holds them: tables with fields, records and views; list
 * fields and search records (facts §4.2); and the advanced-permission rule of drive media
 * (§4.4): an attachment of such a table downloads only with an `extra` whose `bitablePerm`
 * names the table, and the token under its field ID and record ID.
 */
import type { Reply } from '../reply';
import type { Route } from '../route-match';
import { decodePageToken, encodePageToken, matches, pageSize, QueryError } from './bitable-query';
import type { Filter } from './bitable-query';
import type { BitableAttachment, BitableField, BitableRecord, BitableTableOptions } from './types';

/** search: page_size default 20, maximum 500 (facts §4.2). */
const SEARCH_PAGE = { fallback: 20, max: 500 };
/** list fields: page_size default 20, maximum 100 (the list-fields page). */
const FIELD_PAGE = { fallback: 20, max: 100 };
/** A Base's attachment field type (附件). */
export const ATTACHMENT_TYPE = 17;

export interface StoredTable {
	appToken: string;
	tableId: string;
	name: string;
	fields: BitableField[];
	records: BitableRecord[];
	/** view_id -> the record ids it shows (undefined: all). */
	views: Map<string, ReadonlySet<string> | undefined>;
	advanced: boolean;
	appCannotRead: boolean;
	rev: number;
}

/** Where an attachment's file token sits: table, field, record. */
interface Owner {
	table: StoredTable;
	fieldId: string;
	recordId: string;
}

/** The body of records/search, as far as the emulator reads it. */
interface SearchBody {
	view_id?: unknown;
	field_names?: unknown;
	filter?: unknown;
	automatic_fields?: unknown;
	sort?: unknown;
}

export class BitableStore {
	/**
	 * Status drive media answers an advanced-permission attachment without the right `extra`:
	 * the download page says 403, the media overview 400 (facts §3); a spec may pick either.
	 */
	permStatus: 403 | 400 = 403;
	private readonly tables = new Map<string, StoredTable>();
	private readonly apps = new Set<string>();
	private readonly owners = new Map<string, Owner>();

	add(opts: BitableTableOptions): StoredTable {
		const fields: BitableField[] = opts.fields.map((f, i) => ({
			...f,
			property: f.property ?? null,
			is_primary: i === 0,
		}));
		const names = new Set(fields.map((f) => f.field_name));
		if (names.size !== fields.length) throw new RangeError('addBitableTable: duplicate field name');
		const views = new Map<string, ReadonlySet<string> | undefined>();
		for (const v of opts.views ?? [{ view_id: `vew${opts.tableId.slice(3, 13)}` }])
			views.set(v.view_id, v.record_ids ? new Set(v.record_ids) : undefined);
		const table: StoredTable = {
			appToken: opts.appToken,
			tableId: opts.tableId,
			name: opts.name ?? 'Table 1',
			fields,
			records: structuredClone(opts.records),
			views,
			advanced: opts.advancedPermissions ?? false,
			appCannotRead: opts.appCannotRead ?? false,
			rev: opts.rev ?? 1,
		};
		this.apps.add(opts.appToken);
		this.tables.set(tableKey(opts.appToken, opts.tableId), table);
		for (const field of fields.filter((f) => f.type === ATTACHMENT_TYPE)) {
			for (const record of table.records) {
				const cell = record.fields[field.field_name];
				if (!Array.isArray(cell)) continue;
				for (const file of cell as BitableAttachment[])
					this.owners.set(file.file_token, {
						table,
						fieldId: field.field_id,
						recordId: record.record_id,
					});
			}
		}
		return table;
	}

	/**
	 * For drive media: the status refusing `token` (an attachment of an advanced-permission
	 * table) when `extra` does not carry its bitablePerm; undefined when it may be served.
	 */
	mediaRefusal(token: string, extra: string | null): number | undefined {
		const owner = this.owners.get(token);
		if (!owner?.table.advanced) return undefined;
		return extraGrants(extra, owner, token) ? undefined : this.permStatus;
	}

	/** GET …/tables/:table_id/fields: the fields in order, paged (default 20, at most 100). */
	fields(route: Route, reply: Reply): Promise<void> {
		return answer(reply, () => {
			const table = this.table(route);
			const viewId = route.query.get('view_id');
			if (viewId && !table.views.has(viewId)) throw new QueryError(1254042);
			const size = pageSize(route.query.get('page_size'), FIELD_PAGE.fallback, FIELD_PAGE.max);
			const scope = `${table.tableId}/fields`;
			const offset = startOf(route.query.get('page_token'), scope, table.fields.length);
			return page(table.fields, offset, size, scope, (f) => structuredClone(f));
		});
	}

	/** POST …/records/search: view, filter, field_names, automatic_fields; 500 a page at most. */
	search(route: Route, rawBody: Buffer | undefined, reply: Reply): Promise<void> {
		return answer(reply, () => {
			const table = this.table(route);
			const body = parseBody(rawBody);
			const names = new Set(table.fields.map((f) => f.field_name));
			let records = table.records;
			if (body.view_id !== undefined && body.view_id !== '') {
				if (typeof body.view_id !== 'string' || !table.views.has(body.view_id))
					throw new QueryError(1254042);
				const shown = table.views.get(body.view_id);
				if (shown) records = records.filter((r) => shown.has(r.record_id));
			}
			let wanted: string[] | undefined;
			if (body.field_names !== undefined) {
				if (!Array.isArray(body.field_names)) throw new QueryError(1254000);
				wanted = body.field_names.map(String);
				if (wanted.some((n) => !names.has(n))) throw new QueryError(1254045);
			}
			if (body.filter !== undefined && body.filter !== null) {
				const filter = body.filter as Filter;
				records = records.filter((r) => matches(r, filter, names));
			}
			// Advanced permissions without a readable role: the query succeeds with no data.
			if (table.advanced && table.appCannotRead) records = [];
			const size = pageSize(route.query.get('page_size'), SEARCH_PAGE.fallback, SEARCH_PAGE.max);
			const scope = `${table.tableId}/records`;
			const offset = startOf(route.query.get('page_token'), scope, records.length);
			const automatic = body.automatic_fields === true;
			return page(records, offset, size, scope, (r) => served(r, wanted, automatic));
		});
	}

	/** The table a route names, or the Base code for what is missing. */
	private table(route: Route): StoredTable {
		const appToken = route.params['app_token'];
		const tableId = route.params['table_id'];
		if (appToken === undefined || tableId === undefined) throw new QueryError(99992402);
		if (!this.apps.has(appToken)) throw new QueryError(1254040);
		const table = this.tables.get(tableKey(appToken, tableId));
		if (!table) throw new QueryError(1254041);
		return table;
	}
}

function tableKey(appToken: string, tableId: string): string {
	return `${appToken}\u0000${tableId}`;
}

/** Runs a handler: its data as `{code: 0, data}`, or the code of a QueryError. */
async function answer(reply: Reply, build: () => Record<string, unknown>): Promise<void> {
	let data: Record<string, unknown>;
	try {
		data = build();
	} catch (err) {
		if (err instanceof QueryError) return reply.error(err.code);
		throw err;
	}
	return reply.json(200, { code: 0, msg: 'success', data });
}

function startOf(token: string | null, scope: string, count: number): number {
	if (token === null || token === '') return 0;
	const offset = decodePageToken(token, scope);
	if (offset === undefined || offset <= 0 || offset >= count) throw new QueryError(99992402);
	return offset;
}

/** One page: items, has_more, page_token (only while has_more), total. */
function page<T>(
	all: readonly T[],
	offset: number,
	size: number,
	scope: string,
	show: (item: T) => unknown,
): Record<string, unknown> {
	const end = Math.min(all.length, offset + size);
	const data: Record<string, unknown> = {
		has_more: end < all.length,
		items: all.slice(offset, end).map(show),
		total: all.length,
	};
	if (end < all.length) data['page_token'] = encodePageToken(scope, end);
	return data;
}

function parseBody(raw: Buffer | undefined): SearchBody {
	if (raw === undefined) return {};
	try {
		const value: unknown = JSON.parse(raw.toString('utf8'));
		if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
	} catch {
		// answered below
	}
	throw new QueryError(1254000);
}

/** A record as search serves it: empty cells left out, like Feishu; automatic fields on request. */
function served(record: BitableRecord, wanted: string[] | undefined, automatic: boolean): unknown {
	const fields: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(record.fields)) {
		if (wanted && !wanted.includes(name)) continue;
		if (value === null || value === undefined || (Array.isArray(value) && value.length === 0))
			continue;
		fields[name] = structuredClone(value);
	}
	const out: Record<string, unknown> = { fields, record_id: record.record_id };
	if (automatic) {
		const who = { id: 'ou_emulator_creator', name: 'Emulator', email: '', en_name: 'Emulator' };
		Object.assign(out, {
			created_by: who,
			created_time: record.created_time,
			last_modified_by: who,
			last_modified_time: record.last_modified_time,
		});
	}
	return out;
}

/** Whether `extra` is `{"bitablePerm":{"tableId":…,"attachments":{field:{record:[…token]}}}}` for this file. */
function extraGrants(extra: string | null, owner: Owner, token: string): boolean {
	if (extra === null) return false;
	let value: unknown;
	try {
		value = JSON.parse(extra);
	} catch {
		return false;
	}
	const perm = (value as { bitablePerm?: unknown } | null)?.bitablePerm as
		{ tableId?: unknown; attachments?: unknown } | undefined;
	if (typeof perm !== 'object' || perm === null || perm.tableId !== owner.table.tableId)
		return false;
	const byField = perm.attachments as Record<string, Record<string, unknown>> | undefined;
	const tokens = byField?.[owner.fieldId]?.[owner.recordId];
	return Array.isArray(tokens) && tokens.includes(token);
}
