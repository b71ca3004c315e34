// Membership writes [M1–M4] (invites, departures, the former-members setting), run by the
// writer thread next to the directory's writes (sqlite-directory-writes.mjs) [S9]. Each is
// one BEGIN IMMEDIATE transaction. Plain JavaScript, like the writer that imports it.
import { inviteStanding } from './invite-standing.mjs';

/** Prepares the statements on the writer's connection and returns the operations by name. */
export function membershipWrites(db) {
  const s = {
    insertInvite: db.prepare(
      `INSERT INTO invites (id, board_id, token_hash, role, created_by, created_at, expires_at, max_uses, email)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    lastDeparture: db.prepare('SELECT MAX(removed_at) AS at FROM member_removals WHERE board_id = ?'),
    newestInvite: db.prepare('SELECT MAX(created_at) AS at FROM invites WHERE board_id = ?'),
    inviteById: db.prepare('SELECT * FROM invites WHERE board_id = ? AND id = ?'),
    revokeInvite: db.prepare('UPDATE invites SET revoked_at = ? WHERE board_id = ? AND id = ? AND revoked_at IS NULL'),
    inviteByHash: db.prepare('SELECT * FROM invites WHERE token_hash = ?'),
    useInvite: db.prepare('UPDATE invites SET uses = uses + 1 WHERE id = ?'),
    userEmail: db.prepare('SELECT email FROM users WHERE id = ?'),
    getRole: db.prepare('SELECT role FROM members WHERE board_id = ? AND user_id = ?'),
    departure: db.prepare('SELECT removed_at, removed_by, role FROM member_removals WHERE board_id = ? AND user_id = ?'),
    addMember: db.prepare(
      `INSERT INTO members (board_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    deleteMember: db.prepare('DELETE FROM members WHERE board_id = ? AND user_id = ?'),
    recordDeparture: db.prepare(
      `INSERT INTO member_removals (board_id, user_id, removed_at, removed_by, role) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (board_id, user_id) DO UPDATE
       SET removed_at = excluded.removed_at, removed_by = excluded.removed_by, role = excluded.role`,
    ),
    setCountFormer: db.prepare('UPDATE boards SET count_former_members = ? WHERE id = ?'),
  };
  const tx = (fn) => {
    const t = db.transaction(fn);
    return (...args) => t.immediate(...args);
  };
  const toInvite = (r) => ({
    id: r.id,
    boardId: r.board_id,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at ?? null,
    maxUses: r.max_uses ?? null,
    uses: r.uses,
    revokedAt: r.revoked_at ?? null,
    email: r.email ?? null,
  });
  const departureOf = (boardId, userId) => {
    const d = s.departure.get(boardId, userId);
    return d ? { at: d.removed_at, by: d.removed_by, role: d.role ?? null } : null;
  };
  return {
    // Never at or before the board's latest departure: that invite is newer than the removal [M3].
    createInvite: tx((inv, tokenHash) => {
      const last = s.lastDeparture.get(inv.boardId).at;
      const createdAt = last !== null && last >= inv.createdAt ? last + 1 : inv.createdAt;
      s.insertInvite.run(inv.id, inv.boardId, tokenHash, inv.role, inv.createdBy, createdAt, inv.expiresAt, inv.maxUses, inv.email);
      return createdAt;
    }),
    revokeInvite: tx((boardId, inviteId, now) => {
      const row = s.inviteById.get(boardId, inviteId);
      if (!row || s.revokeInvite.run(now, boardId, inviteId).changes === 0) return null;
      return toInvite(row);
    }),
    acceptInvite: tx((tokenHash, userId, now) => {
      const row = s.inviteByHash.get(tokenHash);
      if (!row) return { ok: false, reason: 'not_found' };
      const invite = toInvite(row);
      const existing = s.getRole.get(invite.boardId, userId);
      const departure = departureOf(invite.boardId, userId);
      const email = s.userEmail.get(userId)?.email ?? null;
      const standing = inviteStanding(invite, now, { email, member: existing !== undefined, departure });
      const base = { boardId: invite.boardId, inviteId: invite.id };
      if (standing === 'member') return { ok: true, ...base, role: existing.role, alreadyMember: true };
      if (standing === 'blocked') return { ok: false, reason: 'blocked', ...base, email: invite.email, departure };
      if (standing !== 'open') return { ok: false, reason: standing, ...base, email: invite.email };
      s.useInvite.run(invite.id);
      s.addMember.run(invite.boardId, userId, invite.role, now);
      return { ok: true, ...base, role: invite.role, alreadyMember: false };
    }),
    removeMember: tx((boardId, userId, at, by) => {
      const existing = s.getRole.get(boardId, userId);
      if (!existing) return null;
      s.deleteMember.run(boardId, userId);
      // Never earlier than an invite made before it, whatever the clock did meanwhile.
      const newest = s.newestInvite.get(boardId).at;
      s.recordDeparture.run(boardId, userId, newest !== null && newest > at ? newest : at, by, existing.role);
      return existing.role;
    }),
    setCountFormerMembers: tx((boardId, count) => s.setCountFormer.run(count ? 1 : 0, boardId).changes > 0),
  };
}
