/**
 * Accounts and credentials on PostgreSQL (cluster mode): the same contract as the embedded
 * store's (`AccountStore`, tests/helpers/store-contract.ts). Read-check-write steps run in
 * one transaction with the rows they decide on locked (the user's row for its credentials,
 * the reset's row for its one use), so two processes cannot both pass a check.
 */
import type pg from 'pg';
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
} from '../store.js';
import { inTransaction } from './pg-pool.js';

type Row = Record<string, unknown>;
type Q = Pick<pg.PoolClient, 'query'>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Entries of a person's audit log kept; older ones go as new ones come (as embedded). */
const USER_AUDIT_KEPT = 1000;
const UNIQUE_VIOLATION = '23505';

const toAccount = (r: Row): AccountRecord => ({
  id: r.id as string,
  name: r.name as string,
  createdAt: num(r.created_at),
  email: (r.email as string | null) ?? null,
  avatarColor: (r.avatar_color as string | null) ?? null,
  passwordHash: (r.password_hash as string | null) ?? null,
  emailVerified: r.email_verified === true,
  claimedAt: numOrNull(r.claimed_at),
});

const toCredential = (r: Row): CredentialRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  kind: r.kind as CredentialKind,
  name: (r.name as string | null) ?? null,
  createdAt: num(r.created_at),
  expiresAt: numOrNull(r.expires_at),
  revokedAt: numOrNull(r.revoked_at),
  lastUsedAt: numOrNull(r.last_used_at),
  sharedComputer: r.shared_computer === true,
  userAgent: (r.user_agent as string | null) ?? null,
});

const LIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)';

async function insertUser(c: Q, u: NewAccount): Promise<void> {
  await c.query(
    `INSERT INTO users (id, name, created_at, email, password_hash, avatar_color, email_verified, claimed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [u.id, u.name, u.createdAt, u.email, u.passwordHash, u.avatarColor, u.emailVerified, u.claimedAt],
  );
}

async function insertCredential(c: Q, k: NewCredential): Promise<void> {
  await c.query(
    `INSERT INTO credentials (id, hash, user_id, kind, name, created_at, expires_at, shared_computer, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [k.id, k.hash, k.userId, k.kind, k.name, k.createdAt, k.expiresAt, k.sharedComputer, k.userAgent],
  );
}

/** Revokes the listed credentials; returns them. */
async function revoke(c: Q, ids: string[], now: number): Promise<string[]> {
  if (ids.length > 0) await c.query('UPDATE credentials SET revoked_at = $1 WHERE id = ANY($2::text[])', [now, ids]);
  return ids;
}

async function liveOf(c: Q, userId: string, now: number): Promise<Array<{ id: string; kind: CredentialKind }>> {
  const { rows } = await c.query(`SELECT id, kind FROM credentials WHERE user_id = $1 AND ${LIVE} ORDER BY created_at, id`, [userId, now]);
  return rows as Array<{ id: string; kind: CredentialKind }>;
}

export class PgAccounts implements AccountStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async createUser(user: NewAccount, credential: NewCredential | null): Promise<'ok' | 'email_taken'> {
    try {
      await inTransaction(this.#pool, async (c) => {
        await insertUser(c, user);
        if (credential) await insertCredential(c, credential);
      });
      return 'ok';
    } catch (err) {
      // The unique index on e-mail decides between two processes creating the same account.
      if ((err as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && /email/.test((err as { constraint?: string }).constraint ?? '')) return 'email_taken';
      throw err;
    }
  }

  async userById(id: string): Promise<AccountRecord | null> {
    const { rows } = await this.#pool.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toAccount(rows[0] as Row) : null;
  }

  async userByEmail(email: string): Promise<AccountRecord | null> {
    const { rows } = await this.#pool.query('SELECT * FROM users WHERE email = $1', [email]);
    return rows[0] ? toAccount(rows[0] as Row) : null;
  }

  async authenticate(hash: string, now: number): Promise<Authenticated | null> {
    const { rows } = await this.#pool.query(
      `SELECT u.id, u.name, u.created_at, u.email, u.avatar_color, c.id AS cid, c.kind, c.expires_at, c.shared_computer
       FROM credentials c JOIN users u ON u.id = c.user_id
       WHERE c.hash = $1 AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > $2)`,
      [hash, now],
    );
    const r = rows[0] as Row | undefined;
    if (!r) return null;
    const credential: Authenticated['credential'] = { id: r.cid as string, kind: r.kind as CredentialKind, sharedComputer: r.shared_computer === true };
    if (r.expires_at !== null) credential.expiresAt = num(r.expires_at);
    return {
      user: { id: r.id as string, name: r.name as string, createdAt: num(r.created_at), email: (r.email as string | null) ?? null, avatarColor: (r.avatar_color as string | null) ?? null },
      credential,
    };
  }

  async addCredential(k: NewCredential, now: number, max: number, whenFull: 'evict' | 'refuse'): Promise<string[] | null> {
    return inTransaction(this.#pool, async (c) => {
      await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [k.userId]);
      const live = (await liveOf(c, k.userId, now)).filter((r) => r.kind === k.kind).map((r) => r.id);
      const over = live.length - max + 1;
      if (over > 0 && whenFull === 'refuse') return null;
      const evicted = await revoke(c, over > 0 ? live.slice(0, over) : [], now);
      await insertCredential(c, k);
      return evicted;
    });
  }

  async touchCredentials(touches: Array<[id: string, at: number]>): Promise<void> {
    if (touches.length === 0) return;
    await this.#pool.query(
      `UPDATE credentials c SET last_used_at = t.at FROM unnest($1::text[], $2::bigint[]) AS t(id, at) WHERE c.id = t.id`,
      [touches.map(([id]) => id), touches.map(([, at]) => at)],
    );
  }

  async listCredentials(userId: string, now: number): Promise<CredentialRecord[]> {
    const { rows } = await this.#pool.query(`SELECT * FROM credentials WHERE user_id = $1 AND ${LIVE} ORDER BY created_at, id`, [userId, now]);
    return (rows as Row[]).map(toCredential);
  }

  async revokeCredentials(userId: string, now: number, f: RevokeFilter = {}): Promise<string[]> {
    return inTransaction(this.#pool, async (c) => {
      await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const ids = (await liveOf(c, userId, now))
        .filter((r) => (!f.ids || f.ids.includes(r.id)) && (!f.kinds || f.kinds.includes(r.kind)) && r.id !== f.exceptId)
        .map((r) => r.id);
      return revoke(c, ids, now);
    });
  }

  async updateProfile(userId: string, patch: { name?: string; avatarColor?: string | null }): Promise<void> {
    await this.#pool.query(
      `UPDATE users SET name = CASE WHEN $2 THEN $3 ELSE name END, avatar_color = CASE WHEN $4 THEN $5 ELSE avatar_color END WHERE id = $1`,
      [userId, patch.name !== undefined, patch.name ?? null, patch.avatarColor !== undefined, patch.avatarColor ?? null],
    );
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    await this.#pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, userId]);
  }

  async claim(userId: string, email: string, passwordHash: string, now: number): Promise<'ok' | 'already_claimed' | 'email_taken'> {
    try {
      return await inTransaction(this.#pool, async (c) => {
        const { rows } = await c.query('SELECT claimed_at, password_hash, email FROM users WHERE id = $1 FOR UPDATE', [userId]);
        const u = rows[0] as Row | undefined;
        if (!u || u.claimed_at !== null || u.password_hash !== null || u.email !== null) return 'already_claimed' as const;
        if ((await c.query('SELECT 1 FROM users WHERE email = $1', [email])).rows.length > 0) return 'email_taken' as const;
        await c.query('UPDATE users SET email = $1, password_hash = $2, claimed_at = $3 WHERE id = $4', [email, passwordHash, now, userId]);
        return 'ok' as const;
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'email_taken';
      throw err;
    }
  }

  async linkVerifiedEmail(email: string, user: NewAccount, now: number): Promise<LinkedAccount> {
    const r = await inTransaction(this.#pool, async (c) => {
      const { rows } = await c.query('SELECT id, email_verified FROM users WHERE email = $1 FOR UPDATE', [email]);
      const existing = rows[0] as { id: string; email_verified: boolean } | undefined;
      if (!existing) {
        await insertUser(c, { ...user, email, emailVerified: true });
        return { id: user.id, created: true, revoked: [] as string[] };
      }
      let revoked: string[] = [];
      // An account made with this e-mail by someone who never proved they hold it loses its
      // password and credentials: the verified holder takes it over, not shares it.
      if (!existing.email_verified) {
        await c.query('UPDATE users SET password_hash = NULL WHERE id = $1', [existing.id]);
        revoked = await revoke(c, (await liveOf(c, existing.id, now)).map((k) => k.id), now);
      }
      await c.query('UPDATE users SET email_verified = true WHERE id = $1', [existing.id]);
      return { id: existing.id, created: false, revoked };
    });
    const account = await this.userById(r.id);
    if (!account) throw new Error(`linked account ${r.id} is gone`);
    return { account, created: r.created, revoked: r.revoked };
  }

  async createPasswordReset(hash: string, userId: string, now: number, expiresAt: number): Promise<void> {
    await this.#pool.query('INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [hash, userId, now, expiresAt]);
  }

  async resetUser(hash: string, now: number): Promise<string | null> {
    const { rows } = await this.#pool.query('SELECT user_id FROM password_resets WHERE hash = $1 AND used_at IS NULL AND expires_at > $2', [hash, now]);
    return (rows[0]?.user_id as string | undefined) ?? null;
  }

  async usePasswordReset(hash: string, now: number, passwordHash: string): Promise<{ userId: string; revoked: string[] } | null> {
    return inTransaction(this.#pool, async (c) => {
      const { rows } = await c.query('SELECT user_id, expires_at, used_at FROM password_resets WHERE hash = $1 FOR UPDATE', [hash]);
      const r = rows[0] as Row | undefined;
      if (!r || r.used_at !== null || num(r.expires_at) <= now) return null;
      const userId = r.user_id as string;
      // Every other live link of the user goes too: the password it was asked for is set.
      await c.query('UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL', [now, userId]);
      await c.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
      const sessions = (await liveOf(c, userId, now)).filter((k) => k.kind === 'session').map((k) => k.id);
      return { userId, revoked: await revoke(c, sessions, now) };
    });
  }

  async addUserAudit(e: UserAuditEntry): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query('INSERT INTO user_audit (user_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)', [e.userId, e.at, e.actor, e.action, JSON.stringify(e.detail)]);
      await c.query(
        `DELETE FROM user_audit WHERE user_id = $1 AND seq <= (
           SELECT seq FROM user_audit WHERE user_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
        [e.userId, USER_AUDIT_KEPT],
      );
    });
  }

  async listUserAudit(userId: string, limit: number): Promise<UserAuditEntry[]> {
    const { rows } = await this.#pool.query('SELECT user_id, at, actor, action, detail FROM user_audit WHERE user_id = $1 ORDER BY seq DESC LIMIT $2', [userId, limit]);
    return (rows as Row[]).reverse().map((r) => ({
      userId: r.user_id as string,
      at: num(r.at),
      actor: r.actor as string,
      action: r.action as string,
      detail: r.detail as Record<string, unknown>,
    }));
  }

  async inviteIsLive(tokenHash: string, now: number): Promise<boolean> {
    const { rows } = await this.#pool.query(
      `SELECT 1 FROM invites WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
       AND (max_uses IS NULL OR uses < max_uses)`,
      [tokenHash, now],
    );
    return rows.length > 0;
  }
}
