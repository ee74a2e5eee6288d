/**
 * A Drive file (云空间文件) by token or link (big-files-and-more-sources.md §2):
 * `https://<tenant>.feishu.cn/file/<token>` (the `url` the folder listing returns), or a wiki
 * page whose node is a file (`obj_type` `file` → `obj_token`, wiki-node.ts).
 *
 * The catalogue's UrlForm (one regex per link form, `kind: 'direct' | 'wiki'`) covers the same
 * two forms: `linkPattern('file')` direct and `linkPattern('wiki')` wiki. A catalogue row can use
 * that and skip this module; it is here for handlers that read a token outside a field.
 */
import { feishuLink, isFeishuToken, tokenAfter } from './link';

export type DriveFileReference =
	{ kind: 'file'; fileToken: string } | { kind: 'wiki'; wikiToken: string };

export const DRIVE_FILE_LINK_EXAMPLE = 'https://<tenant>.feishu.cn/file/<token>';

export function parseDriveFileReference(input: string): DriveFileReference | undefined {
	const text = input.trim();
	if (isFeishuToken(text)) return { kind: 'file', fileToken: text };
	const link = feishuLink(text);
	if (!link) return undefined;
	const fileToken = tokenAfter(link.segments, 'file');
	if (fileToken) return { kind: 'file', fileToken };
	const wikiToken = tokenAfter(link.segments, 'wiki');
	return wikiToken ? { kind: 'wiki', wikiToken } : undefined;
}
