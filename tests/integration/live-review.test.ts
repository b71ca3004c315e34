/**
 * [L1–L9] Live review at the wire level: raw Socket.IO and y-websocket clients on every
 * document they may read record every byte the server sends them. During a sealed round no
 * byte of a reviewer's vote reaches anyone else (the facilitator and late joiners
 * included) on either transport; after the reveal everyone has every vote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readLive, setClaimStatus, type LiveState } from '../../shared/model/index.js';
import { boardDocKey, liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { addMember, api, createBoard, createUser, serverState, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, rawSocket, rawWs, upgradeStatus } from '../helpers/raw.js';

let srv: TestServer;
let owner: TestUser, ann: TestUser, ben: TestUser, eve: TestUser;
let boardId: string;
let claimId: string;
let otherClaimId: string;

const has = (chunks: readonly Uint8Array[], marker: string): boolean => {
  const needle = Buffer.from(marker);
  return chunks.some((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength).indexOf(needle) !== -1);
};

/** A raw Socket.IO client subscribed to every doc it may read, keeping every byte it gets. */
async function socketSpy(user: TestUser) {
  const { socket } = await rawSocket(srv.url, user.token);
  const bytes: Uint8Array[] = [];
  socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
    const d = p.data;
    if (d instanceof Uint8Array) bytes.push(new Uint8Array(d));
    else if (d instanceof ArrayBuffer) bytes.push(new Uint8Array(d));
    else if (typeof d === 'string') bytes.push(new TextEncoder().encode(d));
  });
  const join = await joinRaw(socket, boardId);
  if (!join.ok) throw new Error(`join failed: ${join.error.code}`);
  // What the join lists, plus every member's reviewer doc: a member may read them all
  // [A1], also the ones not listed yet because they are still empty [D3].
  const members = (await api(srv.url, 'GET', `/api/boards/${boardId}/members`, { token: user.token })).body.members as Array<{ userId: string }>;
  const docs = [...new Set([...(join.value.docs as string[]), ...members.map((m) => reviewerDocKey(boardId, m.userId))])];
  for (const docKey of docs) {
    const r = await emitAck(socket, 'sync:message', { docKey, message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
    expect(r.ok, docKey).toBe(true);
  }
  return { socket, bytes, docs, close: () => socket.close() };
}

/** Stock-protocol websockets on every doc the user may read, keeping every byte. */
async function wsSpy(user: TestUser, docs: string[]) {
  const conns = await Promise.all(docs.map((k) => rawWs(srv.url, k, user.token)));
  return {
    get bytes() {
      return conns.flatMap((c) => c.received);
    },
    close: () => conns.forEach((c) => c.close()),
  };
}

async function live(): Promise<LiveState> {
  return srv.app.registry.read(liveDocKey(boardId), readLive);
}

beforeAll(async () => {
  srv = await startServer();
  [owner, ann, ben, eve] = (await Promise.all(['Olga', 'Ann', 'Ben', 'Eve'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner, 'The city spent $4.2 million on roads in 2023, the mayor said. Unemployment fell to 3.1% in May, according to the state labor office.')).id;
  await addMember(srv.url, owner, boardId, ann, 'reviewer');
  await addMember(srv.url, owner, boardId, ben, 'reviewer');
  const ids = await srv.app.registry.read(boardDocKey(boardId), (d) => [...d.getMap('claims').keys()]);
  expect(ids.length).toBeGreaterThanOrEqual(2);
  [claimId, otherClaimId] = ids as [string, string];
});
afterAll(() => srv.close());

describe('live review', () => {
  it('[L1] only owners and editors start it; the default agenda lists the accepted claims only; the facilitator steers', async () => {
    // One claim accepted, the other left proposed: only the accepted one is on the agenda.
    const editor = socketClient(srv.url, owner.token, boardId, [boardDocKey(boardId)]);
    try {
      await waitFor(() => editor.conn.synced, 'owner synced');
      expect(setClaimStatus(editor.docs.get(boardDocKey(boardId))!, claimId, 'accepted', null).ok).toBe(true);
      await editor.conn.whenSaved();
    } finally {
      editor.close();
    }
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: ann.token, body: {} })).status).toBe(403);
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: eve.token, body: {} })).status).toBe(404);
    const started = await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: owner.token, body: {} });
    expect(started.status).toBe(201);
    expect(started.body.live).toMatchObject({ status: 'active', facilitatorId: owner.id });
    expect(started.body.live.agenda).toEqual([claimId]);
    expect(started.body.live.focus).toBe(started.body.live.agenda[0]);
    expect(typeof started.body.now).toBe('number');
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: owner.token, body: {} })).status).toBe(409);
    // Reviewers may not steer.
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { token: ann.token, body: { focus: claimId } })).status).toBe(403);
    const moved = await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { token: owner.token, body: { focus: claimId } });
    expect(moved.status).toBe(200);
    expect((await live()).focus).toBe(claimId);
  });

  it('[L2] bad live-review input gets a clear error and changes nothing', async () => {
    const before = await serverState(srv.app, liveDocKey(boardId));
    const cases: Array<[string, string, unknown, number]> = [
      ['PATCH', '', { focus: 'no_such_claim' }, 404],
      ['PATCH', '', {}, 400],
      ['PATCH', '', { focus: 42 }, 400],
      ['PATCH', '', { focus: claimId, extra: true }, 400],
      ['PATCH', '', { agenda: [claimId, claimId] }, 400],
      ['PATCH', '', { agenda: ['x'.repeat(100)] }, 400],
      ['PATCH', '', { facilitatorId: ann.id }, 400],
      ['POST', '/rounds', { claimId: 'no_such_claim' }, 404],
      ['POST', '/rounds', { claimId: ['a'] }, 400],
      ['PUT', '/timer', { claimId, seconds: -1 }, 400],
      ['PUT', '/timer', { claimId, seconds: 1e9 }, 400],
      ['PUT', '/timer', { claimId, seconds: '60' }, 400],
      ['POST', '/rounds/no_such_claim/reveal', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await api(srv.url, method, `/api/boards/${boardId}/live${path}`, { token: owner.token, body });
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body.error.code, `${method} ${path}`).toMatch(/^[A-Z_]+$/);
      expect(r.body.error.message.length).toBeGreaterThan(5);
    }
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, raw: '{not json' })).status).toBe(400);
    // Unauthorized and non-members.
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { body: { focus: claimId } })).status).toBe(401);
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds`, { token: eve.token, body: { claimId } })).status).toBe(404);
    expect(await serverState(srv.app, liveDocKey(boardId))).toEqual(before);
    // Nobody writes the live doc over the wire, not even the owner.
    const { socket } = await rawSocket(srv.url, owner.token);
    await joinRaw(socket, boardId);
    const forged = new Y.Doc();
    forged.getMap('live').set('status', 'ended');
    const r = await emitAck(socket, 'sync:message', { docKey: liveDocKey(boardId), message: encodeSync(SyncType.Update, Y.encodeStateAsUpdate(forged)) });
    expect(r).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    socket.close();
    expect(await serverState(srv.app, liveDocKey(boardId))).toEqual(before);
  });

  it('[L3][L4][A7] during a sealed round no byte of a vote reaches anyone else, on either transport; after the reveal everyone has it', async () => {
    // Everyone else listens on everything they may read: the facilitator and Ben, over
    // Socket.IO and over y-websocket.
    const ownerIo = await socketSpy(owner);
    const benIo = await socketSpy(ben);
    expect(ownerIo.docs).toContain(sealedDocKey(boardId, owner.id));
    expect(ownerIo.docs).not.toContain(sealedDocKey(boardId, ann.id));
    const ownerWs = await wsSpy(owner, ownerIo.docs);
    const benWs = await wsSpy(ben, benIo.docs);

    // Nobody else may read Ann's sealed doc: it does not exist for them.
    expect(await upgradeStatus(`${srv.url.replace(/^http/, 'ws')}/yjs/${sealedDocKey(boardId, ann.id)}?token=${owner.token}`)).toBe(404);
    const peek = await emitAck(ownerIo.socket, 'sync:message', { docKey: sealedDocKey(boardId, ann.id), message: encodeSync(SyncType.Step1, new Uint8Array([0])) });
    expect(peek).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, body: { claimId } })).status).toBe(201);
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, body: { claimId } })).status).toBe(409);

    // Ann votes through the real client: into her sealed doc.
    const secret = `sealed-ann-${Math.random().toString(36).slice(2)}`;
    const annClient = socketClient(srv.url, ann.token, boardId, [sealedDocKey(boardId, ann.id), reviewerDocKey(boardId, ann.id)]);
    await waitFor(() => annClient.conn.synced, 'ann synced');
    annClient.docs.get(sealedDocKey(boardId, ann.id))!.getMap('votes').set(claimId, { rating: 2, confidence: 'high', rationale: secret, at: Date.now() });
    await annClient.conn.whenSaved();
    // Acknowledged and stored.
    expect(has([await serverState(srv.app, sealedDocKey(boardId, ann.id))], secret)).toBe(true);
    // Participants see that Ann has voted.
    await waitFor(async () => ann.id in ((await live()).rounds[claimId]?.voted ?? {}), 'round lists ann as voted');

    // A public vote on the sealed claim is refused (SEALED) and changes nothing; a vote on
    // another claim goes through.
    const leak = `public-ann-${Math.random().toString(36).slice(2)}`;
    const annRaw = await rawSocket(srv.url, ann.token);
    await joinRaw(annRaw.socket, boardId);
    const stateAnn = await serverState(srv.app, reviewerDocKey(boardId, ann.id));
    const pub = new Y.Doc();
    Y.applyUpdate(pub, stateAnn);
    const sv = Y.encodeStateVector(pub);
    pub.getMap('votes').set(claimId, { rating: 5, confidence: 'low', rationale: leak, at: Date.now() });
    const refused = await emitAck(annRaw.socket, 'sync:message', { docKey: reviewerDocKey(boardId, ann.id), message: encodeSync(SyncType.Update, Y.encodeStateAsUpdate(pub, sv)) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SEALED' } });
    expect(await serverState(srv.app, reviewerDocKey(boardId, ann.id))).toEqual(stateAnn);
    annRaw.socket.close();
    const elsewhere = annClient.docs.get(reviewerDocKey(boardId, ann.id))!;
    elsewhere.getMap('votes').set(otherClaimId, { rating: 4, confidence: 'low', rationale: 'async-vote-elsewhere', at: Date.now() });
    await annClient.conn.whenSaved();
    await waitFor(() => has(benIo.bytes, 'async-vote-elsewhere') && has(ownerWs.bytes, 'async-vote-elsewhere'), 'the vote on another claim arrives');

    // A late joiner gets none of it either.
    const lateIo = await socketSpy(ben);
    const lateWs = await wsSpy(ben, lateIo.docs);
    await new Promise((r) => setTimeout(r, 300));
    for (const [who, bytes] of [
      ['facilitator over Socket.IO', ownerIo.bytes],
      ['facilitator over y-websocket', ownerWs.bytes],
      ['reviewer over Socket.IO', benIo.bytes],
      ['reviewer over y-websocket', benWs.bytes],
      ['late joiner over Socket.IO', lateIo.bytes],
      ['late joiner over y-websocket', lateWs.bytes],
    ] as const) {
      expect(has(bytes, secret), `${who} received the sealed vote`).toBe(false);
      expect(has(bytes, leak), `${who} received the refused public vote`).toBe(false);
    }

    // The reveal: everyone gets it, on both transports.
    const t0 = Date.now();
    const revealed = await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds/${claimId}/reveal`, { token: owner.token });
    expect(revealed.status).toBe(200);
    expect(revealed.body.live.rounds[claimId].votes[ann.id]).toMatchObject({ rating: 2, rationale: secret });
    await waitFor(
      () => [ownerIo.bytes, ownerWs.bytes, benIo.bytes, benWs.bytes, lateIo.bytes, lateWs.bytes].every((b) => has(b, secret)),
      'every client has the revealed vote',
    );
    const revealMs = Date.now() - t0;
    console.log(`reveal reached 6 clients on 2 transports in ${revealMs} ms`);
    // The vote now counts like any other: it is in Ann's reviewer doc, and gone from her sealed doc.
    const pubState = new Y.Doc();
    Y.applyUpdate(pubState, await serverState(srv.app, reviewerDocKey(boardId, ann.id)));
    expect(pubState.getMap('votes').get(claimId)).toMatchObject({ rating: 2, rationale: secret });
    const sealedState = new Y.Doc();
    Y.applyUpdate(sealedState, await serverState(srv.app, sealedDocKey(boardId, ann.id)));
    expect(sealedState.getMap('votes').has(claimId)).toBe(false);
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds/${claimId}/reveal`, { token: owner.token })).status).toBe(409);

    for (const c of [ownerIo, benIo, ownerWs, benWs, lateIo, lateWs]) c.close();
    annClient.close();
  });

  it('[L6] a timer runs in server time: every client derives the same end', async () => {
    const t = await api(srv.url, 'PUT', `/api/boards/${boardId}/live/timer`, { token: owner.token, body: { claimId, seconds: 90 } });
    expect(t.status).toBe(200);
    const timer = t.body.live.timer;
    expect(timer.endsAt - timer.startedAt).toBe(90_000);
    expect(Math.abs(timer.startedAt - t.body.now)).toBeLessThan(1000);
    const time = await api(srv.url, 'GET', '/api/time');
    expect(time.status).toBe(200);
    expect(typeof time.body.now).toBe('number');
    expect((await api(srv.url, 'DELETE', `/api/boards/${boardId}/live/timer`, { token: owner.token })).body.live.timer).toBeNull();
  });

  it('[L7] hand-over and end: the new facilitator steers, the old one no longer does; time per claim is kept', async () => {
    await api(srv.url, 'PATCH', `/api/boards/${boardId}/members/${ben.id}`, { token: owner.token, body: { role: 'editor' } });
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { token: owner.token, body: { facilitatorId: ben.id } })).status).toBe(200);
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { token: ben.token, body: { focus: otherClaimId } })).status).toBe(200);
    const ended = await api(srv.url, 'POST', `/api/boards/${boardId}/live/end`, { token: ben.token });
    expect(ended.status).toBe(200);
    expect(ended.body.live).toMatchObject({ status: 'ended', focus: null, timer: null });
    expect(ended.body.live.timeSpent[claimId]).toBeGreaterThan(0);
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}/live`, { token: ben.token, body: { focus: claimId } })).status).toBe(409);
  });
});
