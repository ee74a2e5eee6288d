/**
 * Run a node inside the real n8n engine (n8n-core's WorkflowExecute) with real request and
 * binary helpers, an in-memory credentials table and captured logs. See run.ts.
 * Needs Node >= 24 (n8n-core 2.x): `npx -y -p node@24 -- npx jest test/engine`.
 */
import './env';

export type { CredentialRecord, CredentialWrite } from './credentials-helper';
export { CredentialStore, PlainCredentials, TestCredentialsHelper } from './credentials-helper';
export type { RunOptions, RunResult } from './run';
export { runNode, getPackageName } from './run';
export type { BinaryMode } from './binary';
export { useBinaryMode } from './binary';
export { CapturingLogger, installCapturingLogger, safeStringify } from './logger';
export { ITEMS_SOURCE_TYPE, ItemsSource, TestNodeTypes } from './node-types';
export { engineTempFolder, removeEngineTempFolder } from './env';
export { OAuth2ApiStandIn } from './oauth2-api';
