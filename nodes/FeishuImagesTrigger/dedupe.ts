/**
 * Exactly once per workflow. Feishu delivers at least once and retries for ~7.1 h, so each
 * `event_id` is remembered (a bounded memory, per workflow and mode, in this process) and
 * also handed to n8n as `emit`'s deduplication key, which n8n stores on the execution row
 * (n8n-workflow ≥ 2.20; older versions take three arguments and ignore a fourth).
 */

/** Feishu's retry window is ~7.1 h: remember a little longer. */
export const RECENT_EVENT_AGE_MS = 8 * 60 * 60 * 1000;
/** Per workflow: far above any burst Feishu can deliver inside its retry window to one bot. */
export const RECENT_EVENT_COUNT = 20_000;

/**
 * Recently seen IDs, bounded by count and by age, every operation O(1): a ring of
 * (id, time) in arrival order, so the oldest is always at its head, and a Map to look up
 * (id → the slot's serial number, so a forgotten and re-offered ID is dropped only from its newest slot).
 * (A Map's own order would do, but V8 walks the holes its deletions leave at the front.)
 */
export class RecentIds {
	private readonly ids: Array<string | undefined>;
	private readonly times: Float64Array;
	private readonly serials: Float64Array;
	private readonly known = new Map<string, number>();
	private serial = 0;
	private head = 0;
	private count = 0;

	constructor(
		private readonly maxSize = RECENT_EVENT_COUNT,
		private readonly maxAgeMs = RECENT_EVENT_AGE_MS,
		private readonly now: () => number = Date.now,
	) {
		this.ids = new Array<string | undefined>(maxSize);
		this.times = new Float64Array(maxSize);
		this.serials = new Float64Array(maxSize);
	}

	get size(): number {
		return this.known.size;
	}

	has(id: string): boolean {
		this.evict();
		return this.known.has(id);
	}

	/** true the first time an ID is offered (it is remembered), false while it is remembered. */
	firstTime(id: string): boolean {
		this.evict();
		if (this.known.has(id)) return false;
		if (this.count === this.maxSize) this.dropOldest();
		const slot = (this.head + this.count) % this.maxSize;
		this.ids[slot] = id;
		this.times[slot] = this.now();
		this.serials[slot] = ++this.serial;
		this.count++;
		this.known.set(id, this.serial);
		return true;
	}

	/** Forgets an ID, e.g. when its event could not be handed to n8n, so a retry gets through. */
	forget(id: string): void {
		// Its ring slot stays until its turn; its serial no longer matches, so nothing is dropped then.
		this.known.delete(id);
	}

	private evict(): void {
		const oldest = this.now() - this.maxAgeMs;
		while (this.count > 0 && this.times[this.head] <= oldest) this.dropOldest();
	}

	private dropOldest(): void {
		const id = this.ids[this.head];
		if (id !== undefined && this.known.get(id) === this.serials[this.head]) this.known.delete(id);
		this.ids[this.head] = undefined;
		this.head = (this.head + 1) % this.maxSize;
		this.count--;
	}
}

/** One memory per workflow and mode, so a test listen does not swallow production events. */
const memories = new Map<string, RecentIds>();

export function recentIdsFor(workflowId: string, mode: string): RecentIds {
	const key = `${workflowId}|${mode}`;
	let memory = memories.get(key);
	if (!memory) {
		memory = new RecentIds();
		memories.set(key, memory);
	}
	return memory;
}

/** Drops a workflow's memory when it is deactivated. */
export function forgetWorkflow(workflowId: string, mode: string): void {
	memories.delete(`${workflowId}|${mode}`);
}

/**
 * n8n's deduplication key is unique across ALL workflows (measured in n8n 2.41.1), so a bare
 * event_id would let only one workflow of an app run: key it per workflow.
 */
export function deduplicationKey(workflowId: string, eventId: string): string {
	return `feishu:${workflowId}:${eventId}`;
}
