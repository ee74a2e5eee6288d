/** Message Image: an image the app uploaded itself, by its image_key. */
import { BOT_FEATURE_HINT, type CodeTable } from './codes';
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

/** Both im endpoints answer a tenant's broken key or storage alike. */
export const IM_TENANT_STORAGE_CODES: CodeTable = {
	234041: {
		httpStatus: 400,
		msg: 'Tenant master key has been deleted, please contact the tenant administrator.',
		hint: "The tenant's encryption key was deleted, so the data cannot be read. Ask the tenant administrator.",
		kind: 'fatal',
	},
	234042: {
		httpStatus: 400,
		msg: 'Hybrid deployment tenant storage error, such as full storage space, please contact tenant administrator.',
		hint: "The tenant's own storage failed (for example it is full). Ask the tenant administrator or Feishu support.",
		kind: 'fatal',
	},
};

export const MESSAGE_IMAGE: FeishuEndpoint = {
	key: 'messageImage',
	name: 'Message Image',
	method: 'GET',
	path: '/open-apis/im/v1/images/{image_key}',
	parameters: [
		{
			name: 'imageKey',
			label: 'Image Key',
			apiName: 'image_key',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The image_key returned when the app uploaded the image (img_…). Works only for images this app uploaded.',
			placeholder: 'img_8d5181ca-0aed-40f0-b0d1-b1452132afbg',
		},
	],
	tokenKinds: ['tenant'],
	scopes: ['im:resource'],
	rateLimits: [{ requests: 50, perMs: 1000 }],
	docsUrl: 'https://open.feishu.cn/document/server-docs/im-v1/image/get',
	codes: {
		234001: {
			httpStatus: 400,
			msg: 'Invalid request param.',
			hint: 'The request parameters are invalid. Check the image key.',
			kind: 'fatal',
		},
		234002: {
			httpStatus: 401,
			msg: 'Unauthorized.',
			hint: 'Authentication failed. Check the Feishu API credential; if it is correct, contact Feishu support with the log ID.',
			kind: 'fatal',
		},
		234005: {
			httpStatus: 400,
			msg: 'Image has been deleted',
			hint: 'The image does not exist or was deleted. Check the image key.',
			kind: 'fatal',
		},
		234007: {
			httpStatus: 400,
			msg: 'App does not enable bot feature.',
			hint: BOT_FEATURE_HINT,
			kind: 'fatal',
		},
		234008: {
			httpStatus: 400,
			msg: 'The app is not the resource sender',
			hint: 'This endpoint only returns images the app itself uploaded. For an image a user sent in a chat, use the operation Message → Download Resource (GET /open-apis/im/v1/messages/{message_id}/resources/{file_key}) with the message ID and the image key.',
			kind: 'fatal',
		},
		...IM_TENANT_STORAGE_CODES,
	},
};

export const MESSAGE_IMAGE_DOWNLOAD: FeishuOperation = {
	resource: 'messageImage',
	resourceName: 'Message Image',
	operation: 'download',
	operationName: 'Download',
	action: 'Download a message image',
	description: 'Download an image by its image_key (images the app uploaded itself)',
	endpoint: MESSAGE_IMAGE,
	handler: 'file',
	fileNameFrom: ['imageKey'],
};

export const MESSAGE_IMAGE_ROWS: ResourceRows = {
	endpoints: [MESSAGE_IMAGE],
	operations: [MESSAGE_IMAGE_DOWNLOAD],
};
