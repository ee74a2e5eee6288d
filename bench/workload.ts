/**
 * What the benchmark runs on the client side: the Feishu Images node inside n8n-core's
 * WorkflowExecute (test/engine, exactly as the specs run it), and the plain-axios reference.
 */
import axios from 'axios';
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { FeishuApi } from '../credentials/FeishuApi.credentials';
import { FeishuImages } from '../nodes/FeishuImages/FeishuImages.node';
import { CredentialStore, runNode, type BinaryMode, type RunResult } from '../test/engine';

export interface EmulatorInfo {
	baseUrl: string;
	appId: string;
	appSecret: string;
	helpdeskId: string;
	helpdeskToken: string;
}

let credentialCount = 0;

/** A Feishu API credential with no token yet, in a store of its own, under a fresh ID (fresh token gate and pacer). */
export class Credential {
	readonly id = `bench-${process.pid}-${++credentialCount}`;
	readonly store: CredentialStore;

	constructor(info: EmulatorInfo) {
		this.store = new CredentialStore([
			{
				id: this.id,
				name: 'Feishu bench app',
				type: 'feishuApi',
				data: {
					domain: 'custom',
					customBaseUrl: info.baseUrl,
					appId: info.appId,
					appSecret: info.appSecret,
					helpdeskId: info.helpdeskId,
					helpdeskToken: info.helpdeskToken,
					tenantAccessToken: '',
				},
			},
		]);
	}
}

export interface NodeRun {
	result: RunResult;
	wallMs: number;
	cpuMs: number;
	/** Output items that carry a binary (the others are Continue-On-Fail error items). */
	ok: number;
	failed: number;
}

/** One execution of the node (default: Feishu Images) over `items` in the engine. */
export async function runFeishuNode(
	credential: Credential,
	parameters: INodeParameters,
	items: INodeExecutionData[],
	extra: { binaryMode?: BinaryMode; continueOnFail?: boolean; nodeType?: INodeType } = {},
): Promise<NodeRun> {
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const result = await runNode({
		nodeType: extra.nodeType ?? new FeishuImages(),
		credentialTypes: [new FeishuApi()],
		parameters,
		credentials: { feishuApi: { id: credential.id, name: 'Feishu bench app' } },
		store: credential.store,
		items,
		continueOnFail: extra.continueOnFail ?? true,
		binaryMode: extra.binaryMode ?? 'memory',
	});
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	const ok = result.items.filter((item) => item.binary?.data).length;
	const failed = result.error ? items.length - ok : result.items.length - ok;
	return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ok, failed };
}

/** The error of a run, in one line, for the report. */
export function describeFailure(run: NodeRun): string | undefined {
	if (run.result.error) return run.result.error.message;
	const first = run.result.items.find((item) => !item.binary?.data);
	return first ? String(first.json.error) : undefined;
}

export async function fetchToken(info: EmulatorInfo): Promise<string> {
	const response = await axios.post<{ code: number; tenant_access_token: string }>(
		`${info.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`,
		{ app_id: info.appId, app_secret: info.appSecret },
	);
	if (response.data.code !== 0)
		throw new Error(`token endpoint answered code ${response.data.code}`);
	return response.data.tenant_access_token;
}

export interface AxiosRun {
	wallMs: number;
	cpuMs: number;
	ok: number;
	bytes: number;
}

/**
 * The reference: the same URLs, the same concurrency, a plain axios GET each into a Buffer
 * (token fetched once up front, not timed). Axios defaults, i.e. Node's global agent, which
 * keeps connections alive on Node >= 19 — as n8n's request helper does.
 */
export async function runAxiosLoop(
	urls: string[],
	token: string,
	concurrency: number,
): Promise<AxiosRun> {
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	let next = 0;
	let ok = 0;
	let bytes = 0;
	const worker = async () => {
		while (next < urls.length) {
			const url = urls[next++];
			const response = await axios.get<ArrayBuffer>(url, {
				responseType: 'arraybuffer',
				headers: { Authorization: `Bearer ${token}` },
			});
			const body = Buffer.from(response.data);
			if (response.status === 200 && body.length > 0) ok++;
			bytes += body.length;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ok, bytes };
}
