/**
 * Runs the Feishu emulator (test/emulator) as a standalone process for tests that drive a real
 * n8n process (scripts/test-n8n-app.sh, scripts/compat-n8n1.sh). Not a jest test.
 *
 * Usage (after compiling with tsc, see the scripts):
 *   node emulator-runner.js <state.json> <stats.json>
 * It listens on 127.0.0.1 (random port), registers one whiteboard fixture, and writes
 * <state.json> once ready: { baseUrl, appId, appSecret, whiteboardId, fileName, mimeType, size, sha256 }.
 * On SIGUSR2 it writes <stats.json> (token requests, issued tokens, downloads per endpoint, the
 * request log) and goes on; on SIGTERM / SIGINT it writes it and exits 0. It also exits by itself when its parent process goes away or after
 * EMULATOR_MAX_LIFETIME_MS (default 15 minutes), so it cannot outlive a killed script.
 */
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';

import { FeishuEmulator, makePng } from '../../test/emulator';

/** A whiteboard token as Feishu shapes them (a docx block token). */
const WHITEBOARD_ID = 'N8nAppBoard9Xq2LmTzWp0';
/** Raw UTF-8 in Content-Disposition, as Feishu sends it: the name must arrive intact in n8n. */
const FILE_NAME = '架构图 whiteboard.png';

function writeJsonAtomic(file: string, value: unknown): void {
	writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
	renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
	const [stateFile, statsFile] = process.argv.slice(2);
	if (!stateFile || !statsFile) {
		process.stderr.write('usage: node emulator-runner.js <state.json> <stats.json>\n');
		process.exit(2);
	}

	const emulator = await FeishuEmulator.start();
	// A 320x200 PNG (about 190 KB): several TCP reads, not one tiny chunk.
	const bytes = emulator.addWhiteboard(WHITEBOARD_ID, makePng(320, 200, 20260930), {
		fileName: FILE_NAME,
	});

	const writeStats = (reason: string): void =>
		writeJsonAtomic(statsFile, {
			reason,
			tokenRequests: emulator.counters.tokenRequests,
			issuedTokens: emulator.issuedTokens,
			downloads: emulator.counters.downloads,
			byStatus: emulator.counters.byStatus,
			requests: emulator.requestLog.map((r) => ({
				endpoint: r.endpoint,
				method: r.method,
				url: r.url,
				status: r.status,
			})),
		});
	let stopping = false;
	const stop = async (reason: string): Promise<void> => {
		if (stopping) return;
		stopping = true;
		writeStats(reason);
		await emulator.close();
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));
	// SIGUSR2: write the stats so far and keep serving.
	process.on('SIGUSR2', () => writeStats('SIGUSR2'));

	const parent = process.ppid;
	const maxLifetimeMs = Number(process.env.EMULATOR_MAX_LIFETIME_MS ?? 15 * 60 * 1000);
	const startedAt = Date.now();
	setInterval(() => {
		if (process.ppid !== parent) void stop('parent exited');
		else if (Date.now() - startedAt > maxLifetimeMs) void stop('max lifetime reached');
	}, 1000).unref();
	// Keeps the process alive while the server is idle-listening with unref'd sockets.
	setInterval(() => {}, 60_000);

	writeJsonAtomic(stateFile, {
		pid: process.pid,
		baseUrl: emulator.baseUrl,
		appId: emulator.appId,
		appSecret: emulator.appSecret,
		whiteboardId: WHITEBOARD_ID,
		fileName: FILE_NAME,
		mimeType: 'image/png',
		size: bytes.length,
		sha256: createHash('sha256').update(bytes).digest('hex'),
	});
}

main().catch((err: unknown) => {
	process.stderr.write(
		`emulator-runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
	);
	process.exit(1);
});
