/** Access tokens the emulator has issued or been told about. */
import { randomBytes } from 'node:crypto';

export type TokenKind = 'tenant' | 'user';

interface TokenRecord {
	kind: TokenKind;
	/** Date.now() from which the token is rejected (Date, so jest fake timers can age it). */
	expiresAt: number;
}

export class TokenStore {
	/** Tenant tokens in issue order. */
	readonly issued: string[] = [];
	private readonly records = new Map<string, TokenRecord>();

	/** A new tenant_access_token, shaped like Feishu's `t-` + 40 characters. */
	issueTenant(ttlSeconds: number): string {
		const token = `t-${randomBytes(20).toString('hex')}`;
		this.records.set(token, { kind: 'tenant', expiresAt: Date.now() + ttlSeconds * 1000 });
		this.issued.push(token);
		return token;
	}

	addUser(token: string, ttlSeconds: number): void {
		this.records.set(token, { kind: 'user', expiresAt: Date.now() + ttlSeconds * 1000 });
	}

	/** The token's kind, or undefined when it is unknown, expired or invalidated. */
	check(token: string): TokenKind | undefined {
		const record = this.records.get(token);
		return record && Date.now() < record.expiresAt ? record.kind : undefined;
	}

	expireAll(): void {
		for (const record of this.records.values()) record.expiresAt = 0;
	}

	invalidate(token: string): void {
		this.records.delete(token);
	}
}
