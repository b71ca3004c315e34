/// <reference types="svelte" />
/**
 * LiveReviewState (client/src/lib/state/live-review.svelte.ts): the live review as one
 * member sees it, read from the live doc, and the facilitator's actions, which are REST
 * calls whose effect arrives through that doc. The REST calls are recorded here (and can
 * fail); tests/integration/live-review.test.ts and the browser suite run the real routes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardConsensus } from '../../shared/consensus/index.js';
import { addClaim, readBoard, setClaimStatus, type VoteEntry } from '../../shared/model/index.js';
import { readLive, writeLive, writeRound } from '../../shared/model/live.js';
import { ApiError } from '../../client/src/lib/api.js';
import { ClockSync } from '../../client/src/lib/state/clock-sync.svelte.js';
import { LiveReviewState } from '../../client/src/lib/state/live-review.svelte.js';
import type { PresencePeer } from '../../client/src/lib/state/presence.svelte.js';
import { flush, watch } from '../helpers/client-state.svelte.js';

function setup() {
  const liveDoc = new Y.Doc();
  const boardDoc = new Y.Doc();
  let live = $state.raw(readLive(liveDoc));
  liveDoc.on('update', () => (live = readLive(liveDoc)));
  let peers = $state.raw<PresencePeer[]>([]);
  const calls: string[] = [];
  let fail: Error | null = null;
  const call = (name: string) => async (...args: unknown[]) => {
    calls.push(`${name} ${JSON.stringify(args.slice(1))}`);
    if (fail) throw fail;
    return { live, now: 0 };
  };
  const clock = new ClockSync(async () => Date.now(), () => false);
  const sealedVotes = new Map<string, VoteEntry>([['c2', { claimId: 'c2', rating: 5, confidence: 'high', at: 1 }]]);
  const state = new LiveReviewState({
    boardId: 'b1',
    user: { id: 'me', name: 'Me' },
    live: () => live,
    sealedVotes: () => sealedVotes,
    board: () => readBoard(boardDoc),
    consensus: () => boardConsensus(readBoard(boardDoc).claims.map((c) => c.id), []),
    reviewers: () => new Map(),
    peers: () => peers,
    following: () => true,
    nameOf: (id) => `Name of ${id}`,
    canEdit: () => true,
    online: () => true,
    clock,
    api: {
      start: call('start'),
      update: call('update'),
      openRound: call('openRound'),
      reveal: call('reveal'),
      startTimer: call('startTimer'),
      stopTimer: call('stopTimer'),
      end: call('end'),
      summary: async () => ({ summary: { not: 'a summary' }, now: 0 }),
    },
  });
  return {
    state, liveDoc, boardDoc, calls, clock,
    setPeers: (p: PresencePeer[]) => (peers = p),
    failWith: (e: Error | null) => (fail = e),
  };
}

describe('LiveReviewState', () => {
  it('reads the review from the live doc: facilitator, rounds sealed until revealed, this user\'s sealed vote', () => {
    const t = setup();
    const view = watch(() => ({ active: t.state.active, facilitator: t.state.isFacilitator, sealed: t.state.isSealed('c2') }));
    expect(view.last).toEqual({ active: false, facilitator: false, sealed: false });
    writeLive(t.liveDoc, { status: 'active', facilitatorId: 'me', agenda: ['c1', 'c2'], focus: 'c1' });
    writeRound(t.liveDoc, 'c2', { openedAt: 1, revealedAt: null, voted: {}, votes: null });
    flush();
    expect(view.last).toEqual({ active: true, facilitator: true, sealed: true });
    expect(t.state.sealedVote('c2')).toMatchObject({ rating: 5 });
    writeRound(t.liveDoc, 'c2', { openedAt: 1, revealedAt: 2, voted: {}, votes: {} });
    flush();
    expect(view.last.sealed).toBe(false);
    expect(t.state.round('c2')?.revealedAt).toBe(2);
    expect(t.state.round(null)).toBeUndefined();
    view.stop();
    t.clock.destroy();
  });

  it('participants: this user first, peers once per person (following if any device follows), the facilitator even when away', () => {
    const t = setup();
    writeLive(t.liveDoc, { status: 'active', facilitatorId: 'fac', agenda: [], focus: null });
    const peer = (clientId: number, userId: string, following: boolean | null): PresencePeer => ({ clientId, userId, name: userId.toUpperCase(), claimId: null, following });
    t.setPeers([peer(1, 'ann', false), peer(2, 'ann', true), peer(3, 'ben', null)]);
    const list = watch(() => t.state.participants.map((p) => [p.userId, p.present, p.facilitator, p.following]));
    expect(list.last).toEqual([
      ['me', true, false, true],
      ['ann', true, false, true],
      ['ben', true, false, null],
      ['fac', false, true, null],
    ]);
    expect(t.state.participants.find((p) => p.userId === 'fac')?.name).toBe('Name of fac');
    list.stop();
    t.clock.destroy();
  });

  it('actions are REST calls; busy while one runs, the server\'s refusal shown; the agenda steps and the default agenda is of accepted claims', async () => {
    const t = setup();
    for (const id of ['c1', 'c2', 'c3']) addClaim(t.boardDoc, { id, text: id, by: 'me', at: 1 }, null);
    setClaimStatus(t.boardDoc, 'c1', 'accepted', null);
    setClaimStatus(t.boardDoc, 'c3', 'accepted', null);
    expect(t.state.defaultAgenda()).toEqual(['c1', 'c3']);

    const running = t.state.start(['c3', 'c1']);
    expect(t.state.busy).toBe('start');
    expect(await running).toBe(true);
    expect(t.state.busy).toBeNull();
    writeLive(t.liveDoc, { status: 'active', facilitatorId: 'me', agenda: ['c3', 'c1'], focus: null });
    flush();
    expect(await t.state.stepAgenda(-1)).toBe(true); // off the agenda, "back" goes to its end
    writeLive(t.liveDoc, { focus: 'c1' });
    flush();
    expect(await t.state.stepAgenda(1)).toBe(false); // past the end: no call
    await t.state.openRound('c1');
    await t.state.handOver('ann');
    expect(t.calls).toEqual(['start [["c3","c1"]]', 'update [{"focus":"c1"}]', 'openRound ["c1"]', 'update [{"facilitatorId":"ann"}]']);

    t.failWith(new ApiError(403, 'FORBIDDEN', 'only the facilitator steers'));
    expect(await t.state.reveal('c1')).toBe(false);
    expect(t.state.error).toBe('only the facilitator steers');
    t.failWith(new TypeError('Failed to fetch'));
    expect(await t.state.end()).toBe(false);
    expect(t.state.error).toBe('The server did not answer; try again.');
    t.state.clearError();
    expect(t.state.error).toBeNull();
    // A summary that is not one is not shown.
    expect(await t.state.fetchServerSummary()).toBeNull();
    t.clock.destroy();
  });
});
