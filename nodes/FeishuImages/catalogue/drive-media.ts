/**
 * Drive Media: a document's media — the image.token of a docx image block, a file block, a
 * sheet's or a base's attachment. The page documents HTTP statuses only, no codes.
 */
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

export const DRIVE_MEDIA: FeishuEndpoint = {
	key: 'driveMedia',
	name: 'Drive Media',
	method: 'GET',
	path: '/open-apis/drive/v1/medias/{file_token}/download',
	parameters: [
		{
			name: 'mediaToken',
			label: 'Media Token',
			apiName: 'file_token',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				"The media's token: in a docx document the image.token of an image block (block_type 27) or the file.token of a file block, in a sheet or base the attachment's file_token. Media have no link of their own.",
			placeholder: 'boxcnrHpsg1QDqXAAAyachabcef',
		},
		{
			name: 'extra',
			label: 'Extra',
			apiName: 'extra',
			in: 'query',
			kind: 'internal',
			required: false,
			description:
				'A Base attachment\'s {"bitablePerm":…} (tables with advanced permissions answer 403 or 400 without it)',
		},
	],
	ranges: {},
	tokenKinds: ['tenant', 'user'],
	// Any one of these lets an app download a document's media.
	scopes: [
		'docs:document.media:download',
		'drive:drive',
		'drive:drive:readonly',
		'docs:doc',
		'docs:doc:readonly',
		'bitable:app',
		'bitable:app:readonly',
		'sheets:spreadsheet',
		'sheets:spreadsheet:readonly',
	],
	rateLimits: [{ requests: 5, perMs: 1000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/drive-v1/media/download',
	codes: {},
	statuses: {
		400: {
			msg: 'bad request',
			hint: 'Feishu refused the request. Check the media token (a Base attachment of a table with advanced permissions: the app needs read access to its record and field).',
		},
		403: {
			msg: 'no permission on the media',
			hint: 'The app (or user) cannot read the document that holds this media. Add the app to the document ("…" → "More" → "Add document app") or share the document with it.',
		},
		404: {
			msg: 'the media token is missing or was deleted',
			hint: "No such media: check the token (an image block's image.token), and that the image is still in the document.",
		},
	},
};

export const DRIVE_MEDIA_DOWNLOAD: FeishuOperation = {
	resource: 'driveMedia',
	resourceName: 'Drive Media',
	operation: 'download',
	operationName: 'Download',
	action: 'Download a document image or attachment',
	description:
		'Download an image or file of a docx document, sheet or base by its media token (up to the whole file, any size)',
	endpoint: DRIVE_MEDIA,
	handler: 'file',
	fileNameFrom: ['mediaToken'],
};

export const DRIVE_MEDIA_ROWS: ResourceRows = {
	endpoints: [DRIVE_MEDIA],
	operations: [DRIVE_MEDIA_DOWNLOAD],
};
