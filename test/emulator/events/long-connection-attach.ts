/**
 * Mounting the long-connection emulator on an http.Server: endpoint discovery is answered
 * before the server's own request handlers, upgrades to the WebSocket path are taken, and the
 * server's close stops resends and drops every connection. `startLongConnectionEmulator` runs
 * it alone on 127.0.0.1 (for specs that need nothing else of the emulator).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { LongConnectionEmulator } from './long-connection-server';
import type { LongConnectionOptions } from './long-connection-server';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function attachLongConnection(
	server: Server,
	options: LongConnectionOptions,
): LongConnectionEmulator {
	const emulator = new LongConnectionEmulator(server, options);
	const others = server.listeners('request') as RequestListener[];
	server.removeAllListeners('request');
	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		if (emulator.handleRequest(req, res)) return;
		for (const listener of others) listener.call(server, req, res);
	});
	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		if (!emulator.handleUpgrade(req, socket, head)) socket.destroy();
	});
	server.once('close', () => emulator.stop());
	return emulator;
}

export interface StandaloneLongConnection {
	emulator: LongConnectionEmulator;
	/** 'http://127.0.0.1:PORT': the credential's custom base URL. */
	baseUrl: string;
	close(): Promise<void>;
}

export async function startLongConnectionEmulator(
	options: LongConnectionOptions,
): Promise<StandaloneLongConnection> {
	const server = createServer((_req, res) => {
		res.writeHead(404, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ code: 404, msg: 'not found' }));
	});
	const emulator = attachLongConnection(server, options);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		emulator,
		baseUrl: `http://127.0.0.1:${port}`,
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			emulator.stop();
			server.closeAllConnections();
			await closed;
		},
	};
}
