/** Feishu's HTTP delivery: verify.ts and crypto.ts open one request (pure); receive.ts answers it in n8n. */
export { decryptBody, sameSecret, signatureOf } from './crypto';
export { receiveWebhook } from './receive';
export {
	openWebhookRequest,
	type WebhookOutcome,
	type WebhookRequest,
	type WebhookSecrets,
} from './verify';
