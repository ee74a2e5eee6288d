/**
 * A logger that records every line n8n writes, for secret-leak checks.
 *
 * n8n logs through two doors: n8n-workflow's `LoggerProxy` (the engine: "Start executing
 * node", errors ...) and the `Logger` service of `@n8n/backend-common` from DI (`this.logger`
 * in a node's execute context, n8n-core's services). Both are pointed at one instance here.
 * Pitfall: constructing the real `Logger` calls `LoggerProxy.init(itself)`, so the DI entry
 * must be replaced BEFORE anything resolves `Logger` from the container.
 */
import { LoggerProxy } from 'n8n-workflow';
import type { LogMetadata, Logger as WorkflowLogger } from 'n8n-workflow';

import type { CoreLogger } from './core-deps';
import { BackendLogger, Container } from './core-deps';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** JSON.stringify that survives cycles, Errors (non-enumerable message/stack), Buffers, bigints. */
export function safeStringify(value: unknown, maxDepth = 10): string {
	const seen = new WeakSet<object>();
	const walk = (v: unknown, depth: number): unknown => {
		if (v === null || v === undefined) return v;
		if (typeof v === 'bigint') return v.toString();
		if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
		if (typeof v === 'symbol') return v.toString();
		if (typeof v !== 'object') return v;
		if (seen.has(v)) return '[Circular]';
		if (depth > maxDepth) return '[MaxDepth]';
		seen.add(v);
		if (Buffer.isBuffer(v))
			return `[Buffer ${v.length} bytes: ${v.subarray(0, 64).toString('base64')}]`;
		if (v instanceof Date) return v.toISOString();
		if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
		const out: Record<string, unknown> = {};
		if (v instanceof Error) {
			out.name = v.name;
			out.message = v.message;
			out.stack = v.stack;
		}
		for (const key of Object.keys(v)) {
			try {
				out[key] = walk((v as Record<string, unknown>)[key], depth + 1);
			} catch {
				out[key] = '[Unreadable]';
			}
		}
		return out;
	};
	try {
		return JSON.stringify(walk(value, 0)) ?? String(value);
	} catch {
		return String(value);
	}
}

export class CapturingLogger implements WorkflowLogger {
	readonly lines: string[] = [];

	/** Set N8N_ENGINE_LOG=1 to also print the lines while debugging a test. */
	echo = process.env.N8N_ENGINE_LOG === '1';

	error(message: string, metadata?: LogMetadata): void {
		this.record('error', message, metadata);
	}
	warn(message: string, metadata?: LogMetadata): void {
		this.record('warn', message, metadata);
	}
	info(message: string, metadata?: LogMetadata): void {
		this.record('info', message, metadata);
	}
	debug(message: string, metadata?: LogMetadata): void {
		this.record('debug', message, metadata);
	}

	/** The backend Logger's `scoped()`: services call it in their constructors. */
	scoped(): this {
		return this;
	}

	private record(level: LogLevel, message: unknown, metadata?: unknown): void {
		const text = typeof message === 'string' ? message : safeStringify(message);
		const hasMeta =
			metadata !== undefined &&
			!(
				typeof metadata === 'object' &&
				metadata !== null &&
				Object.keys(metadata).length === 0 &&
				!(metadata instanceof Error)
			);
		const line = `${level}: ${text}${hasMeta ? ` ${safeStringify(metadata)}` : ''}`;
		this.lines.push(line);
		if (this.echo) process.stderr.write(`[n8n] ${line}\n`);
	}
}

let installed: CapturingLogger | undefined;

/** Installs the capturing logger once per module registry (i.e. per jest test file). */
export function installCapturingLogger(): CapturingLogger {
	if (installed) return installed;
	const logger = new CapturingLogger();
	// The DI entry first: a real Logger built later would re-point LoggerProxy at itself.
	Container.set(BackendLogger, logger as unknown as CoreLogger);
	LoggerProxy.init(logger);
	installed = logger;
	return logger;
}
