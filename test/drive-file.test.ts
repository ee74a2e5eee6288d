/**
 * Drive File → Download (issue 17): a file stored in Drive, by token, by its link
 * (…/file/<token>) or by a wiki link whose page is the file; in ranges, at most 5 requests a
 * second, 1061045 (HTTP 200, "can retry") waited out. Through n8n's engine against the emulator.
 */
import { CHUNK_BYTES } from '../nodes/FeishuImages/transport/download';
import { locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

const driveFile = (fileToken: unknown, options: Record<string, unknown> = {}) =>
	({ resource: 'driveFile', operation: 'download', fileToken, options }) as never;
const byUrl = (value: string) => ({ __rl: true, mode: 'url', value });

describe('Drive File → Download', () => {
	it('by token: the file in ranges, its name from Content-Disposition, byte-exact', async () => {
		const size = CHUNK_BYTES + 1234;
		const file = h.emulator.sources.addDriveFile('boxcnReport', {
			size,
			contentType: 'application/pdf',
			fileName: 'report.pdf',
		});
		const result = await h.run(driveFile(locator('boxcnReport')));
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json).toMatchObject({
			resource: 'driveFile',
			fileToken: 'boxcnReport',
			fileName: 'report.pdf',
			mimeType: 'application/pdf',
			fileSize: size,
			sha256: file.sha256(),
		});
		expect(h.emulator.sources.ranges.stats('boxcnReport').ranges).toEqual([
			`bytes=0-${CHUNK_BYTES - 1}`,
			`bytes=${CHUNK_BYTES}-${size - 1}`,
		]);
	});

	it('by link (…/file/<token>)', async () => {
		const bytes = h.emulator.sources.addDriveFile('boxcnLinked');
		const result = await h.run(driveFile(byUrl('https://acme.feishu.cn/file/boxcnLinked')));
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
	});

	it('by a wiki link whose page is a file', async () => {
		const bytes = h.emulator.sources.addDriveFile('boxcnInWiki', { wikiToken: 'wikcnFile' });
		const result = await h.run(driveFile(byUrl('https://acme.feishu.cn/wiki/wikcnFile')));
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
		expect(result.items[0].json).toMatchObject({
			fileToken: 'boxcnInWiki',
			wikiToken: 'wikcnFile',
		});
	});

	it('a wiki link whose page is not a file says what it is', async () => {
		h.emulator.sources.makeBitableTable({
			appToken: 'bascnNotFile',
			tableId: 'tblNotFile',
			records: 0,
			attachmentFields: 1,
			wikiToken: 'wikcnBase',
		});
		const result = await h.run(driveFile(byUrl('https://acme.feishu.cn/wiki/wikcnBase')));
		expect(String(result.error?.message)).toBe('The wiki page is a bitable page, not a Drive file');
	});

	it('12 files at once: never more than 5 requests a second, 1061045 never answered', async () => {
		h.emulator.sources.throttle('driveFile');
		const files = Array.from({ length: 12 }, (_, n) =>
			h.emulator.sources.addDriveFile(`boxcnMany${n}`),
		);
		const result = await h.run(driveFile('={{ $json.token }}', { concurrency: 12 }), {
			items: files.map((_, n) => ({ json: { token: `boxcnMany${n}` } })),
		});
		expect(result.error).toBeUndefined();
		for (const [n, bytes] of files.entries()) {
			expect(await result.binaryBuffer(result.items[n])).toEqual(bytes);
		}
		const refused = h.emulator.sources.ranges.transfers.filter((t) => t.status !== 206);
		expect(refused).toHaveLength(0);
	}, 30_000);

	it('1061045 at HTTP 200 is waited out like a rate limit', async () => {
		const bytes = h.emulator.sources.addDriveFile('boxcnBusy');
		h.emulator.sources.throttle('driveFile', 1, 500);
		// The first request passes the emulator's own bucket; the second, sent at once, does not.
		h.emulator.sources.addDriveFile('boxcnBusy2');
		const result = await h.run(driveFile('={{ $json.token }}', { requestsPerSecond: 50 }), {
			items: [{ json: { token: 'boxcnBusy' } }, { json: { token: 'boxcnBusy2' } }],
		});
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
		const statuses = h.emulator.sources.ranges.transfers.map((t) => t.status);
		expect(statuses).toContain(200);
	}, 30_000);
});
