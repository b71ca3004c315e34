import { afterAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../../server/persistence/pg/pg-pool.js';
import { migratePg, PG_MIGRATIONS } from '../../server/persistence/pg/pg-migrations.js';
import { PgUpdateLog } from '../../server/persistence/pg/pg-update-log.js';
import { createTestDatabase, pgReachable, type TestDatabase } from '../helpers/pg.js';

const reachable = await pgReachable();
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

/** A fresh database with the schema, and a log over a pool of its own. */
async function freshLog(): Promise<{ log: PgUpdateLog; url: string; close: () => Promise<void> }> {
  const db = await createTestDatabase();
  databases.push(db);
  const pool = createPgPool(db.url);
  await migratePg(pool);
  const log = new PgUpdateLog(pool);
  return { log, url: db.url, close: async () => { await log.close(); await pool.end(); } };
}

// The update log's contract runs on PostgreSQL with the whole store (store-pg.test.ts).
describe.skipIf(!reachable)('PostgreSQL update log', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  it('[K1] two processes appending to the same documents get one gapless sequence each', async () => {
    const { log: a, url, close } = await freshLog();
    const pool = createPgPool(url);
    const b = new PgUpdateLog(pool);
    const keys = ['board/k1', 'board/k2', 'board/k3'];
    const writes: Array<Promise<number>> = [];
    for (let i = 0; i < 300; i++) {
      const log = i % 2 === 0 ? a : b;
      // Opposite key orders on the two logs: row locks taken in key order cannot deadlock.
      const k = i % 2 === 0 ? keys[i % 3]! : keys[2 - (i % 3)]!;
      writes.push(log.appendUpdate(k, new Uint8Array([i % 256, i >> 8])));
    }
    await Promise.all(writes);
    for (const k of keys) {
      const rows = await a.loadUpdates(k);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.every((r) => r.intact)).toBe(true);
    }
    expect((await a.heads(keys)).get('board/k1')).toBe((await a.loadUpdates('board/k1')).length);
    expect(await a.loadUpdatesAfter('board/k2', 95)).toHaveLength((await a.loadUpdates('board/k2')).length - 95);
    await b.close();
    await pool.end();
    await close();
  });

  it('[K2] two compactions of one document at once: one wins, nothing lost or doubled', async () => {
    const { log: a, url, close } = await freshLog();
    const pool = createPgPool(url);
    const b = new PgUpdateLog(pool);
    for (let i = 1; i <= 10; i++) await a.appendUpdate('board/c', new Uint8Array([i]));
    await Promise.all([a.compact('board/c', new Uint8Array([100]), 8), b.compact('board/c', new Uint8Array([101]), 8)]);
    const rows = await a.loadUpdates('board/c');
    expect(rows.map((r) => r.seq)).toEqual([8, 9, 10]);
    expect([[100], [101]]).toContainEqual([...rows[0]!.data]);
    // An older compaction arriving late changes nothing.
    await b.compact('board/c', new Uint8Array([102]), 5);
    expect((await a.loadUpdates('board/c')).map((r) => r.seq)).toEqual([8, 9, 10]);
    expect(a.stats.compactionsSkipped + b.stats.compactionsSkipped).toBeGreaterThanOrEqual(2);
    await b.close();
    await pool.end();
    await close();
  });

  it('migrations run once however many processes start together, and refuse a newer database', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const pools = [createPgPool(db.url), createPgPool(db.url), createPgPool(db.url)];
    const versions = await Promise.all(pools.map((p) => migratePg(p)));
    expect(versions).toEqual(pools.map(() => PG_MIGRATIONS.at(-1)!.version));
    const { rows } = await pools[0]!.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(PG_MIGRATIONS.length);
    await pools[0]!.query('INSERT INTO schema_migrations (version, name) VALUES (9999, $1)', ['from the future']);
    await expect(migratePg(pools[1]!)).rejects.toThrow(/newer than this Claimboard knows/);
    for (const p of pools) await p.end();
  });

  it('an idle connection killed by the server does not crash the process; the pool recovers', async () => {
    const errors: Error[] = [];
    const db = await createTestDatabase();
    databases.push(db);
    const pool = createPgPool(db.url, { onIdleError: (e) => errors.push(e) });
    await pool.query('SELECT 1'); // one idle client now
    const admin = createPgPool(db.url);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    const deadline = Date.now() + 5000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(errors.length).toBeGreaterThan(0);
    expect((await pool.query('SELECT 2 AS v')).rows[0].v).toBe(2);
    await admin.end();
    await pool.end();
  });
});
