/** Helpdesk Ticket Image: the images of a helpdesk ticket message (custom apps only). */
import { INTERNAL_ERROR_HINT } from './codes';
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

export const TICKET_IMAGE: FeishuEndpoint = {
	key: 'ticketImage',
	name: 'Helpdesk Ticket Image',
	method: 'GET',
	path: '/open-apis/helpdesk/v1/ticket_images',
	parameters: [
		{
			name: 'ticketId',
			label: 'Ticket ID',
			apiName: 'ticket_id',
			in: 'query',
			kind: 'id',
			required: true,
			description: 'The helpdesk ticket ID',
			placeholder: '6948728206392295444',
		},
		{
			name: 'messageId',
			label: 'Message ID',
			apiName: 'msg_id',
			in: 'query',
			kind: 'id',
			required: true,
			description: 'The ticket message ID (from "list ticket messages")',
			placeholder: '6948728206392295444',
		},
		{
			name: 'imageIndex',
			label: 'Image Index',
			apiName: 'index',
			in: 'query',
			kind: 'index',
			required: false,
			description: 'Which image of a rich-text (post) message, counting from 0',
		},
	],
	tokenKinds: ['tenant'],
	scopes: ['helpdesk:all:readonly'],
	rateLimits: [{ requests: 50, perMs: 1000 }],
	helpdeskHeader: true,
	docsUrl:
		'https://open.feishu.cn/document/server-docs/helpdesk-v1/ticket-management/ticket/ticket_image',
	codes: {
		154000: {
			httpStatus: 400,
			msg: 'Bad request, please check your request body',
			hint: 'The request is invalid, most likely the image index: a rich-text (post) message needs an index from 0 to its number of images minus one; an image (img) message needs none.',
			kind: 'fatal',
			signals: 'noSuchIndex',
		},
		154003: {
			httpStatus: 403,
			msg: 'Please check you have the correct access',
			hint: 'Check the Helpdesk ID and Helpdesk Token in the Feishu API credential (they form the X-Lark-Helpdesk-Authorization header), and that the app and the helpdesk belong to the same tenant.',
			kind: 'fatal',
		},
		154004: {
			httpStatus: 404,
			msg: 'Resource not found',
			hint: 'Not found: the message ID probably does not belong to this ticket. Check both IDs.',
			kind: 'fatal',
		},
		154404: {
			httpStatus: 401,
			msg: 'Image might be deleted',
			hint: 'The image was deleted.',
			kind: 'fatal',
		},
		155000: {
			httpStatus: 500,
			msg: 'Internal error',
			hint: INTERNAL_ERROR_HINT,
			kind: 'transient',
		},
	},
};

export const TICKET_IMAGE_DOWNLOAD: FeishuOperation = {
	resource: 'helpdeskTicketImage',
	resourceName: 'Helpdesk Ticket Image',
	operation: 'download',
	operationName: 'Download',
	action: 'Download a helpdesk ticket image',
	description: 'Download an image from a helpdesk ticket message (custom apps only)',
	endpoint: TICKET_IMAGE,
	handler: 'ticketImages',
	fileNameFrom: ['messageId', 'imageIndex'],
	options: [
		{
			displayName: 'All Images of the Message',
			name: 'allImages',
			type: 'boolean',
			default: false,
			description:
				'Whether to download every image of the message, one item each (a rich-text message can hold several); Image Index is then ignored',
		},
	],
};

export const HELPDESK_ROWS: ResourceRows = {
	endpoints: [TICKET_IMAGE],
	operations: [TICKET_IMAGE_DOWNLOAD],
};
