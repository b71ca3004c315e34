/// <reference types="svelte" />
/**
 * The small parts of a board's state: PresenceState (who else is here, over real awareness
 * instances exchanging real updates), ClockSync (the server's clock while a review runs) and
 * MemberNames (names and roles, cached on the device for offline starts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { BoardStorage } from '../../client/src/lib/state/board-storage.js';
import { ClockSync, CLOCK_RESYNC_MS } from '../../client/src/lib/state/clock-sync.svelte.js';
import { MemberNames } from '../../client/src/lib/state/member-names.svelte.js';
import { PresenceState } from '../../client/src/lib/state/presence.svelte.js';
import { flush, memoryStorage, watch } from '../helpers/client-state.svelte.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Copies every state of `from` into `to`, as the server's relay would. */
const relay = (from: Awareness, to: Awareness) => applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...from.getStates().keys()]), 'remote');

describe('PresenceState', () => {
  it('lists the others with the claim they look at and whether they follow; same array while nothing changed', () => {
    const storage = memoryStorage();
    const mine = new Awareness(new Y.Doc());
    const theirs = new Awareness(new Y.Doc());
    const me = new PresenceState(mine, { id: 'u1', name: 'Uma' }, new BoardStorage(storage, 'u1', 'b1'));
    const ann = new PresenceState(theirs, { id: 'ann', name: 'Ann' }, new BoardStorage(memoryStorage(), 'ann', 'b1'));
    const peers = watch(() => me.peers);
    relay(theirs, mine);
    flush();
    expect(peers.last).toEqual([{ clientId: theirs.clientID, userId: 'ann', name: 'Ann', claimId: null, following: true }]);
    const before = peers.last;
    relay(theirs, mine); // nothing new
    flush();
    expect(peers.last).toBe(before);
    ann.look('c7');
    ann.setFollowing(false);
    relay(theirs, mine);
    flush();
    expect(peers.last[0]).toMatchObject({ claimId: 'c7', following: false });
    // A state without a user of ours is not a peer; a peer that leaves is gone.
    const stranger = new Awareness(new Y.Doc());
    stranger.setLocalState({ cursor: 1 });
    relay(stranger, mine);
    removeAwarenessStates(mine, [theirs.clientID], 'remote');
    flush();
    expect(peers.last).toEqual([]);

    me.setFollowing(false);
    expect(mine.getLocalState()).toMatchObject({ user: { id: 'u1', name: 'Uma' }, following: false });
    expect(new PresenceState(new Awareness(new Y.Doc()), { id: 'u1', name: 'Uma' }, new BoardStorage(storage, 'u1', 'b1')).following).toBe(false);
    peers.stop();
    me.destroy();
    ann.destroy();
  });
});

describe('ClockSync', () => {
  it('estimates the offset when asked, again only when stale and wanted, and every resync period while wanted', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    let asked = 0;
    let wanted = false;
    const clock = new ClockSync(async () => {
      asked++;
      return Date.now() + 5_000;
    }, () => wanted);
    expect(clock.offset).toBe(0);
    expect(clock.rtt).toBeNull();
    await clock.sync();
    expect(asked).toBe(5);
    expect(clock.offset).toBeCloseTo(5_000, -1);
    expect(clock.serverNow() - Date.now()).toBeCloseTo(5_000, -1);
    clock.syncIfStale(); // not wanted
    vi.advanceTimersByTime(CLOCK_RESYNC_MS);
    expect(asked).toBe(5);
    wanted = true;
    clock.syncIfStale(); // wanted, but the estimate is fresh enough
    expect(asked).toBe(5);
    vi.advanceTimersByTime(CLOCK_RESYNC_MS); // the periodic resync (3 samples)
    await vi.waitFor(() => expect(asked).toBe(8));
    clock.destroy();
  });
});

describe('MemberNames', () => {
  it('names from the server, kept for an offline start; viewers do not vote; a failed fetch keeps what is known', async () => {
    const storage = memoryStorage();
    const boardStorage = new BoardStorage(storage, 'u1', 'b1');
    const names = new MemberNames(boardStorage, { id: 'u1', name: 'Uma' }, async () => ({
      members: [
        { userId: 'ann', name: 'Ann', role: 'reviewer', joinedAt: 1, lastSeenAt: null },
        { userId: 'vic', name: 'Vic', role: 'viewer', joinedAt: 1, lastSeenAt: null },
      ],
    }));
    expect(names.nameOf('u1')).toBe('Uma');
    expect(names.nameOf('ann', () => 'Peer name')).toBe('Peer name');
    expect(names.nameOf('u_abcdef')).toBe('Reviewer cdef');
    expect(names.votes('vic')).toBe(true); // unknown: assumed to vote
    await names.refresh();
    expect(names.nameOf('ann')).toBe('Ann');
    expect(names.votes('vic')).toBe(false);
    expect(names.votes('ann')).toBe(true);
    const offline = new MemberNames(boardStorage, { id: 'u1', name: 'Uma' }, () => Promise.reject(new TypeError('Failed to fetch')));
    await offline.refresh();
    expect(offline.nameOf('vic')).toBe('Vic');
  });
});
