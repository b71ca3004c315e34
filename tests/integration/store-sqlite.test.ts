import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { SqliteStore } from '../../server/persistence/sqlite-store.js';
import { tempDir } from '../helpers/server.js';
import { storeContract } from '../helpers/store-contract.js';
import { membershipContract } from '../helpers/membership-contract.js';

storeContract('SQLite', {
  async make() {
    const file = path.join(tempDir(), 'test.sqlite');
    return { store: new SqliteStore(file), reopen: async () => new SqliteStore(file) };
  },
});

membershipContract('SQLite', {
  async make() {
    const file = path.join(tempDir(), 'm.sqlite');
    return {
      store: new SqliteStore(file),
      async setEmail(userId, email) {
        const db = new Database(file);
        db.prepare('UPDATE users SET email = ? WHERE id = ?').run(email, userId);
        db.close();
      },
    };
  },
});

it('[S3] SQLite runs in WAL mode with synchronous=FULL', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'p.sqlite'));
  expect(store.pragma('journal_mode')).toBe('wal');
  expect(store.pragma('synchronous')).toBe(2);
  await store.close();
});

it('[S7] a row whose bytes changed on disk, or that has no checksum, is not intact', async () => {
  const file = path.join(tempDir(), 'crc.sqlite');
  const store = new SqliteStore(file);
  for (let i = 1; i <= 3; i++) await store.appendUpdate('board/d', new Uint8Array([i, i, i]));
  await store.close();
  // Damage one row's bytes behind the store's back, and drop another's checksum.
  const raw = new Database(file);
  raw.prepare('UPDATE updates SET data = ? WHERE doc_key = ? AND seq = 2').run(Buffer.from([2, 2, 9]), 'board/d');
  raw.prepare('UPDATE updates SET crc = NULL WHERE doc_key = ? AND seq = 3').run('board/d');
  raw.close();
  const again = new SqliteStore(file);
  expect((await again.loadUpdates('board/d')).map((r) => [r.seq, r.intact])).toEqual([[1, true], [2, false], [3, false]]);
  await again.close();
});

it('[S7] a file from before checksums opens, and its rows load as not intact', async () => {
  const file = path.join(tempDir(), 'old.sqlite');
  const raw = new Database(file);
  raw.exec('CREATE TABLE updates (doc_key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_key, seq)) WITHOUT ROWID');
  raw.prepare('INSERT INTO updates (doc_key, seq, data) VALUES (?, ?, ?)').run('board/o', 1, Buffer.from([0, 0]));
  raw.close();
  const store = new SqliteStore(file);
  expect(await store.appendUpdate('board/o', new Uint8Array([0, 0]))).toBe(2);
  expect((await store.loadUpdates('board/o')).map((r) => [r.seq, r.intact])).toEqual([[1, false], [2, true]]);
  await store.close();
});

it('[B1] a file from before boards could be archived opens, its boards active', async () => {
  const file = path.join(tempDir(), 'old-boards.sqlite');
  const raw = new Database(file);
  raw.exec('CREATE TABLE boards (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL)');
  raw.prepare('INSERT INTO boards VALUES (?, ?, ?, ?)').run('b_old', 'Old', 'u1', 5);
  raw.close();
  const store = new SqliteStore(file);
  expect(await store.getBoard('b_old')).toEqual({ id: 'b_old', title: 'Old', createdBy: 'u1', createdAt: 5, archivedAt: null });
  expect(await store.updateBoard('b_old', { archivedAt: 9 })).toBe(true);
  expect(await store.getBoard('b_old')).toMatchObject({ archivedAt: 9 });
  await store.close();
});
