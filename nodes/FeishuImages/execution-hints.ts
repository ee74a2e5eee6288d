import type { ExecutionContext } from './execution';

/** At the end of an execution: say so when Feishu slowed it down (n8n 1.x may lack hints). */
export function addPacingHints(execution: ExecutionContext): void {
	const hints = execution.transport.pacing?.hints() ?? [];
	if (hints.length > 0 && typeof execution.ctx.addExecutionHints === 'function') {
		execution.ctx.addExecutionHints(...hints);
	}
}
