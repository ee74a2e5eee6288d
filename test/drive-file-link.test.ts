/**
 * Drive File → Download names its file by token or link (big-files-and-more-sources.md §2):
 * `…/file/<token>` as the folder listing's `url`, or a wiki page whose node is a file.
 */
import { parseDriveFileReference } from '../nodes/FeishuImages/sources/drive-file-link';
import { wikiNodeTarget } from '../nodes/FeishuImages/sources/wiki-node';

describe('a Drive file by token or link', () => {
	it.each([
		['boxcnrHpsg1QDqXAAAyachabcef', 'boxcnrHpsg1QDqXAAAyachabcef'],
		['https://acme.feishu.cn/file/boxcnrHpsg1QDqXAAAyachabcef', 'boxcnrHpsg1QDqXAAAyachabcef'],
		[
			'https://acme.larksuite.com/file/boxcnrHpsg1QDqXAAAyachabcef?from=from_copylink',
			'boxcnrHpsg1QDqXAAAyachabcef',
		],
	])('%s → file %s', (input, fileToken) => {
		expect(parseDriveFileReference(input)).toEqual({ kind: 'file', fileToken });
	});

	it('a wiki link is resolved by get_node, whose obj_type must be file', () => {
		expect(parseDriveFileReference('https://acme.feishu.cn/wiki/wikcnXyz123')).toEqual({
			kind: 'wiki',
			wikiToken: 'wikcnXyz123',
		});
		expect(wikiNodeTarget({ node: { obj_type: 'file', obj_token: 'boxcn1' } }, 'file')).toEqual({
			ok: true,
			objToken: 'boxcn1',
		});
		expect(wikiNodeTarget({ node: { obj_type: 'docx', obj_token: 'doxcn1' } }, 'file')).toEqual({
			ok: false,
			objType: 'docx',
		});
	});

	it.each([
		'https://acme.feishu.cn/docx/doxcn1',
		'https://acme.feishu.cn/drive/folder/fldcn1',
		'https://example.com/file/boxcn1',
		'file/boxcn1',
		'',
	])('refuses %j', (input) => {
		expect(parseDriveFileReference(input)).toBeUndefined();
	});
});
