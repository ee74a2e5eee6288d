/**
 * Document: every picture of a docx document. The docx listing (its blocks, page by page, of
 * a docx or wiki link) is the endpoint; each picture is then downloaded as the operation of
 * its kind would download it.
 */
import { INTERNAL_ERROR_HINT } from './codes';
import { DRIVE_MEDIA, DRIVE_MEDIA_DOWNLOAD } from './drive-media';
import { linksWithWiki, PAGE_TOKEN } from './links';
import type { FeishuEndpoint, FeishuOperation, PictureKind, ResourceRows } from './types';
import { WHITEBOARD, WHITEBOARD_DOWNLOAD } from './whiteboard';
import { WIKI_NODE } from './wiki';

export const DOCUMENT_BLOCKS: FeishuEndpoint = {
	key: 'documentBlocks',
	name: 'Document Blocks',
	method: 'GET',
	path: '/open-apis/docx/v1/documents/{document_id}/blocks',
	parameters: [
		{
			name: 'documentId',
			label: 'Document',
			apiName: 'document_id',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The docx document ID: the last part of its link, https://<tenant>.feishu.cn/docx/<ID>. A wiki link (…/wiki/<token>) works too when its page is a docx document.',
			placeholder: 'doxcnAJ9VRRJqVMYZ1MyKnavXWe',
			url: linksWithWiki(
				'docx',
				'https://example.feishu.cn/docx/doxcnAJ9VRRJqVMYZ1MyKnavXWe',
				'docx',
			),
		},
		PAGE_TOKEN,
	],
	// The largest page the API serves, of the newest revision.
	fixedQuery: { page_size: '500', document_revision_id: '-1' },
	tokenKinds: ['tenant', 'user'],
	scopes: ['docx:document:readonly', 'docx:document'],
	rateLimits: [{ requests: 5, perMs: 1000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/docs/docs/docx-v1/document/list',
	codes: {
		1770001: {
			httpStatus: 400,
			msg: 'invalid param',
			hint: 'A parameter is invalid. Check the document ID or link.',
			kind: 'fatal',
		},
		1770002: {
			httpStatus: 404,
			msg: 'not found',
			hint: 'No such document, or it was deleted. Check the document ID; a wiki page needs its wiki link, not the ID.',
			kind: 'fatal',
		},
		1770003: {
			httpStatus: 400,
			msg: 'resource deleted',
			hint: 'The document was deleted.',
			kind: 'fatal',
		},
		1770022: {
			httpStatus: 400,
			msg: 'invalid page token',
			hint: 'The listing was interrupted; run the node again.',
			kind: 'fatal',
		},
		1770032: {
			httpStatus: 403,
			msg: 'forbidden',
			hint: 'The app cannot read this document. Add the app to the document ("…" → "More" → "Add document app") or share the document with it.',
			kind: 'fatal',
		},
		1771001: {
			httpStatus: 500,
			msg: 'server internal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
		1771002: {
			httpStatus: 500,
			msg: 'gateway server internal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
		1771003: {
			httpStatus: 500,
			msg: 'gateway marshal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
		1771004: {
			httpStatus: 500,
			msg: 'gateway unmarshal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
		1771005: {
			httpStatus: 503,
			msg: 'system under maintenance',
			hint: 'Feishu is under maintenance. Run the node again later.',
			kind: 'transient',
		},
	},
};

/** Feishu's block_type of each picture, where its token is, and the operation that downloads it. */
export const PICTURE_BLOCKS: Record<
	PictureKind,
	{ blockType: number; field: 'image' | 'board'; operation: FeishuOperation; parameter: string }
> = {
	image: {
		blockType: 27,
		field: 'image',
		operation: DRIVE_MEDIA_DOWNLOAD,
		parameter: 'mediaToken',
	},
	whiteboard: {
		blockType: 43,
		field: 'board',
		operation: WHITEBOARD_DOWNLOAD,
		parameter: 'whiteboardId',
	},
};

const DOCUMENT_PICTURES = {
	resource: 'document',
	resourceName: 'Document',
	endpoint: DOCUMENT_BLOCKS,
	handler: 'documentPictures',
	fileNameFrom: ['documentId'],
} satisfies Partial<FeishuOperation>;

export const DOCUMENT_WHITEBOARDS: FeishuOperation = {
	...DOCUMENT_PICTURES,
	operation: 'downloadWhiteboards',
	operationName: 'Download All Whiteboards',
	action: 'Download all whiteboards of a document',
	description:
		'List the blocks of a docx document and download every whiteboard in it as an image, in document order',
	alsoCalls: [WIKI_NODE, WHITEBOARD],
	pictures: ['whiteboard'],
};

export const DOCUMENT_IMAGES: FeishuOperation = {
	...DOCUMENT_PICTURES,
	operation: 'downloadImages',
	operationName: 'Download All Images',
	action: 'Download all images of a document',
	description:
		'List the blocks of a docx document and download every image in it (and, as an option, every whiteboard), in document order',
	alsoCalls: [WIKI_NODE, DRIVE_MEDIA, WHITEBOARD],
	pictures: ['image'],
	options: [
		{
			displayName: 'Include Whiteboards',
			name: 'includeWhiteboards',
			type: 'boolean',
			default: false,
			description:
				'Whether to download the whiteboards too, as images, so the items hold every picture of the document in document order (needs the scope board:whiteboard:node:read)',
		},
	],
};

export const DOCUMENT_ROWS: ResourceRows = {
	endpoints: [DOCUMENT_BLOCKS],
	operations: [DOCUMENT_WHITEBOARDS, DOCUMENT_IMAGES],
};
