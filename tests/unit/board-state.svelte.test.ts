/// <reference types="svelte" />
/**
 * BoardState (client/src/lib/state/board-state.svelte.ts), the facade the components use,
 * with its parts wired together: over the fake socket (tests/helpers/fake-socket.ts), a
 * Map-backed localStorage and in-memory doc stores, it loads, joins, votes, says "saved"
 * only when the server acknowledged everything, keeps a vote edit made as a viewer and
 * writes it when the role comes back, and stops for good when the user is removed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boardDocKey, liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import type { Role } from '../../shared/protocol/roles.js';
import { BoardState, type BoardStateEnv } from '../../client/src/lib/state/board-state.svelte.js';
import { draftKeys } from '../../client/src/lib/state/drafts.svelte.js';
import { VOTE_SAVE_DEBOUNCE_MS } from '../../client/src/lib/state/vote-autosave.svelte.js';
import { answerJoin, answerOpens, fakeSocket, joinResult, microtasks } from '../helpers/fake-socket.js';
import { flush, memoryStorage, memoryStores, watch } from '../helpers/client-state.svelte.js';

const BOARD = boardDocKey('b1');
const LIVE = liveDocKey('b1');
const MINE = reviewerDocKey('b1', 'u1');
const BOX = sealedDocKey('b1', 'u1');

function setup() {
  const { socket } = fakeSocket({ connected: false });
  const storage = memoryStorage();
  const cached: string[] = [];
  const never = () => new Promise<never>(() => {});
  const env: BoardStateEnv = {
    socket: socket as never,
    storage,
    openStore: memoryStores().open,
    online: true,
    window: null,
    members: async () => ({ members: [{ userId: 'u1', name: 'Uma', role: 'reviewer', joinedAt: 1, lastSeenAt: null }] }),
    liveApi: { time: never, start: never, update: never, openRound: never, reveal: never, startTimer: never, stopTimer: never, end: never, summary: never },
    cacheInfo: (i) => cached.push(`${i.role}${i.archived ? ' archived' : ''}`),
    forgetInfo: () => cached.push('forgotten'),
  };
  const board = new BoardState({ id: 'b1', title: 'Board', role: 'reviewer', docs: [BOARD, LIVE], writable: [] }, { id: 'u1', name: 'Uma' }, env);
  const join = async (role: Role) => {
    answerJoin(socket, joinResult({ role, docs: [BOARD, LIVE, MINE], writable: role === 'viewer' ? [] : [MINE, BOX] }));
    // Docs attach as their stores load; answer each exchange until nothing is asked.
    for (let i = 0; i < 5; i++) {
      await microtasks();
      answerOpens(socket);
    }
  };
  /** The server acknowledges every write sent so far. */
  const ackAll = () => {
    while (socket.pending('sync:message').length > 0) socket.answer('sync:message', { ok: true, value: {} });
  };
  return { socket, board, join, ackAll, cached, storage };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BoardState', () => {
  it('saved: false while a vote or a vote edit is on this device only or unacknowledged, true after the ack', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const t = setup();
    const saved = watch(() => t.board.saved);
    expect(saved.last).toBe(false); // not loaded, not joined
    await t.join('reviewer');
    flush();
    expect(t.board.loaded).toBe(true);
    expect(saved.last).toBe(true);
    expect(t.cached).toEqual(['reviewer']);

    expect(t.board.vote('c1', 4, 'medium').ok).toBe(true);
    flush();
    expect(saved.last).toBe(false);
    t.ackAll();
    flush();
    expect(saved.last).toBe(true);

    t.board.editVote('c1', { confidence: 'high', rationale: 'page 12', reason: '' });
    flush();
    expect(saved.last).toBe(false); // typed, not written yet
    expect(t.socket.pending('sync:message')).toEqual([]);
    expect(t.board.votePending('c1')).toBe(true);
    vi.advanceTimersByTime(VOTE_SAVE_DEBOUNCE_MS);
    flush();
    expect(t.socket.pending('sync:message')).toHaveLength(1);
    expect(saved.last).toBe(false); // written, not acknowledged
    t.ackAll();
    flush();
    expect(saved.last).toBe(true);
    expect(t.board.myVote('c1')).toMatchObject({ rating: 4, confidence: 'high', rationale: 'page 12' });
    // whenSaved writes a waiting edit at once and resolves after its ack.
    t.board.editVote('c1', { confidence: 'low', rationale: 'page 12', reason: '' });
    const done = t.board.whenSaved();
    expect(t.socket.pending('sync:message')).toHaveLength(1);
    t.ackAll();
    await done;
    saved.stop();
    t.board.destroy();
  });

  it('a vote edit made while demoted is kept and written once the role comes back; removal stops syncing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const t = setup();
    await t.join('reviewer');
    t.board.vote('c1', 3, 'medium');
    t.ackAll();

    // Demoted: the server says so, the connection joins again and learns the new role.
    t.socket.deliver('board:access', { boardId: 'b1', role: 'viewer' });
    await t.join('viewer');
    expect(t.board.canVote).toBe(false);
    expect(t.board.voteBlockedReason).toContain('viewer');
    t.board.editVote('c1', { confidence: 'high', rationale: 'half a thou', reason: '' });
    vi.advanceTimersByTime(VOTE_SAVE_DEBOUNCE_MS * 2);
    expect(t.socket.pending('sync:message')).toEqual([]);
    expect(t.board.drafts.get(draftKeys.vote('c1'))).toMatchObject({ rationale: 'half a thou' });
    expect(t.board.addNote('c1', 'no')).toMatchObject({ ok: false });
    expect(t.board.lastError).toContain('viewer');

    t.socket.deliver('board:access', { boardId: 'b1', role: 'reviewer' });
    await t.join('reviewer');
    expect(t.board.canVote).toBe(true);
    vi.advanceTimersByTime(VOTE_SAVE_DEBOUNCE_MS);
    await microtasks();
    t.ackAll();
    expect(t.board.myVote('c1')).toMatchObject({ rating: 3, confidence: 'high', rationale: 'half a thou' });
    expect(t.board.drafts.get(draftKeys.vote('c1'))).toBeNull();

    t.socket.deliver('board:access', { boardId: 'b1', role: null });
    expect(t.board.removed).toBe(true);
    expect(t.board.canVote).toBe(false);
    expect(t.socket.connected).toBe(false);
    expect(t.cached.at(-1)).toBe('forgotten');
    t.board.destroy();
  });

  it('an archived board is read-only; its title comes from the board doc once set', async () => {
    const t = setup();
    await t.join('owner');
    expect(t.board.canEdit).toBe(true);
    expect(t.board.title).toBe('Board');
    t.socket.deliver('board:state', { boardId: 'b1', archived: true });
    expect(t.board.lifecycle.archived).toBe(true);
    expect(t.board.canEdit).toBe(false);
    expect(t.board.voteBlockedReason).toBe('This board is archived: it is read-only.');
    expect(t.board.vote('c1', 1, 'low')).toMatchObject({ ok: false });
    expect(t.board.myVote('c1')).toBeUndefined();
    expect(t.cached.at(-1)).toBe('owner archived');
    t.board.destroy();
  });
});
