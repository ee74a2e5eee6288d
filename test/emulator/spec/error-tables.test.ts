/** The error tables: every documented code, its status and message, on the wire. */
import {
	DOCX_ERRORS,
	DRIVE_MEDIA_ERRORS,
	FILE_ENDPOINTS,
	LINGO_ERRORS,
	MESSAGE_RESOURCE_ERRORS,
	WIKI_ERRORS,
} from '..';
import type { DownloadEndpoint } from '..';
import { DRIVE, expectError, useEmulator, WB } from './support';

describe('error tables', () => {
	const ctx = useEmulator();
	const paths: Record<DownloadEndpoint, string> = {
		whiteboard: WB('wb1'),
		messageImage: '/open-apis/im/v1/images/img_1',
		ticketImage: '/open-apis/helpdesk/v1/ticket_images?ticket_id=t&msg_id=m',
		baikeFile: '/open-apis/baike/v1/files/box1/download',
		lingoFile: '/open-apis/lingo/v1/files/box1/download',
		messageResource: '/open-apis/im/v1/messages/om_1/resources/f1?type=file',
		driveMedia: DRIVE('box1'),
		driveFile: '/open-apis/drive/v1/files/box1/download',
	};

	const rows = Object.values(FILE_ENDPOINTS).flatMap((spec) =>
		Object.values(spec.errors).map((e) => [spec.name, e.code, e.httpStatus, e.msg] as const),
	);
	it.each(rows)('%s answers %d at HTTP %d with its msg', async (endpoint, code, status, msg) => {
		ctx.emu.injectFault({ kind: 'error', code }, { endpoint });
		expect((await expectError(await ctx.get(paths[endpoint]), status, code)).msg).toBe(msg);
	});

	it('message resources have their own table: 234003 is "File not in message.", no 234007', () => {
		expect(Object.keys(MESSAGE_RESOURCE_ERRORS).map(Number)).toEqual([
			230110, 234001, 234002, 234003, 234004, 234009, 234019, 234037, 234038, 234040, 234041,
			234042, 234043,
		]);
		expect(MESSAGE_RESOURCE_ERRORS[234003]).toMatchObject({
			httpStatus: 400,
			msg: 'File not in message.',
		});
		expect(MESSAGE_RESOURCE_ERRORS[234002]?.httpStatus).toBe(401);
	});

	it('docx, Lingo and wiki codes as the 2026 pages give them; drive media documents none', () => {
		const statuses = (t: Readonly<Record<number, { httpStatus: number }>>) =>
			Object.fromEntries(Object.entries(t).map(([code, e]) => [code, e.httpStatus]));
		expect(statuses(DOCX_ERRORS)).toEqual({
			1770001: 400,
			1770002: 404,
			1770003: 400,
			1770022: 400,
			1770032: 403,
			1771001: 500,
			1771002: 500,
			1771003: 500,
			1771004: 500,
			1771005: 503,
		});
		expect(statuses(LINGO_ERRORS)).toEqual({ 2250001: 400, 2250002: 500 });
		expect(statuses(WIKI_ERRORS)).toMatchObject({ 131005: 400, 131006: 400 });
		expect(DRIVE_MEDIA_ERRORS).toEqual({});
	});

	it('a code can come at another status than its documented one (HTTP 500 carrying 234002)', async () => {
		ctx.emu.injectFault(
			{ kind: 'error', code: 234002, status: 500 },
			{ endpoint: 'messageResource' },
		);
		expect((await expectError(await ctx.get(paths.messageResource), 500, 234002)).msg).toBe(
			'Unauthorized.',
		);
	});
});
