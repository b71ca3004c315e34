/**
 * [A1–A6] Write authority per document, on both transports: refused frames never touch a
 * document (compared byte for byte with the server's state before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, createBoard, createUser, serverState, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, mapSetUpdate, rawSocket, rawWs, updateMessage, upgradeStatus } from '../helpers/raw.js';
import { decodeSync } from '../../shared/protocol/sync-codec.js';
import * as decoding from 'lib0/decoding';

let srv: TestServer;
let owner: TestUser, alice: TestUser, bob: TestUser, victor: TestUser, stranger: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer();
  [owner, alice, bob, victor, stranger] = (await Promise.all(
    ['Olga', 'Alice', 'Bob', 'Victor', 'Stranger'].map((n) => createUser(srv.url, n)),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, alice, 'reviewer');
  await addMember(srv.url, owner, boardId, bob, 'reviewer');
  await addMember(srv.url, owner, boardId, victor, 'viewer');
  // Give Bob's doc some content so "unchanged" is not trivially empty.
  const bobSock = await rawSocket(srv.url, bob.token);
  await joinRaw(bobSock.socket, boardId);
  const r = await emitAck(bobSock.socket, 'sync:message', {
    docKey: reviewerDocKey(boardId, bob.id),
    message: updateMessage(mapSetUpdate('votes', 'c1', { rating: 2, confidence: 'low', at: 1 })),
  });
  expect(r.ok).toBe(true);
  bobSock.socket.close();
});
afterAll(() => srv.close());

const snapshotAll = async () => {
  const keys = [boardDocKey(boardId), reviewerDocKey(boardId, alice.id), reviewerDocKey(boardId, bob.id), reviewerDocKey(boardId, owner.id)];
  return Promise.all(keys.map((k) => serverState(srv.app, k)));
};

/** y-websocket auth message "permission denied" (type 2, subtype 0). */
const isDenied = (m: Uint8Array) => {
  const d = decoding.createDecoder(m);
  return decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0;
};

describe('Socket.IO transport', () => {
  it("[A3] a reviewer's update to another reviewer's doc is refused and changes nothing", async () => {
    const before = await snapshotAll();
    const { socket } = await rawSocket(srv.url, alice.token);
    await joinRaw(socket, boardId);
    const r = await emitAck(socket, 'sync:message', {
      docKey: reviewerDocKey(boardId, bob.id),
      message: updateMessage(mapSetUpdate('votes', 'c1', { rating: 5, confidence: 'high', at: 2 })),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    // A reviewer may not write the board doc either.
    const r2 = await emitAck(socket, 'sync:message', {
      docKey: boardDocKey(boardId),
      message: updateMessage(mapSetUpdate('claims', 'x', 'forged')),
    });
    expect(r2).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    socket.close();
    expect(await snapshotAll()).toEqual(before);
  });

  it('[A4] a viewer\'s update to any doc is refused and changes nothing', async () => {
    const before = await snapshotAll();
    const { socket } = await rawSocket(srv.url, victor.token);
    const join = await joinRaw(socket, boardId);
    expect(join).toMatchObject({ ok: true, value: { role: 'viewer', writable: [] } });
    for (const docKey of [boardDocKey(boardId), reviewerDocKey(boardId, alice.id), reviewerDocKey(boardId, victor.id)]) {
      const r = await emitAck(socket, 'sync:message', {
        docKey,
        message: updateMessage(mapSetUpdate('votes', 'c1', { rating: 1, confidence: 'low', at: 3 })),
      });
      expect(r.ok).toBe(false);
    }
    socket.close();
    expect(await snapshotAll()).toEqual(before);
  });

  it('[A5] a non-member cannot join, read or write, and learns nothing about the board', async () => {
    const before = await snapshotAll();
    const { socket } = await rawSocket(srv.url, stranger.token);
    const join = await joinRaw(socket, boardId);
    const missing = await joinRaw(socket, 'b_doesnotexist');
    expect(join).toEqual(missing); // same answer as for a board that does not exist
    expect(join).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const r = await emitAck(socket, 'sync:message', {
      docKey: boardDocKey(boardId),
      message: updateMessage(mapSetUpdate('claims', 'x', 'forged')),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    socket.close();
    expect(await snapshotAll()).toEqual(before);
  });

  it('[A2] the reviewer may write their own doc, and an editor the board doc', async () => {
    const { socket } = await rawSocket(srv.url, alice.token);
    await joinRaw(socket, boardId);
    const r = await emitAck(socket, 'sync:message', {
      docKey: reviewerDocKey(boardId, alice.id),
      message: updateMessage(mapSetUpdate('votes', 'c9', { rating: 3, confidence: 'medium', at: 4 })),
    });
    expect(r).toEqual({ ok: true, value: {} });
    socket.close();
  });
});

describe('y-websocket transport', () => {
  it("[A3][Y3] a reviewer's update to another reviewer's doc is denied and changes nothing", async () => {
    const before = await snapshotAll();
    const c = await rawWs(srv.url, reviewerDocKey(boardId, bob.id), alice.token);
    c.sendUpdate(mapSetUpdate('votes', 'c1', { rating: 5, confidence: 'high', at: 5 }));
    await waitFor(() => c.received.some(isDenied), 'permission denied');
    c.close();
    expect(await snapshotAll()).toEqual(before);
  });

  it('[A4][Y3] a viewer\'s update is denied and changes nothing; the viewer still reads', async () => {
    const before = await snapshotAll();
    const c = await rawWs(srv.url, boardDocKey(boardId), victor.token);
    // The viewer receives the board's state (a step 2 carrying the article)...
    await waitFor(() => c.received.some((m) => m[0] === 0 && decodeSync(m.subarray(1)).type === 1), 'step 2');
    c.sendUpdate(mapSetUpdate('claims', 'x', 'forged'));
    await waitFor(() => c.received.some(isDenied), 'permission denied');
    c.close();
    expect(await snapshotAll()).toEqual(before);
  });

  it('[A5][Y2] a non-member and a missing token are refused at the upgrade', async () => {
    const base = srv.url.replace(/^http/, 'ws');
    expect(await upgradeStatus(`${base}/yjs/${boardDocKey(boardId)}?token=${stranger.token}`)).toBe(404);
    expect(await upgradeStatus(`${base}/yjs/${boardDocKey(boardId)}`)).toBe(401);
    expect(await upgradeStatus(`${base}/yjs/${boardDocKey(boardId)}?token=nonsense-token-that-is-long`)).toBe(401);
    expect(await upgradeStatus(`${base}/yjs/board/b_missing?token=${stranger.token}`)).toBe(404);
  });
});
