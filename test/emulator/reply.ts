/**
 * One request's answer. Every response goes through Reply.send, the single
 * place that writes a head: it records the status, adds Content-Length and
 * X-Tt-Logid, and applies the body fault chosen for the request.
 */
import { STATUS_CODES } from 'node:http';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorFor, ERROR_CODES, OAUTH_ERRORS } from './errors';
import type { FeishuError } from './errors';
import type { BareBody, DispositionStyle, Fault } from './types';
import {
	bodyLength,
	ChunkCursor,
	contentDisposition,
	newLogId,
	parseRange,
	writeBytes,
} from './wire';
import type { Body } from './wire';

export interface FileFixture {
	body: Body;
	/** null: send no Content-Type header. */
	contentType: string | null;
	fileName: string | undefined;
	dispositionStyle: DispositionStyle;
}

/** Faults that change how an answer's body is delivered rather than what it is. */
export type BodyFault = Extract<Fault, { kind: 'resetMidBody' | 'shortBody' | 'slowBody' }>;

export interface ReplyHooks {
	/** Called once, just before the head is written, with the Feishu code the body carries. */
	record(status: number, code: number | undefined): void;
	/** A delay the emulator can cancel on close(). */
	sleep(ms: number): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** Lets the client read the bytes already sent before resetMidBody's RST can discard them. */
const RESET_GRACE_MS = 25;

export class Reply {
	readonly logId = newLogId();
	bodyFault: BodyFault | undefined;
	/** The answering endpoint's error table, consulted first for status and msg. */
	errors: Readonly<Record<number, FeishuError>> | undefined;
	/** Body of answers that carry no Feishu code (see bare). */
	bareBody: BareBody = 'msg';
	private code: number | undefined;
	private readonly res: ServerResponse;
	private readonly hooks: ReplyHooks;

	constructor(res: ServerResponse, hooks: ReplyHooks) {
		this.res = res;
		this.hooks = hooks;
	}

	/**
	 * 200 with the fixture's bytes, MIME type and (if named) Content-Disposition. With a
	 * `range` (the Range header of an endpoint that serves ranges): 206 with that part and
	 * Content-Range, or 416 when the range cannot be served.
	 */
	file(fixture: FileFixture, range?: string): Promise<void> {
		const headers: OutgoingHttpHeaders = {};
		if (fixture.contentType !== null) headers['Content-Type'] = fixture.contentType;
		if (fixture.fileName !== undefined) {
			const disposition = contentDisposition(fixture.fileName, fixture.dispositionStyle);
			if (disposition !== undefined) headers['Content-Disposition'] = disposition;
		}
		if (range === undefined) return this.send(200, headers, fixture.body);
		const size = bodyLength(fixture.body);
		const part = parseRange(range, size);
		if (!part) return this.bare(416, undefined, { 'Content-Range': `bytes */${size}` });
		headers['Content-Range'] = `bytes ${part.start}-${part.end}/${size}`;
		const length = part.end - part.start + 1;
		return this.send(206, headers, { kind: 'slice', of: fixture.body, start: part.start, length });
	}

	/**
	 * An HTTP status without a Feishu code, as drive media answers (its page documents
	 * statuses only): `{"msg": "<reason>"}` by default, or with `body` 'empty' no body at all.
	 */
	bare(
		status: number,
		body: BareBody = this.bareBody,
		extra: Record<string, string> = {},
		msg = (STATUS_CODES[status] ?? 'error').toLowerCase(),
	): Promise<void> {
		if (body === 'empty')
			return this.send(status, extra, { kind: 'buffer', bytes: Buffer.alloc(0) });
		return this.json(status, { msg }, extra);
	}

	json(status: number, value: unknown, extra: Record<string, string> = {}): Promise<void> {
		const bytes = Buffer.from(JSON.stringify(value), 'utf8');
		return this.send(status, { ...extra, 'Content-Type': JSON_TYPE }, { kind: 'buffer', bytes });
	}

	/** Feishu error body; status and msg default to the documented ones for `code`. */
	error(
		code: number,
		status?: number,
		msg?: string,
		extra?: Record<string, string>,
	): Promise<void> {
		const row = errorFor(code, this.errors);
		this.code = code;
		return this.json(
			status ?? row.httpStatus,
			{ code, msg: msg ?? row.msg, error: { log_id: this.logId } },
			extra,
		);
	}

	/**
	 * OAuth v2 error body `{code, error, error_description}` for a code in
	 * OAUTH_ERRORS; any other code falls back to error().
	 */
	oauthError(
		code: number,
		status?: number,
		description?: string,
		extra?: Record<string, string>,
	): Promise<void> {
		const row = OAUTH_ERRORS[code];
		if (!row) return this.error(code, status, description, extra);
		const body = { code, error: row.error, error_description: description ?? row.msg };
		return this.json(status ?? row.httpStatus, body, extra);
	}

	/** 99991400 with the gateway's x-ogw-ratelimit-* headers. */
	rateLimited(status: number, limit: number, resetSeconds?: number): Promise<void> {
		const headers: Record<string, string> = { 'x-ogw-ratelimit-limit': String(limit) };
		if (resetSeconds !== undefined) headers['x-ogw-ratelimit-reset'] = String(resetSeconds);
		return this.error(ERROR_CODES.rateLimited, status, undefined, headers);
	}

	/** A non-Feishu answer; by default an nginx-style HTML error page. */
	raw(status: number, body?: string, contentType = 'text/html; charset=utf-8'): Promise<void> {
		const title = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
		const text =
			body ??
			`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
		return this.send(
			status,
			{ 'Content-Type': contentType },
			{ kind: 'buffer', bytes: Buffer.from(text, 'utf8') },
		);
	}

	/** 302 to `location`, with an empty body. */
	redirect(location: string): Promise<void> {
		return this.send(302, { Location: location }, { kind: 'buffer', bytes: Buffer.alloc(0) });
	}

	notFound(): Promise<void> {
		return this.json(404, { code: 404, msg: '404 page not found', error: { log_id: this.logId } });
	}

	/**
	 * For sources/ranged.ts: records and writes the head as send() does (Content-Length
	 * `length`, X-Tt-Logid), then lets `write` deliver, cut or delay the body.
	 */
	async stream(
		status: number,
		headers: OutgoingHttpHeaders,
		length: number,
		write: (res: ServerResponse) => Promise<void>,
	): Promise<void> {
		const res = this.res;
		if (res.headersSent || res.destroyed) return;
		this.hooks.record(status, this.code);
		res.writeHead(status, {
			...headers,
			'Content-Length': String(length),
			'X-Tt-Logid': this.logId,
		});
		await write(res);
	}

	private async send(status: number, headers: OutgoingHttpHeaders, body: Body): Promise<void> {
		const res = this.res;
		if (res.headersSent || res.destroyed) return;
		const length = bodyLength(body);
		this.hooks.record(status, this.code);
		res.writeHead(status, {
			...headers,
			'Content-Length': String(length),
			'X-Tt-Logid': this.logId,
		});

		const cursor = new ChunkCursor(body);
		const fault = this.bodyFault;
		if (!fault) {
			if (body.kind === 'buffer') res.end(body.bytes);
			else if (await writeBytes(res, cursor, length)) res.end();
			return;
		}
		const half = Math.floor(length / 2);
		if (!(await writeBytes(res, cursor, half))) return;
		switch (fault.kind) {
			case 'resetMidBody':
				await this.hooks.sleep(RESET_GRACE_MS);
				res.socket?.resetAndDestroy();
				return;
			case 'shortBody':
				// Bypasses res.end(): a clean FIN while the body is still short of Content-Length.
				res.socket?.end();
				return;
			case 'slowBody':
				await this.hooks.sleep(fault.delayMs);
				if (await writeBytes(res, cursor, length - half)) res.end();
				return;
		}
	}
}
