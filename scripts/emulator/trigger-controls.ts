/**
 * The emulator process's calls for the Feishu Images Trigger in the real app (test:n8n,
 * test:queue, bench-webhook-rate): chat messages with files, and their `im.message.receive_v1`
 * events delivered as Feishu does, over HTTP to a request URL (sealed: AES + X-Lark-Signature)
 * or over the long connection (the emulator's `longConnection`). A message's event keeps one
 * `event_id`, so pushing it again is Feishu's redelivery.
 */
import { FeishuWebhookSender, type Tamper } from '../../test/emulator/events/webhook-delivery';
import { messageEvent, type FeishuEvent } from '../../test/emulator/events/webhook-events';
import { makePng } from '../../test/emulator';
import type { FeishuEmulator } from '../../test/emulator';
import { sha256 } from './fixtures';

export interface ChatFile {
	messageId: string;
	fileKey: string;
	kind: 'image' | 'file';
	fileName: string;
	size: number;
	sha256: string;
}

interface WebhookTarget {
	url: string;
	verificationToken: string;
	encryptKey?: string;
}

const events = new Map<string, FeishuEvent>();
const files = new Map<string, ChatFile>();
let serial = 0;

function eventFor(emulator: FeishuEmulator, file: ChatFile, token: string): FeishuEvent {
	const event = messageEvent({
		eventId: `ev_${file.messageId}`,
		token,
		appId: emulator.appId,
		messageId: file.messageId,
		messageType: file.kind,
		content:
			file.kind === 'image'
				? { image_key: file.fileKey }
				: { file_key: file.fileKey, file_name: file.fileName },
	});
	events.set(file.messageId, event);
	return event;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function triggerHandlers(get: () => FeishuEmulator) {
	/** `count` image messages (distinct PNGs), each with one picture. */
	const addChatImages = (count: number, prefix = 'om_app'): ChatFile[] =>
		Array.from({ length: count }, () => {
			const n = ++serial;
			const messageId = `${prefix}_${String(n).padStart(5, '0')}`;
			const fileKey = `img_v3_${prefix}_${n}`;
			const bytes = get().addMessageResource(messageId, fileKey, {
				bytes: makePng(40 + (n % 17), 30 + (n % 11), 70_000 + n),
				contentType: 'image/png',
			});
			const file: ChatFile = {
				messageId,
				fileKey,
				kind: 'image',
				fileName: '',
				size: bytes.length,
				sha256: sha256(bytes),
			};
			files.set(messageId, file);
			return file;
		});

	const fileOf = (messageId: string): ChatFile => {
		const file = files.get(messageId);
		if (!file) throw new Error(`no chat message ${messageId}`);
		return file;
	};

	return {
		addChatImages,
		/** One file message whose file is a streamed pattern of `size` bytes (type=file). */
		addChatFile: (size: number, fileName = 'big-report.bin'): ChatFile => {
			const n = ++serial;
			const messageId = `om_file_${String(n).padStart(5, '0')}`;
			const fileKey = `file_v3_${n}`;
			const pattern = get().addMessageResource(messageId, fileKey, {
				size,
				type: 'file',
				fileName,
				contentType: 'application/octet-stream',
			});
			const file: ChatFile = {
				messageId,
				fileKey,
				kind: 'file',
				fileName,
				size: pattern.size,
				sha256: pattern.sha256(),
			};
			files.set(messageId, file);
			return file;
		},
		/** The console's URL check (challenge), sealed as Feishu sends it. */
		webhookChallenge: async (target: WebhookTarget, challenge: string, token?: string) =>
			await new FeishuWebhookSender({ ...target, timeScale: 10 }).verifyUrl(challenge, token),
		/** Each message's event pushed once (one after the other), possibly tampered with. */
		webhookPush: async (target: WebhookTarget, messageIds: string[], tamper?: Tamper) => {
			const sender = new FeishuWebhookSender({ ...target, timeScale: 10 });
			const attempts = [];
			for (const id of messageIds) {
				const event = events.get(id) ?? eventFor(get(), fileOf(id), target.verificationToken);
				attempts.push({ messageId: id, ...(await sender.push(event, tamper)) });
			}
			return attempts;
		},
		/**
		 * Load: `rate` requests per second for `seconds`, each a fresh image message's event (or
		 * the URL check, kind 'challenge'), not waiting for answers. Latency of each answer, the
		 * statuses, and how many came later than Feishu's 3 s (or never, within 30 s).
		 */
		webhookRate: async (
			target: WebhookTarget,
			rate: number,
			seconds: number,
			kind: 'event' | 'challenge' = 'event',
		) => {
			const sender = new FeishuWebhookSender({ ...target, timeScale: 10 });
			const total = Math.round(rate * seconds);
			const messages = kind === 'event' ? addChatImages(total, `om_rate${serial}`) : [];
			for (const m of messages) eventFor(get(), m, target.verificationToken);
			const started = performance.now();
			const answers: Array<Promise<{ status: number; ms: number }>> = [];
			for (let i = 0; i < total; i++) {
				const due = started + (i * 1000) / rate;
				const wait = due - performance.now();
				if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
				answers.push(
					kind === 'challenge'
						? sender.verifyUrl(`challenge-${i}`)
						: sender.push(events.get(messages[i].messageId) ?? {}, undefined),
				);
			}
			const done = await Promise.all(answers);
			const ms = done.map((a) => a.ms).sort((a, b) => a - b);
			const statuses: Record<string, number> = {};
			for (const a of done) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
			return {
				sent: total,
				seconds: (performance.now() - started) / 1000,
				statuses,
				p50: percentile(ms, 50),
				p99: percentile(ms, 99),
				max: ms.at(-1) ?? 0,
				late: done.filter((a) => a.status !== 200 || a.ms > 3000).length,
			};
		},
		/** Each message's event over the long connection (to one random open connection). */
		longConnectionDeliver: (messageIds: string[], options: { duplicate?: boolean } = {}) =>
			messageIds.map((id) =>
				get().longConnection.deliver(
					events.get(id) ?? eventFor(get(), fileOf(id), 'long-connection-has-no-token'),
					options,
				),
			),
		longConnectionStats: () => {
			const lc = get().longConnection;
			const acks = lc.counters.acks.map((a) => a.latencyMs).sort((a, b) => a - b);
			return {
				open: lc.openConnections(),
				discoveries: lc.counters.discoveries,
				upgrades: lc.counters.upgrades,
				maxOpenPerApp: lc.counters.maxOpenPerApp[get().appId] ?? 0,
				eventsDelivered: lc.counters.eventsDelivered,
				redeliveries: lc.counters.redeliveries,
				acks: acks.length,
				acksOk: lc.counters.acks.filter((a) => a.code === 200).length,
				ackP99Ms: percentile(acks, 99),
				unacked: lc.unacked(),
				lost: lc.counters.lost,
			};
		},
		/** What a chat message's file is (size, sha256). */
		chatFile: (messageId: string) => fileOf(messageId),
	};
}
