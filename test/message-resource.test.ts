/**
 * Message → Download Resource: images and files that users sent in chats.
 */
import { locator, startHarness, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

describe('Message → Download Resource', () => {
	it('downloads an image a user sent, with type=image', async () => {
		const bytes = h.emulator.addMessageResource('om_user_msg', 'img_v3_user', {
			type: 'image',
			contentType: 'image/png',
		});
		const result = await h.run({
			resource: 'message',
			operation: 'downloadResource',
			messageId: locator('om_user_msg'),
			fileKey: locator('img_v3_user'),
			resourceType: 'image',
		} as never);
		expect(result.error).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(bytes);
		expect(result.items[0].json).toMatchObject({
			messageId: 'om_user_msg',
			fileKey: 'img_v3_user',
			resourceType: 'image',
		});
		expect(h.emulator.requestLog.at(-1)?.url).toBe(
			'/open-apis/im/v1/messages/om_user_msg/resources/img_v3_user?type=image',
		);
	});

	it('the 234008 of the image endpoint points to this operation', async () => {
		h.emulator.addMessageImage('img_from_user', { uploadedByApp: false });
		const result = await h.run({
			resource: 'messageImage',
			operation: 'download',
			imageKey: locator('img_from_user'),
		} as never);
		expect((result.error as unknown as { description: string }).description).toMatch(
			/Message → Download Resource/,
		);
	});
});
