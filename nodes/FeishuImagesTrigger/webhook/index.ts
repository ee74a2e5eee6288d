/** Feishu's HTTP delivery: verifying and opening one request (pure, no I/O). */
export { decryptBody, sameSecret, signatureOf } from './crypto';
export {
	openWebhookRequest,
	type WebhookOutcome,
	type WebhookRequest,
	type WebhookSecrets,
} from './verify';
