/**
 * From validated values to the request (pure, no engine): IDs URL-encoded into the path, the
 * endpoint's fixed query values first, the helpdesk header only where the endpoint needs it.
 */
import { findEndpoint, WIKI_NODE } from '../nodes/FeishuImages/catalogue';
import { buildRequest } from '../nodes/FeishuImages/transport/build-request';

const connection = {
	baseUrl: 'https://open.feishu.cn',
	helpdeskAuthorization: () => 'aGQ6dG9rZW4=',
};

it('puts each path parameter, URL-encoded, into its place', () => {
	const request = buildRequest(
		findEndpoint('messageResource'),
		{ messageId: 'om_1', fileKey: 'a b', resourceType: 'file' },
		0,
		connection,
	);
	expect(request.url).toBe('https://open.feishu.cn/open-apis/im/v1/messages/om_1/resources/a%20b');
	expect(request.qs).toEqual({ type: 'file' });
	expect(request.headers).toEqual({});
});

it("sends a listing's fixed query values and its page token", () => {
	const first = buildRequest(
		findEndpoint('documentBlocks'),
		{ documentId: 'doxcn1' },
		0,
		connection,
	);
	expect(first.url).toBe('https://open.feishu.cn/open-apis/docx/v1/documents/doxcn1/blocks');
	expect(first.qs).toEqual({ page_size: '500', document_revision_id: '-1' });
	const next = buildRequest(
		findEndpoint('documentBlocks'),
		{ documentId: 'doxcn1', pageToken: 'p2' },
		0,
		connection,
	);
	expect(next.qs).toEqual({ page_size: '500', document_revision_id: '-1', page_token: 'p2' });
	expect(buildRequest(WIKI_NODE, { token: 'wikcn1' }, 0, connection).qs).toEqual({
		obj_type: 'wiki',
		token: 'wikcn1',
	});
});

it('adds the helpdesk header to the helpdesk endpoint only', () => {
	const ticket = buildRequest(
		findEndpoint('ticketImage'),
		{ ticketId: 't', messageId: 'm', imageIndex: 2 },
		0,
		connection,
	);
	expect(ticket.headers).toEqual({ 'X-Lark-Helpdesk-Authorization': 'aGQ6dG9rZW4=' });
	expect(ticket.qs).toEqual({ ticket_id: 't', msg_id: 'm', index: '2' });
	expect(
		buildRequest(findEndpoint('whiteboard'), { whiteboardId: 'wb' }, 0, connection).headers,
	).toEqual({});
});
