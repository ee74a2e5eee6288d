/**
 * Binary data modes. n8n-core's binary helpers call `Container.get(BinaryDataService)` on every
 * use, so each run installs the service instance of its mode into the container:
 * - 'memory': a service that was never `init()`ed: it has no manager, so `store()` keeps the
 *   bytes inline (base64 in `binary.data`, no `id`), as n8n's node tests do.
 * - 'filesystem': a service `init()`ed with mode 'filesystem' (n8n's single-instance default),
 *   writing under `<temp>/.n8n/storage`; binaries get `id: 'filesystem-v2:…'`, `data: 'filesystem-v2'`.
 * Both instances are kept for the life of the process (jest test file), so modes can alternate.
 */
import './env';
import { BinaryDataConfig, BinaryDataService, ErrorReporter } from 'n8n-core';

import { BackendLogger, Container } from './core-deps';
import { binaryStoragePath } from './env';
import { installCapturingLogger } from './logger';

export type BinaryMode = 'memory' | 'filesystem';

const services: Partial<Record<BinaryMode, Promise<BinaryDataService>>> = {};

async function create(mode: BinaryMode): Promise<BinaryDataService> {
	installCapturingLogger();
	const base = Container.get(BinaryDataConfig);
	const errorReporter = Container.get(ErrorReporter);
	const logger = Container.get(BackendLogger);
	if (mode === 'memory') return new BinaryDataService(base, errorReporter, logger);
	// A config of our own, so the process-wide one (env N8N_DEFAULT_BINARY_DATA_MODE ...) does not matter.
	const config: BinaryDataConfig = Object.assign(
		Object.create(Object.getPrototypeOf(base) as object) as BinaryDataConfig,
		base,
		{ mode: 'filesystem', localStoragePath: binaryStoragePath },
	);
	const service = new BinaryDataService(config, errorReporter, logger);
	await service.init();
	return service;
}

/** Makes `mode` the one n8n-core's helpers use from now on; returns its service. */
export async function useBinaryMode(mode: BinaryMode): Promise<BinaryDataService> {
	services[mode] ??= create(mode);
	const service = await services[mode];
	Container.set(BinaryDataService, service);
	return service;
}
