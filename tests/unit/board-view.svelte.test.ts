/// <reference types="svelte" />
/**
 * BoardView (client/src/lib/state/board-view.svelte.ts): what the views show, derived from
 * the docs' snapshots — consensus, filters, votes and notes per claim, suggestions waiting
 * for an editor, what is new since the last visit — and recomputed when a doc changes.
 * Real Y.Docs through BoardDocs (no connection needed: nothing here is synced).
 */
import { describe, expect, it } from 'vitest';
import { addClaim, addNote, castVote, mergeClaims, proposeClaim, resolveThread, setClaimStatus, decideSuggestion } from '../../shared/model/index.js';
import { boardDocKey, liveDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { BoardDocs } from '../../client/src/lib/state/board-docs.svelte.js';
import { BoardView } from '../../client/src/lib/state/board-view.svelte.js';
import { flush, memoryStores, watch } from '../helpers/client-state.svelte.js';

const LOCAL = Symbol('local');
const LAST_VISIT = 1_000;

async function setup() {
  const docs = new BoardDocs('b1', 'me', { attach() {} }, { localOrigin: LOCAL, openStore: memoryStores().open, batchMs: 0 });
  await docs.load([boardDocKey('b1'), liveDocKey('b1')], ['me', 'ann', 'ben', 'cat'].map((u) => reviewerDocKey('b1', u)));
  const view = new BoardView(docs, 'me', LAST_VISIT);
  const mine = (u: string) => docs.reviewerDoc(u)!;
  for (const [id, by, at] of [['c1', 'me', 500], ['c2', 'ann', 2_000], ['c3', 'ann', 600]] as const) {
    expect(addClaim(docs.boardDoc, { id, text: `Claim ${id}`, by, at }, LOCAL).ok).toBe(true);
  }
  const vote = (u: string, c: string, rating: 1 | 2 | 3 | 4 | 5 | 'unverifiable', at = 2_000, reason?: string) =>
    expect(castVote(mine(u), c, { rating, confidence: 'medium', at, ...(reason ? { reason } : {}) }, LOCAL).ok).toBe(true);
  return { docs, view, mine, vote };
}

describe('BoardView', () => {
  it('consensus and filters follow the votes; a merge moves its originals to "replaced"', async () => {
    const { docs, view, vote } = await setup();
    const ids = (f: Parameters<BoardView['filtered']>[0]) => view.filtered(f).map((c) => c.id);
    const todo = watch(() => ids('todo'));
    expect(todo.last).toEqual(['c1', 'c2', 'c3']);
    vote('me', 'c1', 4, 400);
    vote('ann', 'c1', 4);
    vote('ben', 'c1', 4);
    vote('ann', 'c2', 1);
    vote('ben', 'c2', 5);
    vote('cat', 'c2', 1);
    vote('cat', 'c3', 3);
    flush();
    expect(todo.last).toEqual(['c2', 'c3']);
    expect(view.claimConsensus('c1')?.verdict).not.toBe('contested');
    expect(ids('contested')).toEqual(['c2']);
    expect(ids('noquorum')).toEqual(['c3']);
    expect(view.myVote('c1')).toMatchObject({ rating: 4 });
    expect(view.votesOn('c2').map((v) => v.userId).sort()).toEqual(['ann', 'ben', 'cat']);
    expect([...view.currentRatings('c2')].sort()).toEqual([['ann', 1], ['ben', 5], ['cat', 1]]);

    setClaimStatus(docs.boardDoc, 'c1', 'accepted', LOCAL);
    setClaimStatus(docs.boardDoc, 'c3', 'rejected', LOCAL);
    expect(ids('accepted')).toEqual(['c1']);
    expect(ids('rejected')).toEqual(['c3']);
    expect(view.nextOpen('c1')?.id).toBe('c2');
    const merged = mergeClaims(docs.boardDoc, { ids: ['c1', 'c2'], by: 'me', at: 3_000 }, LOCAL);
    expect(merged.ok).toBe(true);
    flush();
    const m = merged.ok ? merged.value.id : '';
    expect(ids('replaced')).toEqual(['c1', 'c2']);
    expect(ids('all')).toEqual([m]);
    expect(todo.last).toEqual([m]);
    todo.stop();
    docs.destroy();
  });

  it('notes oldest first, resolved threads, a reason given after a reveal, suggestions until decided', async () => {
    const { docs, view, mine, vote } = await setup();
    addNote(mine('ben'), 'n2', { claimId: 'c1', body: 'second', at: 3_000 }, LOCAL);
    addNote(mine('ann'), 'n1', { claimId: 'c1', body: 'first', at: 2_000 }, LOCAL);
    addNote(mine('ann'), 'n3', { claimId: 'c2', body: 'elsewhere', at: 2_500 }, LOCAL);
    expect(view.notesOn('c1').map((n) => [n.userId, n.body])).toEqual([['ann', 'first'], ['ben', 'second']]);
    expect(view.threadResolved('ann', 'n1')).toBe(false);
    resolveThread(docs.boardDoc, { reviewerId: 'ann', noteId: 'n1', resolved: true, by: 'me', at: 4_000 }, LOCAL);
    expect(view.threadResolved('ann', 'n1')).toBe(true);

    vote('ann', 'c1', 2, 2_000, 'the revised figure');
    expect(view.reasonOf('ann', 'c1')).toBe('the revised figure');
    expect(view.reasonOf('nobody', 'c1')).toBeUndefined();

    const pending = watch(() => view.pendingSuggestions.map((s) => s.id));
    const bytes = new Uint8Array([1]) as Uint8Array<ArrayBuffer>;
    expect(proposeClaim(mine('ann'), 's1', { text: 'Maybe a claim', anchorStart: bytes, anchorEnd: bytes, at: 5_000 }, LOCAL).ok).toBe(true);
    flush();
    expect(pending.last).toEqual(['s1']);
    const s = view.pendingSuggestions[0]!;
    const { reviewerId, id, ...suggestion } = s;
    expect(decideSuggestion(docs.boardDoc, { reviewerId, suggestionId: id, suggestion, outcome: 'rejected', by: 'me', at: 6_000 }, LOCAL).ok).toBe(true);
    flush();
    expect(pending.last).toEqual([]);
    pending.stop();
    docs.destroy();
  });

  it('counts what others did since the last visit, never this user', async () => {
    const { docs, view, mine, vote } = await setup();
    vote('me', 'c1', 3, 5_000);
    vote('ann', 'c1', 3, 5_000);
    vote('ben', 'c1', 3, 500); // before the last visit
    addNote(mine('ann'), 'n1', { claimId: 'c1', body: 'new', at: 5_000 }, LOCAL);
    addNote(mine('me'), 'n2', { claimId: 'c1', body: 'mine', at: 5_000 }, LOCAL);
    // c2 is Ann's and new; c3 is older than the visit; c1 is this user's own.
    expect(view.sinceLastVisit).toEqual({ since: LAST_VISIT, claims: 1, votes: 1, notes: 1 });
    expect(view.isNew(5_000, 'ann')).toBe(true);
    expect(view.isNew(5_000, 'me')).toBe(false);
    expect(view.isNew(500, 'ann')).toBe(false);
    const first = new BoardView(docs, 'me', null);
    expect(first.sinceLastVisit).toEqual({ since: null, claims: 0, votes: 0, notes: 0 });
    expect(first.isNew(5_000, 'ann')).toBe(false);
    docs.destroy();
  });
});
