/** Feishu Open API emulator for tests. */
export { FeishuEmulator, startEmulator } from './server';
export {
	AUTH_ERRORS,
	BAIKE_ERRORS,
	ERROR_CODES,
	errorFor,
	findError,
	HELPDESK_ERRORS,
	MESSAGE_IMAGE_ERRORS,
	PLATFORM_ERRORS,
	WHITEBOARD_ERRORS,
} from './errors';
export type { FeishuError } from './errors';
export {
	crc32,
	makeGif,
	makeJpeg,
	makePng,
	mulberry32,
	PATTERN_CHUNK_SIZE,
	patternBytes,
	sha256OfPattern,
	sniffImageMime,
} from './images';
export { ENDPOINTS } from './types';
export type {
	DispositionStyle,
	DownloadEndpoint,
	EmulatorCounters,
	EmulatorOptions,
	EndpointName,
	Fault,
	FaultOptions,
	FileFixtureOptions,
	MessageImageOptions,
	PatternFile,
	PatternFileOptions,
	RequestLogEntry,
	TicketImageOptions,
	TicketMessageOptions,
} from './types';
