/**
 * Drive File: a file stored in Drive (云空间), e.g. a PDF someone uploaded; not an online
 * document (docx, sheet, Base). The page documents HTTP statuses, and Range.
 */
import { linksWithWiki, pathToken } from './links';
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

export const DRIVE_FILE: FeishuEndpoint = {
	key: 'driveFile',
	name: 'Drive File',
	method: 'GET',
	path: '/open-apis/drive/v1/files/{file_token}/download',
	parameters: [
		pathToken('fileToken', 'File Token', 'file_token', {
			description:
				"The file's token: the last part of its link, https://<tenant>.feishu.cn/file/<token>, or the token a folder listing gives. A wiki link (…/wiki/<token>) works too when its page is a file.",
			placeholder: 'boxcnrHpsg1QDqXAAAyachabcef',
			url: linksWithWiki(
				'file',
				'https://example.feishu.cn/file/boxcnrHpsg1QDqXAAAyachabcef',
				'file',
			),
		}),
	],
	ranges: {},
	tokenKinds: ['tenant', 'user'],
	scopes: [
		'drive:drive',
		'drive:drive:readonly',
		'drive:file',
		'drive:file:download',
		'drive:file:readonly',
	],
	// 5 QPS and 10,000 a day (特殊频控); the pacer keeps the per-second one.
	rateLimits: [{ requests: 5, perMs: 1000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/drive-v1/download/download',
	codes: {
		1061045: {
			httpStatus: 200,
			msg: 'can retry',
			hint: 'Feishu throttled Drive file downloads (5 per second and 10,000 a day per app). The node slows down by itself; raise Max Rate-Limit Wait or run the node again later.',
			kind: 'rateLimit',
		},
	},
	statuses: {
		403: {
			msg: 'no permission to download the file',
			hint: 'The app (or user) may not download this file. Share the file with the app (or add the app to its folder) with download permission.',
		},
		404: {
			msg: 'the file token is missing or the file was deleted',
			hint: "No such file: check the token (the last part of the file's link), and that the file is still in Drive.",
		},
	},
};

export const DRIVE_FILE_DOWNLOAD: FeishuOperation = {
	resource: 'driveFile',
	resourceName: 'Drive File',
	operation: 'download',
	operationName: 'Download',
	action: 'Download a file stored in Drive',
	description:
		'Download a file stored in Drive (a PDF, an archive…) by its token or link, any size, in ranges',
	endpoint: DRIVE_FILE,
	handler: 'file',
	fileNameFrom: ['fileToken'],
};

export const DRIVE_FILE_ROWS: ResourceRows = {
	endpoints: [DRIVE_FILE],
	operations: [DRIVE_FILE_DOWNLOAD],
};
