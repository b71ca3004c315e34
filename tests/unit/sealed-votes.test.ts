/**
 * [L3–L5] The client's side of a sealed round (client/src/lib/sync/sealed-votes.ts): where a
 * vote goes, what happens to a public vote the server refuses with SEALED, and when the held
 * reviewer doc goes out again. A real BoardConnection and real Y.Docs over the fake socket
 * (tests/helpers/fake-socket.ts), so the test picks the order of refusals and reveals;
 * tests/browser/live-review.test.ts covers the same path against the real server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { castVote, readVotes } from '../../shared/model/index.js';
import { writeRound } from '../../shared/model/live.js';
import { liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { BoardConnection } from '../../client/src/lib/sync/board-connection.js';
import { SealedVotes } from '../../client/src/lib/sync/sealed-votes.js';
import { answerJoin, answerOpens, fakeSocket, joinResult, microtasks, pushChange } from '../helpers/fake-socket.js';

const LOCAL = Symbol('local');
const LIVE = liveDocKey('b1');
const MINE = reviewerDocKey('b1', 'u1');
const BOX = sealedDocKey('b1', 'u1');

async function setup(opts: { retryMs?: number } = {}) {
  const { socket, emitted } = fakeSocket();
  const live = new Y.Doc();
  const mine = new Y.Doc();
  const box = new Y.Doc();
  const serverLive = new Y.Doc();
  const refusals: string[] = [];
  // Wired as BoardState wires it: a SEALED refusal goes to SealedVotes.
  const conn: BoardConnection = new BoardConnection(socket as never, 'b1', {
    onError: (e) => {
      refusals.push(e.code);
      if (e.code === 'SEALED') sealed.refused();
    },
  });
  const sealed = new SealedVotes(conn, live, { reviewerDoc: () => mine, sealedDoc: () => box, clockOffset: () => 0, origin: LOCAL, ...opts });
  conn.attach(LIVE, live);
  conn.attach(MINE, mine);
  conn.attach(BOX, box);
  answerJoin(socket, joinResult({ docs: [LIVE, MINE], writable: [MINE, BOX] }));
  await microtasks();
  answerOpens(socket);
  expect(conn.synced).toBe(true);
  const writes = () => socket.pending('sync:message');
  const opens = () => socket.pending('sync:open').flatMap((e) => (e.payload as { docs: Array<{ docKey: string }> }).docs.map((d) => d.docKey));
  const round = (claimId: string, openedAt: number, revealedAt: number | null = null) =>
    pushChange(socket, LIVE, serverLive, (d) => writeRound(d, claimId, { openedAt, revealedAt, voted: {}, votes: null }));
  return { socket, emitted, conn, sealed, live, mine, box, refusals, writes, opens, round };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SealedVotes', () => {
  it('casts into the sealed doc while the round is sealed, into the reviewer doc otherwise; a reason only after the reveal', async () => {
    const t = await setup();
    t.round('c1', Date.now() - 1000);
    expect(t.sealed.roundOf('c1').sealed).toBe(true);
    expect(t.sealed.cast('c1', { rating: 2, confidence: 'high', rationale: 'hidden', reason: 'ignored', at: Date.now() }).ok).toBe(true);
    expect(readVotes(t.box)).toMatchObject([{ claimId: 'c1', rating: 2, rationale: 'hidden' }]);
    expect(readVotes(t.box)[0]!.reason).toBeUndefined();
    expect(readVotes(t.mine)).toEqual([]);
    // Only the sealed doc's write went out; nothing public.
    expect(t.writes().map((w) => (w.payload as { docKey: string }).docKey)).toEqual([BOX]);

    t.round('c1', Date.now() - 1000, Date.now());
    expect(t.sealed.roundOf('c1').sealed).toBe(false);
    expect(t.sealed.cast('c1', { rating: 3, confidence: 'low', reason: 'new figures', at: Date.now() }).ok).toBe(true);
    expect(readVotes(t.mine)).toMatchObject([{ claimId: 'c1', rating: 3, reason: 'new figures' }]);
    // No round at all: a plain public vote, and a reason is dropped.
    expect(t.sealed.cast('c2', { rating: 5, confidence: 'low', reason: 'x', at: Date.now() }).ok).toBe(true);
    expect(readVotes(t.mine).find((v) => v.claimId === 'c2')?.reason).toBeUndefined();
    t.sealed.destroy();
  });

  it('a public vote refused with SEALED is held, copied into the sealed doc, and sent again once the round is revealed', async () => {
    const t = await setup();
    const openedAt = Date.now() - 1000;
    // An old public vote on c2 (before its round opened) and one on c1 cast as the round opened.
    castVote(t.mine, 'c2', { rating: 1, confidence: 'low', at: openedAt - 60_000 }, LOCAL);
    t.socket.answer('sync:message', { ok: true, value: {} });
    castVote(t.mine, 'c1', { rating: 4, confidence: 'medium', rationale: 'cast offline', at: Date.now() }, LOCAL);
    t.round('c1', openedAt);
    t.round('c2', openedAt);
    expect(t.conn.saved).toBe(false);
    t.socket.answer('sync:message', { ok: false, error: { code: 'SEALED', message: 'sealed round' } });

    expect(t.refusals).toEqual(['SEALED']);
    expect([...t.conn.held]).toEqual([MINE]);
    expect(t.conn.saved).toBe(false); // held back: not stored yet, and the badge must say so
    // c1's vote joined the round; c2's older one did not (it was cast before that round opened).
    expect(readVotes(t.box)).toMatchObject([{ claimId: 'c1', rating: 4, rationale: 'cast offline' }]);

    // The box's own write goes out; the held reviewer doc does not, even on a fresh exchange.
    t.socket.answer('sync:message', { ok: true, value: {} });
    expect(t.writes()).toEqual([]);

    // The reveal: the held doc is exchanged again and its diff sent.
    t.round('c1', openedAt, Date.now());
    await Promise.resolve();
    expect(t.opens()).toEqual([MINE]);
    expect([...t.conn.held]).toEqual([]);
    answerOpens(t.socket);
    expect(t.writes().map((w) => (w.payload as { docKey: string }).docKey)).toEqual([MINE]);
    t.socket.answer('sync:message', { ok: true, value: {} });
    expect(t.conn.saved).toBe(true);
    t.sealed.destroy();
  });

  it('a refusal for a claim already seen revealed is retried after a growing pause, a bounded number of times', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = await setup({ retryMs: 100 });
    t.round('c1', Date.now() - 2000, Date.now() - 1000); // revealed here; the server is behind
    castVote(t.mine, 'c1', { rating: 4, confidence: 'medium', at: Date.now() }, LOCAL);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      if (t.writes().length === 0) break;
      t.socket.answer('sync:message', { ok: false, error: { code: 'SEALED', message: 'not unsealed yet' } });
      expect(t.opens()).toEqual([]);
      const start = Date.now();
      // Runs the pending retry timer, if one is set.
      if (vi.getTimerCount() === 0) break;
      vi.runOnlyPendingTimers();
      waits.push(Date.now() - start);
      await Promise.resolve();
      expect(t.opens()).toEqual([MINE]);
      answerOpens(t.socket);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200]);
    expect([...t.conn.held]).toEqual([MINE]); // given up: kept, for the next reveal or reconnect
    expect(readVotes(t.box)).toEqual([]); // not sealed here: nothing copied
    t.sealed.destroy();
  });
});
