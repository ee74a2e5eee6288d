import type { INodeProperties, INodePropertyMode, INodePropertyOptions } from 'n8n-workflow';

import { ENDPOINTS, type DownloadEndpoint, type EndpointParameter } from './catalogue';

/** The node's UI, built from the catalogue so a new endpoint needs no UI code. */

const DEFAULT_BINARY_PROPERTY = 'data';
const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONCURRENCY = 5;

export const DEFAULTS = {
	binaryPropertyName: DEFAULT_BINARY_PROPERTY,
	retries: DEFAULT_RETRIES,
	timeoutMs: DEFAULT_TIMEOUT_MS,
	concurrency: DEFAULT_CONCURRENCY,
};

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
		description: parameter.description,
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
							regex: '\\s*[A-Za-z0-9_.=-]{1,256}\\s*',
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
		description: parameter.description,
		displayOptions: showFor(endpoint),
	};
}

/** Operations whose endpoint Feishu also serves to a user_access_token. */
const userTokenOperations = ENDPOINTS.filter((e) => e.tokenKinds.includes('user'));

const userTokenResources = [...new Set(userTokenOperations.map((e) => e.resource))];
const userTokenOperationNames = [...new Set(userTokenOperations.map((e) => e.operation))];

/**
 * App or user identity, where Feishu accepts a user token. Elsewhere a one-choice field of the
 * same name keeps the app identity visible (n8n picks the credential by this parameter, so it
 * must have a value for every operation).
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
		displayOptions: { show: { resource: userTokenResources, operation: userTokenOperationNames } },
	},
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
		],
		default: 'tenantToken',
		description: 'Feishu serves this resource to the app identity only',
		displayOptions: { hide: { resource: userTokenResources } },
	},
];

const parameterFields = ENDPOINTS.flatMap((endpoint) =>
	endpoint.parameters.flatMap((p) =>
		p.type === 'id'
			? [idField(endpoint, p)]
			: p.type === 'choice'
				? [choiceField(endpoint, p)]
				: [],
	),
);

/** Helpdesk only: every image of a rich-text message, one item each. */
const allImagesOption: INodeProperties[] = ENDPOINTS.filter((e) => e.helpdeskAuth).map(
	(endpoint) => ({
		displayName: 'All Images of the Message',
		name: 'allImages',
		type: 'boolean' as const,
		default: false,
		description:
			'Whether to download every image of the message, one item each (a rich-text message can hold several); Image Index is then ignored',
		displayOptions: {
			show: { '/resource': [endpoint.resource], '/operation': [endpoint.operation] },
		},
	}),
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
			description: `${p.description}. Needed for rich-text (post) messages; leave out for image (img) messages.`,
			displayOptions: {
				show: { '/resource': [endpoint.resource], '/operation': [endpoint.operation] },
			},
		})),
);

const optionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		...allImagesOption,
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
				"Upper bound on requests per second to this endpoint with this credential. 0 uses Feishu's documented limit (whiteboard 10/s, others 50/s); raise it only if Feishu raised your app's limit.",
		},
		{
			displayName: 'Retries',
			name: 'retries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			default: DEFAULT_RETRIES,
			description:
				'How many times to retry after a rate limit (429) or a transient fault (5xx, connection reset, timeout, cut-off file)',
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
	...resources.map(([resource]) => operationField(resource)),
	...parameterFields,
	optionsField,
];
