/**
 * Process-level setup for running nodes in n8n-core. Import this module before anything
 * that constructs n8n-core's DI services: `@n8n/config` reads the environment when a
 * service is first built, and `InstanceSettings` writes `<N8N_USER_FOLDER>/.n8n/config`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Temporary folder of this process (one per jest test file: jest isolates modules per file). */
export const engineTempFolder = mkdtempSync(path.join(tmpdir(), 'n8n-engine-'));

process.env.N8N_USER_FOLDER = engineTempFolder;
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED ??= 'false';
process.env.N8N_TEMPLATES_ENABLED ??= 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

/** Folder the `filesystem` binary data mode writes to. */
export const binaryStoragePath = path.join(engineTempFolder, '.n8n', 'storage');

/** Deletes the temporary folder (call in `afterAll`; no run may follow in this process). */
export function removeEngineTempFolder(): void {
	rmSync(engineTempFolder, { recursive: true, force: true });
}
