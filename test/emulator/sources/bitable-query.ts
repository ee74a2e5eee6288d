/**
 * The parts of a records/search body the emulator understands: `filter` (conjunction,
 * conditions, children) evaluated against a record's cells, and opaque page tokens.
 */
import type { BitableRecord } from './types';

/** A problem with the request, answered with the code given. */
export class QueryError extends Error {
	constructor(readonly code: number) {
		super(`bitable query error ${code}`);
	}
}

export interface Condition {
	field_name: string;
	operator: string;
	value?: unknown[];
}

export interface Filter {
	conjunction?: 'and' | 'or';
	conditions?: Condition[];
	children?: Filter[];
}

/** 99992402: a parameter outside its documented values (the emulator's choice of code). */
const INVALID = 99992402;
/** 1254045: a field name the table does not have. */
const FIELD_NOT_FOUND = 1254045;

/** The text a cell reads as: text segments joined, numbers as digits, attachments by name. */
export function cellText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
		return String(value);
	if (Array.isArray(value)) return value.map(cellText).join('');
	if (typeof value === 'object') {
		const o = value as Record<string, unknown>;
		return cellText(o['text'] ?? o['name'] ?? '');
	}
	return '';
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(Array.isArray(value) && value.length === 0) ||
		value === ''
	);
}

function test(record: BitableRecord, c: Condition, names: ReadonlySet<string>): boolean {
	if (typeof c !== 'object' || c === null || typeof c.field_name !== 'string')
		throw new QueryError(INVALID);
	if (!names.has(c.field_name)) throw new QueryError(FIELD_NOT_FOUND);
	const cell = record.fields[c.field_name];
	const wanted = (Array.isArray(c.value) ? c.value : []).map(cellText);
	const text = cellText(cell);
	switch (c.operator) {
		case 'is':
			return wanted.length > 0 && text === wanted[0];
		case 'isNot':
			return wanted.length > 0 && text !== wanted[0];
		case 'contains':
			return wanted.some((w) => text.includes(w));
		case 'doesNotContain':
			return !wanted.some((w) => text.includes(w));
		case 'isEmpty':
			return isEmpty(cell);
		case 'isNotEmpty':
			return !isEmpty(cell);
		case 'isGreater':
			return Number(text) > Number(wanted[0]);
		case 'isLess':
			return Number(text) < Number(wanted[0]);
		default:
			throw new QueryError(INVALID);
	}
}

/** Whether the record passes the filter; throws QueryError for an unknown field or operator. */
export function matches(
	record: BitableRecord,
	filter: Filter,
	names: ReadonlySet<string>,
): boolean {
	if (typeof filter !== 'object' || filter === null) throw new QueryError(INVALID);
	const conjunction = filter.conjunction ?? 'and';
	if (conjunction !== 'and' && conjunction !== 'or') throw new QueryError(INVALID);
	const results = [
		...(filter.conditions ?? []).map((c) => test(record, c, names)),
		...(filter.children ?? []).map((f) => matches(record, f, names)),
	];
	if (results.length === 0) return true;
	return conjunction === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export function encodePageToken(scope: string, offset: number): string {
	return Buffer.from(`${scope}:${offset}`, 'utf8').toString('base64url');
}

/** The offset a page token stands for, or undefined when it is not one this scope handed out. */
export function decodePageToken(token: string, scope: string): number | undefined {
	if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
	const text = Buffer.from(token, 'base64url').toString('utf8');
	if (!text.startsWith(`${scope}:`)) return undefined;
	const offset = text.slice(scope.length + 1);
	return /^\d+$/.test(offset) ? Number(offset) : undefined;
}

/** page_size as the query gives it: default, 1254011 for <= 0, 99992402 above the maximum. */
export function pageSize(raw: string | null, fallback: number, max: number): number {
	if (raw === null || raw === '') return fallback;
	if (!/^-?\d+$/.test(raw)) throw new QueryError(INVALID);
	const size = Number(raw);
	if (size <= 0) throw new QueryError(1254011);
	if (size > max) throw new QueryError(INVALID);
	return size;
}
