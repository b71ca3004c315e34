import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import type { BoardDocsPush } from '../../shared/protocol/events.js';
import { addMember, api, createBoard, createUser, serverState, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';

let srv: TestServer;
let owner: TestUser;
let alice: TestUser;
let board: { id: string; docs: string[] };

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga');
  alice = await createUser(srv.url, 'Alice');
  board = await createBoard(srv.url, owner);
  await addMember(srv.url, owner, board.id, alice, 'reviewer');
});
afterAll(() => srv.close());

describe('sync over both transports', () => {
  it('[T1][Y1] a Socket.IO client and a stock WebsocketProvider see each other\'s edits live', async () => {
    const bKey = boardDocKey(board.id);
    const aKey = reviewerDocKey(board.id, alice.id);
    const sio = socketClient(srv.url, alice.token, board.id, [bKey, aKey]);
    const ws = wsProvider(srv.url, owner.token, bKey);
    const wsA = wsProvider(srv.url, owner.token, aKey);
    try {
      await waitFor(() => sio.conn.synced && ws.provider.synced && wsA.provider.synced, 'initial sync');
      expect(sio.docs.get(bKey)!.getText('article').toString()).toContain('$4.2 million');
      expect(ws.doc.getText('article').toString()).toContain('$4.2 million');
      // Alice votes over Socket.IO; the owner's stock provider sees it.
      sio.docs.get(aKey)!.getMap('votes').set('c1', { rating: 4, confidence: 'high', at: 1 });
      await waitFor(() => wsA.doc.getMap('votes').get('c1') !== undefined, 'vote over y-websocket');
      await sio.conn.whenSaved();
      // The owner edits the board over y-websocket; Alice sees it over Socket.IO.
      ws.doc.getText('article').insert(0, 'Updated: ');
      await waitFor(() => sio.docs.get(bKey)!.getText('article').toString().startsWith('Updated: '), 'board edit over Socket.IO');
      const state = await serverState(srv.app, aKey);
      const check = new Y.Doc();
      Y.applyUpdate(check, state);
      expect(check.getMap('votes').get('c1')).toEqual({ rating: 4, confidence: 'high', at: 1 });
    } finally {
      sio.close();
      ws.close();
      wsA.close();
    }
  });

  it('[T3] fresh joins of a large doc get its current state, before and after every change', async () => {
    const big = await createBoard(srv.url, owner, Array.from({ length: 400 }, (_, i) => `Paragraph ${i}: the council spent $${i}.5 million on item ${i} in 2023, the mayor said.`).join('\n\n'));
    const key = boardDocKey(big.id);
    const size = (await serverState(srv.app, key)).length;
    expect(size).toBeGreaterThan(16 * 1024); // large enough that the whole state is cached
    const editor = socketClient(srv.url, owner.token, big.id, [key]);
    await waitFor(() => editor.conn.synced, 'editor synced');
    const text = () => editor.docs.get(key)!.getText('article');
    for (let round = 0; round < 3; round++) {
      // Two fresh joins in a row (the second is served the cached encoding), then a change.
      for (let j = 0; j < 2; j++) {
        const c = socketClient(srv.url, owner.token, big.id, [key]);
        await waitFor(() => c.conn.synced, `join ${round}.${j}`);
        expect(c.docs.get(key)!.getText('article').toString()).toBe(text().toString());
        expect(Y.encodeStateVector(c.docs.get(key)!)).toEqual(Y.encodeStateVector(editor.docs.get(key)!));
        c.close();
      }
      text().insert(0, `Correction ${round}. `);
      await editor.conn.whenSaved();
    }
    editor.close();
  });

  it('GET /health answers ok', async () => {
    const r = await api(srv.url, 'GET', '/health');
    expect(r).toMatchObject({ status: 200, body: { ok: true, store: 'writable', quarantined: 0 } });
  });
});

describe('membership pushes', () => {
  it('[T8b][D3] a new member is announced with the whole list; their doc is listed once they vote, in one `added` push', async () => {
    const bKey = boardDocKey(board.id);
    const sio = socketClient(srv.url, owner.token, board.id, [bKey]);
    const pushed: BoardDocsPush[] = [];
    sio.socket.on('board:docs', (p) => pushed.push(p));
    let nia: ReturnType<typeof socketClient> | null = null;
    try {
      await waitFor(() => sio.conn.synced, 'sync');
      const newbie = await createUser(srv.url, 'Nia');
      const nKey = reviewerDocKey(board.id, newbie.id);
      await addMember(srv.url, owner, board.id, newbie, 'reviewer');
      await waitFor(() => pushed.length > 0, 'board:docs push');
      // Membership changed: the whole list, without the newcomer's still empty doc.
      expect(pushed[0]!.docs).toContain(bKey);
      expect(pushed[0]!.docs).not.toContain(nKey);
      const before = (await api(srv.url, 'GET', `/api/boards/${board.id}`, { token: owner.token })).body.board.docs as string[];
      expect(before).not.toContain(nKey);
      // Her own join lists her own (empty) reviewer doc: she writes it.
      nia = socketClient(srv.url, newbie.token, board.id, [bKey, nKey]);
      await waitFor(() => nia!.conn.synced, 'newcomer sync');
      expect(nia.conn.joinResult!.docs).toContain(nKey);
      // Her first vote lists the doc: the owner is told once, in an `added` push...
      const n0 = pushed.length;
      nia.docs.get(nKey)!.getMap('votes').set('c1', { rating: 2, confidence: 'low', at: 1 });
      await nia.conn.whenSaved();
      await waitFor(() => pushed.length > n0, '`added` push');
      expect(pushed.slice(n0)).toEqual([{ boardId: board.id, added: [nKey] }]);
      expect(sio.conn.joinResult!.docs).toContain(nKey);
      // ...and never again for her later votes.
      nia.docs.get(nKey)!.getMap('votes').set('c1', { rating: 3, confidence: 'low', at: 2 });
      nia.docs.get(nKey)!.getMap('votes').set('c2', { rating: 3, confidence: 'low', at: 3 });
      await nia.conn.whenSaved();
      const after = (await api(srv.url, 'GET', `/api/boards/${board.id}`, { token: owner.token })).body.board.docs as string[];
      expect(after).toContain(nKey);
      await new Promise((r) => setTimeout(r, 100));
      expect(pushed.length).toBe(n0 + 1);
      const members = await api(srv.url, 'GET', `/api/boards/${board.id}/members`, { token: owner.token });
      const me = members.body.members.find((m: { userId: string }) => m.userId === owner.id);
      expect(typeof me.lastSeenAt).toBe('number');
    } finally {
      sio.close();
      nia?.close();
    }
  });
});

