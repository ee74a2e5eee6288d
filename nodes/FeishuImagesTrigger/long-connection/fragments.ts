/**
 * Reassembly of a data message Feishu split across frames: every fragment carries the
 * message's `message_id`, the number of parts `sum` and its index `seq` (from 0). Partial
 * messages older than STALE_MS are dropped (node-sdk: 10 s); the sweep runs on arrival, so no
 * timer is needed.
 */
const STALE_MS = 10_000;
/** A bound on half-received messages, so a misbehaving peer cannot grow memory without end. */
const MAX_PARTIAL = 256;

interface Partial {
	parts: Array<Uint8Array | undefined>;
	received: number;
	startedAt: number;
}

export interface Fragment {
	messageId: string;
	sum: number;
	seq: number;
	payload: Uint8Array;
}

export class FragmentBuffer {
	private readonly partial = new Map<string, Partial>();

	constructor(private readonly now: () => number = Date.now) {}

	/** The whole payload once its last missing part arrives, else undefined. */
	add(fragment: Fragment): Uint8Array | undefined {
		const { messageId, seq, payload } = fragment;
		const sum = Number.isInteger(fragment.sum) && fragment.sum > 0 ? fragment.sum : 1;
		if (sum === 1) return payload;
		if (!Number.isInteger(seq) || seq < 0 || seq >= sum) return undefined;
		this.sweep();
		let entry = this.partial.get(messageId);
		if (!entry || entry.parts.length !== sum) {
			entry = {
				parts: new Array<Uint8Array | undefined>(sum).fill(undefined),
				received: 0,
				startedAt: this.now(),
			};
			this.partial.set(messageId, entry);
		}
		if (entry.parts[seq] === undefined) entry.received++;
		entry.parts[seq] = payload;
		if (entry.received < sum) return undefined;
		this.partial.delete(messageId);
		return concat(entry.parts as Uint8Array[]);
	}

	get size(): number {
		return this.partial.size;
	}

	clear(): void {
		this.partial.clear();
	}

	private sweep(): void {
		const cutoff = this.now() - STALE_MS;
		for (const [id, entry] of this.partial) {
			if (entry.startedAt < cutoff || this.partial.size > MAX_PARTIAL) this.partial.delete(id);
		}
	}
}

function concat(parts: Uint8Array[]): Uint8Array {
	const total = parts.reduce((sum, part) => sum + part.length, 0);
	const whole = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		whole.set(part, offset);
		offset += part.length;
	}
	return whole;
}
