/**
 * Membership that holds (issue 13) [M1–M4]: invites may be addressed to an e-mail, departures
 * (removals and leaves) are recorded so that they block earlier invites and make former
 * members, and each board says whether former members' votes count. Departures from before
 * this migration are taken from the audit log.
 *
 * Kept apart from the list of migrations so that only its number there changes if another
 * migration lands first; idempotent (columns added only when missing, IF NOT EXISTS).
 */
import type Database from 'better-sqlite3';
import type { Migration } from './sqlite-migrations.js';
import { addColumnIfMissing } from './sqlite-schema.js';

export const MEMBERSHIP_MIGRATION: Omit<Migration, 'version'> = {
  name: 'membership that holds: addressed invites, departures, counting former members',
  up(db: Database.Database) {
    // The accounts migration (2) already added these to users; added here only when missing,
    // so this one stands whatever ran before it.
    addColumnIfMissing(db, 'users', 'email', 'TEXT');
    addColumnIfMissing(db, 'users', 'avatar_color', 'TEXT');
    // An invite addressed to an e-mail (lower-cased): only that account accepts it [M2].
    addColumnIfMissing(db, 'invites', 'email', 'TEXT');
    // Owners choose whether former members' votes count toward consensus [M4].
    addColumnIfMissing(db, 'boards', 'count_former_members', 'INTEGER NOT NULL DEFAULT 0');
    // The latest departure of each former (or returned) member [M3]: removed by `removed_by`,
    // or left when that is the member themself; `role` is the role they had.
    db.exec(`
      CREATE TABLE IF NOT EXISTS member_removals (
        board_id TEXT NOT NULL REFERENCES boards(id),
        user_id TEXT NOT NULL,
        removed_at INTEGER NOT NULL,
        removed_by TEXT NOT NULL,
        role TEXT,
        PRIMARY KEY (board_id, user_id)
      ) WITHOUT ROWID;
    `);
    // Departures from before this version are in the audit log: the latest per person (its
    // actor comes from that row: SQLite's bare columns beside MAX), the role unknown.
    db.exec(`
      INSERT OR IGNORE INTO member_removals (board_id, user_id, removed_at, removed_by, role)
      SELECT a.board_id, json_extract(a.detail, '$.userId') AS uid, MAX(a.at), a.actor, NULL
      FROM audit a
      WHERE a.action IN ('member.removed', 'member.left')
        AND json_valid(a.detail)
        AND json_type(a.detail, '$.userId') = 'text'
        AND EXISTS (SELECT 1 FROM boards b WHERE b.id = a.board_id)
        AND NOT EXISTS (SELECT 1 FROM members m WHERE m.board_id = a.board_id AND m.user_id = json_extract(a.detail, '$.userId'))
      GROUP BY a.board_id, uid;
    `);
  },
};
