/** Access tokens, refresh tokens and authorization codes the emulator has issued or been told about. */
import { randomBytes } from 'node:crypto';

export type TokenKind = 'tenant' | 'user';

/** What an access token is worth right now, and the app it was issued to. */
export type TokenState = { kind: TokenKind; expired: boolean; appId: string };

interface TokenRecord {
	kind: TokenKind;
	appId: string;
	/** Date.now() from which the token is rejected (Date, so jest fake timers can age it). */
	expiresAt: number;
}

export class TokenStore {
	/** Tenant tokens in issue order. */
	readonly issued: string[] = [];
	/** User tokens issued by the OAuth endpoint, in issue order. */
	readonly issuedUser: string[] = [];
	private readonly records = new Map<string, TokenRecord>();

	/** A new tenant_access_token, shaped like Feishu's `t-` + 40 characters. */
	issueTenant(ttlSeconds: number, appId: string): string {
		const token = `t-${randomBytes(20).toString('hex')}`;
		this.records.set(token, { kind: 'tenant', appId, expiresAt: Date.now() + ttlSeconds * 1000 });
		this.issued.push(token);
		return token;
	}

	/** A new user_access_token, shaped like Feishu's `u-` + 40 characters. */
	issueUser(ttlSeconds: number, appId: string): string {
		const token = `u-${randomBytes(20).toString('hex')}`;
		this.addUser(token, ttlSeconds, appId);
		this.issuedUser.push(token);
		return token;
	}

	addUser(token: string, ttlSeconds: number, appId: string): void {
		this.records.set(token, { kind: 'user', appId, expiresAt: Date.now() + ttlSeconds * 1000 });
	}

	/** undefined when the token is unknown or invalidated; otherwise its kind and whether it expired. */
	lookup(token: string): TokenState | undefined {
		const record = this.records.get(token);
		return (
			record && { kind: record.kind, expired: Date.now() >= record.expiresAt, appId: record.appId }
		);
	}

	expireAll(): void {
		for (const record of this.records.values()) record.expiresAt = 0;
	}

	invalidate(token: string): boolean {
		return this.records.delete(token);
	}
}

interface GrantRecord {
	scope: string;
	expiresAt: number;
}

interface CodeRecord extends GrantRecord {
	redirectUri: string | undefined;
}

/** The OAuth side: single-use authorization codes and refresh tokens (rotated on every use). */
export class OAuthGrants {
	/** Refresh tokens in issue order. */
	readonly issuedRefresh: string[] = [];
	/** Codes handed out by the consent page, in issue order. */
	readonly issuedCodes: string[] = [];
	private readonly codes = new Map<string, CodeRecord>();
	private readonly refresh = new Map<string, GrantRecord>();

	addCode(code: string, scope: string, redirectUri: string | undefined, ttlSeconds: number): void {
		this.codes.set(code, { scope, redirectUri, expiresAt: Date.now() + ttlSeconds * 1000 });
	}

	/** A new authorization code, as the consent page hands one out. */
	issueCode(scope: string, redirectUri: string, ttlSeconds: number): string {
		const code = `code-${randomBytes(16).toString('hex')}`;
		this.addCode(code, scope, redirectUri, ttlSeconds);
		this.issuedCodes.push(code);
		return code;
	}

	/** The live record of `code`, without using it up. */
	peekCode(code: string): CodeRecord | undefined {
		const record = this.codes.get(code);
		return record && Date.now() < record.expiresAt ? record : undefined;
	}

	useCode(code: string): void {
		this.codes.delete(code);
	}

	/** A new refresh token, shaped `ur-` + 40 characters. */
	issueRefresh(scope: string, ttlSeconds: number): string {
		const token = `ur-${randomBytes(20).toString('hex')}`;
		this.refresh.set(token, { scope, expiresAt: Date.now() + ttlSeconds * 1000 });
		this.issuedRefresh.push(token);
		return token;
	}

	/** The live record of a refresh token, without using it up. */
	peekRefresh(token: string): GrantRecord | undefined {
		const record = this.refresh.get(token);
		return record && Date.now() < record.expiresAt ? record : undefined;
	}

	useRefresh(token: string): void {
		this.refresh.delete(token);
	}

	expireAllRefresh(): void {
		for (const record of this.refresh.values()) record.expiresAt = 0;
	}
}
