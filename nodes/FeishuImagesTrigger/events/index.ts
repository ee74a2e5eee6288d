/** Feishu's message events, read into what the trigger emits: pure functions, no I/O. */
export { readEnvelope, type Envelope } from './envelope';
export { filteredOut, NO_FILTERS, splitList, type MessageFilters } from './filters';
export {
	MESSAGE_RECEIVED,
	readMessage,
	type MessageSender,
	type ReadMessage,
	type ReceivedMessage,
} from './message';
export { parseContent, resourcesOf, type MessageResource, type ResourceKind } from './resources';
