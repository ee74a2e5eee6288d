/**
 * n8n-core 2.41 ships its own copies of `@n8n/di` (0.17), `@n8n/backend-common`, `@n8n/config`
 * and `@n8n/backend-network` under `node_modules/n8n-core/node_modules/`, while the top level
 * holds other versions (`@n8n/di` 0.16 ...). `@n8n/di` keeps its registry in module scope, so
 * `import { Container } from '@n8n/di'` from here would be a DIFFERENT, empty container.
 * Everything DI-related must be loaded from n8n-core's own dependency tree, as done here.
 */
import './env';
import path from 'node:path';

import type * as DiModule from '@n8n/di';
import type { BinaryDataService } from 'n8n-core';

const coreDir = path.dirname(require.resolve('n8n-core/package.json'));

function requireFromCore<T>(id: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(id, { paths: [coreDir] })) as T;
}

/** n8n-core's DI container (the one its services and helpers use). */
export const Container: typeof DiModule.Container =
	requireFromCore<typeof DiModule>('@n8n/di').Container;

/** n8n-core's `Logger` type (from ITS copy of `@n8n/backend-common`, not the top-level one). */
export type CoreLogger = ConstructorParameters<typeof BinaryDataService>[2];

/** The `Logger` class n8n-core resolves from DI (`this.logger` in node contexts, services). */
export const BackendLogger = requireFromCore<{
	Logger: DiModule.AbstractConstructable<CoreLogger>;
}>('@n8n/backend-common').Logger;
