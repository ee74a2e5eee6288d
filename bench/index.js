/**
 * Entry point of `npm run bench` (see BENCHMARKS.md). Plain JavaScript so that it runs on a
 * bare `node` (24, via scripts/node24.sh); scripts/register-ts.js lets it load the project's
 * TypeScript, then it hands over to bench/main.ts.
 *
 *   node bench/index.js [--only=throughput,pacing,memory,tokens] [--runs=5]
 *   node bench/index.js child <module> ...   (internal: a child process running bench/<module>.ts,
 *                                            e.g. ../scripts/emulator/process, memory-case)
 */
'use strict';
const path = require('node:path');
require('../scripts/register-ts');

const [, , first, second] = process.argv;
if (first === 'child') {
	require(path.join(__dirname, `${second}.ts`));
} else {
	require(path.join(__dirname, 'main.ts'));
}
