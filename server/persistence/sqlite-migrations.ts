/**
 * Versioned migrations of the embedded store, run on start (before the writer thread opens
 * the file). The file's version is SQLite's `user_version`; each migration runs in its own
 * transaction with the version bump, so a crash leaves the file at one version or the next.
 * A file from before versions existed reads as version 0 and gets the baseline, which is
 * idempotent (IF NOT EXISTS, columns added only when missing).
 *
 * Append new migrations at the end with the next version; never edit a released one.
 */
import type Database from 'better-sqlite3';
import { addColumnIfMissing, SCHEMA } from './sqlite-schema.js';
import { ACCOUNTS_MIGRATION } from './sqlite-migration-accounts.js';

export { addColumnIfMissing };

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}


export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'baseline: update log, directory, checksums, archived boards',
    up(db) {
      db.exec(SCHEMA);
      // Files from before rows kept a checksum: their rows stay NULL.
      addColumnIfMissing(db, 'updates', 'crc', 'INTEGER');
      // Files from before boards could be archived [B1]: every board is active.
      addColumnIfMissing(db, 'boards', 'archived_at', 'INTEGER');
    },
  },
  { version: 2, ...ACCOUNTS_MIGRATION },
];

/** Brings the file to the newest version; refuses a file written by a newer Claimboard. */
export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`the data file is at schema version ${current}, newer than this Claimboard knows (${newest}); upgrade Claimboard`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
