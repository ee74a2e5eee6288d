/**
 * The emulator's own spec (test/emulator/spec): what the Feishu emulator answers, checked with
 * the platform's fetch and no node code. Each endpoint's codes come from its table in
 * test/emulator/errors.ts, transcribed from its Feishu page. This file is what the specs share:
 * a fresh emulator per describe, plain fetch, and the checks of a Feishu answer.
 */
import { createHash } from 'node:crypto';

import { FeishuEmulator } from '..';
import type { EmulatorOptions } from '..';

export type Json = Record<string, any>;

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HELPDESK = {
	'X-Lark-Helpdesk-Authorization': Buffer.from('7001:hd-token-abc').toString('base64'),
};

export interface Ctx {
	emu: FeishuEmulator;
	/** A tenant token of the default app, fetched before each describe's tests. */
	token: string;
	/** GET with the tenant token (unless headers name another Authorization). */
	get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** A fresh emulator for the enclosing describe, closed after it. */
export function useEmulator(opts: EmulatorOptions = {}): Ctx {
	const ctx = {} as Ctx;
	beforeAll(async () => {
		ctx.emu = await FeishuEmulator.start(opts);
		ctx.token = await tenantToken(ctx.emu);
		ctx.get = (path, headers = {}) =>
			fetch(ctx.emu.baseUrl + path, {
				headers: { Authorization: `Bearer ${ctx.token}`, ...headers },
			});
	});
	afterAll(async () => await ctx.emu.close());
	return ctx;
}

export function postToken(emu: FeishuEmulator, body: string): Promise<Response> {
	return fetch(`${emu.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
		method: 'POST',
		headers: { 'Content-Type': JSON_TYPE },
		body,
	});
}

export async function tenantToken(
	emu: FeishuEmulator,
	appId = emu.appId,
	appSecret = emu.appSecret,
) {
	const res = await postToken(emu, JSON.stringify({ app_id: appId, app_secret: appSecret }));
	return ((await res.json()) as Json).tenant_access_token as string;
}

/** A Feishu error answer: status, JSON type, code, and a log id in body and header alike. */
export async function expectError(res: Response, status: number, code: number): Promise<Json> {
	expect([res.status, ((await res.clone().json()) as Json).code]).toEqual([status, code]);
	expect(res.headers.get('content-type')).toBe(JSON_TYPE);
	const body = (await res.json()) as Json;
	expect(body.error.log_id.length).toBeGreaterThanOrEqual(20);
	expect(res.headers.get('x-tt-logid')).toBe(body.error.log_id);
	return body;
}

/**
 * One test per case: the request `path(query)` is answered with `status` and `code`.
 * Cases are [what the request is, query, status, code].
 */
export function answersEach(
	ctx: Ctx,
	cases: ReadonlyArray<readonly [string, string, number, number]>,
	path: (query: string) => string,
	headers?: Record<string, string>,
): void {
	const rows = cases.map(([name, query, status, code]) => [name, status, code, query] as const);
	it.each(rows)('%s is %d / %d', async (_name, status, code, query) => {
		await expectError(await ctx.get(path(query), headers), status, code);
	});
}

export async function bytesOf(res: Response): Promise<Buffer> {
	return Buffer.from(await res.arrayBuffer());
}

/** The status of a request whose body is drained. */
export async function statusOf(res: Response | Promise<Response>): Promise<number> {
	const r = await res;
	await r.arrayBuffer();
	return r.status;
}

/** fetch shows header bytes as latin1 code points; this undoes it to see the UTF-8 on the wire. */
export function utf8Header(res: Response, name: string): string {
	return Buffer.from(res.headers.get(name) ?? '', 'latin1').toString('utf8');
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export const WB = (id: string) => `/open-apis/board/v1/whiteboards/${id}/download_as_image`;
export const DRIVE = (token: string) => `/open-apis/drive/v1/medias/${token}/download`;
export const DOC = (id: string, query = '') => `/open-apis/docx/v1/documents/${id}/blocks${query}`;
