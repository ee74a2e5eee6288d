// Runs n8n's own community-package scanner (@n8n/scan-community-package, scanner/scanner.mjs)
// offline: its CLI downloads the package and its provenance-attested source from the internet,
// so this calls the same analyzePackage() on local folders instead, with the same file patterns
// as the CLI's two legs:
//   tarball leg: the extracted `npm pack` tarball, ['**/*.js', 'package.json']
//   source leg:  the package's sources (package.json, nodes/, credentials/), SOURCE_FILE_PATTERNS
// plus analyzePackage()'s default patterns on the tarball; each leg is one check (checks.mjs).
// Usage: node scan.mjs <scanner.mjs path> <extracted tarball dir> <source dir>
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { check, expect, runChecks } from './checks.mjs';

const [scannerPath, tarballDir, sourceDir] = process.argv.slice(2);
if (!scannerPath || !tarballDir || !sourceDir) {
	console.error('usage: node scan.mjs <scanner.mjs> <extracted tarball dir> <source dir>');
	process.exit(2);
}

const scanner = await import(pathToFileURL(scannerPath).href);
const legs = [
	{
		name: 'tarball (CLI dist leg: **/*.js, package.json)',
		dir: tarballDir,
		patterns: ['**/*.js', 'package.json'],
	},
	{
		name: 'tarball (analyzePackage defaults: **/*.js, **/*.ts, **/*.json)',
		dir: tarballDir,
		patterns: undefined,
	},
	{
		name: `source (CLI source leg: ${scanner.SOURCE_FILE_PATTERNS.join(', ')})`,
		dir: sourceDir,
		patterns: scanner.SOURCE_FILE_PATTERNS,
	},
];

async function main() {
	for (const leg of legs) {
		await check(`scan ${leg.name}`, async () => {
			const result = await scanner.analyzePackage(leg.dir, leg.patterns);
			const { error, ...printable } = result;
			console.log(JSON.stringify(printable, null, 2));
			if (error) console.log(String(error.stack ?? error));
			expect(result.passed, `analyzePackage: ${result.message}`);
			expect(result.message !== 'No files found to analyze', 'no files found to analyze');
			return 'passed';
		});
	}
	// Negative control: the same scan must reject a copy of the tarball with a forbidden global in
	// a node file, or a pass above would prove nothing (e.g. a scanner that lints no file offline).
	await check('scan negative control (console.log(process.env) planted in the node)', async () => {
		const canary = mkdtempSync(path.join(tmpdir(), 'scan-canary-'));
		try {
			cpSync(tarballDir, canary, { recursive: true });
			appendFileSync(
				path.join(canary, 'dist/nodes/FeishuImages/FeishuImages.node.js'),
				'\nconsole.log(process.env.HOME);\n',
			);
			const result = await scanner.analyzePackage(canary, ['**/*.js', 'package.json']);
			const caught =
				!result.passed && /no-console|no-restricted-globals/.test(result.details ?? '');
			expect(caught, `NOT rejected: ${JSON.stringify(result, null, 2)}`);
			return 'rejected, as it must be';
		} finally {
			rmSync(canary, { recursive: true, force: true });
		}
	});
}

runChecks(main);
