// The directory's writes (boards, members, invites, audit; accounts are in
// sqlite-account-writes.mjs), run by the writer thread (sqlite-writer.mjs) so that neither
// their lock wait (busy_timeout) nor their fsync ever blocks the main event loop [S9]. Each is one BEGIN IMMEDIATE transaction.
// Plain JavaScript, like the writer that imports it.

/**
 * Prepares the statements on the writer's connection and returns the operations by name;
 * each takes the arguments the store's method was called with and returns a plain value
 * (it crosses the thread boundary).
 */
export function directoryWrites(db) {
  const s = {
    insertBoard: db.prepare('INSERT INTO boards (id, title, created_by, created_at) VALUES (?, ?, ?, ?)'),
    upsertMember: db.prepare(
      `INSERT INTO members (board_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    removeMember: db.prepare('DELETE FROM members WHERE board_id = ? AND user_id = ?'),
    getRole: db.prepare('SELECT role FROM members WHERE board_id = ? AND user_id = ?'),
    insertInvite: db.prepare(
      `INSERT INTO invites (id, board_id, token_hash, role, created_by, created_at, expires_at, max_uses)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    revokeInvite: db.prepare('UPDATE invites SET revoked_at = ? WHERE board_id = ? AND id = ? AND revoked_at IS NULL'),
    inviteByHash: db.prepare('SELECT id, board_id, role, expires_at, max_uses, uses, revoked_at FROM invites WHERE token_hash = ?'),
    useInvite: db.prepare('UPDATE invites SET uses = uses + 1 WHERE id = ?'),
    addAudit: db.prepare('INSERT INTO audit (board_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)'),
    renameBoard: db.prepare('UPDATE boards SET title = ? WHERE id = ?'),
    archiveBoard: db.prepare('UPDATE boards SET archived_at = ? WHERE id = ?'),
    boardExists: db.prepare('SELECT 1 FROM boards WHERE id = ?'),
    // A board's doc keys are `board/<id>` and `board/<id>/…`: the second as a key range
    // ('0' follows '/'), so an id is never read as a LIKE pattern and the primary key serves.
    deleteUpdates: db.prepare("DELETE FROM updates WHERE doc_key = ? OR (doc_key >= ? AND doc_key < ?)"),
    deleteQuarantine: db.prepare("DELETE FROM quarantine WHERE doc_key = ? OR (doc_key >= ? AND doc_key < ?)"),
    deleteClients: db.prepare("DELETE FROM doc_clients WHERE doc_key = ? OR (doc_key >= ? AND doc_key < ?)"),
    deleteInvites: db.prepare('DELETE FROM invites WHERE board_id = ?'),
    deleteMembers: db.prepare('DELETE FROM members WHERE board_id = ?'),
    deleteAudit: db.prepare('DELETE FROM audit WHERE board_id = ?'),
    deleteBoard: db.prepare('DELETE FROM boards WHERE id = ?'),
    probe: db.prepare('INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
  };
  const tx = (fn) => {
    const t = db.transaction(fn);
    return (...args) => t.immediate(...args);
  };
  return {
    createBoard: tx((board) => {
      s.insertBoard.run(board.id, board.title, board.createdBy, board.createdAt);
      s.upsertMember.run(board.id, board.createdBy, 'owner', board.createdAt);
    }),
    updateBoard: tx((boardId, patch) => {
      if (!s.boardExists.get(boardId)) return false;
      if (patch.title !== undefined) s.renameBoard.run(patch.title, boardId);
      if (patch.archivedAt !== undefined) s.archiveBoard.run(patch.archivedAt, boardId);
      return true;
    }),
    // Everything of one board in one transaction [B3]: a crash leaves all of it or none.
    deleteBoard: tx((boardId) => {
      const keys = [`board/${boardId}`, `board/${boardId}/`, `board/${boardId}0`];
      s.deleteUpdates.run(...keys);
      s.deleteQuarantine.run(...keys);
      s.deleteClients.run(...keys);
      s.deleteInvites.run(boardId);
      s.deleteMembers.run(boardId);
      s.deleteAudit.run(boardId);
      s.deleteBoard.run(boardId);
    }),
    setMember: tx((boardId, userId, role, now) => {
      s.upsertMember.run(boardId, userId, role, now);
    }),
    removeMember: tx((boardId, userId) => {
      s.removeMember.run(boardId, userId);
    }),
    createInvite: tx((inv, tokenHash) => {
      s.insertInvite.run(inv.id, inv.boardId, tokenHash, inv.role, inv.createdBy, inv.createdAt, inv.expiresAt, inv.maxUses);
    }),
    revokeInvite: tx((boardId, inviteId, now) => s.revokeInvite.run(now, boardId, inviteId).changes > 0),
    // Checks the invite, counts a use and adds the membership in one transaction.
    acceptInvite: tx((tokenHash, userId, now) => {
      const inv = s.inviteByHash.get(tokenHash);
      if (!inv) return { ok: false, reason: 'not_found' };
      if (inv.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (inv.expires_at !== null && inv.expires_at <= now) return { ok: false, reason: 'expired' };
      const existing = s.getRole.get(inv.board_id, userId);
      // Accepting again is idempotent and never demotes: the current role stays.
      if (existing) return { ok: true, boardId: inv.board_id, role: existing.role, alreadyMember: true };
      if (inv.max_uses !== null && inv.uses >= inv.max_uses) return { ok: false, reason: 'used_up' };
      s.useInvite.run(inv.id);
      s.upsertMember.run(inv.board_id, userId, inv.role, now);
      return { ok: true, boardId: inv.board_id, role: inv.role, alreadyMember: false };
    }),
    addAudit: tx((e) => {
      s.addAudit.run(e.boardId, e.at, e.actor, e.action, JSON.stringify(e.detail));
    }),
    // A real committed write (with its fsync), for /health: proves the file takes writes.
    probeWrite: tx((now) => {
      s.probe.run(now);
    }),
  };
}
