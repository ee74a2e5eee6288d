/**
 * The `extra` query of drive media's download for a Base attachment (big-files-and-more-sources.md
 * §4.4, Feishu's 素材概述 "下载多维表格中的素材"): Bases with advanced permissions (高级权限) answer
 * 403/400 without it. The documented shape, serialized to a string:
 *
 *   {"bitablePerm":{"tableId":"<table_id>","attachments":{"<field_id>":{"<record_id>":["<file_token>"]}}}}
 *
 * `attachments` is keyed by field ID (not name), then record ID, each holding file tokens. The
 * cell's own `url` carries a rev-only form without `attachments`; the documented form is used.
 */

export interface AttachmentRef {
	fieldId: string;
	recordId: string;
	fileToken: string;
}

export interface BitablePermExtra {
	bitablePerm: {
		tableId: string;
		attachments: Record<string, Record<string, string[]>>;
	};
}

/** The `extra` object for these attachments of one table (duplicates once, first-seen order). */
export function bitablePermExtra(tableId: string, refs: AttachmentRef[]): BitablePermExtra {
	const attachments: Record<string, Record<string, string[]>> = {};
	for (const { fieldId, recordId, fileToken } of refs) {
		const byRecord = (attachments[fieldId] ??= {});
		const tokens = (byRecord[recordId] ??= []);
		if (!tokens.includes(fileToken)) tokens.push(fileToken);
	}
	return { bitablePerm: { tableId, attachments } };
}

/**
 * The `extra` value as the request's query carries it: the JSON string. n8n's request helper
 * URL-encodes query values (`qs`) once; a URL built by hand takes `extraQueryParameter`.
 */
export function extraValue(tableId: string, refs: AttachmentRef[]): string {
	return JSON.stringify(bitablePermExtra(tableId, refs));
}

/** `extra=<URL-encoded JSON>`, for a URL written out whole (as the cell's `url` is). */
export function extraQueryParameter(tableId: string, refs: AttachmentRef[]): string {
	return `extra=${encodeURIComponent(extraValue(tableId, refs))}`;
}
