import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { findEndpoint } from '../../FeishuImages/catalogue';
import { storeFile, type StoredFile } from '../../FeishuImages/file/store';
import { mapConcurrent } from '../../FeishuImages/handlers/download-item';
import { buildRequest } from '../../FeishuImages/transport/build-request';
import type { Connection } from '../../FeishuImages/transport/connection';
import type { FeishuContext } from '../../FeishuImages/transport/context';
import { TENANT_CREDENTIAL } from '../../FeishuImages/transport/identity';
import { downloadFile } from '../../FeishuImages/transport/download';
import type { MessageResource, ReceivedMessage } from '../events';
import { DEFAULTS, type TriggerSettings } from '../settings';

/** Message → Download Resource: the one endpoint that serves what users send in chats. */
const MESSAGE_RESOURCE = findEndpoint('messageResource');

/** What went wrong with one file, as the user sees it: Feishu's message, code and log ID. */
export interface FetchFailure {
	error: string;
	code: number | null;
	logId: string | null;
	description?: string;
}

export type FetchedResource =
	| { resource: MessageResource; stored: StoredFile; failure?: undefined }
	| { resource: MessageResource; stored?: undefined; failure: FetchFailure };

export function failureOf(error: unknown): FetchFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const response = (error.errorResponse ?? {}) as IDataObject;
		return {
			error: error.message,
			code: (response.code as number | undefined) ?? null,
			logId: (response.logId as string | undefined) ?? null,
			...(error.description ? { description: error.description } : {}),
		};
	}
	return { error: error instanceof Error ? error.message : String(error), code: null, logId: null };
}

/** A file message's name without its extension: the bytes' MIME type adds the right one. */
function baseName(resource: MessageResource): string {
	if (!resource.fileName) return resource.fileKey;
	const dot = resource.fileName.lastIndexOf('.');
	return dot > 0 ? resource.fileName.slice(0, dot) : resource.fileName;
}

/**
 * Every resource of the message through the package's transport (pacing, the shared tenant
 * token, retries, Feishu's error tables) into n8n's binary store. Never throws: a file that
 * cannot be fetched carries its failure, and the others still arrive.
 */
export async function fetchResources(
	ctx: FeishuContext,
	connection: Connection,
	message: ReceivedMessage,
	settings: TriggerSettings,
): Promise<FetchedResource[]> {
	const transport = {
		retries: settings.retries,
		timeoutMs: settings.timeoutMs,
		rateLimitBudgetMs: 60_000,
		credentialType: TENANT_CREDENTIAL,
	} as const;
	return await mapConcurrent(message.resources, DEFAULTS.concurrency, async (resource) => {
		try {
			const values = {
				messageId: message.messageId,
				fileKey: resource.fileKey,
				resourceType: resource.type,
			};
			const request = buildRequest(MESSAGE_RESOURCE, values, 0, connection);
			const stored = await downloadFile(
				ctx,
				request,
				transport,
				async (answer) =>
					await storeFile(ctx, answer, {
						fallbackBaseName: baseName(resource),
						defaultMimeType: MESSAGE_RESOURCE.defaultMimeType,
					}),
			);
			return { resource, stored };
		} catch (error) {
			return { resource, failure: failureOf(error) };
		}
	});
}
