/**
 * Base (多维表格): the attachments of a table's records. records/search pages the records (its
 * answer keys cells by field name), the fields listing maps names to the field IDs drive
 * media's `extra` needs, and every attachment downloads through drive media with the
 * documented bitablePerm `extra`, so tables with advanced permissions work too.
 * Base codes mostly arrive with HTTP 200: the answer's `code` is read at any status.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { CodeTable } from './codes';
import { DRIVE_MEDIA } from './drive-media';
import { linksWithWiki, PAGE_TOKEN } from './links';
import type { EndpointParameter, FeishuEndpoint, FeishuOperation, ResourceRows } from './types';
import { WIKI_NODE } from './wiki';

const LATER_HINT =
	'Feishu asked to try again later. The node waits and sends the request again by itself; raise Max Rate-Limit Wait if it gives up.';
const CHECK_IDS_HINT =
	'Check the Base (app_token), the table ID (tbl…) and the view ID (vew…), e.g. from the Base link …/base/<app_token>?table=<table_id>&view=<view_id>.';

/** The search page's codes (big-files-and-more-sources.md §4.2); the fields listing shares them. */
const BASE_CODES: CodeTable = {
	1254290: { httpStatus: 200, msg: 'TooManyRequest', hint: LATER_HINT, kind: 'rateLimit' },
	1254607: {
		httpStatus: 400,
		msg: 'Data not ready, please try again later',
		hint: LATER_HINT,
		kind: 'rateLimit',
	},
	1255040: {
		httpStatus: 504,
		msg: 'Request timed out, please try again later',
		hint: LATER_HINT,
		kind: 'rateLimit',
	},
	1254036: {
		httpStatus: 400,
		msg: 'Base is copying, please try again later',
		hint: LATER_HINT,
		kind: 'rateLimit',
	},
	1254030: {
		httpStatus: 200,
		msg: 'TooLargeResponse',
		hint: 'A page of records was too large for Feishu to send. Narrow the records with a Filter or a View, or name fewer Attachment Fields.',
		kind: 'fatal',
	},
	1254011: {
		httpStatus: 400,
		msg: 'page size must be greater than 0',
		hint: 'The node sent a bad page size; report this as a bug of the node.',
		kind: 'fatal',
	},
	1254040: {
		httpStatus: 200,
		msg: 'BaseTokenNotFound',
		hint: `No such Base. ${CHECK_IDS_HINT}`,
		kind: 'fatal',
	},
	1254041: {
		httpStatus: 200,
		msg: 'TableIdNotFound',
		hint: `No such table in the Base. ${CHECK_IDS_HINT}`,
		kind: 'fatal',
	},
	1254042: {
		httpStatus: 200,
		msg: 'ViewIdNotFound',
		hint: `No such view in the table. ${CHECK_IDS_HINT}`,
		kind: 'fatal',
	},
	1254045: {
		httpStatus: 200,
		msg: 'FieldNameNotFound',
		hint: 'A field the request named is not in the table (renamed or deleted?). Check Attachment Fields and the Filter.',
		kind: 'fatal',
	},
	1254302: {
		httpStatus: 200,
		msg: 'Permission denied.',
		hint: 'The app may not read this table. Add the app to the Base ("…" → "More" → "Add document app"); with advanced permissions, add a role or group holding the app with read access.',
		kind: 'fatal',
	},
	1254303: {
		httpStatus: 200,
		msg: 'The attachment does not belong to this base.',
		hint: 'Feishu refused an attachment of this Base. Check that the record and field are of this table.',
		kind: 'fatal',
	},
	1254000: {
		httpStatus: 200,
		msg: 'WrongRequestJson',
		hint: 'Feishu could not read the request. Check the Filter: it must be Base\'s filter object, e.g. {"conjunction":"and","conditions":[…]}.',
		kind: 'fatal',
	},
	99992402: {
		httpStatus: 400,
		msg: 'field validation failed',
		hint: 'Feishu refused a value of the request (e.g. a page size above 500). Report this as a bug of the node, with the log ID.',
		kind: 'fatal',
	},
};

const BASE_SCOPES = ['base:record:retrieve', 'bitable:app', 'bitable:app:readonly'];

const tableParameter = (required: boolean): EndpointParameter => ({
	name: 'tableId',
	label: 'Table ID',
	apiName: 'table_id',
	in: 'path',
	kind: required ? 'internal' : 'id',
	required,
	description:
		'The table (tbl…): the "table" of the Base link, …/base/<app_token>?table=<table_id>. Leave empty when the Base\'s link names the table.',
	placeholder: 'tblsRc9GRRXKqhvW',
});

/** Records or fields per page: the handler sends the page's maximum. */
const PAGE_SIZE: EndpointParameter = {
	name: 'pageSize',
	label: 'Page Size',
	apiName: 'page_size',
	in: 'query',
	kind: 'internal',
	required: false,
	description: 'Entries per page (the most the page allows)',
};

export const BITABLE_SEARCH: FeishuEndpoint = {
	key: 'bitableSearch',
	name: 'Base Records',
	method: 'POST',
	path: '/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/search',
	parameters: [
		{
			name: 'baseId',
			label: 'Base',
			apiName: 'app_token',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The Base (app_token): the part after /base/ of its link, https://<tenant>.feishu.cn/base/<app_token>?table=<table_id>. A wiki link (…/wiki/<token>) works too when its page is a Base. The link\'s "table" and "view" are used when the fields below are empty.',
			placeholder: 'bascnCMII2ORej2RItqpZZUNMIe',
			url: linksWithWiki(
				'base',
				'https://example.feishu.cn/base/bascnCMII2ORej2RItqpZZUNMIe?table=tblsRc9GRRXKqhvW',
				'bitable',
			),
		},
		tableParameter(false),
		{
			name: 'viewId',
			label: 'View ID',
			apiName: 'view_id',
			in: 'body',
			kind: 'id',
			required: false,
			description:
				'Only the records this view shows (vew…), the "view" of the Base link; empty: every record (or the link\'s view)',
			placeholder: 'vewTpR1urY',
		},
		PAGE_SIZE,
		PAGE_TOKEN,
	],
	tokenKinds: ['tenant', 'user'],
	scopes: BASE_SCOPES,
	rateLimits: [{ requests: 20, perMs: 1000 }],
	docsUrl:
		'https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/bitable-v1/app-table-record/search',
	codes: BASE_CODES,
};

export const BITABLE_FIELDS: FeishuEndpoint = {
	key: 'bitableFields',
	name: 'Base Fields',
	method: 'GET',
	path: '/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields',
	parameters: [
		{
			name: 'baseId',
			label: 'Base',
			apiName: 'app_token',
			in: 'path',
			kind: 'internal',
			required: true,
			description: 'The Base (app_token)',
		},
		tableParameter(true),
		PAGE_SIZE,
		PAGE_TOKEN,
	],
	tokenKinds: ['tenant', 'user'],
	scopes: ['bitable:app', 'bitable:app:readonly'],
	rateLimits: [{ requests: 20, perMs: 1000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/bitable-v1/app-table-field/list',
	codes: BASE_CODES,
};

const options: INodeProperties[] = [
	{
		displayName: 'Attachment Fields',
		name: 'attachmentFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. Photos, Contract',
		description:
			'The attachment fields to download, by name or field ID (fld…), separated by commas. Empty: every attachment field of the table.',
	},
	{
		displayName: 'Filter (JSON)',
		name: 'filter',
		type: 'json',
		default: '',
		placeholder:
			'{"conjunction":"and","conditions":[{"field_name":"Status","operator":"is","value":["Done"]}]}',
		description:
			'Only the records that match Base\'s filter object (records/search\'s filter): conjunction "and" or "or", and its conditions',
	},
	{
		displayName: 'Include Record Fields',
		name: 'includeRecordFields',
		type: 'boolean',
		default: false,
		description:
			'Whether to add the record\'s other fields (by name) to each attachment\'s item, as "fields"',
	},
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. recuIAdMBN, recuIAdMBO',
		description:
			'Only these records (rec…), separated by commas; the table (or view) is searched for them',
	},
];

export const BASE_DOWNLOAD_ATTACHMENTS: FeishuOperation = {
	resource: 'base',
	resourceName: 'Base',
	operation: 'downloadAttachments',
	operationName: 'Download Attachments',
	action: "Download a Base table's attachments",
	description:
		"Download every attachment of a Base (多维表格) table's records, one item per file; tables with advanced permissions too",
	endpoint: BITABLE_SEARCH,
	alsoCalls: [BITABLE_FIELDS, DRIVE_MEDIA, WIKI_NODE],
	handler: 'baseAttachments',
	options,
	fileNameFrom: ['fileToken'],
};

export const BASE_ROWS: ResourceRows = {
	endpoints: [BITABLE_SEARCH, BITABLE_FIELDS],
	operations: [BASE_DOWNLOAD_ATTACHMENTS],
};
