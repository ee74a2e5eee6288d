/**
 * How the ranged download endpoints (message resources, Drive files, Drive media) answer:
 * `Range: bytes=a-b` gives 206 with `Content-Range: bytes a-b/total`; the message-resource
 * whole-file cap (234037); a server that ignores Range; answers cut after N bytes; and the
 * count of every answer's bytes, so a spec can tell a resumed chunk from a restart.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FileFixture, Reply } from '../reply';
import { bodyLength, contentDisposition, parseRange, writeAndWait } from '../wire';
import { bodySlice } from './pattern';
import type { CutOptions, RangedEndpoint, TransferLogEntry, TransferStats } from './types';

/** "up to 100 MB" on the message-resource page; 234037 beyond it. */
export const MESSAGE_RESOURCE_CAP = 100 * 1024 * 1024;
/** Lets the client read the bytes already sent before an RST can discard them (as reply.ts). */
const RESET_GRACE_MS = 25;

interface QueuedCut {
	endpoint: RangedEndpoint | undefined;
	id: string | undefined;
	afterBytes: number | undefined;
	how: 'close' | 'reset';
	skip: number;
	remaining: number;
	plainToo: boolean;
}

/** What one answer will send: the part of the file and how its delivery ends. */
interface Plan {
	status: 200 | 206;
	start: number;
	length: number;
	headers: OutgoingHttpHeaders;
	/** Bytes to send before cutting, or undefined to send them all. */
	cutAt: number | undefined;
	how: 'close' | 'reset' | 'slow';
	slowMs: number;
}

export class RangedFiles {
	/**
	 * Whole-file cap of message resources: a plain (non-ranged) answer longer than this is
	 * code 234037 instead; ranged answers pass. Default 100 MiB (the page's "100 MB").
	 */
	messageResourceCap = MESSAGE_RESOURCE_CAP;
	/** Longest 206 a message resource answers before 234037 too (unconfirmed; default none). */
	maxRangeBytes = Infinity;
	/** Every answer of the ranged endpoints, in order. */
	transfers: TransferLogEntry[] = [];
	private readonly ignoring = new Set<RangedEndpoint>();
	private cuts: QueuedCut[] = [];

	/** The endpoint answers as a server that ignores Range: 200 with the whole file. */
	ignoreRange(endpoint: RangedEndpoint, ignore = true): void {
		if (ignore) this.ignoring.add(endpoint);
		else this.ignoring.delete(endpoint);
	}

	/** The next matching ranged answers close their connection after some of their bytes. */
	cutRanges(opts: CutOptions = {}): void {
		const times = opts.times ?? 1;
		if (!(times > 0)) throw new RangeError(`cutRanges: times must be > 0 (got ${times})`);
		if (opts.afterBytes !== undefined && !(opts.afterBytes >= 0))
			throw new RangeError(`cutRanges: bad afterBytes ${opts.afterBytes}`);
		this.cuts.push({
			endpoint: opts.endpoint,
			id: opts.id,
			afterBytes: opts.afterBytes,
			how: opts.how ?? 'close',
			skip: opts.skip ?? 0,
			remaining: times,
			plainToo: opts.plainToo ?? false,
		});
	}

	/** Cuts not yet applied (Infinity when one is endless). */
	get pendingCuts(): number {
		return this.cuts.reduce((sum, c) => sum + c.remaining, 0);
	}

	clearCuts(): void {
		this.cuts = [];
	}

	resetCounters(): void {
		this.transfers = [];
	}

	/** The answers for one file_key / file_token, added up. */
	stats(id: string, endpoint?: RangedEndpoint): TransferStats {
		const mine = this.transfers.filter(
			(t) => t.id === id && (endpoint === undefined || t.endpoint === endpoint),
		);
		const served = mine.filter((t) => t.status === 200 || t.status === 206);
		const bytesSent = served.reduce((sum, t) => sum + t.bytesSent, 0);
		const total = served[0]?.total ?? 0;
		return {
			requests: mine.length,
			served: served.length,
			bytesSent,
			restartsFromZero: Math.max(0, served.filter((t) => t.start === 0).length - 1),
			refetchedBytes: bytesSent - total,
			ranges: mine.map((t) => t.range),
		};
	}

	/** Logs an answer that carries no bytes of the file (a refusal before serving). */
	logRefusal(
		endpoint: RangedEndpoint,
		id: string,
		range: string | undefined,
		status: number,
	): void {
		this.transfers.push({
			endpoint,
			id,
			range,
			status,
			start: 0,
			length: 0,
			total: 0,
			bytesSent: 0,
			cut: false,
		});
	}

	/** Answers a found fixture: whole, in part, 416, or 234037 over the cap. */
	async serve(
		endpoint: RangedEndpoint,
		id: string,
		rangeHeader: string | undefined,
		reply: Reply,
		fixture: FileFixture,
	): Promise<void> {
		const total = bodyLength(fixture.body);
		const range = this.ignoring.has(endpoint) ? undefined : rangeHeader;
		const entry: TransferLogEntry = {
			endpoint,
			id,
			range: rangeHeader,
			status: 0,
			start: 0,
			length: 0,
			total,
			bytesSent: 0,
			cut: false,
		};
		this.transfers.push(entry);
		const headers: OutgoingHttpHeaders = {};
		if (fixture.contentType !== null) headers['Content-Type'] = fixture.contentType;
		if (fixture.fileName !== undefined) {
			const disposition = contentDisposition(fixture.fileName, fixture.dispositionStyle);
			if (disposition !== undefined) headers['Content-Disposition'] = disposition;
		}
		let status: 200 | 206 = 200;
		let start = 0;
		let length = total;
		if (range !== undefined) {
			const part = parseRange(range, total);
			if (!part) {
				entry.status = 416;
				return reply.bare(416, undefined, { 'Content-Range': `bytes */${total}` });
			}
			[status, start, length] = [206, part.start, part.end - part.start + 1];
			headers['Content-Range'] = `bytes ${part.start}-${part.end}/${total}`;
		}
		const limit = status === 200 ? this.messageResourceCap : this.maxRangeBytes;
		if (endpoint === 'messageResource' && length > limit) {
			entry.status = 400;
			return reply.error(234037);
		}
		Object.assign(entry, { status, start, length });
		const plan = this.plan(endpoint, id, reply, { status, start, length, headers });
		entry.cut = plan.cutAt !== undefined && plan.how !== 'slow';
		await reply.stream(status, headers, length, (res) =>
			this.write(res, fixture, plan, (n) => (entry.bytesSent += n)),
		);
	}

	/** Which cut or body fault, if any, this answer gets. */
	private plan(
		endpoint: RangedEndpoint,
		id: string,
		reply: Reply,
		part: Pick<Plan, 'status' | 'start' | 'length' | 'headers'>,
	): Plan {
		const half = Math.floor(part.length / 2);
		const fault = reply.bodyFault;
		if (fault) {
			const how =
				fault.kind === 'resetMidBody' ? 'reset' : fault.kind === 'shortBody' ? 'close' : 'slow';
			const slowMs = fault.kind === 'slowBody' ? fault.delayMs : 0;
			return { ...part, cutAt: half, how, slowMs };
		}
		const index = this.cuts.findIndex(
			(c) =>
				(c.endpoint === undefined || c.endpoint === endpoint) &&
				(c.id === undefined || c.id === id) &&
				(part.status === 206 || c.plainToo) &&
				part.length > 0,
		);
		const cut = this.cuts[index];
		if (!cut) return { ...part, cutAt: undefined, how: 'close', slowMs: 0 };
		if (cut.skip > 0) {
			cut.skip -= 1;
			return { ...part, cutAt: undefined, how: 'close', slowMs: 0 };
		}
		cut.remaining -= 1;
		if (cut.remaining <= 0) this.cuts.splice(index, 1);
		const cutAt = Math.min(cut.afterBytes ?? half, part.length - 1);
		return { ...part, cutAt, how: cut.how, slowMs: 0 };
	}

	/** Sends the planned bytes, counting each piece the socket took; then ends, cuts or pauses. */
	private async write(
		res: ServerResponse,
		fixture: FileFixture,
		plan: Plan,
		count: (bytes: number) => void,
	): Promise<void> {
		const first = plan.cutAt ?? plan.length;
		const source = new Cursor(bodySlice(fixture.body, plan.start, plan.length));
		if (!(await send(res, source, first, count))) return;
		if (plan.cutAt === undefined) return void res.end();
		if (plan.how === 'close') return void res.socket?.end();
		await delay(plan.how === 'reset' ? RESET_GRACE_MS : plan.slowMs);
		if (plan.how === 'reset') return void res.socket?.resetAndDestroy();
		if (await send(res, source, plan.length - first, count)) res.end();
	}
}

/** A body's pieces, handed out at most N bytes at a time. */
class Cursor {
	private carry: Buffer | undefined;
	constructor(private readonly source: Iterator<Buffer>) {}

	next(max: number): Buffer | undefined {
		let chunk = this.carry;
		this.carry = undefined;
		if (!chunk) {
			const step = this.source.next();
			if (step.done) return undefined;
			chunk = step.value;
		}
		if (chunk.length <= max) return chunk;
		this.carry = chunk.subarray(max);
		return chunk.subarray(0, max);
	}
}

/** Writes `bytes` more bytes, each piece awaited (backpressure); false when the client left. */
async function send(
	res: ServerResponse,
	cursor: Cursor,
	bytes: number,
	count: (bytes: number) => void,
): Promise<boolean> {
	for (let left = bytes; left > 0;) {
		const chunk = cursor.next(left);
		if (!chunk) break;
		left -= chunk.length;
		if (!(await writeAndWait(res, chunk))) return false;
		count(chunk.length);
	}
	return true;
}

/** A short pause that never keeps the process alive (a closed emulator leaves no timer behind). */
function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
