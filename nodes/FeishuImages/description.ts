import type { INodeProperties, INodePropertyMode, INodePropertyOptions } from 'n8n-workflow';

import {
	ENDPOINTS,
	TOKEN_CHARACTERS,
	type DownloadEndpoint,
	type EndpointParameter,
} from './catalogue';
import { DEFAULTS } from './run-options';

/** The node's UI, built from the catalogue so a new endpoint needs no UI code. */

/** n8n renders field descriptions as HTML: "<tenant>" in a link template must stay visible. */
function asHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const resources = [...new Map(ENDPOINTS.map((e) => [e.resource, e.resourceName])).entries()];

const resourceField: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: resources.map(([value, name]) => ({ name, value })),
	default: 'whiteboard',
};

function operationField(resource: string): INodeProperties {
	const endpoints = ENDPOINTS.filter((e) => e.resource === resource);
	const options: INodePropertyOptions[] = endpoints.map((e) => ({
		name: e.operationName,
		value: e.operation,
		action: e.action,
		description: e.description,
	}));
	const defaultOperation = endpoints[0].operation;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

function showFor(endpoint: DownloadEndpoint) {
	return { show: { resource: [endpoint.resource], operation: [endpoint.operation] } };
}

/**
 * A mode's type, named rather than literal: n8n's lint asks every parameter for a default but
 * exempts modes only when they are written inline under `modes:`; this one is built here.
 */
const TEXT_MODE = 'string' as const;

function urlMode(parameter: EndpointParameter): INodePropertyMode[] {
	if (!parameter.url) return [];
	const regex = parameter.url.patterns.map((p) => `(?:${p.regex})`).join('|');
	return [
		{
			displayName: 'By URL',
			name: 'url',
			type: TEXT_MODE,
			placeholder: parameter.url.example,
			validation: [
				{
					type: 'regex',
					properties: {
						regex,
						errorMessage: `Not a Feishu or Lark link of this kind, e.g. ${parameter.url.example}`,
					},
				},
			],
		},
	];
}

function idField(endpoint: DownloadEndpoint, parameter: EndpointParameter): INodeProperties {
	return {
		displayName: parameter.label,
		name: parameter.name,
		type: 'resourceLocator',
		default: { mode: 'id', value: '' },
		required: parameter.required,
		description: asHtml(parameter.description),
		displayOptions: showFor(endpoint),
		modes: [
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: parameter.placeholder,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `\\s*[${TOKEN_CHARACTERS}]{1,256}\\s*`,
							errorMessage: `Not a valid ${parameter.label}: use letters, digits, "_", "-", "." or "="`,
						},
					},
				],
			},
			...urlMode(parameter),
		],
	};
}

function choiceField(endpoint: DownloadEndpoint, parameter: EndpointParameter): INodeProperties {
	const choices = parameter.choices ?? [];
	const firstChoice = choices[0]?.value ?? '';
	return {
		displayName: parameter.label,
		name: parameter.name,
		type: 'options',
		options: choices.map((c) => ({ name: c.name, value: c.value, description: c.description })),
		default: firstChoice,
		required: parameter.required,
		description: asHtml(parameter.description),
		displayOptions: showFor(endpoint),
	};
}

/** Resources Feishu serves to the app identity only (their endpoints refuse user tokens). */
const appOnlyResources = [
	...new Set(ENDPOINTS.filter((e) => !e.tokenKinds.includes('user')).map((e) => e.resource)),
];

/**
 * App or user identity. One field for every resource, with no display conditions: n8n's editor
 * moves the authentication field into the credential selector and hides every parameter its
 * conditions name, so a condition on Resource here would hide the Resource field itself.
 */
export const authenticationFields: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'App (Tenant Access Token)',
				value: 'tenantToken',
				description: "The app's identity: what the app was given access to",
			},
			{
				name: 'User (OAuth2)',
				value: 'userToken',
				description:
					"A Feishu user's identity: what that user can see, e.g. whiteboards shared with them but not with the app",
			},
		],
		default: 'tenantToken',
	},
];

/** Said where it matters, before anything runs: a user credential on an app-only resource. */
const appOnlyNotice: INodeProperties = {
	displayName:
		'Feishu serves this resource to the app identity only: pick a Feishu API credential (App ID and App Secret) instead of the Feishu OAuth2 API one',
	name: 'appOnlyNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { authentication: ['userToken'], resource: appOnlyResources } },
};

const parameterFields = ENDPOINTS.flatMap((endpoint) =>
	endpoint.parameters.flatMap((p) =>
		p.internal
			? []
			: p.type === 'id'
				? [idField(endpoint, p)]
				: p.type === 'choice'
					? [choiceField(endpoint, p)]
					: [],
	),
);

/** The options a row declares for its handler (e.g. the helpdesk's "All Images of the Message"). */
const rowOptions: INodeProperties[] = ENDPOINTS.flatMap((endpoint) =>
	(endpoint.options ?? []).map((option) => ({
		...option,
		displayOptions: {
			show: { '/resource': [endpoint.resource], '/operation': [endpoint.operation] },
		},
	})),
);

/** Optional integer parameters (the helpdesk image index) live in Options: most calls omit them. */
const indexOptions: INodeProperties[] = ENDPOINTS.flatMap((endpoint) =>
	endpoint.parameters
		.filter((p) => p.type === 'index')
		.map((p) => ({
			displayName: p.label,
			name: p.name,
			type: 'number' as const,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description: `${asHtml(p.description)}. Needed for rich-text (post) messages; leave out for image (img) messages.`,
			displayOptions: {
				show: { '/resource': [endpoint.resource], '/operation': [endpoint.operation] },
			},
		})),
);

// Plain names: n8n's lint reads a parameter's default only from a literal or a name.
const {
	binaryPropertyName: DEFAULT_BINARY_PROPERTY,
	concurrency: DEFAULT_CONCURRENCY,
	maxRateLimitWaitSeconds: DEFAULT_MAX_RATE_LIMIT_WAIT,
	retries: DEFAULT_RETRIES,
	timeoutMs: DEFAULT_TIMEOUT_MS,
} = DEFAULTS;

const optionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		...rowOptions,
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50, numberPrecision: 0 },
			default: DEFAULT_CONCURRENCY,
			description:
				"How many items to download at the same time. Requests stay under the endpoint's rate limit however high this is.",
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. board.png',
			description:
				'Name of the output file. By default the name Feishu sends, else the ID with the extension of the file type.',
		},
		...indexOptions,
		{
			displayName: 'Max Rate-Limit Wait',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_RATE_LIMIT_WAIT,
			description:
				'Seconds one request may keep waiting while Feishu answers that the app is over its rate limit (429, 99991400, 2890006) before it fails. These waits use up no Retries. 0 makes a rate limit count as one of the Retries.',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: DEFAULT_BINARY_PROPERTY,
			hint: 'The name of the output binary field to put the file in',
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				"Upper bound on requests per second to this endpoint with this credential. 0 follows Feishu: starts at the documented limit (whiteboard 10/s, others 50/s), slows down when Feishu says so, and for whiteboards goes up to the 50/s of Feishu's newer pages while Feishu allows it.",
		},
		{
			displayName: 'Retries',
			name: 'retries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			default: DEFAULT_RETRIES,
			description:
				'How many times to retry after a transient fault (5xx, connection reset, timeout, cut-off file). Rate limits are waited out instead, see Max Rate-Limit Wait.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description:
				'Time in ms Feishu may stay silent (before answering, or in the middle of a file) before the attempt counts as failed and is retried',
		},
	],
};

export const nodeProperties: INodeProperties[] = [
	...authenticationFields,
	resourceField,
	appOnlyNotice,
	...resources.map(([resource]) => operationField(resource)),
	...parameterFields,
	optionsField,
];
