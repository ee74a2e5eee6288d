/**
 * An in-memory stand-in for n8n's credentials table and for n8n's `CredentialsHelper`
 * (n8n/packages/cli/src/credentials-helper.ts), which n8n-core calls through
 * `additionalData.credentialsHelper`. It mirrors what the real one does for the paths a
 * community node uses: decrypt (here: copy) + defaults + expressions, `preAuthentication`
 * with persistence of the refreshed token, and generic/function `authenticate`.
 * Left out: encryption, OAuth overwrites, external secrets, dynamic credentials, policies.
 */
import './env';
import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IGetDecryptedCredentialsOptions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import * as workflowLib from 'n8n-workflow';
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	isExpression,
} from 'n8n-workflow';

export interface CredentialRecord {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface CredentialWrite {
	id: string;
	type: string;
	data: ICredentialDataDecryptedObject;
	source: 'preAuthentication' | 'updateCredentials' | 'updateCredentialsOauthTokenData';
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The "credentials table". Share one store between runs to observe token persistence the way
 * n8n's database shares it between executions.
 */
export class CredentialStore {
	private readonly records = new Map<string, CredentialRecord>();

	/** How many times `preAuthentication` results were persisted. */
	updates = 0;

	/** Every write made through the credentials helper, oldest first (copies). */
	readonly writes: CredentialWrite[] = [];

	constructor(records: CredentialRecord[]) {
		for (const record of records) this.records.set(record.id, clone(record));
	}

	/** The stored record itself (live object: read it to see what was persisted). Throws if unknown. */
	get(id: string): CredentialRecord {
		const record = this.records.get(id);
		if (!record) throw new Error(`Credential with ID "${id}" does not exist`);
		return record;
	}

	/** Test setup: replace a record's data (e.g. plant an expired token). Not counted in `updates`. */
	set(id: string, data: ICredentialDataDecryptedObject): void {
		this.get(id).data = clone(data);
	}

	/** What n8n's DB lookup does: by id AND type; a copy, re-read on every call. */
	read(nodeCredentials: INodeCredentialsDetails, type: string): CredentialRecord {
		if (!nodeCredentials.id) {
			throw new UserError(
				`Credential "${nodeCredentials.name}" of type "${type}" has no ID (CredentialMissingIdError)`,
			);
		}
		const record = this.records.get(nodeCredentials.id);
		if (!record || record.type !== type) {
			throw new UserError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}". (CredentialNotFoundError)`,
			);
		}
		return clone(record);
	}

	write(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
		source: CredentialWrite['source'],
	): void {
		const record = this.read(nodeCredentials, type);
		this.get(record.id).data = clone(data);
		this.writes.push({ id: record.id, type, data: clone(data), source });
		if (source === 'preAuthentication') this.updates++;
	}
}

/**
 * `ICredentials` without encryption. (n8n-core's `Credentials` needs an encryption key
 * provider to be configured: "Encryption key provider is not configured".)
 */
export class PlainCredentials extends ICredentials {
	private decrypted: ICredentialDataDecryptedObject;

	constructor(
		details: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		super(details, type);
		this.decrypted = clone(data);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return clone(this.decrypted);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.decrypted) };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.decrypted = clone(data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const next: ICredentialDataDecryptedObject = { ...this.decrypted };
		for (const [key, value] of Object.entries(toUpdate)) if (value !== undefined) next[key] = value;
		for (const key of toDelete) delete next[key];
		this.decrypted = next;
	}
}

/** Same as n8n's `restrictToCredentialDomains`: preAuthentication only gets `httpRequest`. */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions): Promise<unknown> => {
				// n8n-workflow 1.x (scripts/compat-n8n1.sh) has no credential-owned domains.
				const allowedDomains = workflowLib.getCredentialOwnRequestAllowedDomains?.(credentials);
				if (allowedDomains === undefined) {
					return await helpers.helpers.httpRequest(requestOptions);
				}
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	} as IHttpRequestHelper;
}

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const emptyNodeTypes: INodeTypes = {
	getByName: () => undefined as unknown as INodeType | IVersionedNodeType,
	getByNameAndVersion: () => undefined as unknown as INodeType,
	getKnownTypes: () => ({}),
};

export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		readonly store: CredentialStore,
		credentialTypes: ICredentialType[],
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	getCredentialType(typeName: string): ICredentialType {
		const type = this.types.get(typeName);
		if (!type) {
			throw new UnexpectedError(
				`Unknown credential type "${typeName}" (not passed in credentialTypes)`,
			);
		}
		return type;
	}

	/** As n8n: the types a credential extends, transitively (e.g. ['oAuth2Api'] for an OAuth2 credential). */
	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		const supported = type.supportedNodes ?? [];
		return supported.includes(nodeType) || supported.some((n) => nodeType.endsWith(`.${n}`));
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const typeData = this.getCredentialType(type);
		if (typeData.extends === undefined) return typeData.properties;
		const combined: INodeProperties[] = [];
		for (const parent of typeData.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, typeData.properties);
		return combined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<PlainCredentials> {
		const record = this.store.read(nodeCredentials, type);
		return new PlainCredentials({ id: record.id, name: record.name }, record.type, record.data);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
		_options?: IGetDecryptedCredentialsOptions,
	): Promise<ICredentialDataDecryptedObject> {
		const original = this.store.read(nodeCredentials, type).data;
		if (raw === true) return original;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			original,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** As n8n: add the type's defaults (drops undeclared keys!) and resolve `=` expressions. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		original: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let decrypted = (NodeHelpers.getNodeParameters(
			properties,
			clone(original) as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;

		for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (decrypted[key] === undefined && original[key] !== undefined)
				decrypted[key] = original[key];
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decrypted = expressionResolveValues.workflow.expression.getParameterValue(
					decrypted as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: emptyNodeTypes,
			});
			decrypted = workflow.expression.getComplexParameterValue(
				mockNode,
				decrypted as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.write(nodeCredentials, type, data, 'updateCredentials');
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
		_additionalData: IWorkflowExecuteAdditionalData,
	): Promise<void> {
		const stored = this.store.read(nodeCredentials, type).data;
		this.store.write(
			nodeCredentials,
			type,
			{ ...stored, oauthTokenData: data.oauthTokenData },
			'updateCredentialsOauthTokenData',
		);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const credentialType = this.getCredentialType(typeName);
		const { authenticate } = credentialType;

		if (authenticate) {
			if (typeof authenticate === 'function') {
				return await authenticate(credentials, requestOptions as IHttpRequestOptions);
			}
			if (typeof authenticate === 'object') {
				if (!workflow || !node) {
					throw new UnexpectedError(
						'Workflow and node are required for declarative credential authentication',
					);
				}
				if (requestOptions.headers === undefined) requestOptions.headers = {};
				if (authenticate.type === 'generic') {
					const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
					for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
						for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
							const keyResolved = this.resolveValue(
								key,
								{ $credentials: credentials },
								workflow,
								node,
							);
							const valueResolved = this.resolveValue(
								value,
								{ $credentials: credentials },
								workflow,
								node,
							);
							if (!target[outerKey]) target[outerKey] = {};
							target[outerKey][keyResolved] = valueResolved;
						}
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** n8n's resolveValue: the expression goes through the workflow's real expression engine. */
	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';

		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials) {
			const output = (await credentialType.preAuthentication.call(
				restrictToCredentialDomains(helpers, credentials),
				credentials,
			)) as ICredentialDataDecryptedObject;
			if (output[expirableProperty.name] === undefined) return undefined;

			if (node.credentials) {
				const nodeCredentials = node.credentials[credentialType.name];
				// As n8n: merge into the RAW stored data; a field stored as an expression keeps
				// its expression (only the expirable property is always overwritten).
				const storedData = this.store.read(nodeCredentials, credentialType.name).data;
				const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
				for (const [key, value] of Object.entries(output)) {
					if (key === expirableProperty.name || !isExpression(storedData[key])) {
						dataToPersist[key] = value;
					}
				}
				this.store.write(nodeCredentials, credentialType.name, dataToPersist, 'preAuthentication');
				return Object.assign(credentials, output);
			}
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = (await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		)) as ICredentialDataDecryptedObject | undefined;
		return output ?? undefined;
	}
}
