/**
 * Error tables of the endpoints of issue 17, transcribed from
 * shared/feishu-api/big-files-and-more-sources.md (never from the node's catalogue). `msg` is
 * the emulator's wording unless said otherwise; a status the facts do not give is the one the
 * facts say such codes "mostly" arrive with (HTTP 200 for Base).
 */
import { table } from '../errors';

/**
 * drive-v1 file download (下载文件): the page documents statuses only (200, 206, 403, 404,
 * 500), answered without a code as drive media's are; 1061045 ("can retry", over the 5 QPS /
 * 10,000 a day limit) comes from Drive's error tables, at HTTP 200.
 */
export const DRIVE_FILE_ERRORS = table([[200, 1061045, 'can retry']]);

/**
 * bitable-v1 search records / list fields (查询记录, 列出字段). Codes from the search page's
 * table (facts §4.2): those with a status there keep it, the others come at HTTP 200.
 * 99992402 (a parameter outside its documented range, e.g. page_size over 500) is the
 * platform's validation code: the emulator's choice, the page names none for it.
 */
export const BITABLE_ERRORS = table([
	[200, 1254290, 'TooManyRequest'],
	[400, 1254607, 'Data not ready, please try again later'],
	[504, 1255040, 'Request timed out, please try again later'],
	[400, 1254036, 'Base is copying, please try again later'],
	[200, 1254030, 'TooLargeResponse'],
	[400, 1254011, 'page size must be greater than 0'],
	[200, 1254040, 'BaseTokenNotFound'],
	[200, 1254041, 'TableIdNotFound'],
	[200, 1254042, 'ViewIdNotFound'],
	[200, 1254045, 'FieldNameNotFound'],
	[200, 1254302, 'Permission denied.'],
	[200, 1254303, 'The attachment does not belong to this base.'],
	[200, 1254000, 'WrongRequestJson'],
	[400, 99992402, 'field validation failed'],
]);

/** The Base codes a client should wait out and retry (facts §4.2, "retry" / "back off"). */
export const BITABLE_RETRYABLE: readonly number[] = [1254290, 1254607, 1255040, 1254036];

/** board-v1 whiteboard nodes (获取所有节点), facts §5; msg wording the emulator's. */
export const WHITEBOARD_NODE_ERRORS = table([
	[400, 2890001, 'invalid format'],
	[400, 2890002, 'invalid arg'],
	[400, 2890006, 'record missing'],
	[401, 2890007, 'auth failed'],
	[403, 2890008, 'forbidden'],
	[429, 2890009, 'too many request'],
	[500, 2891001, 'server internal error'],
]);
