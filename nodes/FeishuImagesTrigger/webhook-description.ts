import * as n8nWorkflow from 'n8n-workflow';
import type { IDataObject, IWebhookDescription } from 'n8n-workflow';

/*
 * The trigger's one webhook, declared so that n8n can resolve it without its expression engine.
 *
 * - Only the Webhook way has a webhook. For the long connection its path is `undefined`, so n8n
 *   registers none: "Listen for test event" then runs trigger() (with a webhook n8n would wait
 *   for a test request that never comes), and an active workflow opens no URL. n8n logs "No
 *   webhook path could be found" once per activation in that mode.
 * - n8n-workflow 2.41 resolves a description field natively when it carries a resolver made by
 *   `webhookDescriptionFields`; otherwise every webhook request of a community trigger evaluates
 *   the templates in an isolate (~80 ms of CPU each). Older n8n-workflow versions lack the helper
 *   and read the same templates.
 *
 * The functions are inlined into the templates as their source (n8n's `fromFunction`), so they
 * must stay self-contained: no outer names.
 */
const pathOf = (parameters: IDataObject): string | undefined =>
	parameters.receiveVia === 'webhook' ? 'feishu' : undefined;
const hideUrlOf = (parameters: IDataObject): boolean => parameters.receiveVia !== 'webhook';

type FieldHelpers = {
	fromFunction?: (fn: (parameters: IDataObject) => unknown) => unknown;
	webhookDescriptionFields?: (fields: Record<string, unknown>) => Partial<IWebhookDescription>;
};

function describeFields(): Partial<IWebhookDescription> {
	const { fromFunction, webhookDescriptionFields } = n8nWorkflow as unknown as FieldHelpers;
	if (fromFunction && webhookDescriptionFields) {
		return webhookDescriptionFields({
			path: fromFunction(pathOf),
			ndvHideUrl: fromFunction(hideUrlOf),
		});
	}
	return {
		path: `={{(${String(pathOf)})($parameter)}}`,
		ndvHideUrl: `={{(${String(hideUrlOf)})($parameter)}}` as unknown as boolean,
	};
}

export const FEISHU_WEBHOOK: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	// The node writes Feishu's answer itself, before any download.
	responseMode: 'onReceived',
	path: 'feishu',
	...describeFields(),
};
