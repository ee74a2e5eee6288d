// A minimal SMTP server on 127.0.0.1 for the real-app checks: it accepts every message (no AUTH,
// no TLS) and writes each to <dir>/<n>.eml, so a check can read what n8n's Send Email node sent.
// Plain Node, no dependencies. Usage: node smtp-sink.mjs <dir> <port>. Stops on SIGTERM, or by
// itself when its parent goes away.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const [dir, portArg] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
let count = 0;

const server = createServer((socket) => {
	socket.setEncoding('latin1');
	let buffer = '';
	let data = null;
	const reply = (line) => socket.write(`${line}\r\n`);
	reply('220 127.0.0.1 ESMTP test sink');
	socket.on('data', (chunk) => {
		buffer += chunk;
		for (;;) {
			if (data !== null) {
				const end = buffer.indexOf('\r\n.\r\n');
				if (end === -1) return;
				data += buffer.slice(0, end);
				buffer = buffer.slice(end + 5);
				writeFileSync(path.join(dir, `${++count}.eml`), data.replace(/^\.\./gm, '.'), 'latin1');
				data = null;
				reply('250 OK: queued');
				continue;
			}
			const eol = buffer.indexOf('\r\n');
			if (eol === -1) return;
			const line = buffer.slice(0, eol);
			buffer = buffer.slice(eol + 2);
			const verb = line.slice(0, 4).toUpperCase();
			if (verb === 'EHLO') reply('250-127.0.0.1\r\n250 8BITMIME');
			else if (verb === 'HELO') reply('250 127.0.0.1');
			else if (verb === 'DATA') {
				data = '';
				reply('354 End data with <CR><LF>.<CR><LF>');
			} else if (verb === 'QUIT') {
				reply('221 Bye');
				socket.end();
				return;
			} else reply('250 OK');
		}
	});
	socket.on('error', () => socket.destroy());
});

server.listen(Number(portArg), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
