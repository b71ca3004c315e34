import path from 'node:path';
import { expect, it } from 'vitest';
import { SqliteStore } from '../../server/persistence/sqlite-store.js';
import { tempDir } from '../helpers/server.js';
import { storeContract } from '../helpers/store-contract.js';

storeContract('SQLite', {
  async make() {
    const file = path.join(tempDir(), 'test.sqlite');
    return { store: new SqliteStore(file), reopen: async () => new SqliteStore(file) };
  },
});

it('[S3] SQLite runs in WAL mode with synchronous=FULL', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'p.sqlite'));
  expect(store.pragma('journal_mode')).toBe('wal');
  expect(store.pragma('synchronous')).toBe(2);
  await store.close();
});
