/**
 * Every timer (setTimeout / setInterval) created from now on by the given owners, and which of
 * them still pend. The owner of a timer is the first stack frame past setTimeout / setInterval
 * and n8n's sleep helper; by default only the trigger's and the emulator's count: not jest's,
 * not the runtime's own clocks (HTTP Date cache, undici's timer wheel), not a spec's waits.
 */
import { createHook } from 'node:async_hooks';

export const TRIGGER_AND_EMULATOR = /nodes\/FeishuImagesTrigger\/|test\/emulator\//;
export const TRIGGER_ONLY = /nodes\/FeishuImagesTrigger\//;

export function trackTimers(owners: RegExp = TRIGGER_AND_EMULATOR) {
	const alive = new Map<number, string>();
	let created = 0;
	const hook = createHook({
		init(id, type) {
			if (type !== 'Timeout') return;
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 40;
			const frames = (new Error().stack ?? '').split('\n');
			Error.stackTraceLimit = limit;
			const start = frames.findIndex((f) => /at (setTimeout|setInterval) /.test(f));
			if (start < 0) return;
			const owner = frames
				.slice(start + 1)
				.find((f) => !/@n8n\/utils|new Promise|<anonymous>/.test(f));
			if (!owner || !owners.test(owner)) return;
			created++;
			alive.set(id, frames.slice(start + 1, start + 8).join('\n'));
		},
		destroy(id) {
			alive.delete(id);
		},
	}).enable();
	return {
		pending: () => [...alive.values()],
		created: () => created,
		stop: () => hook.disable(),
	};
}
