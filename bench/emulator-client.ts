/** Starts the emulator process (scripts/emulator/process.ts) and calls it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type {
	EmulatorCall,
	EmulatorHandlers,
	EmulatorReply,
	MethodName,
} from '../scripts/emulator/process';

type Result<M extends MethodName> = Awaited<ReturnType<EmulatorHandlers[M]>>;

export const ENTRY = path.join(__dirname, 'index.js');

export class RemoteEmulator {
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve(v: unknown): void; reject(e: Error): void }
	>();

	private constructor(private readonly child: ChildProcess) {
		child.on('message', (raw) => {
			const reply = raw as EmulatorReply;
			const waiter = this.pending.get(reply.id);
			if (!waiter) return;
			this.pending.delete(reply.id);
			if (reply.ok) waiter.resolve(reply.value);
			else waiter.reject(new Error(`emulator: ${reply.error}`));
		});
		child.on('exit', (code) => {
			for (const waiter of this.pending.values())
				waiter.reject(new Error(`emulator process exited (${code})`));
			this.pending.clear();
		});
	}

	static async start(): Promise<RemoteEmulator> {
		const child = fork(ENTRY, ['child', '../scripts/emulator/process'], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		await new Promise<void>((resolve, reject) => {
			const onMessage = (message: unknown) => {
				if ((message as { ready?: boolean })?.ready) {
					child.off('message', onMessage);
					child.off('exit', onExit);
					resolve();
				}
			};
			const onExit = (code: number | null) =>
				reject(new Error(`emulator process exited before it was ready (${code})`));
			child.on('message', onMessage);
			child.once('exit', onExit);
		});
		return new RemoteEmulator(child);
	}

	async call<M extends MethodName>(
		method: M,
		...args: Parameters<EmulatorHandlers[M]>
	): Promise<Result<M>> {
		const id = this.nextId++;
		return await new Promise<Result<M>>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.child.send({ id, method, args } satisfies EmulatorCall);
		});
	}

	async close(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		await this.call('close').catch(() => undefined);
		await exited;
	}
}
