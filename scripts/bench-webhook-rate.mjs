// Helpers of scripts/bench-webhook-rate.sh (webhook throughput in the real n8n app). Plain Node.
//
//   node bench-webhook-rate.mjs fixtures <state.json> <outDir>
//       <outDir>/credentials.json and <outDir>/workflows/*.json: Feishu Images Trigger (webhook,
//       Verification Token + Encrypt Key, one item per picture downloaded) and n8n's own Webhook
//       node (POST, answers at once), each alone in an active workflow
//   node bench-webhook-rate.mjs run <n8n URL> <emulator control URL> <engine label> <out.json>
//       one check per node: the emulator pushes sealed `im.message.receive_v1` events at each
//       rate of BENCH_RATES (3,5,10,20,30 per second) for BENCH_SECONDS (20) to the trigger's
//       production URL, then the same to the Webhook node's (same bodies), in turn; a node stops
//       climbing at the first rate where an answer is not a 200 within Feishu's 3 s. Plus the URL
//       check (challenge) at 2/s for 10 s. The measurements go to <out.json>; a check passes when it
//       measured (the goal, ≥ 0.9× the built-in node's rate, is reported, not enforced)
//   node bench-webhook-rate.mjs table <out.json>...
//       the table of every engine's run, and the rate of each node (highest in time)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	emu,
	N8nRest,
	readJson,
	TRIGGER_KEY,
	TRIGGER_TOKEN,
	triggerCredential,
	triggerWorkflow,
	webhookUrl,
} from './n8n-app/app-test.mjs';
import { check, expect, runChecks, runCommand } from './n8n-app/checks.mjs';

const BUILTIN_PATH = 'bench-builtin-webhook';
const DEADLINE_MS = 3000;
const RATES = (process.env.BENCH_RATES ?? '3,5,10,20,30').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const NODES = (process.env.BENCH_NODES ?? 'trigger,builtin').split(',');

function fixtures(stateFile, outDir) {
	const state = readJson(stateFile);
	writeFileSync(path.join(outDir, 'credentials.json'), JSON.stringify([triggerCredential(state)]));
	mkdirSync(path.join(outDir, 'workflows'), { recursive: true });
	const trigger = triggerWorkflow('webhook', { name: 'Bench: Feishu Images Trigger (webhook)' });
	const builtin = {
		id: 'FeishuBenchBuiltin',
		name: "Bench: n8n's Webhook node",
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e61',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c71',
				parameters: {
					httpMethod: 'POST',
					path: BUILTIN_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			},
		],
		connections: {},
	};
	for (const workflow of [trigger, builtin])
		writeFileSync(path.join(outDir, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until n8n has finished what the last step started (executions stop appearing). */
async function drain(rest, maxMs = 120_000) {
	const until = Date.now() + maxMs;
	let last = -1;
	while (Date.now() < until) {
		// An overloaded n8n may answer 503 ("Database is not ready!") for a while: wait it out.
		const data = await rest.json('GET', '/executions?limit=1').catch(() => undefined);
		if (!data) {
			await sleep(2000);
			continue;
		}
		const done = data.results?.[0]?.status !== 'running' && data.results?.[0]?.status !== 'new';
		if (data.count === last && done) return;
		last = data.count;
		await sleep(1500);
	}
}

async function run(n8nUrl, control, engine, outFile) {
	const rest = await new N8nRest(n8nUrl).signIn();
	const targets = {
		trigger: { url: webhookUrl(n8nUrl), verificationToken: TRIGGER_TOKEN, encryptKey: TRIGGER_KEY },
		builtin: {
			url: `${n8nUrl}/webhook/${BUILTIN_PATH}`,
			verificationToken: TRIGGER_TOKEN,
			encryptKey: TRIGGER_KEY,
		},
	};
	const result = { engine, seconds: SECONDS, rates: RATES, steps: [], challenge: undefined };
	const stopped = { trigger: !NODES.includes('trigger'), builtin: !NODES.includes('builtin') };
	// Warm-up: the first requests load code and caches.
	for (const node of NODES) await emu(control, 'webhookRate', targets[node], 2, 3);
	await drain(rest);
	for (const rate of RATES) {
		for (const node of ['trigger', 'builtin']) {
			if (stopped[node]) continue;
			const step = await emu(control, 'webhookRate', targets[node], rate, SECONDS);
			const inTime = step.late === 0 && step.p99 <= DEADLINE_MS && step.max <= DEADLINE_MS;
			result.steps.push({ node, rate, inTime, ...step });
			console.log(
				`  [${engine}] ${node.padEnd(7)} ${String(rate).padStart(3)}/s: ${step.sent} sent, ` +
					`p50 ${step.p50.toFixed(0)} ms, p99 ${step.p99.toFixed(0)} ms, max ${step.max.toFixed(0)} ms, ` +
					`statuses ${JSON.stringify(step.statuses)} → ${inTime ? 'in time' : 'LATE'}`,
			);
			if (!inTime) stopped[node] = true;
			await drain(rest);
		}
	}
	result.challenge = await emu(control, 'webhookRate', targets.trigger, 2, 10, 'challenge');
	console.log(
		`  [${engine}] challenge 2/s: p50 ${result.challenge.p50.toFixed(0)} ms, p99 ${result.challenge.p99.toFixed(0)} ms, max ${result.challenge.max.toFixed(0)} ms`,
	);
	const stats = await emu(control, 'stats');
	result.emulator = { tokenRequests: stats.tokenRequests, byStatus: stats.byStatus };
	console.log(
		`  [${engine}] emulator: ${stats.tokenRequests} token requests, statuses ${JSON.stringify(stats.byStatus)}`,
	);
	await emu(control, 'resetCounters');
	writeFileSync(outFile, JSON.stringify(result, null, 2));
	for (const node of NODES) {
		await check(
			`[${engine}] ${node === 'trigger' ? 'Feishu Images Trigger' : "n8n's Webhook node"}: measured`,
			() => {
				const steps = result.steps.filter((s) => s.node === node);
				expect(steps.length > 0, 'no step measured');
				return `highest rate in time: ${highest(steps)}/s`;
			},
		);
	}
	await check(`[${engine}] challenge answered: measured`, () => {
		expect(result.challenge.sent > 0, 'none sent');
		return `p99 ${result.challenge.p99.toFixed(0)} ms (Feishu: < 1 s)`;
	});
}

const highest = (steps) => Math.max(0, ...steps.filter((s) => s.inTime).map((s) => s.rate));

function table(...files) {
	const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
	const fmt = (s) => (s ? `${s.p99.toFixed(0)} / ${s.max.toFixed(0)}${s.inTime ? '' : ' ✗'}` : '—');
	console.log('\nWebhook answers, p99 / max in ms (✗: an answer later than 3 s or not 200)');
	const header = [
		'rate/s',
		...runs.flatMap((r) => [`trigger (${r.engine})`, `Webhook node (${r.engine})`]),
	];
	const rows = runs[0].rates.map((rate) => [
		String(rate),
		...runs.flatMap((r) =>
			['trigger', 'builtin'].map((node) =>
				fmt(r.steps.find((s) => s.node === node && s.rate === rate)),
			),
		),
	]);
	console.log(`| ${header.join(' | ')} |`);
	console.log(`| ${header.map(() => '---').join(' | ')} |`);
	for (const row of rows) console.log(`| ${row.join(' | ')} |`);
	console.log('');
	for (const r of runs) {
		const t = highest(r.steps.filter((s) => s.node === 'trigger'));
		const b = highest(r.steps.filter((s) => s.node === 'builtin'));
		console.log(
			`${r.engine}: Feishu Images Trigger ${t}/s, n8n's Webhook node ${b}/s (ratio ${b ? (t / b).toFixed(2) : 'n/a'}; goal ≥ 0.9); challenge (2/s) p99 ${r.challenge.p99.toFixed(0)} ms, max ${r.challenge.max.toFixed(0)} ms`,
		);
	}
}

if (process.argv[2] === 'run')
	runChecks(() => run(...process.argv.slice(3)), { timeoutMs: 60 * 60_000 });
else runCommand({ fixtures, table });
