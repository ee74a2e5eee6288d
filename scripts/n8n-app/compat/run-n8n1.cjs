// Runs the BUILT package (from its npm tarball) inside n8n 1.x's engine, on whatever Node runs
// this file (20, 22 ...). Used by scripts/compat-n8n1.sh.
//
//   node run-n8n1.cjs <compat dir> <package dir>
//
// <compat dir>   a folder whose node_modules holds n8n-core and n8n-workflow (1.x, or the repo)
// <package dir>  the unpacked tarball, INSIDE <compat dir>/…/node_modules, so that the package's
//                require('n8n-workflow') resolves to that copy, as in an n8n install
//
// The engine harness is test/engine's (the one the specs use), loaded through
// scripts/register-ts.js with every require of n8n-core / n8n-workflow sent to <compat dir>: what
// differs for n8n 1.x is only that redirect and the two version switches in test/engine. The
// scenarios are scenarios.ts; the counting and the closing line are checks.mjs's.
'use strict';

const Module = require('node:module');
const path = require('node:path');

const [compatDir, packageDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!compatDir || !packageDir) {
	console.error('usage: node run-n8n1.cjs <compat dir> <package dir>');
	process.exit(2);
}

// Before anything loads n8n: n8n-core and n8n-workflow (and their subpaths) from <compat dir>.
const compatParent = {
	id: path.join(compatDir, 'package.json'),
	filename: path.join(compatDir, 'package.json'),
	paths: Module._nodeModulePaths(compatDir),
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
	const name = request.split('/')[0];
	if (name === 'n8n-core' || name === 'n8n-workflow')
		return resolveFilename.call(this, request, compatParent, ...rest);
	return resolveFilename.call(this, request, parent, ...rest);
};
require('../../register-ts');

const versions = {
	node: process.versions.node,
	core: require('n8n-core/package.json').version,
	workflow: require('n8n-workflow/package.json').version,
};
console.log(`Node ${versions.node}, n8n-core ${versions.core}, n8n-workflow ${versions.workflow}`);

// The package as n8n loads it: the files its package.json "n8n" section names.
const packageJson = require(path.join(packageDir, 'package.json'));
const load = (file) => {
	const mod = require(path.join(packageDir, file));
	const name = path.basename(file).split('.')[0];
	if (typeof mod[name] !== 'function') throw new Error(`${file} exports no class ${name}`);
	return new mod[name]();
};
let nodeType;
let credentialTypes;
try {
	nodeType = load(packageJson.n8n.nodes[0]);
	credentialTypes = packageJson.n8n.credentials.map(load);
	console.log(`load: ok (${packageJson.n8n.nodes[0]}) with n8n-workflow ${versions.workflow}`);
} catch (error) {
	const where = (error.stack ?? '').split('\n').find((l) => l.includes(packageDir)) ?? '';
	console.log(
		`load: FAILED with n8n-workflow ${versions.workflow}: ${error.name}: ${error.message} ${where.trim().replace(packageDir + path.sep, '')}`,
	);
	process.exit(3);
}

import('../checks.mjs').then(({ check, expect, runChecks }) =>
	runChecks(() =>
		require('./scenarios.ts').runScenarios({ nodeType, credentialTypes, check, expect }),
	),
);
