import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { FeishuEndpoint } from '../catalogue';
import { AttemptError, classifyAnswer } from './errors';
import { headerString } from './headers';

/** The response stream type n8n's helpers hand out and accept, without importing node:stream. */
export type ByteStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/** What n8n's request helper returns with `returnFullResponse` and a stream body. */
export interface FullResponse {
	body: ByteStream;
	headers: Record<string, unknown>;
	statusCode: number;
}

/** A good file answer: the bytes still streaming, and what the headers say of them. */
export interface FileAnswer extends FullResponse {
	contentLength?: number;
}

/** A Feishu error body is small; anything bigger that claims to be JSON is not one. */
const MAX_ERROR_BODY = 64 * 1024;

/** A page of 500 document blocks is a few hundred kB. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

const isSuccess = (status: number) => status >= 200 && status < 300;

/** A byte answer is returned as it is; a JSON answer (at any status) becomes a classified failure. */
export async function readFileAnswer(
	endpoint: FeishuEndpoint,
	response: FullResponse,
): Promise<FileAnswer> {
	const headers = response.headers ?? {};
	const contentType = (headerString(headers, 'content-type') ?? '').toLowerCase();
	if (isSuccess(response.statusCode) && !contentType.includes('json')) {
		const declared = Number(headerString(headers, 'content-length'));
		return {
			...response,
			headers,
			contentLength: Number.isInteger(declared) && declared >= 0 ? declared : undefined,
		};
	}
	const text = await readSmallBody(response.body, MAX_ERROR_BODY);
	throw answeredFailure(endpoint, response, text, 'where the file was expected');
}

/** A JSON endpoint's `data`; any other answer (a non-zero `code`, any status) is a classified failure. */
export async function readJsonAnswer(
	endpoint: FeishuEndpoint,
	response: FullResponse,
): Promise<IDataObject> {
	const text = await readSmallBody(response.body, MAX_JSON_BODY);
	const parsed = parseJson(text) as IDataObject | undefined;
	if (isSuccess(response.statusCode) && parsed?.code === 0) {
		return (
			typeof parsed.data === 'object' && parsed.data !== null ? parsed.data : {}
		) as IDataObject;
	}
	throw answeredFailure(endpoint, response, text, 'where a listing was expected');
}

/** Feishu answered, but not with what was asked for: say what it answered. */
function answeredFailure(
	endpoint: FeishuEndpoint,
	response: FullResponse,
	text: string,
	expected: string,
): AttemptError {
	const parsed = parseJson(text);
	const failure = classifyAnswer(endpoint, response.statusCode, parsed, response.headers ?? {});
	if (parsed === undefined && isSuccess(response.statusCode)) {
		failure.msg = `Feishu answered JSON that could not be read ${expected}`;
	} else if (parsed === undefined) {
		failure.msg = snippet(text) || `HTTP ${response.statusCode}`;
	}
	return new AttemptError({ ...failure, answered: true });
}

function parseJson(text: string): unknown {
	try {
		const parsed = JSON.parse(text) as unknown;
		return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
	} catch {
		return undefined;
	}
}

async function readSmallBody(body: ByteStream, limit: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > limit) {
			body.destroy();
			break;
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** A proxy's HTML page or plain text, as one short line. */
function snippet(text: string): string {
	const flat = text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}
