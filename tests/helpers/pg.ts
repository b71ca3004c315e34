/**
 * PostgreSQL for the suites that need it: the machine's server at 127.0.0.1:5432 (user
 * postgres, trust auth), and one fresh database per test, dropped afterwards, so suites never
 * share state or touch the shared `test` database. When `CI` is set the server must be there;
 * elsewhere a suite may skip when it is unreachable, and says so in one line.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when the server answers; with CI set, unreachable is an error, never a skip. */
export async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch (err) {
    if (process.env.CI) throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable and CI is set: ${String(err)}`);
    console.warn(`skipping the PostgreSQL suites: PostgreSQL at ${ADMIN_URL} is unreachable (${(err as Error).message})`);
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop()` ends its other connections and removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
