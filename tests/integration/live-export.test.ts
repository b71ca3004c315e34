/**
 * The live review in the JSON export and the summary route, end to end on a real server:
 * during a sealed round no sealed vote reaches any export (plain or pseudonymised), not
 * even its time; after the reveal the export holds round 1; after a reviewer changes their
 * vote with a reason, it holds round 2 and the movement, and the summary route agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, api, createBoard, createUser, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';

let srv: TestServer;
let owner: TestUser, ann: TestUser, ben: TestUser, vic: TestUser, eve: TestUser;
let boardId: string;
let claimId: string;

const unique = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 10)}`;
const ANN_SECRET = unique('sealed-ann-rationale');
const BEN_SECRET = unique('sealed-ben-rationale');
const REASON = unique('ann-reason');
// Odd, unique vote times: the round's "who has voted" record holds them, so they must not
// reach an export while sealed either.
const ANN_AT = 1_700_000_123_457;
const BEN_AT = 1_700_000_123_461;

/** The export as raw text (the bytes served) and parsed. */
async function exportJson(user: TestUser, pseudonymise = false): Promise<{ text: string; doc: any }> {
  const res = await fetch(`${srv.url}/api/boards/${boardId}/export?format=json${pseudonymise ? '&pseudonymise=true' : ''}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, doc: JSON.parse(text) };
}

const liveClaim = (doc: any) => doc.liveReview.claims.find((c: { claimId: string }) => c.claimId === claimId);

beforeAll(async () => {
  srv = await startServer();
  [owner, ann, ben, vic, eve] = (await Promise.all(['Olga', 'Ann', 'Ben', 'Vic', 'Eve'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner, 'The city spent $4.2 million on roads in 2023, the mayor said. Unemployment fell to 3.1% in May, according to the state labor office.')).id;
  await addMember(srv.url, owner, boardId, ann, 'reviewer');
  await addMember(srv.url, owner, boardId, ben, 'reviewer');
  await addMember(srv.url, owner, boardId, vic, 'viewer');
  const board = await api(srv.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: owner.token });
  claimId = board.body.claims[0].id;
});
afterAll(() => srv.close());

describe('live review in exports and the summary', () => {
  it('the summary answers any member, null before any live review; others get 401/404', async () => {
    const before = await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`, { token: vic.token });
    expect(before.status).toBe(200);
    expect(before.body.summary).toBeNull();
    expect(typeof before.body.now).toBe('number');
    expect('liveReview' in (await exportJson(owner)).doc).toBe(false);
    expect((await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`, { token: eve.token })).status).toBe(404);
    expect((await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`)).status).toBe(401);
  });

  it('[L3][A7] while the round is sealed, no export holds a sealed vote, and exports never open a sealed doc', async () => {
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: owner.token, body: { agenda: [claimId] } })).status).toBe(201);
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds`, { token: owner.token, body: { claimId } })).status).toBe(201);

    for (const [user, rating, rationale, at] of [
      [ann, 2, ANN_SECRET, ANN_AT],
      [ben, 4, BEN_SECRET, BEN_AT],
    ] as const) {
      const client = socketClient(srv.url, user.token, boardId, [sealedDocKey(boardId, user.id)]);
      await waitFor(() => client.conn.synced, `${user.name} synced`);
      client.docs.get(sealedDocKey(boardId, user.id))!.getMap('votes').set(claimId, { rating, confidence: 'high', rationale, at });
      await client.conn.whenSaved();
      client.close();
    }
    await waitFor(async () => {
      const live = await api(srv.url, 'GET', `/api/boards/${boardId}/live`, { token: owner.token });
      return Object.keys(live.body.live.rounds[claimId]?.voted ?? {}).length === 2;
    }, 'the round lists both as voted');

    // Watch which documents exports and the summary take.
    const acquired: string[] = [];
    const registry = srv.app.registry;
    const acquire = registry.acquire.bind(registry);
    registry.acquire = (docKey: string, holderId: string) => {
      if (holderId.startsWith('export:')) acquired.push(docKey);
      return acquire(docKey, holderId);
    };
    try {
      for (const pseudonymise of [false, true]) {
        const { text, doc } = await exportJson(owner, pseudonymise);
        for (const leak of [ANN_SECRET, BEN_SECRET, String(ANN_AT), String(BEN_AT)]) expect(text, `export holds ${leak}`).not.toContain(leak);
        expect(liveClaim(doc).round).toEqual({ changes: [], movement: null, openedAt: expect.any(Number), revealedAt: null, round1: null, sealed: true, votedCount: 2 });
        expect(liveClaim(doc).revisit.map((r: { flag: string }) => r.flag)).toEqual(['sealed']);
        expect(doc.votes.filter((v: { claimId: string }) => v.claimId === claimId)).toEqual([]);
        expect(doc.state.docs.map((d: { doc: string }) => d.doc)).toEqual(['board', 'live', 'reviewer', 'reviewer', 'reviewer', 'reviewer']);
      }
      const summary = await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`, { token: ben.token });
      const raw = JSON.stringify(summary.body);
      for (const leak of [ANN_SECRET, BEN_SECRET, String(ANN_AT), String(BEN_AT)]) expect(raw).not.toContain(leak);
      expect(summary.body.summary.claims.find((c: { claimId: string }) => c.claimId === claimId).round).toMatchObject({ sealed: true, votedCount: 2, round1: null });
    } finally {
      registry.acquire = acquire;
    }
    expect(acquired.length).toBeGreaterThan(0);
    expect(acquired.filter((k) => parseDocKey(k)?.kind === 'sealed')).toEqual([]);
  });

  it('[L5] after the reveal the export holds round 1 with both votes', async () => {
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/rounds/${claimId}/reveal`, { token: owner.token })).status).toBe(200);
    const { text, doc } = await exportJson(owner);
    expect(text).toContain(ANN_SECRET);
    const round = liveClaim(doc).round;
    expect(round).toMatchObject({ sealed: false, votedCount: 2, changes: [], movement: { changed: 0, pairs: 2, meanAbsoluteShift: 0 } });
    expect(round.round1.votes).toEqual(
      [
        { reviewer: ann.id, rating: 2, confidence: 'high', rationale: ANN_SECRET, at: ANN_AT },
        { reviewer: ben.id, rating: 4, confidence: 'high', rationale: BEN_SECRET, at: BEN_AT },
      ].sort((a, b) => (a.reviewer < b.reviewer ? -1 : 1)),
    );
    expect(round.round1.consensus).toMatchObject({ n: 2, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 }, verdict: 'insufficient' });
    // The revealed votes count like any vote.
    expect(doc.votes.filter((v: { claimId: string }) => v.claimId === claimId).map((v: { rating: number }) => v.rating).sort()).toEqual([2, 4]);
  });

  it('a changed vote with a reason is round 2: the export and the summary hold both rounds and the movement', async () => {
    const key = reviewerDocKey(boardId, ann.id);
    const client = socketClient(srv.url, ann.token, boardId, [key]);
    const votes = client.docs.get(key)!.getMap('votes');
    await waitFor(() => client.conn.synced && (votes.get(claimId) as { rationale?: string } | undefined)?.rationale === ANN_SECRET, 'ann has her revealed vote');
    votes.set(claimId, { rating: 4, confidence: 'medium', rationale: 'Matches the budget table', reason: REASON, at: Date.now() });
    await client.conn.whenSaved();
    client.close();

    const { doc } = await exportJson(owner);
    const entry = liveClaim(doc);
    expect(entry.round.round1.votes.map((v: { reviewer: string; rating: number }) => [v.reviewer, v.rating])).toContainEqual([ann.id, 2]);
    expect(entry.round.changes).toEqual([
      { reviewer: ann.id, from: { rating: 2, confidence: 'high', at: ANN_AT }, to: { rating: 4, confidence: 'medium', at: expect.any(Number) }, reason: REASON, shift: 2 },
    ]);
    // Ann moved 2 points, Ben none: mean 1 → large movement; two votes stay below quorum.
    expect(entry.round.movement).toMatchObject({ changed: 1, pairs: 2, meanAbsoluteShift: 1, verdictBefore: 'insufficient', verdictAfter: 'insufficient', consensusAfter: 1 });
    expect(entry.revisit.map((r: { flag: string }) => r.flag)).toEqual(['no-quorum', 'large-movement']);
    expect(doc.liveReview).toMatchObject({ status: 'active', facilitator: owner.id, totals: { roundsOpened: 1, roundsRevealed: 1, roundsSealed: 0 } });

    // Pseudonymised: the same rounds under labels, no id or name of anyone.
    const pseudo = await exportJson(owner, true);
    for (const u of [owner, ann, ben, vic]) {
      expect(pseudo.text).not.toContain(u.id);
    }
    const pEntry = liveClaim(pseudo.doc);
    expect(pEntry.round.changes[0]).toMatchObject({ reviewer: expect.stringMatching(/^reviewer-\d$/), reason: REASON, shift: 2 });
    expect(pseudo.doc.liveReview.facilitator).toMatch(/^reviewer-\d$/);

    // The summary route computes the same thing from the same documents (plus the running focus time).
    const res = await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`, { token: vic.token });
    expect(res.status).toBe(200);
    const s = res.body.summary.claims.find((c: { claimId: string }) => c.claimId === claimId);
    expect(s.text).toBe(doc.claims.find((c: { id: string }) => c.id === claimId).text);
    expect(s.round.changes).toEqual([{ userId: ann.id, from: entry.round.changes[0].from, to: entry.round.changes[0].to, reason: REASON, shift: 2 }]);
    expect(s.round.movement).toEqual(entry.round.movement);
    expect(s.round.round1.consensus).toEqual(entry.round.round1.consensus);
    expect(s.consensus).toEqual(doc.claims.find((c: { id: string }) => c.id === claimId).consensus);
    expect(s.revisit).toEqual(entry.revisit);
    expect(res.body.summary.totals).toMatchObject({ agendaClaims: doc.liveReview.totals.agendaClaims, revisit: doc.liveReview.totals.revisit });
    expect(s.timeSpentMs).toBeGreaterThanOrEqual(entry.timeSpentMs);

    // Once ended, time no longer runs: the export and the summary agree on it exactly.
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/live/end`, { token: owner.token })).status).toBe(200);
    const ended = await exportJson(owner);
    const endedSummary = await api(srv.url, 'GET', `/api/boards/${boardId}/live/summary`, { token: owner.token });
    expect(endedSummary.body.summary.totals.timeSpentMs).toBe(ended.doc.liveReview.totals.timeSpentMs);
    expect(ended.doc.liveReview.totals.timeSpentMs).toBeGreaterThan(0);
    expect(ended.doc.liveReview.status).toBe('ended');
  });
});
