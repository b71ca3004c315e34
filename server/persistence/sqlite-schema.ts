import type Database from 'better-sqlite3';

const hasColumn = (db: Database.Database, table: string, column: string): boolean =>
  (db.pragma(`table_info(${table})`) as Array<{ name: string }>).some((c) => c.name === column);

/** Adds a column unless the table has it (files from before it was part of the schema). */
export function addColumnIfMissing(db: Database.Database, table: string, column: string, decl: string): void {
  if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${decl}`);
}

/** Tables of the embedded store at schema version 1 (the baseline migration, sqlite-migrations.ts). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS updates (
  doc_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  crc INTEGER,
  PRIMARY KEY (doc_key, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
  doc_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_clients (
  doc_key TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (doc_key, client_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  board_id TEXT NOT NULL,
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_board ON audit(board_id, seq);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE TABLE IF NOT EXISTS members (
  board_id TEXT NOT NULL REFERENCES boards(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  PRIMARY KEY (board_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_by_user ON members(user_id);
CREATE TABLE IF NOT EXISTS write_probe (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER
);
`;
