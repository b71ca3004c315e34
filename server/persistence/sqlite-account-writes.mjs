// The writes of accounts and credentials (sqlite-accounts.ts), run by the writer thread next
// to the directory's (sqlite-directory-writes.mjs), each one BEGIN IMMEDIATE transaction.
// Plain JavaScript, like the writer that imports it.

/** Entries of a person's audit log kept; older ones go as new ones come. */
const USER_AUDIT_KEPT = 1000;

/** Prepares the statements on the writer's connection and returns the operations by name. */
export function accountWrites(db) {
  const s = {
    insertUser: db.prepare(
      `INSERT INTO users (id, name, created_at, email, password_hash, avatar_color, email_verified, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    userByEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    insertCredential: db.prepare(
      `INSERT INTO credentials (id, hash, user_id, kind, name, created_at, expires_at, shared_computer, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    liveOfKind: db.prepare(
      `SELECT id FROM credentials WHERE user_id = ? AND kind = ? AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at, id`,
    ),
    liveOf: db.prepare(
      `SELECT id, kind FROM credentials WHERE user_id = ? AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    revoke: db.prepare('UPDATE credentials SET revoked_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE credentials SET last_used_at = ? WHERE id = ?'),
    rename: db.prepare('UPDATE users SET name = ? WHERE id = ?'),
    recolor: db.prepare('UPDATE users SET avatar_color = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    claim: db.prepare('UPDATE users SET email = ?, password_hash = ?, claimed_at = ? WHERE id = ?'),
    verify: db.prepare('UPDATE users SET email_verified = 1 WHERE id = ?'),
    insertReset: db.prepare('INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    resetByHash: db.prepare('SELECT user_id, expires_at, used_at FROM password_resets WHERE hash = ?'),
    useReset: db.prepare('UPDATE password_resets SET used_at = ? WHERE hash = ?'),
    // Every other live link of the user goes too: the password it was asked for is set.
    useOtherResets: db.prepare('UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL'),
    addAudit: db.prepare('INSERT INTO user_audit (user_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)'),
    pruneAudit: db.prepare(
      `DELETE FROM user_audit WHERE user_id = ? AND seq <= (
         SELECT seq FROM user_audit WHERE user_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ),
  };
  const tx = (fn) => {
    const t = db.transaction(fn);
    return (...args) => t.immediate(...args);
  };
  const insertUser = (u) =>
    s.insertUser.run(u.id, u.name, u.createdAt, u.email, u.passwordHash, u.avatarColor, u.emailVerified ? 1 : 0, u.claimedAt);
  const insertCredential = (c) =>
    s.insertCredential.run(c.id, c.hash, c.userId, c.kind, c.name, c.createdAt, c.expiresAt, c.sharedComputer ? 1 : 0, c.userAgent);
  return {
    createAccount: tx((user, credential) => {
      if (user.email !== null && s.userByEmail.get(user.email)) return 'email_taken';
      insertUser(user);
      if (credential) insertCredential(credential);
      return 'ok';
    }),
    addCredential: tx((c, now, max, whenFull) => {
      const live = s.liveOfKind.all(c.userId, c.kind, now).map((r) => r.id);
      const over = live.length - max + 1;
      if (over > 0 && whenFull === 'refuse') return null;
      const evicted = over > 0 ? live.slice(0, over) : [];
      for (const id of evicted) s.revoke.run(now, id);
      insertCredential(c);
      return evicted;
    }),
    touchCredentials: tx((touches) => {
      for (const [id, at] of touches) s.touch.run(at, id);
    }),
    revokeCredentials: tx((userId, now, filter) => {
      const f = filter ?? {};
      const ids = s.liveOf
        .all(userId, now)
        .filter((r) => (!f.ids || f.ids.includes(r.id)) && (!f.kinds || f.kinds.includes(r.kind)) && r.id !== f.exceptId)
        .map((r) => r.id);
      for (const id of ids) s.revoke.run(now, id);
      return ids;
    }),
    updateProfile: tx((userId, patch) => {
      if (patch.name !== undefined) s.rename.run(patch.name, userId);
      if (patch.avatarColor !== undefined) s.recolor.run(patch.avatarColor, userId);
    }),
    setPasswordHash: tx((userId, hash) => {
      s.setPassword.run(hash, userId);
    }),
    claimAccount: tx((userId, email, passwordHash, now) => {
      const u = s.userById.get(userId);
      if (!u || u.claimed_at !== null || u.password_hash !== null || u.email !== null) return 'already_claimed';
      if (s.userByEmail.get(email)) return 'email_taken';
      s.claim.run(email, passwordHash, now, userId);
      return 'ok';
    }),
    // An account made with this e-mail by someone who never proved they hold it loses its
    // password and credentials: the verified holder takes it over, not shares it.
    linkVerifiedEmail: tx((email, user, now) => {
      const existing = s.userByEmail.get(email);
      if (!existing) {
        insertUser({ ...user, email, emailVerified: true });
        return { id: user.id, created: true, revoked: [] };
      }
      let revoked = [];
      if (existing.email_verified !== 1) {
        s.setPassword.run(null, existing.id);
        revoked = s.liveOf.all(existing.id, now).map((c) => c.id);
        for (const id of revoked) s.revoke.run(now, id);
      }
      s.verify.run(existing.id);
      return { id: existing.id, created: false, revoked };
    }),
    createPasswordReset: tx((hash, userId, now, expiresAt) => {
      s.insertReset.run(hash, userId, now, expiresAt);
    }),
    usePasswordReset: tx((hash, now, passwordHash) => {
      const r = s.resetByHash.get(hash);
      if (!r || r.used_at !== null || r.expires_at <= now) return null;
      s.useReset.run(now, hash);
      s.useOtherResets.run(now, r.user_id);
      s.setPassword.run(passwordHash, r.user_id);
      const revoked = s.liveOf.all(r.user_id, now).filter((c) => c.kind === 'session').map((c) => c.id);
      for (const id of revoked) s.revoke.run(now, id);
      return { userId: r.user_id, revoked };
    }),
    addUserAudit: tx((e) => {
      s.addAudit.run(e.userId, e.at, e.actor, e.action, JSON.stringify(e.detail));
      s.pruneAudit.run(e.userId, e.userId, USER_AUDIT_KEPT);
    }),
  };
}
