/**
 * [K4–K6] Two registries ("processes") on one PostgreSQL database and one private Redis, in
 * this test process: rows committed by one reach the other through Redis, or, when Redis is
 * paused or the row was never published, through the catch-up tick reading PostgreSQL.
 * The multi-process suite (child processes, proxy, kill -9) builds on this.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ClusterSync } from '../../server/cluster/cluster-sync.js';
import { RedisPeerBus } from '../../server/cluster/redis-peer-bus.js';
import { DocRegistry } from '../../server/docs/registry.js';
import { UpdateValidator } from '../../server/docs/validator.js';
import { createLogger } from '../../server/logger.js';
import { migratePg } from '../../server/persistence/pg/pg-migrations.js';
import { createPgPool } from '../../server/persistence/pg/pg-pool.js';
import { PgUpdateLog } from '../../server/persistence/pg/pg-update-log.js';
import { createTestDatabase, pgReachable, type TestDatabase } from '../helpers/pg.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/server.js';

const reachable = await pgReachable();
const logger = createLogger('silent');
const cleanups: Array<() => Promise<void>> = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(async () => {
  for (const d of databases) await d.drop();
});

async function node(url: string, redisUrl: string, nodeId: string, opts: { tickMs?: number; publish?: boolean } = {}) {
  const pool = createPgPool(url);
  await migratePg(pool);
  const log = new PgUpdateLog(pool);
  const validator = new UpdateValidator(2000, logger);
  const registry = new DocRegistry({ store: log, validator, logger, idleEvictMs: 60_000, compactEvery: 1000, maxUpdateBytes: 1 << 20 });
  const bus = new RedisPeerBus(redisUrl, nodeId, logger);
  if (opts.publish === false) bus.publish = () => undefined; // a process that never gets to publish
  bus.start();
  const sync = new ClusterSync(registry, bus, log, logger, { tickMs: opts.tickMs ?? 500 });
  cleanups.push(async () => {
    sync.close();
    await registry.close();
    await bus.close();
    await validator.close();
    await log.close();
    await pool.end();
  });
  return { registry, bus, sync, log };
}

/** A client's edit on a node: the text of `field` in the doc's map set to `value`. */
function edit(doc: Y.Doc, field: string, value: string): Uint8Array {
  let out: Uint8Array | null = null;
  const h = (u: Uint8Array) => (out = u);
  doc.on('update', h);
  doc.getMap('m').set(field, value);
  doc.off('update', h);
  return out!;
}

/** The doc's map with its keys sorted (a Y.Map iterates in the order its entries integrated). */
const sorted = (d: Y.Doc) => JSON.stringify(Object.entries(d.getMap('m').toJSON()).sort(([x], [y]) => (x < y ? -1 : 1)));
const text = (r: DocRegistry, key: string) => r.read(key, sorted);

describe.skipIf(!reachable)('cluster sync between two registries', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  let redis: TestRedis;
  let db: TestDatabase;
  const setup = async () => {
    redis = await startRedis();
    cleanups.push(() => redis.stop());
    db = await createTestDatabase();
    databases.push(db);
  };

  it('[K6] a row committed on one node reaches the other through Redis, and each node holds it once', async () => {
    await setup();
    const a = await node(db.url, redis.url, 'a', { tickMs: 60_000 }); // no tick: only Redis can carry it
    const b = await node(db.url, redis.url, 'b', { tickMs: 60_000 });
    await waitFor(() => a.bus.connected && b.bus.connected, 'redis connections');
    await a.registry.acquire('board/k', 'h');
    await b.registry.acquire('board/k', 'h');
    const seen: number[] = [];
    b.registry.onCommitted((u) => { if (u.origin.kind === 'peer') seen.push(u.seq!); });
    const client = new Y.Doc();
    for (let i = 0; i < 20; i++) {
      const ack = await a.registry.applyUpdate('board/k', edit(client, `f${i}`, `v${i}`), { kind: 'client', connId: 'c', userId: 'u' });
      expect(ack.ok).toBe(true);
    }
    await waitFor(async () => (await text(b.registry, 'board/k')) === (await text(a.registry, 'board/k')), 'node b to converge');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(b.bus.stats.received).toBe(20);
  });

  it('[K5] a row never published arrives through the catch-up tick within about a second', async () => {
    await setup();
    const a = await node(db.url, redis.url, 'a', { publish: false });
    const b = await node(db.url, redis.url, 'b', { tickMs: 500 });
    await b.registry.acquire('board/t', 'h');
    const client = new Y.Doc();
    const t0 = Date.now();
    expect((await a.registry.applyUpdate('board/t', edit(client, 'x', '1'), { kind: 'client', connId: 'c', userId: 'u' })).ok).toBe(true);
    await waitFor(async () => (await text(b.registry, 'board/t')) === '[["x","1"]]', 'the tick to deliver', 5000);
    const ms = Date.now() - t0;
    console.log(`[K5] unpublished row reached the other node after ${ms} ms (tick 500 ms)`);
    expect(ms).toBeLessThan(3000);
    expect(b.sync.stats.catchUps).toBeGreaterThan(0);
  });

  it('[K5] while Redis is paused edits are acknowledged and still reach the other node; afterwards Redis carries them again', async () => {
    await setup();
    const a = await node(db.url, redis.url, 'a', { tickMs: 300 });
    const b = await node(db.url, redis.url, 'b', { tickMs: 300 });
    await waitFor(() => a.bus.connected && b.bus.connected, 'redis connections');
    await a.registry.acquire('board/p', 'h');
    await b.registry.acquire('board/p', 'h');
    redis.pause();
    const client = new Y.Doc();
    for (let i = 0; i < 5; i++) {
      expect((await a.registry.applyUpdate('board/p', edit(client, `p${i}`, 'x'), { kind: 'client', connId: 'c', userId: 'u' })).ok).toBe(true);
    }
    await waitFor(async () => (await text(b.registry, 'board/p')) === (await text(a.registry, 'board/p')), 'catch-up while Redis is paused', 5000);
    redis.resume();
    await waitFor(() => a.bus.connected && b.bus.connected, 'redis connections again', 10_000);
    const before = b.bus.stats.received;
    expect((await a.registry.applyUpdate('board/p', edit(client, 'after', 'y'), { kind: 'client', connId: 'c', userId: 'u' })).ok).toBe(true);
    await waitFor(async () => (await text(b.registry, 'board/p')) === (await text(a.registry, 'board/p')), 'convergence after Redis returned', 5000);
    expect(b.bus.stats.received + b.sync.stats.catchUps).toBeGreaterThan(before);
  });

  it('[K4] concurrent writers on both nodes converge to one state, in PostgreSQL as in memory', async () => {
    await setup();
    const a = await node(db.url, redis.url, 'a');
    const b = await node(db.url, redis.url, 'b');
    await waitFor(() => a.bus.connected && b.bus.connected, 'redis connections');
    await a.registry.acquire('board/c', 'h');
    await b.registry.acquire('board/c', 'h');
    const ca = new Y.Doc();
    const cb = new Y.Doc();
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 30; i++) {
      writes.push(a.registry.applyUpdate('board/c', edit(ca, `a${i}`, String(i)), { kind: 'client', connId: 'ca', userId: 'ua' }));
      writes.push(b.registry.applyUpdate('board/c', edit(cb, `b${i}`, String(i)), { kind: 'client', connId: 'cb', userId: 'ub' }));
    }
    expect((await Promise.all(writes)).every((r) => (r as { ok: boolean }).ok)).toBe(true);
    await waitFor(async () => (await text(b.registry, 'board/c')) === (await text(a.registry, 'board/c')), 'the two nodes to agree');
    const fromStore = new Y.Doc();
    for (const row of await a.log.loadUpdates('board/c')) Y.applyUpdate(fromStore, row.data);
    expect(Object.keys(fromStore.getMap('m').toJSON())).toHaveLength(60);
    expect(sorted(fromStore)).toBe(await text(a.registry, 'board/c'));
  });
});
