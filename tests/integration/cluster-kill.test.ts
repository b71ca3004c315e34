/**
 * Cluster must-show 2 [K1, K5, S1]: three processes behind a TCP proxy standing in for the load
 * balancer, Socket.IO clients and y-websocket providers writing through it; one process is
 * killed with SIGKILL under the load. Its clients reconnect through the proxy to the others,
 * and every acknowledged update is present in PostgreSQL and on every surviving process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createPgPool } from '../../server/persistence/pg/pg-pool.js';
import { PgUpdateLog } from '../../server/persistence/pg/pg-update-log.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { pgReachable } from '../helpers/pg.js';
import { addMember, createBoard, createUser, socketClient, waitFor, wsProvider } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const reachable = await pgReachable();
let cluster: TestCluster | null = null;
let proxy: TcpProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  await cluster?.close();
  cluster = proxy = null;
});

describe.skipIf(!reachable)('cluster: a process killed under write load', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  it('[K5] its clients reconnect to the others through the proxy; every acknowledged update is everywhere', async () => {
    cluster = await startTestCluster(3);
    proxy = await startTcpProxy(cluster.servers.map((s) => s.port));
    const lb = `http://127.0.0.1:${proxy.port}`;
    const owner = await createUser(lb, 'Owner');
    const board = await createBoard(lb, owner);
    const writers = [];
    for (let i = 0; i < 6; i++) {
      const u = await createUser(lb, `Writer ${i}`);
      await addMember(lb, owner, board.id, u, 'reviewer');
      writers.push(u);
    }
    const keys = writers.map((u) => reviewerDocKey(board.id, u.id));
    // Four Socket.IO clients that reconnect on their own, and two stock y-websocket providers.
    const sio = writers.slice(0, 4).map((u, i) => socketClient(lb, u.token, board.id, [keys[i]!], { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 }));
    const ws = writers.slice(4).map((u, i) => wsProvider(lb, u.token, keys[4 + i]!));
    await waitFor(() => sio.every((c) => c.conn.saved) && ws.every((p) => p.provider.synced), 'initial sync', 15_000);
    // What the Socket.IO writers saw acknowledged, per doc.
    const acked = new Map<string, Set<string>>(keys.slice(0, 4).map((k) => [k, new Set()]));
    let stop = false;
    const sioLoop = async (i: number) => {
      const doc = sio[i]!.docs.get(keys[i]!)!;
      for (let n = 0; !stop; n++) {
        doc.getMap('votes').set(`c${n}`, { rating: 1 + (n % 5), confidence: 'low', at: n });
        await sio[i]!.conn.whenSaved(); // acknowledged: committed in PostgreSQL
        acked.get(keys[i]!)!.add(`c${n}`);
      }
    };
    const wsLoop = async (j: number) => {
      const doc = ws[j]!.doc;
      for (let n = 0; !stop; n++) {
        doc.getMap('votes').set(`c${n}`, { rating: 2, confidence: 'high', at: n });
        await new Promise((r) => setTimeout(r, 25)); // 40 writes a second: load; y-websocket has no acks to wait for
      }
    };
    const loops = [...sio.map((_, i) => sioLoop(i)), ...ws.map((_, j) => wsLoop(j))];
    await waitFor(() => [...acked.values()].every((s) => s.size >= 20), 'writes under way', 15_000).catch((err) => {
      console.error('acked', [...acked.values()].map((s) => s.size), 'errors', sio.map((c) => JSON.stringify(c.errors).slice(0, 300)), 'state', sio.map((c) => [c.socket.connected, c.conn.connected, c.conn.synced, c.conn.saved]));
      throw err;
    });
    const victim = cluster.servers[1]!;
    proxy.dropTarget(victim.port);
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    const before = [...acked.values()].reduce((n, s) => n + s.size, 0);
    await waitFor(() => [...acked.values()].reduce((n, s) => n + s.size, 0) >= before + 60, 'writes acknowledged after the kill', 20_000);
    const resumed = Date.now() - killedAt;
    stop = true;
    await Promise.all(loops);
    await waitFor(() => ws.every((p) => p.provider.synced && p.provider.wsconnected), 'y-websocket reconnected', 15_000);
    const survivors = cluster.servers.filter((s) => s !== victim);
    const pool = createPgPool(cluster.db.url);
    const log = new PgUpdateLog(pool);
    try {
      for (const [k, keysAcked] of acked) {
        const stored = new Y.Doc();
        for (const row of await log.loadUpdates(k)) Y.applyUpdate(stored, row.data);
        const votes = stored.getMap('votes');
        for (const c of keysAcked) expect(votes.has(c), `${k} ${c} in PostgreSQL`).toBe(true);
        for (const s of survivors) {
          const p = wsProvider(s.url, owner.token, k);
          await waitFor(() => p.provider.synced, 'reading a survivor', 10_000);
          for (const c of keysAcked) expect(p.doc.getMap('votes').has(c), `${k} ${c} on ${s.url}`).toBe(true);
          p.close();
        }
      }
      // The y-websocket writers' own copies reach the store once reconnected (they resend what the server lacks).
      for (const [j, p] of ws.entries()) {
        const k = keys[4 + j]!;
        await waitFor(async () => {
          const d = new Y.Doc();
          for (const row of await log.loadUpdates(k)) Y.applyUpdate(d, row.data);
          return d.getMap('votes').size === p.doc.getMap('votes').size;
        }, `${k} complete in PostgreSQL`, 10_000);
      }
    } finally {
      await pool.end();
    }
    const total = [...acked.values()].reduce((n, s) => n + s.size, 0);
    console.log(`[K5] kill -9 under load: ${total} acknowledged Socket.IO writes all present; writing resumed ${resumed} ms after the kill`);
    for (const c of sio) c.close();
    for (const p of ws) p.close();
  }, 180_000);
});
