/// <reference types="svelte" />
/**
 * BoardDocs (client/src/lib/state/board-docs.svelte.ts): a board's Y.Docs, loaded from
 * their local store before the connection gets them, and their snapshots as views see
 * them. A real BoardConnection over the fake socket (tests/helpers/fake-socket.ts) and
 * in-memory stores standing in for IndexedDB.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addClaim, castVote, readVotes } from '../../shared/model/index.js';
import { writeRound } from '../../shared/model/live.js';
import { boardDocKey, liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { BoardConnection } from '../../client/src/lib/sync/board-connection.js';
import { BoardDocs } from '../../client/src/lib/state/board-docs.svelte.js';
import { answerJoin, answerOpens, fakeSocket, joinResult, microtasks, pushChange } from '../helpers/fake-socket.js';
import { flush, memoryStores, watch } from '../helpers/client-state.svelte.js';

const LOCAL = Symbol('local');
const BOARD = boardDocKey('b1');
const LIVE = liveDocKey('b1');
const MINE = reviewerDocKey('b1', 'u1');
const ANN = reviewerDocKey('b1', 'ann');
const BOX = sealedDocKey('b1', 'u1');

function setup(stores = memoryStores()) {
  const { socket } = fakeSocket();
  const conn = new BoardConnection(socket as never, 'b1');
  const docs = new BoardDocs('b1', 'u1', conn, { localOrigin: LOCAL, openStore: stores.open, batchMs: 20 });
  const opened = () => socket.pending('sync:open').flatMap((e) => (e.payload as { docs: Array<{ docKey: string }> }).docs.map((d) => d.docKey));
  return { socket, conn, docs, stores, opened };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BoardDocs', () => {
  it('hands a doc to the connection only once its stored content is in; skips foreign and repeated keys', async () => {
    const t = setup();
    answerJoin(t.socket, joinResult({ docs: [BOARD, LIVE, MINE], writable: [MINE, BOX] }));
    t.stores.hold();
    const loading = t.docs.load([BOARD, LIVE, ANN, 'board/other', reviewerDocKey('other', 'x'), sealedDocKey('b1', 'ann')], [LIVE, MINE, BOX]);
    await microtasks();
    expect(t.opened()).toEqual([]); // nothing synced before its store has loaded
    expect(t.docs.loaded).toBe(false);
    t.stores.release();
    await microtasks();
    expect(t.opened().sort()).toEqual([ANN, BOARD, LIVE].sort());
    t.stores.release(); // the own docs load after the listed ones
    await loading;
    expect(t.docs.loaded).toBe(true);
    await microtasks();
    expect(new Set(t.opened())).toEqual(new Set([BOARD, LIVE, ANN, MINE, BOX]));
    // Another user's sealed doc is never attached; attaching again changes nothing.
    expect([...t.stores.saved.keys()].some((k) => k.includes('sealed/ann'))).toBe(false);
    await t.docs.attach([ANN, MINE]);
    expect(t.stores.saved.size).toBe(5);
    t.docs.destroy();
  });

  it('keeps what was written and loads it again on the next visit (a reload)', async () => {
    const stores = memoryStores();
    const first = setup(stores);
    await first.docs.load([BOARD], [LIVE, MINE, BOX]);
    castVote(first.docs.reviewerDoc('u1')!, 'c1', { rating: 2, confidence: 'low', at: 1 }, LOCAL);
    first.docs.destroy();
    const second = setup(stores);
    await second.docs.load([BOARD], [LIVE, MINE, BOX]);
    expect(readVotes(second.docs.reviewerDoc('u1')!)).toMatchObject([{ claimId: 'c1', rating: 2 }]);
    second.docs.destroy();
  });

  it('snapshots: own edits show at once, a burst of remote reviewer updates costs one recomputation', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const t = setup();
    answerJoin(t.socket, joinResult({ docs: [BOARD, LIVE, MINE, ANN], writable: [MINE, BOX, BOARD] }));
    await t.docs.load([BOARD, LIVE, ANN], [MINE, BOX]);
    await microtasks();
    answerOpens(t.socket);
    const reviewers = watch(() => t.docs.reviewers);
    const board = watch(() => t.docs.board.claims.length);
    const live = watch(() => Object.keys(t.docs.live.rounds));
    const sealed = watch(() => [...t.docs.sealedVotes.keys()]);
    expect(reviewers.last.size).toBe(2);

    castVote(t.docs.reviewerDoc('u1')!, 'c1', { rating: 4, confidence: 'high', at: 1 }, LOCAL);
    flush();
    expect(reviewers.last.get('u1')!.votes).toHaveLength(1);
    const runs = reviewers.values.length;

    // Ann votes on three claims (three updates from the server): nothing until the batch ends.
    const annServer = new Y.Doc();
    for (const c of ['c1', 'c2', 'c3']) pushChange(t.socket, ANN, annServer, (d) => castVote(d, c, { rating: 3, confidence: 'low', at: 2 }, null));
    flush();
    expect(reviewers.values.length).toBe(runs);
    vi.advanceTimersByTime(20);
    flush();
    expect(reviewers.values.length).toBe(runs + 1);
    expect(reviewers.last.get('ann')!.votes).toHaveLength(3);
    // This user's snapshot object is the one from before: only Ann's doc was read again.
    expect(reviewers.last.get('u1')).toBe(reviewers.values[runs - 1]!.get('u1'));

    addClaim(t.docs.boardDoc, { id: 'c9', text: 'A claim', by: 'u1', at: 3 }, LOCAL);
    pushChange(t.socket, LIVE, new Y.Doc(), (d) => writeRound(d, 'c9', { openedAt: 1, revealedAt: null, voted: {}, votes: null }));
    castVote(t.docs.sealedDoc!, 'c9', { rating: 1, confidence: 'low', at: 4 }, LOCAL);
    flush();
    expect(board.last).toBe(1);
    expect(live.last).toEqual(['c9']);
    expect(sealed.last).toEqual(['c9']);
    for (const w of [reviewers, board, live, sealed]) w.stop();
    t.docs.destroy();
  });
});
