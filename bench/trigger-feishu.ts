/**
 * Feishu's side of the trigger benchmark (`--only=trigger`), run inside the emulator's own
 * process (scripts/emulator/process.ts): the message resources the events point at, the events
 * pushed over the long connection at a given rate with redeliveries and drops, and the events
 * POSTed to the webhook URL (sealed, tampered, twice), each answer timed. Feishu paces its
 * pushes on its own clock, so the rates hold whatever the n8n side is doing.
 */
import { createHash } from 'node:crypto';

import type { FeishuEmulator } from '../test/emulator';
import { FeishuWebhookSender, type Tamper } from '../test/emulator/events/webhook-delivery';
import { messageEvent, type FeishuEvent } from '../test/emulator/events/webhook-events';

/** One event of a burst: its IDs and what the message carries. */
export interface BenchEvent {
	eventId: string;
	messageId: string;
	/** 'image' (a picture) or 'file'; the resource is added with addResources first. */
	messageType: 'image' | 'file' | 'text';
	fileKey: string;
	/** Webhook: forged or tampered this way. */
	tamper?: Tamper;
	/** Webhook: POSTed a second time after its first answer. Long connection: redelivered after its ack. */
	twice?: boolean;
}

export interface LatencySummary {
	count: number;
	p50: number;
	p99: number;
	max: number;
}

export function summarize(ms: number[]): LatencySummary {
	const sorted = [...ms].sort((a, b) => a - b);
	const at = (q: number) =>
		sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
	return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function feishuEvent(e: BenchEvent, appId: string, token: string): FeishuEvent {
	const content =
		e.messageType === 'image'
			? { image_key: e.fileKey }
			: e.messageType === 'file'
				? { file_key: e.fileKey, file_name: `${e.fileKey}.pdf` }
				: { text: 'no file here' };
	return messageEvent({
		eventId: e.eventId,
		messageId: e.messageId,
		messageType: e.messageType,
		content,
		appId,
		token,
	});
}

export function triggerHandlers(emulator: () => FeishuEmulator) {
	return {
		/** The files of the events; returns fileKey → sha256 of the bytes Feishu serves. */
		addResources: (events: BenchEvent[]) => {
			const hashes: Record<string, string> = {};
			for (const e of events) {
				if (e.messageType === 'text') continue;
				const bytes = emulator().addMessageResource(e.messageId, e.fileKey, {
					type: e.messageType === 'image' ? 'image' : 'file',
					contentType: e.messageType === 'image' ? 'image/png' : 'application/pdf',
					fileName: e.messageType === 'image' ? `${e.fileKey}.png` : `${e.fileKey}.pdf`,
				});
				hashes[e.fileKey] = createHash('sha256').update(bytes).digest('hex');
			}
			return hashes;
		},

		/** Feishu's real ack deadline (3 s) and resend schedule scaled to 1/100 (150 ms, 3 s, …). */
		lcConfigure: (ackTimeoutMs: number, retryDelaysMs: number[]) => {
			const lc = emulator().longConnection;
			lc.ackTimeoutMs = ackTimeoutMs;
			lc.retryDelaysMs = retryDelaysMs;
			return true;
		},

		/**
		 * Pushes the events over the long connection at `perSecond`, `twice` ones redelivered
		 * after their ack, dropping every connection of the app `drops` times, evenly spread.
		 * Resolves once the last one is pushed (not acked).
		 */
		lcBurst: async (events: BenchEvent[], perSecond: number, drops: number, token = '') => {
			const lc = emulator().longConnection;
			const appId = emulator().appId;
			const started = performance.now();
			const dropAt = new Set(
				Array.from({ length: drops }, (_, i) =>
					Math.floor(((i + 1) * events.length) / (drops + 1)),
				),
			);
			let dropsDue = 0;
			for (const [i, e] of events.entries()) {
				const due = started + (i * 1000) / perSecond;
				const wait = due - performance.now();
				if (wait > 1) await sleep(wait);
				lc.deliver(feishuEvent(e, appId, token), { duplicate: e.twice ?? false });
				if (dropAt.has(i)) dropsDue++;
				// A drop while the client is still reconnecting drops nothing: try again at the next event.
				if (dropsDue > 0 && lc.drop() > 0) dropsDue--;
			}
			return { ms: performance.now() - started, dropsNotDone: dropsDue };
		},

		/** Waits until every pushed event is acked (or `timeoutMs`); returns what is still unacked. */
		lcSettled: async (timeoutMs: number) => {
			const lc = emulator().longConnection;
			const deadline = performance.now() + timeoutMs;
			while (lc.unacked() > 0 && performance.now() < deadline) await sleep(20);
			return lc.unacked();
		},

		lcStats: () => {
			const lc = emulator().longConnection;
			const c = lc.counters;
			return {
				acks: summarize(c.acks.map((a) => a.latencyMs)),
				ackCodes: [...new Set(c.acks.map((a) => a.code))],
				eventsDelivered: c.eventsDelivered,
				redeliveries: c.redeliveries,
				duplicatesSent: c.duplicatesSent,
				lost: c.lost,
				drops: c.drops,
				discoveries: c.discoveries,
				upgrades: c.upgrades,
				maxOpen: c.maxOpenPerApp[emulator().appId] ?? 0,
				open: lc.openConnections(),
				unacked: lc.unacked(),
			};
		},

		lcReset: () => {
			emulator().longConnection.resetCounters();
			emulator().resetCounters();
			return true;
		},

		/**
		 * POSTs the events to the request URL, `concurrency` at a time, each sealed with the
		 * Encrypt Key (or tampered); `twice` ones again after their first answer. No retries:
		 * every answer is counted as it is.
		 */
		webhookBurst: async (
			url: string,
			verificationToken: string,
			encryptKey: string,
			events: BenchEvent[],
			concurrency: number,
		) => {
			const sender = new FeishuWebhookSender({ url, verificationToken, encryptKey });
			const appId = emulator().appId;
			const answers: Array<{ eventId: string; status: number; ms: number; forged: boolean }> = [];
			const queue = events.flatMap((e) => (e.twice ? [e, e] : [e]));
			let next = 0;
			const started = performance.now();
			await Promise.all(
				Array.from({ length: concurrency }, async () => {
					while (next < queue.length) {
						const e = queue[next++];
						const attempt = await sender.push(feishuEvent(e, appId, verificationToken), e.tamper);
						answers.push({
							eventId: e.eventId,
							status: attempt.status,
							ms: attempt.ms,
							forged: !!e.tamper,
						});
					}
				}),
			);
			const byStatus: Record<string, number> = {};
			for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
			return {
				ms: performance.now() - started,
				requests: answers.length,
				byStatus,
				forgedAnswered200: answers.filter((a) => a.forged && a.status === 200).length,
				latency: summarize(answers.map((a) => a.ms)),
			};
		},

		/** The console's URL check, `count` times one after the other: answer times. */
		webhookChallenges: async (
			url: string,
			verificationToken: string,
			encryptKey: string,
			count: number,
		) => {
			const sender = new FeishuWebhookSender({ url, verificationToken, encryptKey });
			const ms: number[] = [];
			let wrong = 0;
			for (let i = 0; i < count; i++) {
				const attempt = await sender.verifyUrl(`challenge-${i}`);
				ms.push(attempt.ms);
				if (attempt.status !== 200 || !attempt.body.includes(`challenge-${i}`)) wrong++;
			}
			return { ...summarize(ms), wrong };
		},
	};
}
