/**
 * The embedded store's membership part [M1–M4] (`store.membership`): reads on the main
 * connection, writes as writer-thread operations (sqlite-membership-writes.mjs) [S9].
 */
import type Database from 'better-sqlite3';
import type { Role } from '../../shared/protocol/roles.js';
import type {
  AcceptInviteResult,
  Departure,
  FormerMemberRecord,
  InviteCandidate,
  InviteDetails,
  InviteRecord,
  MembershipStore,
} from './membership-store.js';

type Row = Record<string, unknown>;
/** Runs one named writer-thread operation (SqliteStore's directory call). */
export type WriterCall = <T>(op: string, ...args: unknown[]) => Promise<T>;

const toInvite = (r: Row): InviteRecord => ({
  id: r.id as string,
  boardId: r.board_id as string,
  role: r.role as Role,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
  expiresAt: (r.expires_at as number | null) ?? null,
  maxUses: (r.max_uses as number | null) ?? null,
  uses: r.uses as number,
  revokedAt: (r.revoked_at as number | null) ?? null,
  email: (r.email as string | null) ?? null,
});

const toDeparture = (r: Row): Departure => ({
  at: r.removed_at as number,
  by: r.removed_by as string,
  role: (r.departed_role as Role | null) ?? null,
});

export class SqliteMembership implements MembershipStore {
  readonly #write: WriterCall;
  readonly #stmts;

  constructor(db: Database.Database, write: WriterCall) {
    this.#write = write;
    this.#stmts = {
      listInvites: db.prepare('SELECT * FROM invites WHERE board_id = ? ORDER BY created_at, id'),
      findInvite: db.prepare(
        `SELECT i.*, b.title AS board_title, u.name AS inviter_name FROM invites i
         JOIN boards b ON b.id = i.board_id LEFT JOIN users u ON u.id = i.created_by WHERE i.token_hash = ?`,
      ),
      userEmail: db.prepare('SELECT email FROM users WHERE id = ?'),
      isMember: db.prepare('SELECT 1 FROM members WHERE board_id = ? AND user_id = ?'),
      departure: db.prepare('SELECT removed_at, removed_by, role AS departed_role FROM member_removals WHERE board_id = ? AND user_id = ?'),
      formers: db.prepare(
        `SELECT r.user_id, r.removed_at, r.removed_by, r.role AS departed_role, u.name, u.email, u.avatar_color
         FROM member_removals r JOIN users u ON u.id = r.user_id
         WHERE r.board_id = ? AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = r.board_id AND m.user_id = r.user_id)
         ORDER BY r.removed_at, r.user_id`,
      ),
      isFormer: db.prepare(
        `SELECT 1 FROM member_removals r WHERE r.board_id = ? AND r.user_id = ?
         AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = r.board_id AND m.user_id = r.user_id)`,
      ),
      countsFormer: db.prepare('SELECT count_former_members AS c FROM boards WHERE id = ?'),
    };
  }

  createInvite(invite: InviteRecord, tokenHash: string): Promise<number> {
    return this.#write('createInvite', invite, tokenHash);
  }

  async listInvites(boardId: string): Promise<InviteRecord[]> {
    return (this.#stmts.listInvites.all(boardId) as Row[]).map(toInvite);
  }

  revokeInvite(boardId: string, inviteId: string, now: number): Promise<InviteRecord | null> {
    return this.#write('revokeInvite', boardId, inviteId, now);
  }

  async findInvite(tokenHash: string): Promise<InviteDetails | null> {
    const r = this.#stmts.findInvite.get(tokenHash) as Row | undefined;
    if (!r) return null;
    return { invite: toInvite(r), boardTitle: r.board_title as string, inviterName: (r.inviter_name as string | null) ?? null };
  }

  async candidate(boardId: string, userId: string): Promise<InviteCandidate> {
    const email = (this.#stmts.userEmail.get(userId) as { email: string | null } | undefined)?.email ?? null;
    const departure = this.#stmts.departure.get(boardId, userId) as Row | undefined;
    return {
      email,
      member: this.#stmts.isMember.get(boardId, userId) !== undefined,
      departure: departure ? toDeparture(departure) : null,
    };
  }

  acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult> {
    return this.#write('acceptInvite', tokenHash, userId, now);
  }

  removeMember(boardId: string, userId: string, at: number, by: string): Promise<Role | null> {
    return this.#write('removeMember', boardId, userId, at, by);
  }

  async listFormerMembers(boardId: string): Promise<FormerMemberRecord[]> {
    return (this.#stmts.formers.all(boardId) as Row[]).map((r) => ({
      userId: r.user_id as string,
      name: r.name as string,
      email: (r.email as string | null) ?? null,
      avatarColor: (r.avatar_color as string | null) ?? null,
      departure: toDeparture(r),
    }));
  }

  async isFormerMember(boardId: string, userId: string): Promise<boolean> {
    return this.#stmts.isFormer.get(boardId, userId) !== undefined;
  }

  async countsFormerMembers(boardId: string): Promise<boolean> {
    return (this.#stmts.countsFormer.get(boardId) as { c: number } | undefined)?.c === 1;
  }

  setCountFormerMembers(boardId: string, count: boolean): Promise<boolean> {
    return this.#write('setCountFormerMembers', boardId, count);
  }
}
