/**
 * Versioned migrations of the PostgreSQL store, run on start by every process. One advisory
 * lock serialises processes that start together; the pending migrations and their rows in
 * `schema_migrations` commit in one transaction (PostgreSQL's DDL is transactional), so a
 * crash leaves the database where it was.
 * Append new migrations at the end; never edit a released one.
 */
import type pg from 'pg';
import { inTransaction } from './pg-pool.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** An arbitrary constant: the advisory lock key of schema migration. */
const MIGRATION_LOCK = 0x43_42_4d_31; // "CBM1"

export const PG_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: 'update log',
    sql: `
      CREATE TABLE docs (
        doc_key text PRIMARY KEY,
        head_seq bigint NOT NULL DEFAULT 0,
        compacted_to bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE updates (
        doc_key text NOT NULL,
        seq bigint NOT NULL,
        data bytea NOT NULL,
        crc bigint NOT NULL,
        PRIMARY KEY (doc_key, seq)
      );
      CREATE TABLE quarantine (
        doc_key text NOT NULL,
        seq bigint NOT NULL,
        data bytea NOT NULL,
        reason text NOT NULL,
        at bigint NOT NULL
      );
      CREATE TABLE doc_clients (
        doc_key text NOT NULL,
        client_id bigint NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (doc_key, client_id)
      );
    `,
  },
  {
    version: 2,
    name: 'directory: users and their credentials, password resets, boards, members, invites, audits',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at bigint NOT NULL,
        email text UNIQUE,
        password_hash text,
        avatar_color text,
        email_verified boolean NOT NULL DEFAULT false,
        claimed_at bigint
      );
      CREATE TABLE credentials (
        id text PRIMARY KEY,
        hash text NOT NULL UNIQUE,
        user_id text NOT NULL REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('session', 'pat', 'legacy')),
        name text,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        last_used_at bigint,
        shared_computer boolean NOT NULL DEFAULT false,
        user_agent text
      );
      CREATE INDEX credentials_by_user ON credentials(user_id, kind);
      CREATE TABLE password_resets (
        hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        used_at bigint
      );
      CREATE INDEX password_resets_by_user ON password_resets(user_id);
      CREATE TABLE user_audit (
        seq bigserial PRIMARY KEY,
        user_id text NOT NULL,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        detail jsonb NOT NULL
      );
      CREATE INDEX user_audit_by_user ON user_audit(user_id, seq);
      CREATE TABLE boards (
        id text PRIMARY KEY,
        title text NOT NULL,
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        archived_at bigint
      );
      CREATE TABLE members (
        board_id text NOT NULL REFERENCES boards(id),
        user_id text NOT NULL REFERENCES users(id),
        role text NOT NULL,
        joined_at bigint NOT NULL,
        last_seen_at bigint,
        PRIMARY KEY (board_id, user_id)
      );
      CREATE INDEX members_by_user ON members(user_id);
      CREATE TABLE invites (
        id text PRIMARY KEY,
        board_id text NOT NULL REFERENCES boards(id),
        token_hash text NOT NULL UNIQUE,
        role text NOT NULL,
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        max_uses integer,
        uses integer NOT NULL DEFAULT 0,
        revoked_at bigint
      );
      CREATE INDEX invites_by_board ON invites(board_id);
      CREATE TABLE audit (
        seq bigserial PRIMARY KEY,
        board_id text NOT NULL,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        detail jsonb NOT NULL
      );
      CREATE INDEX audit_by_board ON audit(board_id, seq);
      CREATE TABLE write_probe (
        id integer PRIMARY KEY,
        at bigint NOT NULL
      );
    `,
  },
];

export async function migratePg(pool: pg.Pool, migrations: PgMigration[] = PG_MIGRATIONS): Promise<number> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new Error(`the database is at schema version ${current}, newer than this Claimboard knows (${newest}); upgrade Claimboard`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return Math.max(current, newest);
  });
}
