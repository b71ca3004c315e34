import { afterAll, describe } from 'vitest';
import { openPgStore } from '../../server/persistence/pg/pg-store.js';
import { createTestDatabase, pgReachable, type TestDatabase } from '../helpers/pg.js';
import { storeContract } from '../helpers/store-contract.js';

const reachable = await pgReachable();
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

describe.skipIf(!reachable)('PostgreSQL store', () => {
  storeContract('PostgreSQL', {
    async make() {
      const db = await createTestDatabase();
      databases.push(db);
      return { store: await openPgStore(db.url), reopen: () => openPgStore(db.url) };
    },
  });
});
