import type { IExecuteFunctions, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * The n8n contexts a download runs in: the node's execute(), and the trigger's webhook() and
 * trigger(). The transport and the binary store use only what all three share (getNode,
 * getCredentials, helpers.httpRequestWithAuthentication, helpers.prepareBinaryData).
 */
export type FeishuContext = IExecuteFunctions | IWebhookFunctions | ITriggerFunctions;
