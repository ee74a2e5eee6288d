/**
 * The node's UI contract: parameter names, types, defaults, option values and when each is
 * shown. Saved workflows store these names and values, so a rename here breaks users'
 * workflows silently; this list changes only on purpose (n8n's Airtable v2 ui-verification
 * test is the model). One line per parameter, nested options as `options.<name>`.
 */
import type { INodeProperties } from 'n8n-workflow';

import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';

function when(p: INodeProperties): string {
	const conditions = (kind: 'show' | 'hide') =>
		Object.entries(p.displayOptions?.[kind] ?? {}).map(([k, v]) => `${k}=${(v ?? []).join('|')}`);
	const show = conditions('show');
	const hide = conditions('hide');
	return (
		(show.length ? ` when ${show.join(' ')}` : '') +
		(hide.length ? ` unless ${hide.join(' or ')}` : '')
	);
}

function line(p: INodeProperties, prefix = ''): string[] {
	let text = `${prefix}${p.name}: ${p.type} = ${JSON.stringify(p.default)}`;
	if (p.type === 'options' && p.options) {
		text += ` [${(p.options as Array<{ value: unknown }>).map((o) => String(o.value)).join(', ')}]`;
	}
	if (p.modes) text += ` modes [${p.modes.map((m) => m.name).join(', ')}]`;
	text += when(p);
	const nested =
		p.type === 'collection'
			? (p.options as INodeProperties[]).flatMap((o) => line(o, `${p.name}.`))
			: [];
	return [text, ...nested];
}

const contract = new FeishuImages().description.properties.flatMap((p) => line(p));

it('keeps every parameter name, type, default, option value and display condition', () => {
	expect(contract).toEqual([
		'authentication: options = "tenantToken" [tenantToken, userToken] unless resource=messageImage|helpdeskTicketImage|message',
		'resource: options = "whiteboard" [whiteboard, messageImage, helpdeskTicketImage, dictionaryImage, message, document, driveMedia, driveFile, base]',
		'operation: options = "downloadAsImage" [downloadAsImage, getContent] when resource=whiteboard',
		'operation: options = "download" [download] when resource=messageImage',
		'operation: options = "download" [download] when resource=helpdeskTicketImage',
		'operation: options = "downloadLingo" [downloadLingo, download] when resource=dictionaryImage',
		'operation: options = "downloadResource" [downloadResource] when resource=message',
		'operation: options = "downloadWhiteboards" [downloadWhiteboards, downloadImages] when resource=document',
		'operation: options = "download" [download] when resource=driveMedia',
		'operation: options = "download" [download] when resource=driveFile',
		'operation: options = "downloadAttachments" [downloadAttachments] when resource=base',
		'whiteboardId: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=whiteboard operation=downloadAsImage',
		'whiteboardId: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=whiteboard operation=getContent',
		'imageKey: resourceLocator = {"mode":"id","value":""} modes [id] when resource=messageImage operation=download',
		'ticketId: resourceLocator = {"mode":"id","value":""} modes [id] when resource=helpdeskTicketImage operation=download',
		'messageId: resourceLocator = {"mode":"id","value":""} modes [id] when resource=helpdeskTicketImage operation=download',
		'fileToken: resourceLocator = {"mode":"id","value":""} modes [id] when resource=dictionaryImage operation=downloadLingo',
		'fileToken: resourceLocator = {"mode":"id","value":""} modes [id] when resource=dictionaryImage operation=download',
		'messageId: resourceLocator = {"mode":"id","value":""} modes [id] when resource=message operation=downloadResource',
		'fileKey: resourceLocator = {"mode":"id","value":""} modes [id] when resource=message operation=downloadResource',
		'resourceType: options = "image" [image, file] when resource=message operation=downloadResource',
		'documentId: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=document operation=downloadWhiteboards',
		'documentId: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=document operation=downloadImages',
		'mediaToken: resourceLocator = {"mode":"id","value":""} modes [id] when resource=driveMedia operation=download',
		'fileToken: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=driveFile operation=download',
		'baseId: resourceLocator = {"mode":"id","value":""} modes [id, url] when resource=base operation=downloadAttachments',
		'tableId: resourceLocator = {"mode":"id","value":""} modes [id] when resource=base operation=downloadAttachments',
		'viewId: resourceLocator = {"mode":"id","value":""} modes [id] when resource=base operation=downloadAttachments',
		'options: collection = {}',
		'options.allImages: boolean = false when /resource=helpdeskTicketImage /operation=download',
		'options.includeWhiteboards: boolean = false when /resource=document /operation=downloadImages',
		'options.attachmentFields: string = "" when /resource=base /operation=downloadAttachments',
		'options.filter: json = "" when /resource=base /operation=downloadAttachments',
		'options.includeRecordFields: boolean = false when /resource=base /operation=downloadAttachments',
		'options.recordIds: string = "" when /resource=base /operation=downloadAttachments',
		'options.concurrency: number = 5',
		'options.fileName: string = ""',
		'options.imageIndex: number = 0 when /resource=helpdeskTicketImage /operation=download',
		'options.maxRateLimitWait: number = 600',
		'options.binaryPropertyName: string = "data"',
		'options.requestsPerSecond: number = 0',
		'options.retries: number = 3',
		'options.timeout: number = 60000',
	]);
});

it('asks for the credential that goes with the Authentication value, and the app one where Feishu serves the app only', () => {
	// Hide conditions only: with `show` conditions n8n's editor folds Authentication into one
	// credential select, which preselects the OAuth2 credential on app-only resources.
	expect(new FeishuImages().description.credentials).toEqual([
		expect.objectContaining({
			name: 'feishuApi',
			displayOptions: { hide: { authentication: ['userToken'] } },
		}),
		expect.objectContaining({
			name: 'feishuOAuth2Api',
			displayOptions: {
				hide: {
					authentication: ['tenantToken'],
					resource: ['messageImage', 'helpdeskTicketImage', 'message'],
				},
			},
		}),
	]);
});

it('keeps Authentication out of expressions: the credential fields hang on its value', () => {
	const authentication = new FeishuImages().description.properties.find(
		(p) => p.name === 'authentication',
	);
	expect(authentication?.noDataExpression).toBe(true);
});
