// Counting and the closing line of the real-app checks, JS side (the bash side is
// scripts/n8n-app/lib.sh). Plain Node, no dependencies.
//
//   check(name, fn)     runs one check: `PASS name: detail` (fn's return value) or
//                       `FAIL name: message` (what it threw); counts it; returns true when it passed
//   expect(ok, message) inside a check: fails it with `message` unless ok
//   runChecks(main, { timeoutMs })
//                       runs main() and ends the process: a crash or the timeout counts as one
//                       failed check; exit 1 when any check failed
//   runCommand(commands, checks)
//                       a helper's command line (`node helper.mjs <command> args...`): a command of
//                       `checks` is one check, one of `commands` a plain step (fails the process)
//
// Where the count goes: when lib.sh runs the helper, into the file $CHECK_TALLY (a line `pass` or
// `fail` per check), and lib.sh prints the one closing line for the whole script. Run by hand
// (no $CHECK_TALLY), the process prints `N passed, N failed` itself when it exits, whatever way.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const tally = process.env.CHECK_TALLY;
const counts = { passed: 0, failed: 0 };

function record(ok) {
	counts[ok ? 'passed' : 'failed']++;
	if (tally) appendFileSync(tally, ok ? 'pass\n' : 'fail\n');
}

process.on('exit', (code) => {
	if (!tally && counts.passed + counts.failed > 0)
		console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
	if (code === 0 && counts.failed > 0) process.exitCode = 1;
});

export class CheckError extends Error {}

export function expect(ok, message) {
	if (!ok) throw new CheckError(message);
}

const firstLine = (error) => String(error?.message ?? error).split('\n')[0];

/** `onFail(name)` may add to the FAIL line (e.g. the name of a screenshot taken then). */
export async function check(name, fn, { onFail } = {}) {
	try {
		const detail = await fn();
		record(true);
		console.log(`  PASS ${name}${detail ? `: ${detail}` : ''}`);
		return true;
	} catch (error) {
		// A CheckError says what was wrong; anything else is a crash of the check: keep its stack.
		const message = error instanceof CheckError ? error.message : (error?.stack ?? String(error));
		const extra = onFail ? await Promise.resolve(onFail(name)).catch(() => '') : '';
		record(false);
		console.log(
			`  FAIL ${name}: ${error instanceof CheckError ? message : firstLine(error)}${extra}`,
		);
		if (!(error instanceof CheckError)) console.error(message);
		return false;
	}
}

export function runChecks(main, { timeoutMs = 10 * 60_000 } = {}) {
	const timer = setTimeout(() => {
		record(false);
		console.log(`  FAIL timed out after ${timeoutMs / 1000} s`);
		process.exit(1);
	}, timeoutMs);
	timer.unref();
	Promise.resolve()
		.then(main)
		.then(
			() => process.exit(counts.failed > 0 ? 1 : 0),
			(error) => {
				record(false);
				console.log(`  FAIL crashed: ${error?.stack ?? error}`);
				process.exit(1);
			},
		);
}

/** True when `importMetaUrl` is the file node was started with (not imported by another helper). */
export function isMain(importMetaUrl) {
	return importMetaUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

export function runCommand(commands, checks = {}) {
	const [name, ...args] = process.argv.slice(2);
	if (checks[name]) return runChecks(() => check(name, () => checks[name](...args)));
	if (!commands[name]) {
		const all = [...Object.keys(commands), ...Object.keys(checks)].join('|');
		console.error(`usage: node ${path.basename(process.argv[1])} ${all} ...`);
		process.exit(2);
	}
	Promise.resolve()
		.then(() => commands[name](...args))
		.catch((error) => {
			console.error(`${name} failed: ${error?.stack ?? error}`);
			process.exit(1);
		});
}
