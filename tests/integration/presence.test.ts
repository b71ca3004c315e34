/** [W1–W3] Presence per board across both transports, cleaned up when a connection drops. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeAwareness } from '../../shared/protocol/sync-codec.js';
import { addMember, api, createBoard, createUser, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, rawSocket } from '../helpers/raw.js';

let srv: TestServer;
let owner: TestUser, alice: TestUser, mallory: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga');
  alice = await createUser(srv.url, 'Alice');
  mallory = await createUser(srv.url, 'Mallory');
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, alice, 'reviewer');
  await addMember(srv.url, owner, boardId, mallory, 'reviewer');
});
afterAll(() => srv.close());

describe('presence', () => {
  it('[W1][W2] Socket.IO and y-websocket peers see each other; a dropped connection is removed', async () => {
    const a = socketClient(srv.url, alice.token, boardId, [boardDocKey(boardId)]);
    const b = wsProvider(srv.url, owner.token, boardDocKey(boardId));
    try {
      a.conn.awareness.setLocalState({ user: 'Alice', focus: 'c1' });
      b.provider.awareness.setLocalState({ user: 'Olga', focus: 'c2' });
      const aId = a.conn.awareness.clientID;
      const bId = b.provider.awareness.clientID;
      await waitFor(() => (b.provider.awareness.getStates().get(aId) as any)?.focus === 'c1', 'ws sees Socket.IO presence');
      await waitFor(() => (a.conn.awareness.getStates().get(bId) as any)?.focus === 'c2', 'Socket.IO sees ws presence');
      a.conn.awareness.setLocalStateField('focus', 'c3');
      await waitFor(() => (b.provider.awareness.getStates().get(aId) as any)?.focus === 'c3', 'presence change');
      a.socket.disconnect();
      await waitFor(() => !b.provider.awareness.getStates().has(aId), 'presence removed on disconnect', 2000);
    } finally {
      a.close();
      b.close();
    }
  });

  it("[W3] spoofed presence for another connection's client id is dropped with an error", async () => {
    const a = socketClient(srv.url, alice.token, boardId, [boardDocKey(boardId)]);
    const { socket } = await rawSocket(srv.url, mallory.token);
    try {
      await joinRaw(socket, boardId);
      a.conn.awareness.setLocalState({ user: 'Alice' });
      const aId = a.conn.awareness.clientID;
      const observer = wsProvider(srv.url, owner.token, boardDocKey(boardId));
      // The server stamps every state's user with the connection's own [W7].
      await waitFor(() => (observer.provider.awareness.getStates().get(aId) as any)?.user?.id === alice.id, 'observer sees Alice');
      const clock = observer.provider.awareness.meta.get(aId)!.clock;
      const spoof = encodeAwareness([{ clientId: aId, clock: clock + 5, state: { user: 'Mallory as Alice' } }]);
      const r = await emitAck(socket, 'awareness:update', { boardId, update: spoof });
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      // An oversized state of one's own is dropped too.
      const big = encodeAwareness([{ clientId: 424242, clock: 1, state: { blob: 'x'.repeat(20_000) } }]);
      expect(await emitAck(socket, 'awareness:update', { boardId, update: big })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
      await new Promise((res) => setTimeout(res, 200));
      expect((observer.provider.awareness.getStates().get(aId) as any)?.user).toEqual({ id: alice.id, name: 'Alice' });
      expect(observer.provider.awareness.getStates().has(424242)).toBe(false);
      observer.close();
    } finally {
      a.close();
      socket.close();
    }
  });

  it('[W7] a member cannot appear as another user: the server stamps user { id, name } from the connection, on both transports', async () => {
    const observer = wsProvider(srv.url, owner.token, boardDocKey(boardId));
    const sio = socketClient(srv.url, mallory.token, boardId, [boardDocKey(boardId)]);
    const ws = wsProvider(srv.url, mallory.token, boardDocKey(boardId));
    try {
      // What the client puts there (client/src/lib/state/presence.svelte.ts), claiming Alice.
      sio.conn.awareness.setLocalState({ user: { id: alice.id, name: 'Alice' }, claimId: 'c1', following: false });
      ws.provider.awareness.setLocalState({ user: { id: alice.id, name: 'Alice', color: '#f00' }, claimId: 'c2' });
      const seen = (id: number) => observer.provider.awareness.getStates().get(id) as { user?: unknown; claimId?: string } | undefined;
      await waitFor(() => seen(sio.conn.awareness.clientID)?.claimId === 'c1' && seen(ws.provider.awareness.clientID)?.claimId === 'c2', 'observer sees both');
      expect(seen(sio.conn.awareness.clientID)!.user).toEqual({ id: mallory.id, name: 'Mallory' });
      // Other fields of the user object are kept.
      expect(seen(ws.provider.awareness.clientID)!.user).toEqual({ id: mallory.id, name: 'Mallory', color: '#f00' });
      // A state that is not an object is refused.
      const { socket } = await rawSocket(srv.url, mallory.token);
      await joinRaw(socket, boardId);
      const r = await emitAck(socket, 'awareness:update', { boardId, update: encodeAwareness([{ clientId: 31337, clock: 1, state: 'Alice' }]) });
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      socket.close();
    } finally {
      observer.close();
      sio.close();
      ws.close();
    }
  });

  it('[W3] a stock provider echoing states it received is not an error', async () => {
    const p1 = wsProvider(srv.url, owner.token, boardDocKey(boardId));
    const p2 = wsProvider(srv.url, alice.token, boardDocKey(boardId));
    const denied: string[] = [];
    // The stock provider reports a server's "permission denied" through console.warn.
    const orig = console.warn;
    console.warn = (...args: unknown[]) => denied.push(args.join(' '));
    try {
      p1.provider.awareness.setLocalState({ user: 'Olga' });
      p2.provider.awareness.setLocalState({ user: 'Alice' });
      await waitFor(() => p1.provider.awareness.getStates().size >= 2 && p2.provider.awareness.getStates().size >= 2, 'both see both');
      p1.provider.awareness.setLocalStateField('focus', 'c9');
      await waitFor(() => (p2.provider.awareness.getStates().get(p1.provider.awareness.clientID) as any)?.focus === 'c9', 'update seen');
      expect(denied).toEqual([]);
    } finally {
      console.warn = orig;
      p1.close();
      p2.close();
    }
  });
  it('[W4] "last seen" of a member with a live connection is now, on either transport; it stays put once they leave', async () => {
    const lastSeen = async (userId: string): Promise<number | null> => {
      const r = await api(srv.url, 'GET', `/api/boards/${boardId}/members`, { token: owner.token });
      return r.body.members.find((m: { userId: string }) => m.userId === userId).lastSeenAt;
    };
    for (const transport of ['socket.io', 'y-websocket'] as const) {
      const t0 = Date.now();
      const c =
        transport === 'socket.io'
          ? socketClient(srv.url, alice.token, boardId, [boardDocKey(boardId)])
          : wsProvider(srv.url, alice.token, boardDocKey(boardId));
      const connected = () => ('conn' in c ? c.conn.synced : c.provider.synced);
      try {
        await waitFor(connected, `${transport} sync`);
        // Read at once: the store's own record lands in the writer's next commit, later.
        const a = await lastSeen(alice.id);
        expect(a, transport).toBeGreaterThanOrEqual(t0);
        await new Promise((res) => setTimeout(res, 30));
        const b = await lastSeen(alice.id);
        expect(b! - a!, `${transport}: still here, still now`).toBeGreaterThanOrEqual(30);
      } finally {
        c.close();
      }
      // Gone: the time stops moving and is no earlier than her visit.
      let prev = await lastSeen(alice.id);
      await waitFor(async () => {
        await new Promise((res) => setTimeout(res, 30));
        const cur = await lastSeen(alice.id);
        const still = cur === prev;
        prev = cur;
        return still;
      }, `${transport}: last seen stops moving`);
      expect(prev!, transport).toBeGreaterThanOrEqual(t0);
      expect(prev!, transport).toBeLessThanOrEqual(Date.now());
    }
  });
});
