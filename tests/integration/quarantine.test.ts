/**
 * [R7, S5, S11] A stored update damaged on disk: the load quarantines it, says so (log, the
 * board's audit, /health), keeps what depended on it pending, and the client that still
 * has the lost update sends it on its next sync, after which everything held back applies.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { api, createBoard, createUser, socketClient, startServer, tempDir, waitFor, wsProvider, type TestServer } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(dir: string): Promise<TestServer> {
  // No idle eviction (and so no compaction) while the test runs: every update stays its own row.
  const srv = await startServer({ idleEvictMs: 600_000 }, dir);
  cleanups.push(() => srv.close());
  return srv;
}

const vote = (rating: number) => ({ rating, confidence: 'high', at: rating });

function votesOnServer(srv: TestServer, key: string): Promise<Record<string, unknown>> {
  return srv.app.registry.read(key, (d) => d.getMap('votes').toJSON());
}

/** Overwrites, behind the store's back, the stored row holding `client`'s struct at `clock`. */
function damageRow(file: string, key: string, client: number, clock: number): number {
  const raw = new Database(file);
  try {
    const rows = raw.prepare('SELECT seq, data FROM updates WHERE doc_key = ?').all(key) as Array<{ seq: number; data: Buffer }>;
    const row = rows.find((r) => {
      const meta = Y.parseUpdateMeta(new Uint8Array(r.data));
      return (meta.from.get(client) ?? Infinity) <= clock && clock < (meta.to.get(client) ?? -1);
    });
    if (!row) throw new Error(`no row holds ${client}:${clock}`);
    raw.prepare('UPDATE updates SET data = ? WHERE doc_key = ? AND seq = ?').run(Buffer.from([1, 2, 3, 250, 7]), key, row.seq);
    return row.seq;
  } finally {
    raw.close();
  }
}

/**
 * Device 1 writes c1, c2, c3 (three updates, three rows) and goes offline; device 2 (same
 * user) overrides c2 and adds c4, so its updates depend on device 1's second one. That
 * second row is then damaged on disk.
 */
async function scenario() {
  const dir = tempDir();
  let srv = await start(dir);
  const ann = await createUser(srv.url, 'Ann');
  const board = await createBoard(srv.url, ann);
  const key = reviewerDocKey(board.id, ann.id);
  const d1 = new Y.Doc();
  const p1 = wsProvider(srv.url, ann.token, key, d1);
  await waitFor(() => p1.provider.synced, 'device 1 synced');
  for (const [k, r] of [['c1', 1], ['c2', 2], ['c3', 3]] as const) d1.getMap('votes').set(k, vote(r));
  await waitFor(async () => Object.keys(await votesOnServer(srv, key)).length === 3, 'device 1 updates stored');
  p1.close();
  const d2 = new Y.Doc();
  const p2 = wsProvider(srv.url, ann.token, key, d2);
  await waitFor(() => p2.provider.synced && d2.getMap('votes').size === 3, 'device 2 synced');
  d2.getMap('votes').set('c2', vote(5));
  d2.getMap('votes').set('c4', vote(4));
  await waitFor(async () => (await votesOnServer(srv, key)).c4 !== undefined, 'device 2 updates stored');
  p2.close();
  await srv.close();
  const file = `${dir}/claimboard.sqlite`;
  const seq = damageRow(file, key, d1.clientID, 1);
  srv = await start(dir);
  return { dir, srv, ann, board, key, d1, seq };
}

describe('quarantine at load', () => {
  it('[R7] the lost update comes back from its client on the next sync (y-websocket) and what waited on it applies', async () => {
    const { srv, ann, board, key, d1, seq } = await scenario();
    // Loading quarantines the damaged row; device 1's later update and all of device 2's wait.
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1) });
    const health = await api(srv.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true, store: 'writable', quarantined: 1 });
    await waitFor(async () => (await api(srv.url, 'GET', `/api/boards/${board.id}/audit`, { token: ann.token })).body.audit.some((e: any) => e.action === 'doc.quarantined'), 'audit entry');
    const audit = (await api(srv.url, 'GET', `/api/boards/${board.id}/audit`, { token: ann.token })).body.audit;
    const entry = audit.find((e: any) => e.action === 'doc.quarantined');
    expect(entry.actor).toBe('server');
    expect(entry.detail.docKey).toBe(key);
    expect(entry.detail.rows.map((r: any) => r.seq)).toEqual([seq]);
    expect(entry.detail.waitingFor).toContainEqual({ client: d1.clientID, clock: 1 });

    // Device 1 comes back with the lost update still in its local doc.
    const p1 = wsProvider(srv.url, ann.token, key, d1);
    cleanups.push(() => p1.close());
    await waitFor(async () => Object.keys(await votesOnServer(srv, key)).length === 4, 'everything applied on the server', 10_000);
    // Device 2's override of c2 was only in the pending content: it applied, not dropped.
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1), c2: vote(5), c3: vote(3), c4: vote(4) });
    expect(await srv.app.registry.read(key, (d) => d.store.pendingStructs === null && d.store.pendingDs === null)).toBe(true);
    await waitFor(async () => (await api(srv.url, 'GET', `/api/boards/${board.id}/audit`, { token: ann.token })).body.audit.some((e: any) => e.action === 'doc.recovered'), 'recovery in the audit');
    // Device 1 has device 2's changes too: a step 2 carries the held-back content.
    await waitFor(() => d1.getMap('votes').get('c4') !== undefined, 'device 2 changes reach device 1');
    expect(d1.getMap('votes').toJSON()).toEqual({ c1: vote(1), c2: vote(5), c3: vote(3), c4: vote(4) });

    // And it is stored: a restart of the app on the same file loads all of it.
    p1.close();
    await srv.app.store.flush();
    await srv.close();
    const again = await start(srv.dataDir);
    expect(await votesOnServer(again, key)).toEqual({ c1: vote(1), c2: vote(5), c3: vote(3), c4: vote(4) });
  });

  it('[R7] the same over Socket.IO: the server step 1 at join makes the client send what was lost', async () => {
    const { srv, ann, board, key, d1 } = await scenario();
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1) });
    const c = socketClient(srv.url, ann.token, board.id, []);
    cleanups.push(() => c.close());
    c.conn.attach(key, d1);
    await waitFor(async () => Object.keys(await votesOnServer(srv, key)).length === 4, 'everything applied on the server', 10_000);
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1), c2: vote(5), c3: vote(3), c4: vote(4) });
    await waitFor(() => d1.getMap('votes').get('c4') !== undefined, 'device 2 changes reach device 1');
    expect(c.errors).toEqual([]);
  });

  it('[R7][V2] while content is pending, other writes apply and leave it pending; one that itself lacks content is refused', async () => {
    const { srv, ann, key, d1 } = await scenario();
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1) });
    const origin = { kind: 'client' as const, connId: 'test', userId: ann.id };
    const d3 = new Y.Doc();
    let u: Uint8Array | null = null;
    d3.on('update', (x: Uint8Array) => (u = x));
    d3.getMap('votes').set('c5', vote(2));
    expect(await srv.app.registry.applyUpdate(key, u!, origin)).toEqual({ ok: true, value: null });
    // An update that builds on content the server lacks (device 1's lost one) is refused.
    const d4 = new Y.Doc();
    Y.applyUpdate(d4, Y.encodeStateAsUpdate(d1));
    const sv = Y.encodeStateVector(d4);
    d4.getMap('votes').set('c3', vote(1)); // overrides device 1's c3, which waits behind the lost update
    const r = await srv.app.registry.applyUpdate(key, Y.encodeStateAsUpdate(d4, sv), origin);
    expect(r).toMatchObject({ ok: false, error: { code: 'UPDATE_MISSING_DEPENDENCIES' } });
    expect(await srv.app.registry.read(key, (d) => d.store.pendingStructs !== null)).toBe(true);
    const p1 = wsProvider(srv.url, ann.token, key, d1);
    cleanups.push(() => p1.close());
    await waitFor(async () => Object.keys(await votesOnServer(srv, key)).length === 5, 'everything applied on the server', 10_000);
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1), c2: vote(5), c3: vote(3), c4: vote(4), c5: vote(2) });
  });

  it('[R7][V5] while content is pending the log is not compacted (its stored bytes are never merged), and it is pending again after a restart', async () => {
    const { srv, key } = await scenario();
    expect(await votesOnServer(srv, key)).toEqual({ c1: vote(1) });
    await srv.app.registry.evictIdle(); // would compact a grown log into the doc's state
    await srv.close();
    const again = await start(srv.dataDir);
    // Device 2's rows are still there (pending again); nothing was compacted away.
    const rows = await again.app.store.loadUpdates(key);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(await again.app.registry.read(key, (d) => d.store.pendingStructs !== null)).toBe(true);
  });
});
