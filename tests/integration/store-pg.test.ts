import { afterAll, describe } from 'vitest';
import { openPgStore } from '../../server/persistence/pg/pg-store.js';
import { createTestDatabase, pgReachable, type TestDatabase } from '../helpers/pg.js';
import { storeContract } from '../helpers/store-contract.js';
import { membershipContract } from '../helpers/membership-contract.js';

const reachable = await pgReachable();
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

describe.skipIf(!reachable)('PostgreSQL store', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  storeContract('PostgreSQL', {
    async make() {
      const db = await createTestDatabase();
      databases.push(db);
      return { store: await openPgStore(db.url), reopen: () => openPgStore(db.url) };
    },
  });
  membershipContract('PostgreSQL', {
    async make() {
      const db = await createTestDatabase();
      databases.push(db);
      const store = await openPgStore(db.url);
      return { store, setEmail: async (userId, email) => void (await store.pool.query('UPDATE users SET email = $1 WHERE id = $2', [email, userId])) };
    },
  });
});
