/**
 * Floods against the realtime caps [W5][W6][T14][T15][T11]: while one member floods (fresh
 * awareness client ids, awareness bytes, oversized and repeated `sync:open`s, unauthenticated
 * attachment frames, a deeply nested packet), the limits answer with their codes, and a
 * victim on the same board keeps syncing: its update reaches a peer. Nothing here is timed;
 * latency under a flood is measured by tests/bench/flood.bench.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeAwareness } from '../../shared/protocol/sync-codec.js';
import { MAX_OPEN_DOCS } from '../../shared/protocol/events.js';
import { PacketType } from '../../shared/protocol/wire.js';
import { addMember, createBoard, createUser, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, rawSocket } from '../helpers/raw.js';
import { rawEngine, rawEngineJoined } from '../helpers/raw-engine.js';
import { loadConfig } from '../../server/config.js';
import {
  awarenessFlood,
  deepPacket,
  pinningAttachments,
  syncOpenFlood,
} from '../bench/flood-frames.js';

let srv: TestServer;
let owner: TestUser, victim: TestUser, peer: TestUser, mallory: TestUser;
let boardId: string;
const defaults = loadConfig({}).realtime;

beforeAll(async () => {
  // The default realtime caps, except a connect timeout longer than any test here, so that
  // a connection closed before authenticating was closed by the cap under test.
  srv = await startServer({ realtime: { ...defaults, connectTimeoutMs: 120_000 } });
  [owner, victim, peer, mallory] = (await Promise.all(['Olga', 'Vic', 'Pat', 'Mallory'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner)).id;
  for (const u of [victim, peer, mallory]) await addMember(srv.url, owner, boardId, u, 'reviewer');
});
afterAll(() => srv.close());

/**
 * The victim writes a vote on its reviewer doc over Socket.IO; resolves once a peer (a
 * stock y-websocket provider) has it.
 */
async function victimSyncs(label: string): Promise<void> {
  const key = reviewerDocKey(boardId, victim.id);
  const v = socketClient(srv.url, victim.token, boardId, [key]);
  const p = wsProvider(srv.url, peer.token, key);
  try {
    await waitFor(() => v.conn.synced && p.provider.synced, `${label}: victim and peer synced`, 15_000);
    v.docs.get(key)!.getMap('votes').set(label, { rating: 4, confidence: 'high', at: 1 });
    await waitFor(() => p.doc.getMap('votes').has(label), `${label}: the victim's vote reaches the peer`, 15_000);
  } finally {
    v.close();
    p.close();
  }
}

describe('floods against the realtime caps', () => {
  it('[W5][W6] awareness: fresh client ids past the cap get AWARENESS_CLIENT_LIMIT, bytes past the budget AWARENESS_RATE_LIMITED; the victim syncs', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    const observer = wsProvider(srv.url, owner.token, boardDocKey(boardId));
    try {
      await joinRaw(socket, boardId);
      await waitFor(() => observer.provider.synced, 'observer synced');
      const codes = new Map<string, number>();
      const flood = (async () => {
        for (const frame of awarenessFlood({ frames: 60, firstClientId: 7_000_000, stateBytes: 12_000 })) {
          const r = await emitAck(socket, 'awareness:update', { boardId, update: frame });
          const code = r.ok ? 'ok' : r.error.code;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      })();
      await victimSyncs('awareness flood');
      await flood;
      expect(codes.get('AWARENESS_CLIENT_LIMIT') ?? 0).toBeGreaterThan(0);
      expect(codes.get('AWARENESS_RATE_LIMITED') ?? 0).toBeGreaterThan(0);
      // What got through: at most the cap of the flooder's client ids, each stamped as Mallory [W7].
      const fromFlood = [...observer.provider.awareness.getStates().entries()].filter(([id]) => id >= 7_000_000 && id < 7_000_060);
      expect(fromFlood.length).toBeGreaterThan(0);
      expect(fromFlood.length).toBeLessThanOrEqual(defaults.maxAwarenessClientsPerConn);
      for (const [, s] of fromFlood) expect((s as { user: unknown }).user).toEqual({ id: mallory.id, name: 'Mallory' });
    } finally {
      socket.close();
      observer.close();
    }
  });

  it('[W5] a removal or stale echo of a departed client is dropped silently and does not count against the cap', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    try {
      await joinRaw(socket, boardId);
      // Removals of clients nobody holds: a stock provider echoes these after every departure.
      const removals = encodeAwareness(Array.from({ length: 20 }, (_, i) => ({ clientId: 9_100_000 + i, clock: 5, state: null })));
      expect(await emitAck(socket, 'awareness:update', { boardId, update: removals })).toMatchObject({ ok: true });
      // All of its own slots are still free.
      const own = encodeAwareness(Array.from({ length: defaults.maxAwarenessClientsPerConn }, (_, i) => ({ clientId: 9_200_000 + i, clock: 1, state: { claimId: null } })));
      expect(await emitAck(socket, 'awareness:update', { boardId, update: own })).toMatchObject({ ok: true });
    } finally {
      socket.close();
    }
  });

  it('[T14] sync:open: more than 256 docs get TOO_MANY_DOCS, a doc named twice BAD_REQUEST, opens past the budget RATE_LIMITED; the victim syncs', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    try {
      await joinRaw(socket, boardId);
      const tooMany = await emitAck(socket, 'sync:open', syncOpenFlood({ boardId, docs: MAX_OPEN_DOCS + 1, distinct: true }));
      expect(tooMany).toMatchObject({ ok: false, error: { code: 'TOO_MANY_DOCS' } });
      const twice = await emitAck(socket, 'sync:open', syncOpenFlood({ boardId, docs: 2, distinct: false }));
      expect(twice).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const codes: string[] = [];
      const flood = (async () => {
        for (let i = 0; i < 8; i++) {
          const r = await emitAck(socket, 'sync:open', syncOpenFlood({ boardId, docs: MAX_OPEN_DOCS, distinct: true, seed: i }));
          codes.push(r.ok ? 'ok' : r.error.code);
        }
      })();
      await victimSyncs('sync:open flood');
      await flood;
      // The burst (DOC_OPENS_BURST = 4 frames of 256) goes through; the rest is refused.
      expect(codes).toContain('RATE_LIMITED');
    } finally {
      socket.close();
    }
  });

  it('[T14] a connection subscribed to its cap of docs gets TOO_MANY_DOCS for the next', async () => {
    const small = await startServer({ realtime: { ...defaults, maxDocsPerConnection: 2 } });
    try {
      const o = await createUser(small.url, 'Olga');
      const b = (await createBoard(small.url, o)).id;
      const { socket } = await rawSocket(small.url, o.token);
      await joinRaw(socket, b);
      const sv = new Uint8Array([0]);
      const first = await emitAck<{ docs: Array<{ ok: boolean }> }>(socket, 'sync:open', {
        docs: [{ docKey: boardDocKey(b), stateVector: sv }, { docKey: reviewerDocKey(b, o.id), stateVector: sv }],
      });
      expect(first.ok && first.value.docs.every((d) => d.ok)).toBe(true);
      // Opening a doc it already has is fine; a third is not.
      expect(await emitAck(socket, 'sync:open', { docs: [{ docKey: boardDocKey(b), stateVector: sv }] })).toMatchObject({ ok: true });
      expect(await emitAck(socket, 'sync:open', { docs: [{ docKey: `board/${b}/live`, stateVector: sv }] })).toMatchObject({ ok: false, error: { code: 'TOO_MANY_DOCS' } });
      socket.close();
    } finally {
      await small.close();
    }
  });

  it('[T15] unauthenticated: a packet announcing many attachments, and more bytes than a CONNECT needs, close the connection; the victim syncs', async () => {
    // Announcing 64 attachments: refused at once (a client never needs more than 2).
    const many = await rawEngine(srv.url);
    for (const f of pinningAttachments({ attachments: 64, frames: 1, frameBytes: 16 })) many.send(f);
    expect(await many.closed).toBeGreaterThan(0);
    // Within the attachment cap, but megabytes before authenticating: closed too.
    const pinning = await Promise.all([0, 1, 2].map(() => rawEngine(srv.url)));
    // One of the two announced attachments, so the packet never completes.
    for (const e of pinning) for (const f of pinningAttachments({ attachments: 2, frames: 1, frameBytes: 512 * 1024 })) e.send(f);
    await victimSyncs('attachment pinning');
    for (const e of pinning) expect(await e.closed).toBeGreaterThan(0);
  });

  it('[T15] a connection that never authenticates is closed after CONNECT_TIMEOUT_MS', async () => {
    const quick = await startServer({ realtime: { ...defaults, connectTimeoutMs: 300 } });
    try {
      const idle = await rawEngine(quick.url);
      expect(await idle.closed).toBeGreaterThan(0);
    } finally {
      await quick.close();
    }
  });

  it('[T15] authenticated: a third attachment, or attachments past the frame cap, close only that connection', async () => {
    const e = await rawEngineJoined(srv.url, mallory.token, boardId);
    for (const f of pinningAttachments({ attachments: 3, frames: 3, frameBytes: 16 })) e.send(f);
    expect(await e.closed).toBeGreaterThan(0);
    await victimSyncs('after attachments');
  });

  it('[T11] a deeply nested packet closes that connection at once; the victim syncs', async () => {
    const e = await rawEngineJoined(srv.url, mallory.token, boardId);
    e.send(deepPacket(1_000_000));
    expect(await e.closed).toBeGreaterThan(0);
    expect(e.packets.some((p) => p.type === PacketType.ACK)).toBe(true); // the join's ack came first
    await victimSyncs('after a deep packet');
  });
});
