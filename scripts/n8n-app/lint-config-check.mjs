// Checks that the project's eslint.config.mjs is n8n's community-node config (@n8n/node-cli/eslint)
// with nothing added: no rule switched off or weakened, no file ignored that n8n's config lints.
// Also lists inline `eslint-disable` comments in nodes/ and credentials/.
// One check (checks.mjs). Usage (from the repo root): node scripts/n8n-app/lint-config-check.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { check, expect, runChecks } from './checks.mjs';

const root = process.cwd();
const project = (await import(pathToFileURL(path.join(root, 'eslint.config.mjs')).href)).default;
const { config: n8nConfig } = await import('@n8n/node-cli/eslint');

const problems = [];
const canonical = (c) =>
	JSON.stringify(c, (_k, v) =>
		typeof v === 'function'
			? `[fn ${v.name}]`
			: v && typeof v === 'object' && v.meta?.name
				? `[plugin ${v.meta.name}]`
				: v,
	);
if (project !== n8nConfig && canonical(project) !== canonical(n8nConfig)) {
	problems.push("eslint.config.mjs differs from @n8n/node-cli/eslint's config");
}

// Rules the project config sets that n8n's does not set the same way.
const ruleSettings = (cfg) => {
	const out = new Map();
	for (const block of [cfg].flat(Infinity)) {
		for (const [rule, setting] of Object.entries(block?.rules ?? {}))
			out.set(`${JSON.stringify(block.files ?? '*')} ${rule}`, setting);
	}
	return out;
};
const theirs = ruleSettings(n8nConfig);
for (const [key, setting] of ruleSettings(project)) {
	if (JSON.stringify(theirs.get(key)) !== JSON.stringify(setting))
		problems.push(`rule changed: ${key} = ${JSON.stringify(setting)}`);
}

const inline = [];
const walk = (dir) => {
	for (const name of readdirSync(dir)) {
		const file = path.join(dir, name);
		if (statSync(file).isDirectory()) walk(file);
		else if (/\.(ts|js|json)$/.test(name)) {
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (/eslint-disable|eslint\s+[\w/@-]+\s*:\s*(off|0)/.test(line))
						inline.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
				});
		}
	}
};
for (const dir of ['nodes', 'credentials']) walk(path.join(root, dir));
if (inline.length)
	problems.push(`inline eslint directives in shipped sources:\n  ${inline.join('\n  ')}`);

const blocks = [project].flat(Infinity).length;
runChecks(() =>
	check('lint config', () => {
		expect(problems.length === 0, `\n- ${problems.join('\n- ')}`);
		return `eslint.config.mjs is @n8n/node-cli/eslint's config unchanged (${blocks} blocks); no rule switched off; no inline eslint directives in nodes/ or credentials/`;
	}),
);
