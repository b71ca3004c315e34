/**
 * The accounts migration (issue 13): users get an e-mail (lower-cased, unique where set), a
 * self-describing scrypt password hash, an avatar colour, whether the e-mail is verified and
 * when a name-only user claimed the account. `credentials` replaces `tokens`: every token
 * row is copied as a `legacy` credential (hash, user, times and revocation unchanged, so the
 * tokens people hold keep working) and `tokens` is dropped. Password resets are stored by the
 * hash of their token; `user_audit` is the audit log of a person rather than of a board
 * (sign-ins, failed sign-ins, sessions ended, tokens created and revoked).
 *
 * Kept apart from the list of migrations so that only its number there changes if another
 * migration lands first.
 */
import type Database from 'better-sqlite3';
import type { Migration } from './sqlite-migrations.js';
import { addColumnIfMissing } from './sqlite-schema.js';

export const ACCOUNTS_MIGRATION: Omit<Migration, 'version'> = {
  name: 'accounts: e-mail and password on users, credentials (sessions, personal access tokens, legacy tokens), password resets, user audit',
  up(db: Database.Database) {
    addColumnIfMissing(db, 'users', 'email', 'TEXT');
    addColumnIfMissing(db, 'users', 'password_hash', 'TEXT');
    addColumnIfMissing(db, 'users', 'avatar_color', 'TEXT');
    addColumnIfMissing(db, 'users', 'email_verified', 'INTEGER NOT NULL DEFAULT 0');
    addColumnIfMissing(db, 'users', 'claimed_at', 'INTEGER');
    db.exec(`
      CREATE UNIQUE INDEX IF NOT EXISTS users_by_email ON users(email) WHERE email IS NOT NULL;
      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL CHECK (kind IN ('session', 'pat', 'legacy')),
        name TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER,
        shared_computer INTEGER NOT NULL DEFAULT 0,
        user_agent TEXT
      );
      CREATE INDEX credentials_by_user ON credentials(user_id, kind);
      INSERT INTO credentials (id, hash, user_id, kind, name, created_at, expires_at, revoked_at)
        SELECT 'c_' || lower(hex(randomblob(12))), hash, user_id, 'legacy', 'token from before accounts', created_at, expires_at, revoked_at
        FROM tokens;
      DROP TABLE tokens;
      CREATE TABLE password_resets (
        hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX password_resets_by_user ON password_resets(user_id);
      CREATE TABLE user_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX user_audit_by_user ON user_audit(user_id, seq);
    `);
  },
};
