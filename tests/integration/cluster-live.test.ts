/**
 * Cluster must-show 8 [K8, L2–L5]: a live review with the facilitator on one process and the
 * reviewers on two others. Sealed votes stay sealed on every process, a public vote on the
 * sealed claim is refused wherever it arrives, the reveal reaches everyone within 1 s, and
 * two reveals of one round racing through two processes copy its votes once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { boardDocKey, liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { pgReachable } from '../helpers/pg.js';
import { emitAck, joinRaw, rawSocket, upgradeStatus } from '../helpers/raw.js';
import { addMember, api, createBoard, createUser, socketClient, waitFor, wsProvider, type TestUser } from '../helpers/server.js';

const reachable = await pgReachable();
let cluster: TestCluster;
let owner: TestUser, ann: TestUser, ben: TestUser;
let boardId: string;
let claims: string[];
const url = (i: number) => cluster.servers[i]!.url;

beforeAll(async () => {
  if (!reachable) return;
  cluster = await startTestCluster(3);
  owner = await createUser(url(0), 'Olga');
  ann = await createUser(url(1), 'Ann');
  ben = await createUser(url(2), 'Ben');
  boardId = (await createBoard(url(0), owner, 'The city spent $4.2 million on roads in 2023, the mayor said. Unemployment fell to 3.1% in May, according to the state labor office. Exports doubled in 2022, the ministry said.')).id;
  await addMember(url(0), owner, boardId, ann, 'reviewer');
  await addMember(url(0), owner, boardId, ben, 'reviewer');
  const board = wsProvider(url(0), owner.token, boardDocKey(boardId));
  await waitFor(() => board.provider.synced, 'board doc');
  claims = [...board.doc.getMap('claims').keys()];
  board.close();
}, 90_000);
afterAll(async () => {
  await cluster?.close();
});

const roundOn = (doc: Y.Doc, claimId: string) => (doc.getMap('rounds').get(claimId) as { revealedAt: number | null } | undefined) ?? null;

describe.skipIf(!reachable)('cluster: live review across three processes', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  it('[K8] sealed on every process, refused wherever a public vote arrives, revealed to everyone within 1 s, copied once', async () => {
    expect(claims.length).toBeGreaterThanOrEqual(3);
    const [claimId, secondId] = claims as [string, string];
    expect((await api(url(0), 'POST', `/api/boards/${boardId}/live`, { token: owner.token, body: { agenda: claims } })).status).toBe(201);
    expect((await api(url(0), 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, body: { claimId } })).status).toBe(201);

    // Every process knows the round: the live doc as each of them serves it.
    const lives = [0, 1, 2].map((i) => wsProvider(url(i), ben.token, liveDocKey(boardId)));
    await waitFor(() => lives.every((l) => l.provider.synced && roundOn(l.doc, claimId) !== null), 'the round on every process', 5_000);

    // Ann votes sealed through process 1.
    const secret = `sealed-ann-${Math.random().toString(36).slice(2)}`;
    const annClient = socketClient(url(1), ann.token, boardId, [sealedDocKey(boardId, ann.id), reviewerDocKey(boardId, ann.id)]);
    await waitFor(() => annClient.conn.synced, 'ann synced');
    annClient.docs.get(sealedDocKey(boardId, ann.id))!.getMap('votes').set(claimId, { rating: 2, confidence: 'high', rationale: secret, at: Date.now() });
    await annClient.conn.whenSaved();

    // Nobody else may open Ann's sealed doc on any process.
    for (const i of [0, 1, 2]) {
      expect(await upgradeStatus(`${url(i).replace(/^http/, 'ws')}/yjs/${sealedDocKey(boardId, ann.id)}?token=${ben.token}`)).toBe(404);
    }
    // A public vote on the sealed claim is refused on the other reviewer's process too.
    const raw = await rawSocket(url(2), ann.token);
    await joinRaw(raw.socket, boardId);
    const pub = new Y.Doc();
    pub.getMap('votes').set(claimId, { rating: 5, confidence: 'low', rationale: 'public-leak', at: Date.now() });
    const refused = await emitAck(raw.socket, 'sync:message', { docKey: reviewerDocKey(boardId, ann.id), message: encodeSync(SyncType.Update, Y.encodeStateAsUpdate(pub)) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SEALED' } });
    raw.socket.close();

    // Ben reads Ann's public doc on every process: no vote on the claim until the reveal.
    const annPublic = [0, 1, 2].map((i) => wsProvider(url(i), ben.token, reviewerDocKey(boardId, ann.id)));
    await waitFor(() => annPublic.every((p) => p.provider.synced), 'ann public docs');
    for (const p of annPublic) expect(p.doc.getMap('votes').has(claimId)).toBe(false);

    const t0 = Date.now();
    const revealed = await api(url(0), 'POST', `/api/boards/${boardId}/live/rounds/${claimId}/reveal`, { token: owner.token });
    expect(revealed.status).toBe(200);
    expect(revealed.body.live.rounds[claimId].votes[ann.id]).toMatchObject({ rationale: secret });
    await waitFor(() => annPublic.every((p) => (p.doc.getMap('votes').get(claimId) as { rationale?: string } | undefined)?.rationale === secret), 'the reveal on every process', 5_000);
    const revealMs = Date.now() - t0;

    // Two reveals of a second round race through two processes: exactly one copies the votes.
    expect((await api(url(0), 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, body: { claimId: secondId } })).status).toBe(201);
    await waitFor(() => lives.every((l) => roundOn(l.doc, secondId) !== null), 'the second round everywhere', 5_000);
    annClient.docs.get(sealedDocKey(boardId, ann.id))!.getMap('votes').set(secondId, { rating: 4, confidence: 'low', at: Date.now() });
    await annClient.conn.whenSaved();
    let copies = 0;
    annPublic[0]!.doc.getMap('votes').observe((ev) => {
      if (ev.keysChanged.has(secondId)) copies++;
    });
    const both = await Promise.all([1, 2].map((i) => api(url(i), 'POST', `/api/boards/${boardId}/live/rounds/${secondId}/reveal`, { token: owner.token })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    await waitFor(() => annPublic[0]!.doc.getMap('votes').has(secondId), 'the second reveal');
    // The sealed copy's removal comes after the public copy: once it is gone everywhere, every server write of the reveal has arrived.
    const annSealed = wsProvider(url(0), ann.token, sealedDocKey(boardId, ann.id));
    await waitFor(() => annSealed.provider.synced && !annSealed.doc.getMap('votes').has(secondId), 'the sealed copy cleared');
    expect(copies).toBe(1);
    console.log(`[K8] reveal through process 0 reached readers on all three processes after ${revealMs} ms; racing reveals answered ${both.map((r) => r.status).join(' and ')}`);
    expect(revealMs).toBeLessThan(1_000);
    for (const c of [...lives, ...annPublic, annSealed]) c.close();
    annClient.close();
  }, 120_000);
});
