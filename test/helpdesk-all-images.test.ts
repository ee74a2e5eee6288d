/**
 * Helpdesk ticket image → "All Images of the Message": every image of an img or post message.
 */
import { startHarness, ticketImage, type Harness } from './support/feishu';

let h: Harness;
beforeEach(async () => {
	h = await startHarness();
});
afterEach(async () => await h.close());

describe('Helpdesk → all images of a message', () => {
	it('fetches index 0, 1, 2… of a rich-text message until Feishu says out of range', async () => {
		const images = h.emulator.addTicketMessage('tPost', 'mPost', {
			type: 'post',
			images: [{}, {}, {}],
		});
		const result = await h.run(ticketImage('tPost', 'mPost', { allImages: true }));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.imageIndex)).toEqual([0, 1, 2]);
		for (const [i, item] of result.items.entries())
			expect(await result.binaryBuffer(item)).toEqual(images[i]);
	});

	it('an image message has its one image, fetched once', async () => {
		const [image] = h.emulator.addTicketMessage('tImg', 'mImg', { type: 'img', images: [{}] });
		const result = await h.run(ticketImage('tImg', 'mImg', { allImages: true }));
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.imageIndex).toBeUndefined();
		expect(await result.binaryBuffer(result.items[0])).toEqual(image);
		expect(h.emulator.counters.downloads.ticketImage).toBe(1);
	});
});
