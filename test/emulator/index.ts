/** Feishu Open API emulator for tests. */
export { FeishuEmulator, startEmulator } from './server';
export {
	AUTH_ERRORS,
	BAIKE_ERRORS,
	DOCX_ERRORS,
	DRIVE_MEDIA_ERRORS,
	DRIVE_MEDIA_STATUSES,
	ERROR_CODES,
	errorFor,
	findError,
	HELPDESK_ERRORS,
	LINGO_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	OAUTH_ERRORS,
	PLATFORM_ERRORS,
	WHITEBOARD_ERRORS,
	WIKI_ERRORS,
} from './errors';
export type { FeishuError, OAuthError } from './errors';
export {
	crc32,
	encodePng,
	makeGif,
	makeJpeg,
	imageSize,
	makePng,
	makeSvg,
	mulberry32,
	PATTERN_CHUNK_SIZE,
	patternBytes,
	sha256OfPattern,
	sniffImageMime,
} from './images';
export { DOWNLOAD_ENDPOINTS, FILE_ENDPOINTS, isDownloadEndpoint } from './file-endpoints';
export type { FileEndpoint } from './file-endpoints';
export { EMULATED_ENDPOINTS, ROUTE_TABLE } from './route-table';
export type { EndpointSpec, ErrorTable, RateLimit, Refusal } from './endpoint-spec';
export type { EmulatedEndpoint } from './route-context';
export type * from './types';
export {
	BITABLE_ERRORS,
	BITABLE_RETRYABLE,
	DRIVE_FILE_ERRORS,
	MERMAID_SOURCE,
	MESSAGE_RESOURCE_CAP,
	PLANTUML_SOURCE,
	sampleWhiteboardNodes,
	Sources,
	WHITEBOARD_NODE_ERRORS,
} from './sources';
export type * from './sources/types';
