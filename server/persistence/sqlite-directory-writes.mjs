// The directory's writes (boards, members, audit; accounts are in sqlite-account-writes.mjs,
// invites and departures in sqlite-membership-writes.mjs), run by the writer thread
// (sqlite-writer.mjs) so that neither their lock wait (busy_timeout) nor their fsync ever
// blocks the main event loop [S9]. Each is one BEGIN IMMEDIATE transaction.
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
    deleteDepartures: db.prepare('DELETE FROM member_removals WHERE board_id = ?'),
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
      s.deleteDepartures.run(boardId);
      s.deleteAudit.run(boardId);
      s.deleteBoard.run(boardId);
    }),
    setMember: tx((boardId, userId, role, now) => {
      s.upsertMember.run(boardId, userId, role, now);
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
