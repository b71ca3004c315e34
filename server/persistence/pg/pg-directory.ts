/**
 * The directory on PostgreSQL (cluster mode): boards, members, invites and audit, with the
 * accounts (pg-accounts.ts), the same contract as the embedded store's (tests/helpers/store-contract.ts).
 * Every write is one statement or one transaction; reads go to the pool.
 */
import type pg from 'pg';
import type { Role } from '../../../shared/protocol/roles.js';
import type {
  AcceptInviteResult,
  AuditEntry,
  BoardRecord,
  Directory,
  InviteRecord,
  MemberRecord,
} from '../store.js';
import { PgAccounts } from './pg-accounts.js';
import { inTransaction } from './pg-pool.js';

type Row = Record<string, unknown>;
/** bigint columns come back as strings (they may exceed 2^53; ours are epoch ms and counts). */
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const toBoard = (r: Row): BoardRecord => ({
  id: r.id as string,
  title: r.title as string,
  createdBy: r.created_by as string,
  createdAt: num(r.created_at),
  archivedAt: numOrNull(r.archived_at),
});

const toInvite = (r: Row): InviteRecord => ({
  id: r.id as string,
  boardId: r.board_id as string,
  role: r.role as Role,
  createdBy: r.created_by as string,
  createdAt: num(r.created_at),
  expiresAt: numOrNull(r.expires_at),
  maxUses: numOrNull(r.max_uses),
  uses: num(r.uses),
  revokedAt: numOrNull(r.revoked_at),
});

/** A board's doc keys are `board/<id>` and `board/<id>/…`: byte-order range, never a LIKE pattern. */
const BOARD_KEYS = `(doc_key = $1 OR (doc_key COLLATE "C" >= $2 AND doc_key COLLATE "C" < $3))`;

export class PgDirectory implements Directory {
  readonly #pool: pg.Pool;
  readonly accounts: PgAccounts;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.accounts = new PgAccounts(pool);
  }

  async createBoard(board: Omit<BoardRecord, 'archivedAt'>): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query('INSERT INTO boards (id, title, created_by, created_at) VALUES ($1, $2, $3, $4)', [board.id, board.title, board.createdBy, board.createdAt]);
      await c.query(
        `INSERT INTO members (board_id, user_id, role, joined_at) VALUES ($1, $2, 'owner', $3)
         ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
        [board.id, board.createdBy, board.createdAt],
      );
    });
  }

  async getBoard(boardId: string): Promise<BoardRecord | null> {
    const { rows } = await this.#pool.query('SELECT id, title, created_by, created_at, archived_at FROM boards WHERE id = $1', [boardId]);
    return rows[0] ? toBoard(rows[0] as Row) : null;
  }

  async boardsOf(userId: string): Promise<Array<BoardRecord & { role: Role }>> {
    const { rows } = await this.#pool.query(
      `SELECT b.id, b.title, b.created_by, b.created_at, b.archived_at, m.role FROM members m
       JOIN boards b ON b.id = m.board_id WHERE m.user_id = $1 ORDER BY b.created_at DESC, b.id`,
      [userId],
    );
    return (rows as Row[]).map((r) => ({ ...toBoard(r), role: r.role as Role }));
  }

  async updateBoard(boardId: string, patch: { title?: string; archivedAt?: number | null }): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE boards SET title = CASE WHEN $2 THEN $3 ELSE title END,
                         archived_at = CASE WHEN $4 THEN $5::bigint ELSE archived_at END
       WHERE id = $1`,
      [boardId, patch.title !== undefined, patch.title ?? null, patch.archivedAt !== undefined, patch.archivedAt ?? null],
    );
    return rowCount === 1;
  }

  async deleteBoard(boardId: string): Promise<void> {
    const keys = [`board/${boardId}`, `board/${boardId}/`, `board/${boardId}0`];
    await inTransaction(this.#pool, async (c) => {
      for (const table of ['updates', 'quarantine', 'doc_clients', 'docs']) {
        await c.query(`DELETE FROM ${table} WHERE ${BOARD_KEYS}`, keys);
      }
      for (const table of ['invites', 'members']) await c.query(`DELETE FROM ${table} WHERE board_id = $1`, [boardId]);
      await c.query('DELETE FROM audit WHERE board_id = $1', [boardId]);
      await c.query('DELETE FROM boards WHERE id = $1', [boardId]);
    });
  }

  async getRole(boardId: string, userId: string): Promise<Role | null> {
    const { rows } = await this.#pool.query('SELECT role FROM members WHERE board_id = $1 AND user_id = $2', [boardId, userId]);
    return (rows[0]?.role as Role | undefined) ?? null;
  }

  async listMembers(boardId: string): Promise<MemberRecord[]> {
    const { rows } = await this.#pool.query(
      `SELECT m.board_id, m.user_id, u.name, m.role, m.joined_at, m.last_seen_at
       FROM members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 ORDER BY m.joined_at, m.user_id`,
      [boardId],
    );
    return (rows as Row[]).map((r) => ({
      boardId: r.board_id as string,
      userId: r.user_id as string,
      name: r.name as string,
      role: r.role as Role,
      joinedAt: num(r.joined_at),
      lastSeenAt: numOrNull(r.last_seen_at),
    }));
  }

  async setMember(boardId: string, userId: string, role: Role, now: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO members (board_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
      [boardId, userId, role, now],
    );
  }

  async removeMember(boardId: string, userId: string): Promise<void> {
    await this.#pool.query('DELETE FROM members WHERE board_id = $1 AND user_id = $2', [boardId, userId]);
  }

  async touchMember(boardId: string, userId: string, now: number): Promise<void> {
    await this.#pool.query('UPDATE members SET last_seen_at = $1 WHERE board_id = $2 AND user_id = $3', [now, boardId, userId]);
  }

  async createInvite(inv: InviteRecord, tokenHash: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO invites (id, board_id, token_hash, role, created_by, created_at, expires_at, max_uses)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [inv.id, inv.boardId, tokenHash, inv.role, inv.createdBy, inv.createdAt, inv.expiresAt, inv.maxUses],
    );
  }

  async listInvites(boardId: string): Promise<InviteRecord[]> {
    const { rows } = await this.#pool.query('SELECT * FROM invites WHERE board_id = $1 ORDER BY created_at, id', [boardId]);
    return (rows as Row[]).map(toInvite);
  }

  async revokeInvite(boardId: string, inviteId: string, now: number): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE invites SET revoked_at = $1 WHERE board_id = $2 AND id = $3 AND revoked_at IS NULL',
      [now, boardId, inviteId],
    );
    return rowCount === 1;
  }

  /** Checks the invite, counts a use and adds the membership in one transaction (the invite row locked). */
  async acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult> {
    return inTransaction(this.#pool, async (c): Promise<AcceptInviteResult> => {
      const { rows } = await c.query('SELECT id, board_id, role, expires_at, max_uses, uses, revoked_at FROM invites WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
      const inv = rows[0] as Row | undefined;
      if (!inv) return { ok: false, reason: 'not_found' };
      if (inv.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (inv.expires_at !== null && num(inv.expires_at) <= now) return { ok: false, reason: 'expired' };
      const boardId = inv.board_id as string;
      const existing = await c.query('SELECT role FROM members WHERE board_id = $1 AND user_id = $2', [boardId, userId]);
      // Accepting again is idempotent and never demotes: the current role stays.
      if (existing.rows[0]) return { ok: true, boardId, role: existing.rows[0].role as Role, alreadyMember: true };
      if (inv.max_uses !== null && num(inv.uses) >= num(inv.max_uses)) return { ok: false, reason: 'used_up' };
      await c.query('UPDATE invites SET uses = uses + 1 WHERE id = $1', [inv.id]);
      await c.query(
        `INSERT INTO members (board_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
        [boardId, userId, inv.role, now],
      );
      return { ok: true, boardId, role: inv.role as Role, alreadyMember: false };
    });
  }

  async addAudit(e: AuditEntry): Promise<void> {
    await this.#pool.query('INSERT INTO audit (board_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)', [e.boardId, e.at, e.actor, e.action, JSON.stringify(e.detail)]);
  }

  async listAudit(boardId: string): Promise<AuditEntry[]> {
    const { rows } = await this.#pool.query('SELECT board_id, at, actor, action, detail FROM audit WHERE board_id = $1 ORDER BY seq', [boardId]);
    return (rows as Row[]).map((r) => ({
      boardId: r.board_id as string,
      at: num(r.at),
      actor: r.actor as string,
      action: r.action as string,
      detail: r.detail as Record<string, unknown>,
    }));
  }

  async probeWrite(now: number): Promise<void> {
    await this.#pool.query('INSERT INTO write_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [now]);
  }

  async close(): Promise<void> {
    // The pool belongs to the PgStore that made this directory.
  }
}
