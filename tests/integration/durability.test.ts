/**
 * [S1–S4, S10] Durability: every acknowledged update survives a clean restart, a kill -9 of
 * the server process at random moments under write load (a real child process, 20+ kills),
 * and the death of the SQLite writer thread under write load.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeSync, decodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { createBoard, createUser, startServer, tempDir, type TestUser } from '../helpers/server.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { emitAck, joinRaw, rawSocket, updateMessage } from '../helpers/raw.js';
import { seededRandom } from '../helpers/updates.js';
import type { SqliteStore } from '../../server/persistence/sqlite-store.js';
import { waitFor } from '../helpers/server.js';

const KILLS = 22;

/** Reads a doc's full state from a server through a fresh raw client. */
async function readDoc(url: string, token: string, boardId: string, docKey: string): Promise<Y.Doc> {
  const { socket } = await rawSocket(url, token);
  try {
    const j = await joinRaw(socket, boardId);
    if (!j.ok) throw new Error(JSON.stringify(j));
    const r = await emitAck<{ reply: Uint8Array }>(socket, 'sync:message', {
      docKey,
      message: encodeSync(SyncType.Step1, Y.encodeStateVector(new Y.Doc())),
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const d = new Y.Doc();
    Y.applyUpdate(d, decodeSync(new Uint8Array(r.value.reply)).payload);
    return d;
  } finally {
    socket.close();
  }
}

describe('durability', () => {
  const children: ChildServer[] = [];
  afterAll(async () => {
    for (const c of children) await c.kill();
  });

  it('[S1] every acknowledged update is present after a clean restart', async () => {
    const dir = tempDir();
    let srv = await startServer({}, dir);
    const user = await createUser(srv.url, 'Rita');
    const board = await createBoard(srv.url, user);
    const key = reviewerDocKey(board.id, user.id);
    const { socket } = await rawSocket(srv.url, user.token);
    await joinRaw(socket, board.id);
    const local = new Y.Doc();
    const acks: Array<Promise<unknown>> = [];
    local.on('update', (u: Uint8Array) => {
      acks.push(emitAck(socket, 'sync:message', { docKey: key, message: updateMessage(u) }));
    });
    for (let i = 0; i < 300; i++) local.getMap('votes').set(`k${i}`, { rating: 1 + (i % 5), confidence: 'low', at: i });
    const results = await Promise.all(acks);
    expect(results.every((r: any) => r.ok)).toBe(true);
    socket.close();
    await srv.close();
    srv = await startServer({}, dir);
    const doc = await readDoc(srv.url, user.token, board.id, key);
    expect(doc.getMap('votes').size).toBe(300);
    await srv.close();
  });

  it('[S10] killing the writer thread under write load: every write settles, every acknowledged one survives a restart', async () => {
    const dir = tempDir();
    let srv = await startServer({}, dir);
    const user = await createUser(srv.url, 'Wes');
    const board = await createBoard(srv.url, user);
    const key = reviewerDocKey(board.id, user.id);
    const store = srv.app.store as SqliteStore;
    const { socket } = await rawSocket(srv.url, user.token);
    await joinRaw(socket, board.id);
    const acked = new Set<string>();
    let sent = 0;
    let settled = 0;
    let failed = 0;
    let stop = false;
    const write = (k: string) => {
      // A fresh Yjs client per update: no update depends on another, so one that fails
      // (outcome unknown) leaves the later ones applicable.
      const local = new Y.Doc();
      let update: Uint8Array | null = null;
      local.on('update', (u: Uint8Array) => (update = u));
      local.getMap('votes').set(k, { rating: 2, confidence: 'low', at: sent });
      sent++;
      emitAck(socket, 'sync:message', { docKey: key, message: updateMessage(update!) }).then(
        (r) => {
          settled++;
          if (r.ok) acked.add(k);
          else failed++;
        },
        () => settled++,
      );
    };
    const writer = (async () => {
      let i = 0;
      while (!stop) {
        for (let b = 0; b < 5; b++) write(`w${i++}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const KILLS_OF_WRITER = 3;
    for (let kill = 1; kill <= KILLS_OF_WRITER; kill++) {
      const before = acked.size;
      await waitFor(() => acked.size >= before + 50, `acknowledged writes before kill ${kill}`, 20_000);
      await store.killWriterForTest();
      await waitFor(() => store.writerRestarts === kill, `writer restart ${kill}`, 20_000);
    }
    const afterKills = acked.size;
    await waitFor(() => acked.size >= afterKills + 50, 'acknowledged writes after the last restart', 20_000);
    stop = true;
    await writer;
    const stoppedAt = performance.now();
    // Every write ends, acknowledged or refused; none waits for an answer that never comes.
    await waitFor(() => settled === sent, `all ${sent} writes settled`, 30_000);
    const settleMs = performance.now() - stoppedAt;
    socket.close();
    await srv.close();
    srv = await startServer({}, dir);
    const doc = await readDoc(srv.url, user.token, board.id, key);
    const votes = doc.getMap('votes');
    const lost = [...acked].filter((k) => !votes.has(k));
    expect(lost, 'acknowledged but lost').toEqual([]);
    console.info(`[S10] writer killed ${KILLS_OF_WRITER} times under load: ${sent} writes, ${acked.size} acknowledged, ${failed} refused, none lost; all settled ${settleMs.toFixed(0)} ms after the load stopped`);
    await srv.close();
  }, 120_000);

  it(`[S2] kill -9 at random moments under write load loses no acknowledged update (${KILLS} kills)`, async () => {
    const dir = tempDir();
    const rand = seededRandom(2024);
    let child = await startChildServer(dir, { COMPACT_EVERY: '40', RATE_FRAMES_PER_SEC: '100000', RATE_FRAMES_BURST: '100000' });
    children.push(child);
    const user: TestUser = await createUser(child.url, 'Kim');
    const board = await createBoard(child.url, user);
    const key = reviewerDocKey(board.id, user.id);
    const acked = new Set<string>();
    let totalSent = 0;
    for (let round = 0; round < KILLS; round++) {
      const { socket } = await rawSocket(child.url, user.token);
      await joinRaw(socket, board.id);
      // A fresh Yjs client per round, so its updates depend only on each other.
      const local = new Y.Doc();
      let i = 0;
      let current = '';
      let stop = false;
      local.on('update', (u: Uint8Array) => {
        const k = current; // the key the transaction that made this update set
        totalSent++;
        emitAck(socket, 'sync:message', { docKey: key, message: updateMessage(u) }).then(
          (r) => { if (r.ok) acked.add(k); },
          () => undefined, // no answer: the server died first
        );
      });
      const writer = (async () => {
        while (!stop) {
          for (let b = 0; b < 5 && !stop; b++) {
            current = `r${round}-${i++}`;
            local.getMap('votes').set(current, { rating: 3, confidence: 'high', at: i });
          }
          // About 1,000 updates a second: load, without drowning the server in a backlog.
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await new Promise((r) => setTimeout(r, 40 + Math.floor(rand() * 300)));
      await child.kill('SIGKILL');
      stop = true;
      await writer;
      socket.close();
      child = await startChildServer(dir, { COMPACT_EVERY: '40', RATE_FRAMES_PER_SEC: '100000', RATE_FRAMES_BURST: '100000' });
      children.push(child);
      const doc = await readDoc(child.url, user.token, board.id, key);
      const votes = doc.getMap('votes');
      const lost = [...acked].filter((k) => !votes.has(k));
      expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
    }
    expect(acked.size).toBeGreaterThan(KILLS * 10);
    console.info(`kill -9 test: ${KILLS} kills, ${totalSent} updates sent, ${acked.size} acknowledged, none lost`);
    await child.kill('SIGTERM');
  }, 240_000);
});
