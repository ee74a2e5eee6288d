/**
 * The emulator process's calls for issue 17's sources in the real app (test:n8n): a Base table
 * with advanced permissions and one attachment, and the whole-file cap of message resources
 * (code 234037 above it), so a chat file bigger than the cap must come in ranges.
 */
import type { FeishuEmulator } from '../../test/emulator';

export function sourceHandlers(get: () => FeishuEmulator) {
	return {
		/** One record, one attachment field, one attachment; advanced permissions (needs `extra`). */
		addAppBase: (appToken = 'N8nAppBase01', tableId = 'tblN8nApp01') => {
			const table = get().sources.makeBitableTable({
				appToken,
				tableId,
				records: 1,
				attachmentFields: 1,
				advancedPermissions: true,
				seed: 4242,
			});
			return {
				appToken,
				tableId,
				attachments: table.attachments.map((a) => ({
					recordId: a.recordId,
					fieldName: a.fieldName,
					name: a.attachment.name,
					size: a.attachment.size,
					sha256: a.sha256(),
				})),
			};
		},
		/** Message resources bigger than `bytes` answer 234037 to a plain GET; null: Feishu's 100 MB. */
		setMessageResourceCap: (bytes: number | null) => {
			get().sources.ranges.messageResourceCap = bytes ?? 100 * 1024 * 1024;
			return get().sources.ranges.messageResourceCap;
		},
	};
}
