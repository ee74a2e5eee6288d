/** Dictionary Image (词典): Lingo and its predecessor baike serve dictionary files alike. */
import type { FeishuEndpoint, FeishuOperation, ResourceRows } from './types';

const DICTIONARY_RETRY_HINT =
	'Usually a Feishu timeout: try again. If it keeps happening, contact Feishu support with the log ID.';

/** What both dictionary endpoints share; each has codes of its own. */
const DICTIONARY_FILE = {
	method: 'GET',
	parameters: [
		{
			name: 'fileToken',
			label: 'File Token',
			apiName: 'file_token',
			in: 'path',
			kind: 'id',
			required: true,
			description:
				'The file token of the dictionary image (from a dictionary entry or the image upload API)',
			placeholder: 'boxbcEcmKiD3SGHvgqWTpvdc7jc',
		},
	],
	tokenKinds: ['tenant', 'user'],
	rateLimits: [
		{ requests: 50, perMs: 1000 },
		{ requests: 1000, perMs: 60_000 },
	],
	// Lingo took over baike's scopes: no lingo:* scope exists.
	scopes: ['baike:entity', 'baike:entity:exempt_review', 'baike:entity:readonly'],
} satisfies Partial<FeishuEndpoint>;

export const LINGO_FILE: FeishuEndpoint = {
	...DICTIONARY_FILE,
	key: 'lingoFile',
	name: 'Lingo File',
	path: '/open-apis/lingo/v1/files/{file_token}/download',
	docsUrl: 'https://open.feishu.cn/document/lingo-v1/file/download',
	codes: {
		2250001: {
			httpStatus: 400,
			msg: 'invalid parameter',
			hint: 'A parameter is wrong. Check the file token.',
			kind: 'fatal',
		},
		2250002: {
			httpStatus: 500,
			msg: 'network anomaly',
			hint: DICTIONARY_RETRY_HINT,
			kind: 'transient',
		},
	},
};

export const BAIKE_FILE: FeishuEndpoint = {
	...DICTIONARY_FILE,
	key: 'baikeFile',
	name: 'Baike File',
	path: '/open-apis/baike/v1/files/{file_token}/download',
	docsUrl: 'https://open.feishu.cn/document/server-docs/baike-v1/file/download',
	codes: {
		1540001: {
			httpStatus: 400,
			msg: 'invalid param',
			hint: 'A parameter is wrong. Check the file token.',
			kind: 'fatal',
		},
		1540002: {
			httpStatus: 500,
			msg: 'network anomaly, please try again',
			hint: DICTIONARY_RETRY_HINT,
			kind: 'transient',
		},
	},
};

const DICTIONARY_IMAGE = {
	resource: 'dictionaryImage',
	resourceName: 'Dictionary Image',
	handler: 'file',
	fileNameFrom: ['fileToken'],
} satisfies Partial<FeishuOperation>;

export const LINGO_DOWNLOAD: FeishuOperation = {
	...DICTIONARY_IMAGE,
	operation: 'downloadLingo',
	operationName: 'Download (Lingo)',
	action: 'Download a dictionary image from Lingo',
	description:
		'Download an image of the Feishu dictionary (词典) through the Lingo API, the successor of baike',
	endpoint: LINGO_FILE,
};

export const BAIKE_DOWNLOAD: FeishuOperation = {
	...DICTIONARY_IMAGE,
	operation: 'download',
	operationName: 'Download (Baike, Legacy)',
	action: 'Download a dictionary image from baike (legacy)',
	description:
		'Download an image of the Feishu dictionary (词典) through the older baike API, which Feishu is replacing with Lingo',
	endpoint: BAIKE_FILE,
};

/** Lingo first: the default dictionary operation. */
export const DICTIONARY_ROWS: ResourceRows = {
	endpoints: [LINGO_FILE, BAIKE_FILE],
	operations: [LINGO_DOWNLOAD, BAIKE_DOWNLOAD],
};
