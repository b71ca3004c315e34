/**
 * Regression guard: counts what must not grow — websocket frames per update per
 * recipient, store transactions per batch of updates, bytes and docs sent for a join. Nothing here
 * is timed; speed lives in tests/bench.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { decodeSync, encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import type { SqliteStore } from '../../server/persistence/sqlite-store.js';
import { addMember, createBoard, createUser, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, rawSocket, rawWs, updateMessage } from '../helpers/raw.js';
import { fastPathStats } from '../../server/realtime/ws-frames.js';

let srv: TestServer;
let owner: TestUser, a: TestUser, b: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer();
  [owner, a, b] = (await Promise.all(['Olga', 'Ann', 'Ben'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, a, 'reviewer');
  await addMember(srv.url, owner, boardId, b, 'reviewer');
});
afterAll(() => srv.close());

/**
 * Counts websocket frames carrying messages that a Socket.IO client receives (engine.io
 * message packets, binary attachments included; heartbeats left out).
 */
function countFrames(socket: Awaited<ReturnType<typeof rawSocket>>['socket']) {
  const counter = { frames: 0, bytes: 0 };
  socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
    if (p.type !== 'message') return;
    counter.frames++;
    const d = p.data;
    counter.bytes += typeof d === 'string' ? d.length : d instanceof ArrayBuffer ? d.byteLength : (d as Uint8Array | undefined)?.byteLength ?? 0;
  });
  return counter;
}

describe('regression guard', () => {
  it('frames per update: at most 1 per Socket.IO recipient (one MessagePack frame per flush), 1 per y-websocket recipient, 0 to the sender', async () => {
    const key = reviewerDocKey(boardId, a.id);
    const sender = await rawSocket(srv.url, a.token);
    const recv = await rawSocket(srv.url, b.token);
    for (const s of [sender, recv]) {
      await joinRaw(s.socket, boardId);
      await emitAck(s.socket, 'sync:message', { docKey: key, message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
    }
    const ws = await rawWs(srv.url, key, owner.token);
    await waitFor(() => ws.received.length >= 2, 'ws opening');
    // Ann's first vote lists her doc, which the others learn in a board:docs push [T8b]:
    // cast one before counting, so that only fan-out frames are counted below.
    const opening = new Y.Doc();
    opening.getMap('votes').set('opening', { rating: 3, confidence: 'low', at: 0 });
    expect((await emitAck(sender.socket, 'sync:message', { docKey: key, message: updateMessage(Y.encodeStateAsUpdate(opening)) })).ok).toBe(true);
    await waitFor(() => ws.received.length >= 3, 'opening vote');
    await new Promise((r) => setTimeout(r, 100));
    const toSender = countFrames(sender.socket);
    const toRecv = countFrames(recv.socket);
    let updatesIn = 0;
    recv.socket.on('sync:updates', ({ updates }) => (updatesIn += updates.length));
    const wsBefore = ws.received.length;
    const local = new Y.Doc();
    const UPDATES = 20;
    for (let i = 0; i < UPDATES; i++) {
      local.getMap('votes').set(`c${i}`, { rating: 3, confidence: 'low', at: i });
    }
    const updates: Uint8Array[] = [];
    const replay = new Y.Doc();
    replay.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < UPDATES; i++) replay.getMap('votes').set(`c${i}`, { rating: 3, confidence: 'low', at: i });
    for (const u of updates) expect((await emitAck(sender.socket, 'sync:message', { docKey: key, message: updateMessage(u) })).ok).toBe(true);
    await waitFor(() => updatesIn >= UPDATES && ws.received.length - wsBefore >= UPDATES, 'broadcasts');
    expect(updatesIn).toBe(UPDATES);
    await new Promise((r) => setTimeout(r, 100));
    // The sender gets only its acks (one frame each), never its own update back.
    expect(toSender.frames).toBe(UPDATES);
    // One frame per flush; updates committed close together share one (the fan-out window).
    expect(toRecv.frames).toBeGreaterThan(0);
    expect(toRecv.frames / UPDATES).toBeLessThanOrEqual(1);
    expect((ws.received.length - wsBefore) / UPDATES).toBe(1);
    sender.socket.close();
    recv.socket.close();
    ws.close();
  });

  it('[T5] fan-out to idle recipients takes the prebuilt-frame fast path on both transports (fails if the pinned ws or engine.io internals change)', async () => {
    const key = reviewerDocKey(boardId, a.id);
    const sender = await rawSocket(srv.url, a.token);
    const recv = await rawSocket(srv.url, b.token);
    for (const s of [sender, recv]) {
      await joinRaw(s.socket, boardId);
      await emitAck(s.socket, 'sync:message', { docKey: key, message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
    }
    const ws = await rawWs(srv.url, key, owner.token);
    await waitFor(() => ws.received.length >= 2, 'ws opening');
    let got = 0;
    recv.socket.on('sync:updates', ({ updates }) => (got += updates.length));
    const before = { ...fastPathStats };
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    const UPDATES = 5;
    for (let i = 0; i < UPDATES; i++) {
      d.getMap('votes').set(`fast${i}`, { rating: 2, confidence: 'low', at: i });
      const wsBefore = ws.received.length;
      expect((await emitAck(sender.socket, 'sync:message', { docKey: key, message: updateMessage(updates[i]!) })).ok).toBe(true);
      // One at a time: each reaches both recipients before the next, so nothing is queued.
      await waitFor(() => got >= i + 1 && ws.received.length > wsBefore, `update ${i} delivered`);
    }
    const engine = fastPathStats.takenEngine - before.takenEngine;
    const plainWs = fastPathStats.taken - before.taken - engine;
    expect(fastPathStats.unrecognised - before.unrecognised).toBe(0);
    // Every write to an idle connection goes the fast way; a rare one may find a heartbeat queued.
    expect(engine).toBeGreaterThanOrEqual(UPDATES - 1);
    expect(plainWs).toBeGreaterThanOrEqual(UPDATES - 1);
    sender.socket.close();
    recv.socket.close();
    ws.close();
  });

  it('store transactions per batch: a burst of updates commits in a few transactions', async () => {
    const store = srv.app.store as SqliteStore;
    const key = reviewerDocKey(boardId, b.id);
    const s = await rawSocket(srv.url, b.token);
    await joinRaw(s.socket, boardId);
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 200; i++) d.getMap('votes').set(`k${i}`, { rating: 2, confidence: 'low', at: i });
    await srv.app.store.flush();
    const before = { ...store.stats };
    const acks = await Promise.all(updates.map((u) => emitAck(s.socket, 'sync:message', { docKey: key, message: updateMessage(u) })));
    expect(acks.every((r) => r.ok)).toBe(true);
    const tx = store.stats.appendTransactions - before.appendTransactions;
    expect(store.stats.appendedUpdates - before.appendedUpdates).toBe(200);
    // Group commit: one transaction in flight, what arrives meanwhile goes into the next.
    // Today ~3 updates share a transaction here (each waits for its validation round trip);
    // one transaction per update would be the regression this catches.
    expect(tx).toBeLessThanOrEqual(100);
    s.socket.close();
  });

  it('coalescing: a burst reaches a recipient in at most one frame per store transaction', async () => {
    const store = srv.app.store as SqliteStore;
    const key = reviewerDocKey(boardId, a.id);
    const sender = await rawSocket(srv.url, a.token);
    const recv = await rawSocket(srv.url, b.token);
    const seen = new Y.Doc();
    for (const s of [sender, recv]) {
      await joinRaw(s.socket, boardId);
      const r = await emitAck<{ reply: Uint8Array }>(s.socket, 'sync:message', { docKey: key, message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
      if (s === recv && r.ok) Y.applyUpdate(seen, decodeSync(new Uint8Array(r.value.reply)).payload);
    }
    recv.socket.on('sync:updates', ({ updates }) => {
      for (const u of updates) Y.applyUpdate(seen, decodeSync(new Uint8Array(u.message)).payload);
    });
    await new Promise((r) => setTimeout(r, 100));
    // A writer with its own client id, continuing from what the server holds.
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(seen));
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    const BURST = 200;
    for (let i = 0; i < BURST; i++) d.getMap('votes').set(`burst${i}`, { rating: 4, confidence: 'low', at: i });
    await srv.app.store.flush();
    const txBefore = store.stats.appendTransactions;
    const toRecv = countFrames(recv.socket);
    const acks = await Promise.all(updates.map((u) => emitAck(sender.socket, 'sync:message', { docKey: key, message: updateMessage(u) })));
    expect(acks.every((r) => r.ok)).toBe(true);
    await waitFor(() => [...Array(BURST).keys()].every((i) => seen.getMap('votes').has(`burst${i}`)), 'the recipient has the whole burst');
    const tx = store.stats.appendTransactions - txBefore;
    // Everything one transaction commits goes out in one flush: frames ≤ transactions < updates.
    expect(toRecv.frames).toBeLessThanOrEqual(tx);
    expect(toRecv.frames).toBeLessThan(BURST);
    sender.socket.close();
    recv.socket.close();
  });

  it('frames for a join: one sync:open answers every doc of the board in one frame', async () => {
    const s = await rawSocket(srv.url, a.token);
    const join = await joinRaw(s.socket, boardId);
    if (!join.ok) throw new Error(join.error.code);
    const counter = countFrames(s.socket);
    const docs = (join.value.docs as string[]).map((docKey) => ({ docKey, stateVector: new Uint8Array([0]) }));
    expect(docs.length).toBeGreaterThanOrEqual(5);
    const r = await emitAck<{ docs: Array<{ ok: boolean }> }>(s.socket, 'sync:open', { docs });
    expect(r.ok && r.value.docs.every((d) => d.ok)).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    expect(counter.frames).toBe(1);
    s.socket.close();
  });

  it('docs for a join: members who never voted add none; one who votes adds one [D3]', async () => {
    const listed = async () => {
      const s = await rawSocket(srv.url, a.token);
      const join = await joinRaw(s.socket, boardId);
      s.socket.close();
      if (!join.ok) throw new Error(join.error.code);
      return join.value.docs as string[];
    };
    const before = await listed();
    const silent = await Promise.all(Array.from({ length: 20 }, (_, i) => createUser(srv.url, `Silent ${i}`)));
    for (const u of silent) await addMember(srv.url, owner, boardId, u, 'reviewer');
    expect(await listed()).toEqual(before);
    // One of them votes: their doc is listed from then on.
    const s = await rawSocket(srv.url, silent[0]!.token);
    await joinRaw(s.socket, boardId);
    const vote = new Y.Doc();
    vote.getMap('votes').set('c1', { rating: 3, confidence: 'low', at: 1 });
    const r = await emitAck(s.socket, 'sync:message', { docKey: reviewerDocKey(boardId, silent[0]!.id), message: encodeSync(SyncType.Update, Y.encodeStateAsUpdate(vote)) });
    expect(r.ok).toBe(true);
    s.socket.close();
    const after = await listed();
    expect(after).toHaveLength(before.length + 1);
    expect(after).toEqual(expect.arrayContaining([...before, reviewerDocKey(boardId, silent[0]!.id)]));
  });

  it('bytes for a join: the state once, plus a small envelope', async () => {
    const key = boardDocKey(boardId);
    const state = await srv.app.registry.read(key, (doc) => Y.encodeStateAsUpdate(doc));
    const s = await rawSocket(srv.url, a.token);
    const counter = countFrames(s.socket);
    await joinRaw(s.socket, boardId);
    const r = await emitAck<{ reply: Uint8Array }>(s.socket, 'sync:message', { docKey: key, message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
    expect(r.ok).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    expect(counter.bytes).toBeGreaterThanOrEqual(state.length);
    expect(counter.bytes).toBeLessThanOrEqual(state.length + 1024);
    s.socket.close();
  });
});
