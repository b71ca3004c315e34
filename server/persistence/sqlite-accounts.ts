/**
 * AccountStore on the embedded SQLite file: reads on the store's main connection, every
 * write an operation of the writer thread (sqlite-account-writes.mjs), like the directory's.
 */
import type Database from 'better-sqlite3';
import type {
  AccountRecord,
  AccountStore,
  Authenticated,
  CredentialKind,
  CredentialRecord,
  LinkedAccount,
  NewAccount,
  NewCredential,
  RevokeFilter,
  UserAuditEntry,
} from './store.js';

type Row = Record<string, unknown>;
/** Runs one write in the writer thread and returns its result. */
type WriterOp = <T>(op: string, ...args: unknown[]) => Promise<T>;

const toAccount = (r: Row): AccountRecord => ({
  id: r.id as string,
  name: r.name as string,
  createdAt: r.created_at as number,
  email: (r.email as string | null) ?? null,
  avatarColor: (r.avatar_color as string | null) ?? null,
  passwordHash: (r.password_hash as string | null) ?? null,
  emailVerified: r.email_verified === 1,
  claimedAt: (r.claimed_at as number | null) ?? null,
});

const toCredential = (r: Row): CredentialRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  kind: r.kind as CredentialKind,
  name: (r.name as string | null) ?? null,
  createdAt: r.created_at as number,
  expiresAt: (r.expires_at as number | null) ?? null,
  revokedAt: (r.revoked_at as number | null) ?? null,
  lastUsedAt: (r.last_used_at as number | null) ?? null,
  sharedComputer: r.shared_computer === 1,
  userAgent: (r.user_agent as string | null) ?? null,
});

export class SqliteAccounts implements AccountStore {
  readonly #write: WriterOp;
  readonly #stmts;

  constructor(db: Database.Database, write: WriterOp) {
    this.#write = write;
    this.#stmts = {
      userById: db.prepare('SELECT * FROM users WHERE id = ?'),
      userByEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
      authenticate: db.prepare(
        `SELECT u.id, u.name, u.created_at, u.email, u.avatar_color, c.id AS cid, c.kind, c.expires_at, c.shared_computer
         FROM credentials c JOIN users u ON u.id = c.user_id
         WHERE c.hash = ? AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > ?)`,
      ),
      listCredentials: db.prepare(
        `SELECT * FROM credentials WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY created_at, id`,
      ),
      listUserAudit: db.prepare(
        'SELECT user_id, at, actor, action, detail FROM user_audit WHERE user_id = ? ORDER BY seq DESC LIMIT ?',
      ),
      resetUser: db.prepare('SELECT user_id FROM password_resets WHERE hash = ? AND used_at IS NULL AND expires_at > ?'),
      inviteIsLive: db.prepare(
        `SELECT 1 FROM invites WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
         AND (max_uses IS NULL OR uses < max_uses)`,
      ),
    };
  }

  createUser(user: NewAccount, credential: NewCredential | null): Promise<'ok' | 'email_taken'> {
    return this.#write('createAccount', user, credential);
  }

  async userById(id: string): Promise<AccountRecord | null> {
    const r = this.#stmts.userById.get(id) as Row | undefined;
    return r ? toAccount(r) : null;
  }

  async userByEmail(email: string): Promise<AccountRecord | null> {
    const r = this.#stmts.userByEmail.get(email) as Row | undefined;
    return r ? toAccount(r) : null;
  }

  async authenticate(hash: string, now: number): Promise<Authenticated | null> {
    const r = this.#stmts.authenticate.get(hash, now) as Row | undefined;
    if (!r) return null;
    const credential: Authenticated['credential'] = { id: r.cid as string, kind: r.kind as CredentialKind, sharedComputer: r.shared_computer === 1 };
    if (r.expires_at !== null) credential.expiresAt = r.expires_at as number;
    return {
      user: { id: r.id as string, name: r.name as string, createdAt: r.created_at as number, email: (r.email as string | null) ?? null, avatarColor: (r.avatar_color as string | null) ?? null },
      credential,
    };
  }

  addCredential(c: NewCredential, now: number, max: number, whenFull: 'evict' | 'refuse'): Promise<string[] | null> {
    return this.#write('addCredential', c, now, max, whenFull);
  }

  touchCredentials(touches: Array<[id: string, at: number]>): Promise<void> {
    return this.#write('touchCredentials', touches);
  }

  async listCredentials(userId: string, now: number): Promise<CredentialRecord[]> {
    return (this.#stmts.listCredentials.all(userId, now) as Row[]).map(toCredential);
  }

  revokeCredentials(userId: string, now: number, filter: RevokeFilter = {}): Promise<string[]> {
    return this.#write('revokeCredentials', userId, now, filter);
  }

  updateProfile(userId: string, patch: { name?: string; avatarColor?: string | null }): Promise<void> {
    return this.#write('updateProfile', userId, patch);
  }

  setPasswordHash(userId: string, hash: string): Promise<void> {
    return this.#write('setPasswordHash', userId, hash);
  }

  claim(userId: string, email: string, passwordHash: string, now: number): Promise<'ok' | 'already_claimed' | 'email_taken'> {
    return this.#write('claimAccount', userId, email, passwordHash, now);
  }

  async linkVerifiedEmail(email: string, user: NewAccount, now: number): Promise<LinkedAccount> {
    const r = await this.#write<{ id: string; created: boolean; revoked: string[] }>('linkVerifiedEmail', email, user, now);
    const account = await this.userById(r.id);
    if (!account) throw new Error(`linked account ${r.id} is gone`);
    return { account, created: r.created, revoked: r.revoked };
  }

  createPasswordReset(hash: string, userId: string, now: number, expiresAt: number): Promise<void> {
    return this.#write('createPasswordReset', hash, userId, now, expiresAt);
  }

  async resetUser(hash: string, now: number): Promise<string | null> {
    const r = this.#stmts.resetUser.get(hash, now) as { user_id: string } | undefined;
    return r?.user_id ?? null;
  }

  usePasswordReset(hash: string, now: number, passwordHash: string): Promise<{ userId: string; revoked: string[] } | null> {
    return this.#write('usePasswordReset', hash, now, passwordHash);
  }

  addUserAudit(entry: UserAuditEntry): Promise<void> {
    return this.#write('addUserAudit', entry);
  }

  async listUserAudit(userId: string, limit: number): Promise<UserAuditEntry[]> {
    const rows = this.#stmts.listUserAudit.all(userId, limit) as Row[];
    return rows.reverse().map((r) => ({
      userId: r.user_id as string,
      at: r.at as number,
      actor: r.actor as string,
      action: r.action as string,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
    }));
  }

  async inviteIsLive(tokenHash: string, now: number): Promise<boolean> {
    return this.#stmts.inviteIsLive.get(tokenHash, now) !== undefined;
  }
}
