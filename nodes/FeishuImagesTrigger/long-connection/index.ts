/**
 * Feishu's long connection (使用长连接接收事件) for the trigger: `listenLongConnection` joins
 * the process's one connection of the credential's app and hands every event to `onEvent`.
 *
 *   app.ts             the app (domain + App ID + secret) from the credential
 *   endpoint.ts        endpoint discovery and the ClientConfig
 *   errors.ts          Feishu's codes: which failures are final, and their messages
 *   pbbp2.ts           the protobuf frame codec
 *   fragments.ts       reassembly of split messages
 *   client.ts          one connection: WebSocket, pings, acks, reconnects
 *   handshake-probe.ts why an upgrade was refused (the runtime's WebSocket cannot tell)
 *   registry.ts        one shared, refcounted connection per app
 */
import { NodeOperationError } from 'n8n-workflow';
import type { ITriggerFunctions } from 'n8n-workflow';

import { readAppIdentity } from './app';
import type { WebSocketConstructor } from './client';
import type { EventHandler } from './registry';
import { subscribe } from './registry';

export type { EventHandler } from './registry';
export type { WebSocketConstructor } from './client';

export interface LongConnectionOptions {
	/**
	 * The WebSocket implementation; default the runtime's global one. `null` behaves as a runtime
	 * without it (Node 20), which specs use to check the message.
	 */
	webSocket?: WebSocketConstructor | null;
}

export const NO_WEBSOCKET_MESSAGE =
	'The long connection needs n8n on Node 22 or later; use Receive Events Via: Webhook';

function runtimeWebSocket(): WebSocketConstructor | undefined {
	return typeof WebSocket === 'undefined'
		? undefined
		: (WebSocket as unknown as WebSocketConstructor);
}

/**
 * Joins the app's long connection. Resolves once the first connection attempt has an outcome
 * (open, or a passing failure that is retried in the background); rejects with a
 * NodeOperationError when Feishu refuses the app for good (credentials, connection limit,
 * not a custom app). Later final failures reach the workflow through `ctx.emitError`.
 * `close()` leaves; the last subscriber's close closes the socket and stops every loop.
 */
export async function listenLongConnection(
	ctx: ITriggerFunctions,
	onEvent: EventHandler,
	options: LongConnectionOptions = {},
): Promise<{ close(): Promise<void> }> {
	const WebSocketImpl = options.webSocket === undefined ? runtimeWebSocket() : options.webSocket;
	if (!WebSocketImpl) {
		throw new NodeOperationError(ctx.getNode(), NO_WEBSOCKET_MESSAGE, {
			description:
				'This Node.js has no built-in WebSocket (it is on by default from Node 22). Receive events via Webhook, or run n8n 2.20 or later.',
		});
	}
	const app = await readAppIdentity(ctx);
	const subscription = subscribe(app, ctx, onEvent, WebSocketImpl);
	const outcome = await subscription.ready;
	if (!outcome.ok) {
		await subscription.close();
		throw new NodeOperationError(ctx.getNode(), outcome.failure.message);
	}
	return { close: async () => await subscription.close() };
}
