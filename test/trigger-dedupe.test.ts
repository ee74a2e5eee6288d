/**
 * One Feishu event, one execution per workflow: Feishu retries for ~7.1 h and may deliver again
 * after a 200, so event IDs are remembered, with the memory bounded by count and by age.
 */
import {
	deduplicationKey,
	forgetWorkflow,
	RECENT_EVENT_AGE_MS,
	RecentIds,
	recentIdsFor,
} from '../nodes/FeishuImagesTrigger/dedupe';

describe('recent event IDs', () => {
	it('the first delivery passes, every redelivery is caught', () => {
		const ids = new RecentIds();
		expect(ids.firstTime('ev_1')).toBe(true);
		expect(ids.firstTime('ev_1')).toBe(false);
		expect(ids.firstTime('ev_2')).toBe(true);
		expect(ids.has('ev_1')).toBe(true);
	});

	it("remembered through Feishu's last retry (6 h after the first of 4 retries ≈ 7.1 h)", () => {
		let now = 0;
		const ids = new RecentIds(100, RECENT_EVENT_AGE_MS, () => now);
		ids.firstTime('ev_1');
		now = 7.2 * 60 * 60 * 1000;
		expect(ids.firstTime('ev_1')).toBe(false);
		now = RECENT_EVENT_AGE_MS + 1;
		expect(ids.firstTime('ev_1')).toBe(true);
	});

	it('old entries go first when the age bound passes', () => {
		let now = 0;
		const ids = new RecentIds(100, 1000, () => now);
		ids.firstTime('a');
		now = 500;
		ids.firstTime('b');
		now = 1200;
		expect(ids.has('a')).toBe(false);
		expect(ids.has('b')).toBe(true);
		expect(ids.size).toBe(1);
	});

	it('memory stays flat: 100,000 inserts keep the size bound, the newest remembered', () => {
		const ids = new RecentIds(1000);
		let passed = 0;
		for (let i = 0; i < 100_000; i++) if (ids.firstTime(`ev_${i}`)) passed++;
		expect(passed).toBe(100_000);
		expect(ids.size).toBe(1000);
		expect(ids.has('ev_99999')).toBe(true);
		expect(ids.has('ev_99000')).toBe(true);
		expect(ids.has('ev_98999')).toBe(false);
	});

	it('100,000 inserts stay fast (O(1) each)', () => {
		const ids = new RecentIds();
		const start = performance.now();
		for (let i = 0; i < 100_000; i++) ids.firstTime(`ev_${i}`);
		expect(performance.now() - start).toBeLessThan(2000);
		expect(ids.size).toBe(20_000);
	});

	it('a forgotten ID passes again (its event never reached n8n)', () => {
		const ids = new RecentIds();
		ids.firstTime('ev_1');
		ids.forget('ev_1');
		expect(ids.firstTime('ev_1')).toBe(true);
		expect(ids.firstTime('ev_1')).toBe(false);
	});

	it('a forgotten and re-offered ID stays remembered when its first slot falls out', () => {
		const ids = new RecentIds(3);
		ids.firstTime('a');
		ids.forget('a');
		ids.firstTime('b');
		ids.firstTime('a');
		ids.firstTime('c'); // the ring is full: the slot of the first 'a' goes
		expect(ids.has('a')).toBe(true);
		expect(ids.firstTime('a')).toBe(false);
		expect(ids.size).toBe(3);
	});
});

describe('per workflow', () => {
	it('each workflow (and a test listen of it) has its own memory', () => {
		expect(recentIdsFor('wf_a', 'trigger').firstTime('ev_1')).toBe(true);
		expect(recentIdsFor('wf_b', 'trigger').firstTime('ev_1')).toBe(true);
		expect(recentIdsFor('wf_a', 'manual').firstTime('ev_1')).toBe(true);
		expect(recentIdsFor('wf_a', 'trigger').firstTime('ev_1')).toBe(false);
		forgetWorkflow('wf_a', 'trigger');
		expect(recentIdsFor('wf_a', 'trigger').firstTime('ev_1')).toBe(true);
	});

	it("n8n's deduplication key names the workflow: n8n keeps it unique across all workflows", () => {
		expect(deduplicationKey('wf_a', 'ev_1')).not.toBe(deduplicationKey('wf_b', 'ev_1'));
		expect(deduplicationKey('wf_a', 'ev_1')).toBe(deduplicationKey('wf_a', 'ev_1'));
		expect(deduplicationKey('wf_a', 'ev_1')).toContain('ev_1');
	});
});
