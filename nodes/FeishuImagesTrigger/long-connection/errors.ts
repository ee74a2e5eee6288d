/**
 * Why a long connection could not be (re)opened, in the words of the SDKs' code tables
 * (events.md §2.3): terminal failures stop the loop and reach the workflow through emitError;
 * the others are retried with the server's reconnect schedule.
 */
export type FailureKind =
	/** Feishu refused the App ID / App Secret (endpoint code 514, or the handshake's). */
	| 'auth'
	/** Too many connections for this app (1000040350). */
	| 'connectionLimit'
	/** The app is forbidden (403). */
	| 'forbidden'
	/** Anything else Feishu answered with a code the SDKs treat as final. */
	| 'refused'
	/** Network trouble, system busy (1), internal error (1000040343): try again later. */
	| 'transient';

export const ENDPOINT_CODES = {
	ok: 0,
	systemBusy: 1,
	forbidden: 403,
	authFailed: 514,
	internalError: 1000040343,
	connectionLimit: 1000040350,
} as const;

export class LongConnectionFailure extends Error {
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly code?: number,
	) {
		super(message);
	}

	get retryable(): boolean {
		return this.kind === 'transient';
	}
}

/** What a Feishu code means to the reconnect loop, with the message a user can act on. */
export function failureFromCode(
	code: number,
	msg: string,
	authErrorCode?: number,
): LongConnectionFailure {
	const said = `Feishu code ${code}${msg ? `: ${msg}` : ''}`;
	if (code === ENDPOINT_CODES.connectionLimit || authErrorCode === ENDPOINT_CODES.connectionLimit) {
		return new LongConnectionFailure(
			'connectionLimit',
			`Feishu refused the long connection: this app already has as many connections as Feishu allows (${authErrorCode === ENDPOINT_CODES.connectionLimit ? `code ${authErrorCode}` : said}). ` +
				'Stop other clients of the same app (other n8n instances, SDK scripts), or receive events via Webhook.',
			ENDPOINT_CODES.connectionLimit,
		);
	}
	if (code === ENDPOINT_CODES.systemBusy || code === ENDPOINT_CODES.internalError) {
		return new LongConnectionFailure('transient', `Feishu is busy (${said})`, code);
	}
	if (code === ENDPOINT_CODES.authFailed) {
		return new LongConnectionFailure(
			'auth',
			`Feishu refused the App ID or App Secret of the credential for the long connection (${said}). ` +
				'Copy them again from the app\'s "Credentials & Basic Info" page, and check the domain (Feishu or Lark).',
			code,
		);
	}
	if (code === ENDPOINT_CODES.forbidden) {
		return new LongConnectionFailure(
			'forbidden',
			`Feishu forbids this app's long connection (${said}). Long connections are for custom apps (企业自建应用); store apps and some Lark tenants must receive events via Webhook.`,
			code,
		);
	}
	return new LongConnectionFailure(
		'refused',
		`Feishu refused the long connection (${said}). Check that the app is a custom app with "Receive events through persistent connection" chosen, or receive events via Webhook.`,
		code,
	);
}
