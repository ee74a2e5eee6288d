/**
 * Runs the Feishu emulator (test/emulator) as a standalone process for tests that drive a real
 * n8n process (scripts/test-n8n-app.sh, test-queue.sh, test-ui.sh). Not a jest test.
 *
 * Usage (after compiling with tsc, see scripts/n8n-app/lib.sh):
 *   node emulator-runner.js <state.json> <stats.json> [--boards=N]
 * It listens on 127.0.0.1 (random port), registers one whiteboard fixture (plus N small distinct
 * ones with --boards), and writes <state.json> once ready: { baseUrl, controlUrl, appId,
 * appSecret, whiteboardId, fileName, mimeType, size, sha256, boards: [{ id, size, sha256 }] }.
 * On SIGUSR2 it writes <stats.json> (token requests, issued tokens, downloads per endpoint, the
 * request log) and goes on; on SIGTERM / SIGINT it writes it and exits 0. It also exits by itself
 * when its parent process goes away or after EMULATOR_MAX_LIFETIME_MS (default 15 minutes), so
 * it cannot outlive a killed script.
 * A second server on 127.0.0.1 (controlUrl) lets a script steer it while n8n runs:
 *   GET /stats                                     the stats as JSON
 *   POST /reset                                    zero the counters and the request log
 *   POST /rate-limit?endpoint=whiteboard&limit=10  enforce a limit per second (limit=off lifts it)
 *   POST /whiteboard-image?id=<whiteboard>          draw that whiteboard anew (its bytes, so its
 *                                                  sha256, change); answers { id, sha256 }
 * It also serves a docx document with two images and two whiteboards (`picturesDocument` in
 * the state), for the weekly "only the pictures that changed" workflow.
 */
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { EMULATED_ENDPOINTS, FeishuEmulator, makePng } from '../../test/emulator';
import type { EndpointName } from '../../test/emulator';

/** A whiteboard token as Feishu shapes them (a docx block token). */
const WHITEBOARD_ID = 'N8nAppBoard9Xq2LmTzWp0';
/** Raw UTF-8 in Content-Disposition, as Feishu sends it: the name must arrive intact in n8n. */
const FILE_NAME = '架构图 whiteboard.png';

function writeJsonAtomic(file: string, value: unknown): void {
	writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
	renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
	const [stateFile, statsFile, ...flags] = process.argv.slice(2);
	const boardsFlag = flags.find((f) => f.startsWith('--boards='));
	const boardCount = boardsFlag ? Number(boardsFlag.slice('--boards='.length)) : 0;
	if (!stateFile || !statsFile || !Number.isSafeInteger(boardCount) || boardCount < 0) {
		process.stderr.write('usage: node emulator-runner.js <state.json> <stats.json> [--boards=N]\n');
		process.exit(2);
	}

	const emulator = await FeishuEmulator.start();
	// A 320x200 PNG (about 190 KB): several TCP reads, not one tiny chunk.
	const bytes = emulator.addWhiteboard(WHITEBOARD_ID, makePng(320, 200, 20260930), {
		fileName: FILE_NAME,
	});

	// Small distinct PNGs (a different seed each): a mix-up between items would show in the bytes.
	const boards = Array.from({ length: boardCount }, (_, i) => {
		const id = `QueueBoard${String(i + 1).padStart(4, '0')}`;
		const png = emulator.addWhiteboard(id, makePng(48, 32, 1000 + i), { fileName: `${id}.png` });
		return { id, fileName: `${id}.png`, size: png.length, sha256: sha256(png) };
	});

	// A document of text, images and whiteboards: the weekly export of its pictures.
	const picturesDocument = {
		id: 'N8nAppPicturesDoc7Kd2',
		pictures: [
			{
				kind: 'image',
				token: 'N8nAppImageA1',
				bytes: emulator.addDriveMedia('N8nAppImageA1', { bytes: makePng(40, 30, 501) }),
			},
			{
				kind: 'whiteboard',
				token: 'N8nAppBoardB2',
				bytes: emulator.addWhiteboard('N8nAppBoardB2', makePng(60, 40, 502)),
			},
			{
				kind: 'image',
				token: 'N8nAppImageC3',
				bytes: emulator.addDriveMedia('N8nAppImageC3', { bytes: makePng(30, 30, 503) }),
			},
			{
				kind: 'whiteboard',
				token: 'N8nAppBoardD4',
				bytes: emulator.addWhiteboard('N8nAppBoardD4', makePng(50, 50, 504)),
			},
		].map(({ bytes: picture, ...rest }) => ({ ...rest, sha256: sha256(picture) })),
	};
	emulator.addDocument(picturesDocument.id, [
		'text',
		...picturesDocument.pictures.map((p) =>
			p.kind === 'image' ? { image: p.token } : { whiteboard: p.token },
		),
	]);

	const stats = (reason: string) => ({
		reason,
		tokenRequests: emulator.counters.tokenRequests,
		issuedTokens: emulator.issuedTokens,
		downloads: emulator.counters.downloads,
		byStatus: emulator.counters.byStatus,
		status429: emulator.counters.status429,
		requests: emulator.requestLog.map((r) => ({
			endpoint: r.endpoint,
			method: r.method,
			url: r.url,
			status: r.status,
		})),
	});
	const writeStats = (reason: string): void => writeJsonAtomic(statsFile, stats(reason));
	const control = await startControl(emulator, () => stats('control'));
	let stopping = false;
	const stop = async (reason: string): Promise<void> => {
		if (stopping) return;
		stopping = true;
		writeStats(reason);
		control.close();
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
		controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
		appId: emulator.appId,
		appSecret: emulator.appSecret,
		whiteboardId: WHITEBOARD_ID,
		fileName: FILE_NAME,
		mimeType: 'image/png',
		size: bytes.length,
		sha256: sha256(bytes),
		boards,
		picturesDocument,
	});
}

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** The control server: see the header. Loopback only, like the emulator. */
async function startControl(
	emulator: FeishuEmulator,
	stats: () => unknown,
): Promise<ReturnType<typeof createServer>> {
	let redraws = 0;
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const send = (status: number, body: unknown): void => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method === 'GET' && url.pathname === '/stats') return send(200, stats());
		if (req.method === 'POST' && url.pathname === '/reset') {
			emulator.resetCounters();
			return send(200, { ok: true });
		}
		if (req.method === 'POST' && url.pathname === '/rate-limit') {
			const endpoint = url.searchParams.get('endpoint') as EndpointName;
			const raw = url.searchParams.get('limit');
			const limit = raw === 'off' ? Infinity : Number(raw);
			if (!EMULATED_ENDPOINTS.includes(endpoint) || !(limit > 0))
				return send(400, { error: 'endpoint must be an emulator endpoint, limit > 0 or off' });
			emulator.enforceRateLimit(endpoint, limit);
			return send(200, { ok: true, endpoint, limit: String(limit) });
		}
		if (req.method === 'POST' && url.pathname === '/whiteboard-image') {
			const id = url.searchParams.get('id') ?? '';
			redraws++;
			try {
				const bytes = emulator.setWhiteboardImage(id, makePng(64, 48, 9000 + redraws));
				return send(200, { id, sha256: createHash('sha256').update(bytes).digest('hex') });
			} catch (error) {
				return send(404, { error: (error as Error).message });
			}
		}
		return send(404, { error: 'unknown control request' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return server;
}

main().catch((err: unknown) => {
	process.stderr.write(
		`emulator-runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
	);
	process.exit(1);
});
