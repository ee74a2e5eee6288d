import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { APP_ONLY_RESOURCES, ENDPOINTS, OPERATIONS, type FeishuOperation } from './catalogue';
import { DEFAULTS } from './options';
import { userKindOf } from './parameter-kinds';

/** The node's UI, built from the catalogue so a new operation needs no UI code. */

const resources = [...new Map(OPERATIONS.map((o) => [o.resource, o.resourceName])).entries()];

const resourceField: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: resources.map(([value, name]) => ({ name, value })),
	default: 'whiteboard',
};

function operationField(resource: string): INodeProperties {
	const operations = OPERATIONS.filter((o) => o.resource === resource);
	const options: INodePropertyOptions[] = operations.map((o) => ({
		name: o.operationName,
		value: o.operation,
		action: o.action,
		description: o.description,
	}));
	const defaultOperation = operations[0].operation;
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

/** Where a field or an option of one operation shows (an option's conditions name the root). */
function shownFor(operation: FeishuOperation, place: 'field' | 'option'): IDisplayOptions {
	const [resource, name] =
		place === 'field' ? ['resource', 'operation'] : ['/resource', '/operation'];
	return { show: { [resource]: [operation.resource], [name]: [operation.operation] } };
}

/**
 * App or user identity, hidden (and so App) on resources Feishu serves to the app only. Hide
 * conditions only, here and on the credentials (FeishuImages.node.ts): with `show` conditions
 * n8n's editor folds this field into the credential select and hides the Resource field too.
 */
export const authenticationFields: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
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
		displayOptions: { hide: { resource: APP_ONLY_RESOURCES } },
	},
];

/** The fields and the Options entries of every operation's parameters, by their kind. */
function parameterProperties(place: 'field' | 'option'): INodeProperties[] {
	return OPERATIONS.flatMap((operation) =>
		operation.endpoint.parameters.flatMap((parameter) => {
			const kind = userKindOf(parameter);
			if (kind?.place !== place) return [];
			return [{ ...kind.property(parameter), displayOptions: shownFor(operation, place) }];
		}),
	);
}

/** The options an operation declares for its handler (e.g. the helpdesk's "All Images of the Message"). */
const operationOptions: INodeProperties[] = OPERATIONS.flatMap((operation) =>
	(operation.options ?? []).map((option) => ({
		...option,
		displayOptions: shownFor(operation, 'option'),
	})),
);

/** The endpoints whose newer pages allow more than the documented limit, for people. */
const probedEndpoints = ENDPOINTS.filter((e) => e.probeUpTo !== undefined)
	.map((e) => e.name.toLowerCase())
	.join(', ');

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
		...operationOptions,
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
		...parameterProperties('option'),
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
				"Upper bound on requests per second to each Feishu endpoint with this credential. 0 follows Feishu: starts at each endpoint's documented limit, slows down when Feishu says so, and goes up to the higher limit of Feishu's newer pages (" +
				probedEndpoints +
				') while Feishu allows it.',
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
	...resources.map(([resource]) => operationField(resource)),
	...parameterProperties('field'),
	optionsField,
];
