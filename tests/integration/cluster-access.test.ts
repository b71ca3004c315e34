/**
 * Cluster must-show 6 [K10]: a member removed or demoted through one process is cut off on
 * every process within 1 s, with Redis up and with Redis down (access changes travel through
 * PostgreSQL, not Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { pgReachable } from '../helpers/pg.js';
import { addMember, api, createBoard, createUser, socketClient, waitFor, wsProvider, type TestUser } from '../helpers/server.js';

const reachable = await pgReachable();
let cluster: TestCluster;
let owner: TestUser;
beforeAll(async () => {
  if (!reachable) return;
  cluster = await startTestCluster(2);
  owner = await createUser(cluster.servers[0]!.url, 'Olga');
}, 90_000);
afterAll(async () => {
  await cluster?.close();
});

describe.skipIf(!reachable)('cluster: access changes on every process', () => {
  for (const redis of ['up', 'down'] as const) {
    it(`[K10] removal and demotion through process 0 cut the member off on process 1 within 1 s (Redis ${redis})`, async () => {
      const [p0, p1] = [cluster.servers[0]!.url, cluster.servers[1]!.url];
      const board = await createBoard(p0, owner);
      const rita = await createUser(p0, `Rita ${redis}`);
      const dan = await createUser(p0, `Dan ${redis}`);
      await addMember(p0, owner, board.id, rita, 'reviewer');
      await addMember(p0, owner, board.id, dan, 'reviewer');
      const ritaKey = reviewerDocKey(board.id, rita.id);
      const danKey = reviewerDocKey(board.id, dan.id);
      const sio = socketClient(p1, rita.token, board.id, [ritaKey]);
      const ws = wsProvider(p1, rita.token, ritaKey);
      const danSio = socketClient(p1, dan.token, board.id, [danKey]);
      await waitFor(() => sio.conn.saved && ws.provider.synced && danSio.conn.saved, 'synced on process 1', 15_000);
      const wsClosed = new Promise<number>((r) => (ws.provider.ws as unknown as WebSocket).addEventListener('close', () => r(Date.now())));
      ws.provider.shouldConnect = false; // a removed member's stock client would only be refused again
      const accessChanges: Array<{ role: string | null; at: number }> = [];
      sio.socket.on('board:access', ({ role }: { role: string | null }) => accessChanges.push({ role, at: Date.now() }));
      if (redis === 'down') cluster.redis.pause();
      try {
        // Removal through process 0.
        const t0 = Date.now();
        expect((await api(p0, 'DELETE', `/api/boards/${board.id}/members/${rita.id}`, { token: owner.token })).status).toBe(204);
        const closedAt = await wsClosed;
        await waitFor(() => accessChanges.some((c) => c.role === null) || !sio.socket.connected, 'Socket.IO told of the removal', 5_000);
        const removedAt = accessChanges.find((c) => c.role === null)?.at ?? Date.now();
        const removalMs = Math.max(closedAt, removedAt) - t0;
        // Demotion through process 0: Dan's writes on process 1 are refused.
        const t1 = Date.now();
        expect((await api(p0, 'PATCH', `/api/boards/${board.id}/members/${dan.id}`, { token: owner.token, body: { role: 'viewer' } })).status).toBe(200);
        await waitFor(() => danSio.conn.role === 'viewer', 'the demotion on process 1', 5_000);
        const demotionMs = Date.now() - t1;
        danSio.docs.get(danKey)!.getMap('votes').set('c1', { rating: 3, confidence: 'low', at: 1 });
        await waitFor(() => danSio.errors.some((e) => e.code === 'READ_ONLY'), 'the write refused as read-only', 5_000);
        console.log(`[K10] Redis ${redis}: removal closed the member's connections on the other process after ${removalMs} ms; demotion reached it after ${demotionMs} ms`);
        expect(removalMs).toBeLessThan(1_000);
        expect(demotionMs).toBeLessThan(1_000);
      } finally {
        if (redis === 'down') cluster.redis.resume();
        sio.close();
        ws.close();
        danSio.close();
      }
    }, 60_000);
  }
});
