/**
 * A process's own memory, as the memory benchmarks read it (bench/memory-case.ts,
 * bench/big-files.ts): VmRSS and the kernel's peak mark VmHWM from /proc, resettable through
 * clear_refs, after the collector has had its chance.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function procStatusKb(field: 'VmRSS' | 'VmHWM'): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
			readFileSync('/proc/self/status', 'utf8'),
		);
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

export function resetPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

export async function settle(): Promise<void> {
	const gc = (globalThis as { gc?: () => void }).gc;
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
