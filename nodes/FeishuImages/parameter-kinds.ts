/**
 * THE table of parameter kinds (catalogue/types.ts `ParameterKind`): for each, where the
 * editor keeps its value, the n8n field that shows it, how an item's stored value is read
 * back and checked, and how the editor stores a value (what specs send). description.ts,
 * parameters.ts and the specs' helper all go through it.
 */
import type {
	IExecuteFunctions,
	INodeParameterResourceLocator,
	INodeProperties,
	INodePropertyMode,
} from 'n8n-workflow';

import {
	ID_CLASS,
	isFeishuToken,
	MAX_ID_LENGTH,
	type EndpointParameter,
	type ParameterKind,
} from './catalogue';
import { inputError } from './transport/errors';

/** The ID rule is written once, in catalogue/links.ts; here what a user is told about it. */
const ID_CHARACTERS = 'letters, digits, "_", "-", "." or "="';

/** A Feishu token that is safe to put into a URL path: what a listing hands over is checked too. */
export const isValidId = isFeishuToken;

/** An item's value as read back: `viaWiki` when it came from a wiki link (a token to resolve). */
export interface ParameterRead {
	raw: unknown;
	viaWiki?: boolean;
}

/** A kind whose value the user gives, in a field of its own or in Options. */
interface UserKind {
	place: 'field' | 'option';
	/** The n8n field (display conditions are added by description.ts, by `place`). */
	property(parameter: EndpointParameter): INodeProperties;
	/** What the editor stored for this parameter → the value to check. */
	unstore(
		ctx: IExecuteFunctions,
		parameter: EndpointParameter,
		stored: unknown,
		itemIndex: number,
	): ParameterRead;
	validate(
		ctx: IExecuteFunctions,
		parameter: EndpointParameter,
		raw: unknown,
		itemIndex: number,
	): string | number;
	/** How the editor stores `value`: what a saved workflow (or a spec) holds. */
	stored(value: string | number): unknown;
}

/** Set by a handler (a listing's page_token, a wiki lookup's token): never a field. */
interface HandlerKind {
	place: 'handler';
}

/** n8n renders field descriptions as HTML: "<tenant>" in a link template must stay visible. */
function asHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What every field of a parameter starts with: its label, its name, its description. */
function fieldOf(parameter: EndpointParameter, description = asHtml(parameter.description)) {
	return { displayName: parameter.label, name: parameter.name, description };
}

function describeValue(value: string): string {
	const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
	return JSON.stringify(shown);
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

/** The "By URL" mode: pull the ID out of a Feishu/Lark link, or say which link form is wanted. */
function idFromUrl(
	ctx: IExecuteFunctions,
	parameter: EndpointParameter,
	url: unknown,
	itemIndex: number,
): ParameterRead {
	const text = typeof url === 'string' ? url : '';
	for (const pattern of parameter.url?.patterns ?? []) {
		const match = new RegExp(pattern.regex).exec(text);
		if (match) return { raw: match[1], viaWiki: pattern.kind === 'wiki' };
	}
	const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
	throw inputError(
		ctx.getNode(),
		`${JSON.stringify(shown)} is not a link to a ${parameter.label.toLowerCase()}`,
		itemIndex,
		`Paste a Feishu or Lark link such as ${parameter.url?.example ?? ''}, or switch the field to "By ID".`,
	);
}

/** A Feishu ID or token: a resource locator, By ID or (where the row has links) By URL. */
const ID_KIND: UserKind = {
	place: 'field',
	property: (parameter) => ({
		...fieldOf(parameter),
		type: 'resourceLocator',
		default: { mode: 'id', value: '' },
		required: parameter.required,
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
							// An optional ID may stay empty.
							regex: parameter.required ? `\\s*${ID_CLASS}\\s*` : `\\s*(?:${ID_CLASS})?\\s*`,
							errorMessage: `Not a valid ${parameter.label}: use ${ID_CHARACTERS}`,
						},
					},
				],
			},
			...urlMode(parameter),
		],
	}),
	unstore(ctx, parameter, stored, itemIndex) {
		if (typeof stored !== 'object' || stored === null) return { raw: stored };
		const locator = stored as INodeParameterResourceLocator;
		if (locator.mode === 'url') return idFromUrl(ctx, parameter, locator.value, itemIndex);
		return { raw: locator.value };
	},
	validate(ctx, parameter, raw, itemIndex) {
		if (typeof raw !== 'string' && typeof raw !== 'number') {
			throw inputError(ctx.getNode(), `${parameter.label} must be text`, itemIndex);
		}
		const value = typeof raw === 'number' ? String(raw) : raw.trim();
		if (!value) {
			throw inputError(
				ctx.getNode(),
				`${parameter.label} is empty`,
				itemIndex,
				`Enter the ${parameter.label}. ${parameter.description}`,
			);
		}
		if (!isValidId(value)) {
			throw inputError(
				ctx.getNode(),
				`${parameter.label} ${describeValue(value)} is not a valid Feishu ID`,
				itemIndex,
				`A ${parameter.label} has up to ${MAX_ID_LENGTH} ${ID_CHARACTERS}. Paste the ID alone, not a URL or a path.`,
			);
		}
		return value;
	},
	stored: (value) => ({ __rl: true, mode: 'id', value: String(value) }),
};

/** A whole number ≥ 0 (the helpdesk image index), in Options: most calls omit it. */
const INDEX_KIND: UserKind = {
	place: 'option',
	property: (parameter) => ({
		...fieldOf(
			parameter,
			`${asHtml(parameter.description)}. Needed for rich-text (post) messages; leave out for image (img) messages.`,
		),
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
	}),
	unstore: (_ctx, _parameter, stored) => ({ raw: stored }),
	validate(ctx, parameter, raw, itemIndex) {
		const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000) {
			throw inputError(
				ctx.getNode(),
				`${parameter.label} must be a whole number from 0 up, not ${JSON.stringify(raw)}`,
				itemIndex,
				'The index counts the images of a rich-text (post) message from 0.',
			);
		}
		return value;
	},
	stored: (value) => value,
};

/** One of the row's `choices`, a plain options field. */
const CHOICE_KIND: UserKind = {
	place: 'field',
	property: (parameter) => {
		const choices = parameter.choices ?? [];
		const firstChoice = choices[0]?.value ?? '';
		return {
			...fieldOf(parameter),
			type: 'options',
			options: choices.map((c) => ({ name: c.name, value: c.value, description: c.description })),
			default: firstChoice,
			required: parameter.required,
		};
	},
	unstore: (_ctx, _parameter, stored) => ({ raw: stored }),
	validate(ctx, parameter, raw, itemIndex) {
		const allowed = (parameter.choices ?? []).map((c) => c.value);
		if (typeof raw !== 'string' || !allowed.includes(raw)) {
			throw inputError(
				ctx.getNode(),
				`${parameter.label} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, not ${JSON.stringify(raw)}`,
				itemIndex,
			);
		}
		return raw;
	},
	stored: (value) => value,
};

export const PARAMETER_KINDS: Record<ParameterKind, UserKind | HandlerKind> = {
	id: ID_KIND,
	index: INDEX_KIND,
	choice: CHOICE_KIND,
	internal: { place: 'handler' },
};

/** The kind of a parameter the user gives, or undefined for one a handler sets. */
export function userKindOf(parameter: EndpointParameter): UserKind | undefined {
	const kind = PARAMETER_KINDS[parameter.kind];
	return kind.place === 'handler' ? undefined : kind;
}
