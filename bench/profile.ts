/**
 * `--profile=DIR`: a V8 CPU profile of each timed run in phase 1 (inspector, sampling every
 * 100 µs, started and stopped around the run only, so no start-up or warm-up is in it),
 * written as DIR/<client>-<run>.cpuprofile (open in Chrome DevTools), plus where the time
 * went per client as a table of µs per item by kind of work.
 */
import { Session } from 'node:inspector/promises';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

let session: Session | undefined;

export async function startProfile(): Promise<void> {
	if (!session) {
		session = new Session();
		session.connect();
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', { interval: 100 });
	}
	await session.post('Profiler.start');
}

export async function stopProfile(): Promise<CpuProfile> {
	if (!session) throw new Error('profiler not started');
	const { profile } = await session.post('Profiler.stop');
	return profile as unknown as CpuProfile;
}

/**
 * The kind of work a sample was doing: decided by the frame nearest the leaf that belongs to
 * a known package or project file (so socket and fs work counts for whoever asked for it).
 */
const KINDS: Array<[string, RegExp]> = [
	['Feishu node: pacer', /nodes\/FeishuImages\/transport\/pacer\.ts/],
	['Feishu node: token gate', /nodes\/FeishuImages\/transport\/token-gate\.ts/],
	['Feishu node: other code', /\/nodes\/FeishuImages\/|\/credentials\//],
	[
		'n8n expressions (workflow data proxy, luxon, tournament)',
		/n8n-workflow\/dist\/cjs\/(expression|workflow-data-proxy|workflow-expression|extensions\/|expression-)|node_modules\/(luxon|@n8n\/tournament|esprima-next|recast|ast-types|jmespath|js-base64|@n8n\/expression)/,
	],
	[
		'n8n binary data (prepareBinaryData, store)',
		/n8n-core\/dist\/(binary-data|execution-engine\/node-execution-context\/utils\/binary-helper)|@n8n\/blob-storage/,
	],
	[
		'n8n HTTP stack (request helpers, axios, agents)',
		/n8n-core\/dist\/execution-engine\/node-execution-context\/utils\/request-helpers|@n8n\/backend-network|node_modules\/(axios|follow-redirects|proxy-from-env|form-data|combined-stream|mime-types)\//,
	],
	[
		'credentials (getCredentials, authenticate)',
		/test\/engine\/credentials-helper\.ts|n8n-core\/dist\/credentials/,
	],
	['n8n engine (WorkflowExecute, contexts)', /node_modules\/(n8n-core|n8n-workflow|@n8n)\//],
	['benchmark harness (test/engine, bench)', /\/test\/engine\/|\/bench\//],
];

const SPECIAL = new Map([
	['(garbage collector)', 'garbage collection'],
	['(idle)', 'idle (waiting for I/O)'],
	['(program)', 'V8 / native (unattributed)'],
]);

export function breakdown(profile: CpuProfile): Map<string, number> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const kindOf = new Map<number, string>();
	const classify = (id: number): string => {
		const cached = kindOf.get(id);
		if (cached) return cached;
		const node = byId.get(id);
		let kind: string | undefined = node ? SPECIAL.get(node.callFrame.functionName) : undefined;
		for (let cur: number | undefined = id; !kind && cur !== undefined; cur = parent.get(cur)) {
			const url = byId.get(cur)?.callFrame.url ?? '';
			kind = KINDS.find(([, pattern]) => pattern.test(url))?.[0];
		}
		kind ??= 'Node.js core (sockets, HTTP parser, streams, timers)';
		kindOf.set(id, kind);
		return kind;
	};
	const totals = new Map<string, number>();
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = profile.timeDeltas[i + 1] ?? 0;
		const kind = classify(profile.samples[i]);
		totals.set(kind, (totals.get(kind) ?? 0) + dt / 1000);
	}
	return totals;
}
