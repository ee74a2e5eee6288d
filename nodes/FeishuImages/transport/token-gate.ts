/**
 * One tenant_access_token fetch per credential, however many requests are in flight.
 *
 * n8n fetches the token (preAuthentication) inside the first request that finds it empty,
 * and refreshes it only when we ask. Without coordination, 20 concurrent items on a cold
 * credential would fetch 20 tokens, and 20 requests hitting an expired token together would
 * refresh it 20 times. The gate lets exactly one request "carry" the fetch; the others wait
 * for it and then reuse the token n8n saved.
 */

export interface Pass {
	/** Token generation this request is sent with. */
	generation: number;
	/** This request must fetch a fresh token (send with the stored token emptied). */
	refresh: boolean;
	/**
	 * The request that goes alone while the token is fetched (cold start or refresh) reports
	 * how the fetch went; a no-op for the others.
	 */
	settle(outcome: { tokenOk: boolean; error?: unknown }): void;
}

const noop = () => undefined;

export class TokenGate {
	private generation = 0;

	private warm = false;

	private pending?: Promise<void>;

	/**
	 * The credential holds no token (first use, or edited): the next request fetches it alone.
	 * Called at the start of an execution, since n8n may have cleared the token between runs.
	 */
	markCold(): void {
		this.warm = false;
	}

	/** Nothing to fetch first (the token is managed elsewhere). */
	markWarm(): void {
		this.warm = true;
	}

	/**
	 * Enter before sending. `refreshFrom` is the generation a request saw rejected: if nobody
	 * has refreshed since, this request becomes the one that does.
	 */
	async enter(refreshFrom?: number): Promise<Pass> {
		while (this.pending) await this.pending;
		if (refreshFrom !== undefined && refreshFrom === this.generation) return this.carry(true);
		if (!this.warm && refreshFrom === undefined) return this.carry(false);
		return { generation: this.generation, refresh: false, settle: noop };
	}

	private carry(refresh: boolean): Pass {
		let resolve: () => void = noop;
		let reject: (error: unknown) => void = noop;
		const pending = new Promise<void>((res, rej) => {
			resolve = res;
			reject = rej;
		});
		// Marks the rejection handled when no one happens to be waiting.
		pending.catch(noop);
		this.pending = pending;
		let settled = false;
		return {
			generation: this.generation,
			refresh,
			settle: ({ tokenOk, error }) => {
				if (settled) return;
				settled = true;
				this.pending = undefined;
				if (tokenOk) {
					this.warm = true;
					if (refresh) this.generation++;
					resolve();
				} else if (error !== undefined) {
					// Waiters fail with the same cause (e.g. a wrong secret) instead of each
					// fetching a token of their own; the next execution tries afresh.
					this.warm = false;
					reject(error);
				} else {
					resolve();
				}
			},
		};
	}
}

const gates = new Map<string, TokenGate>();

export function tokenGateFor(credentialKey: string): TokenGate {
	let gate = gates.get(credentialKey);
	if (!gate) {
		gate = new TokenGate();
		gates.set(credentialKey, gate);
	}
	return gate;
}
