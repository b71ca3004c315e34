/**
 * Membership on PostgreSQL (cluster mode) [M1–M4]: the same contract as the embedded store's
 * (tests/helpers/membership-contract.ts). An invite's creation and a departure from the same
 * board take one advisory lock, so they are ordered even when processes' clocks disagree:
 * a departure is recorded no earlier than every invite of its board, and an invite made
 * after it later than the departure (see MembershipStore.createInvite).
 */
import type pg from 'pg';
import type { Role } from '../../../shared/protocol/roles.js';
import { inviteStanding } from '../invite-standing.mjs';
import type {
  AcceptInviteResult,
  Departure,
  FormerMemberRecord,
  InviteCandidate,
  InviteDetails,
  InviteRecord,
  MembershipStore,
} from '../membership-store.js';
import { inTransaction } from './pg-pool.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The advisory lock (two keys) serialising invites and departures of one board. */
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('claimboard.membership'), hashtext($1))`;

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
  email: (r.email as string | null) ?? null,
});

const toDeparture = (r: Row): Departure => ({
  at: num(r.removed_at),
  by: r.removed_by as string,
  role: (r.departed_role as Role | null) ?? null,
});

export class PgMembership implements MembershipStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  createInvite(inv: InviteRecord, tokenHash: string): Promise<number> {
    return inTransaction(this.#pool, async (c) => {
      await c.query(LOCK, [inv.boardId]);
      const { rows } = await c.query('SELECT max(removed_at) AS at FROM member_removals WHERE board_id = $1', [inv.boardId]);
      const last = numOrNull(rows[0]?.at);
      const createdAt = last !== null && last >= inv.createdAt ? last + 1 : inv.createdAt;
      await c.query(
        `INSERT INTO invites (id, board_id, token_hash, role, created_by, created_at, expires_at, max_uses, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [inv.id, inv.boardId, tokenHash, inv.role, inv.createdBy, createdAt, inv.expiresAt, inv.maxUses, inv.email],
      );
      return createdAt;
    });
  }

  async listInvites(boardId: string): Promise<InviteRecord[]> {
    const { rows } = await this.#pool.query('SELECT * FROM invites WHERE board_id = $1 ORDER BY created_at, id', [boardId]);
    return (rows as Row[]).map(toInvite);
  }

  async revokeInvite(boardId: string, inviteId: string, now: number): Promise<InviteRecord | null> {
    // RETURNING gives the row after the update; the record answers as it was before.
    const { rows } = await this.#pool.query(
      'UPDATE invites SET revoked_at = $1 WHERE board_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING *',
      [now, boardId, inviteId],
    );
    return rows[0] ? { ...toInvite(rows[0] as Row), revokedAt: null } : null;
  }

  async findInvite(tokenHash: string): Promise<InviteDetails | null> {
    const { rows } = await this.#pool.query(
      `SELECT i.*, b.title AS board_title, u.name AS inviter_name FROM invites i
       JOIN boards b ON b.id = i.board_id LEFT JOIN users u ON u.id = i.created_by WHERE i.token_hash = $1`,
      [tokenHash],
    );
    const r = rows[0] as Row | undefined;
    return r ? { invite: toInvite(r), boardTitle: r.board_title as string, inviterName: (r.inviter_name as string | null) ?? null } : null;
  }

  async candidate(boardId: string, userId: string): Promise<InviteCandidate> {
    const { email, member, departure } = await this.#candidate(this.#pool, boardId, userId);
    return { email, member, departure };
  }

  async #candidate(q: pg.Pool | pg.PoolClient, boardId: string, userId: string): Promise<InviteCandidate & { role: Role | null }> {
    const { rows } = await q.query(
      `SELECT u.email, m.role, r.removed_at, r.removed_by, r.role AS departed_role
       FROM (SELECT $1::text AS board_id, $2::text AS user_id) k
       LEFT JOIN users u ON u.id = k.user_id
       LEFT JOIN members m ON m.board_id = k.board_id AND m.user_id = k.user_id
       LEFT JOIN member_removals r ON r.board_id = k.board_id AND r.user_id = k.user_id`,
      [boardId, userId],
    );
    const r = rows[0] as Row;
    return {
      email: (r.email as string | null) ?? null,
      member: r.role !== null,
      role: (r.role as Role | null) ?? null,
      departure: r.removed_at === null ? null : toDeparture(r),
    };
  }

  /** In one transaction, the invite row locked, so concurrent accepts count uses exactly. */
  acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult> {
    return inTransaction(this.#pool, async (c): Promise<AcceptInviteResult> => {
      const { rows } = await c.query('SELECT * FROM invites WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
      if (!rows[0]) return { ok: false, reason: 'not_found' };
      const invite = toInvite(rows[0] as Row);
      const who = await this.#candidate(c, invite.boardId, userId);
      const standing = inviteStanding(invite, now, who);
      const base = { boardId: invite.boardId, inviteId: invite.id };
      if (standing === 'member') return { ok: true, ...base, role: who.role!, alreadyMember: true };
      if (standing === 'blocked') return { ok: false, reason: 'blocked', ...base, email: invite.email, departure: who.departure! };
      if (standing !== 'open') return { ok: false, reason: standing, ...base, email: invite.email };
      await c.query('UPDATE invites SET uses = uses + 1 WHERE id = $1', [invite.id]);
      await c.query(
        `INSERT INTO members (board_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
        [invite.boardId, userId, invite.role, now],
      );
      return { ok: true, ...base, role: invite.role, alreadyMember: false };
    });
  }

  removeMember(boardId: string, userId: string, at: number, by: string): Promise<Role | null> {
    return inTransaction(this.#pool, async (c) => {
      await c.query(LOCK, [boardId]);
      const { rows } = await c.query('DELETE FROM members WHERE board_id = $1 AND user_id = $2 RETURNING role', [boardId, userId]);
      const role = (rows[0]?.role as Role | undefined) ?? null;
      if (role === null) return null;
      // Never earlier than an invite made before it, whatever clock made that invite.
      const newest = await c.query('SELECT max(created_at) AS at FROM invites WHERE board_id = $1', [boardId]);
      const removedAt = Math.max(at, numOrNull(newest.rows[0]?.at) ?? at);
      await c.query(
        `INSERT INTO member_removals (board_id, user_id, removed_at, removed_by, role) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (board_id, user_id) DO UPDATE
         SET removed_at = excluded.removed_at, removed_by = excluded.removed_by, role = excluded.role`,
        [boardId, userId, removedAt, by, role],
      );
      return role;
    });
  }

  async listFormerMembers(boardId: string): Promise<FormerMemberRecord[]> {
    const { rows } = await this.#pool.query(
      `SELECT r.user_id, r.removed_at, r.removed_by, r.role AS departed_role, u.name, u.email, u.avatar_color
       FROM member_removals r JOIN users u ON u.id = r.user_id
       WHERE r.board_id = $1 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = r.board_id AND m.user_id = r.user_id)
       ORDER BY r.removed_at, r.user_id`,
      [boardId],
    );
    return (rows as Row[]).map((r) => ({
      userId: r.user_id as string,
      name: r.name as string,
      email: (r.email as string | null) ?? null,
      avatarColor: (r.avatar_color as string | null) ?? null,
      departure: toDeparture(r),
    }));
  }

  async isFormerMember(boardId: string, userId: string): Promise<boolean> {
    const { rows } = await this.#pool.query(
      `SELECT 1 FROM member_removals r WHERE r.board_id = $1 AND r.user_id = $2
       AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = r.board_id AND m.user_id = r.user_id)`,
      [boardId, userId],
    );
    return rows.length > 0;
  }

  async countsFormerMembers(boardId: string): Promise<boolean> {
    const { rows } = await this.#pool.query('SELECT count_former_members AS c FROM boards WHERE id = $1', [boardId]);
    return rows[0]?.c === true;
  }

  async setCountFormerMembers(boardId: string, count: boolean): Promise<boolean> {
    const { rowCount } = await this.#pool.query('UPDATE boards SET count_former_members = $1 WHERE id = $2', [count, boardId]);
    return rowCount === 1;
  }
}
