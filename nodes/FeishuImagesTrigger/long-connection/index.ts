import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';

/**
 * THE SEAM to the long connection (built by its own change): connect the app's credential,
 * hand every event payload (the event JSON as Feishu sends it over HTTP, schema 2.0 or 1.0,
 * already reassembled and acknowledged) to `onEvent`, and stop everything on `close()`.
 * `onEvent` returns at once; the trigger does its downloads and emits on its own.
 */
export type OnLongConnectionEvent = (payload: IDataObject) => void;

export interface LongConnection {
	/** Closes the socket and stops every loop and timer. */
	close(): Promise<void>;
}

export async function listenLongConnection(
	ctx: ITriggerFunctions,
	onEvent: OnLongConnectionEvent,
): Promise<LongConnection> {
	void onEvent; // the stand-in receives nothing
	throw new NodeOperationError(ctx.getNode(), 'Long connection not built yet');
}
