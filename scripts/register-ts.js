/**
 * The one way to run the project's TypeScript outside jest (jest has ts-jest): lets plain `node`
 * `require` demo/, bench/, scripts/, test/emulator, test/engine, nodes/, credentials/ by
 * transpiling each file with the project's own `typescript` (no type check, no output folder;
 * `npm run typecheck` checks them).
 *   require('../scripts/register-ts')              from a .js entry (demo/index.js, bench/index.js)
 *   node scripts/register-ts.js <file.ts> args...  runs <file.ts> (scripts/emulator/process.ts)
 */
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const configPath = path.join(root, 'tsconfig.json');
const parsed = ts.parseJsonConfigFileContent(
	ts.readConfigFile(configPath, ts.sys.readFile).config,
	ts.sys,
	root,
);
const compilerOptions = {
	...parsed.options,
	module: ts.ModuleKind.CommonJS,
	sourceMap: false,
	inlineSourceMap: true,
	inlineSources: false,
	declaration: false,
	noEmit: false,
	outDir: undefined,
	rootDir: undefined,
};

// Node 24 has a '.ts' loader of its own (type stripping) that cannot handle parameter
// properties or extension-less imports; this one replaces it for the project's files.
Module._extensions['.ts'] = function compileTs(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
};

// `require('./FeishuImages.node')` must find FeishuImages.node.ts, not the FeishuImages.node.json
// beside it (Node tries .json before .ts): in the project's own files, a relative request that
// names a .ts file resolves to it first, as ts-jest and tsc do.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
	if (
		parent?.filename &&
		!parent.filename.includes(`${path.sep}node_modules${path.sep}`) &&
		/^\.\.?\//.test(request)
	) {
		const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
		if (fs.existsSync(candidate)) return candidate;
	}
	return resolveFilename.call(this, request, parent, ...rest);
};
process.setSourceMapsEnabled(true);

if (require.main === module) {
	const [file, ...args] = process.argv.slice(2);
	if (!file) {
		console.error('usage: node scripts/register-ts.js <file.ts> [args...]');
		process.exit(2);
	}
	process.argv = [process.argv[0], path.resolve(file), ...args];
	require(path.resolve(file));
}
