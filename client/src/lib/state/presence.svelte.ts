/**
 * PresenceState: who else has the board open (awareness), which claim each is looking at,
 * and whether their view follows the live review's facilitator; and the same about this
 * user, announced to the others. Whether this device follows is kept per device.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { Awareness } from 'y-protocols/awareness';
import type { BoardStorage } from './board-storage.js';

export interface PresencePeer {
  clientId: number;
  userId: string;
  name: string;
  claimId: string | null;
  /** Whether their view follows the live review's facilitator (absent: not said). */
  following: boolean | null;
}

const samePeer = (p: PresencePeer, q: PresencePeer | undefined): boolean =>
  q !== undefined && p.clientId === q.clientId && p.userId === q.userId && p.name === q.name && p.claimId === q.claimId && p.following === q.following;

/** A peer from an awareness state, or null when it is not one of ours (no user id). */
function peerOf(clientId: number, state: Record<string, unknown>): PresencePeer | null {
  const user = state.user as { id?: unknown; name?: unknown } | undefined;
  if (typeof user?.id !== 'string') return null;
  return {
    clientId,
    userId: user.id,
    name: typeof user.name === 'string' ? user.name : 'someone',
    claimId: typeof state.claimId === 'string' ? state.claimId : null,
    following: typeof state.following === 'boolean' ? state.following : null,
  };
}

export class PresenceState {
  readonly #awareness: Awareness;
  readonly #storage: BoardStorage;
  #following = $state(true);
  #peerList: PresencePeer[] = [];
  #notify: (() => void) | null = null;
  #subscribe = createSubscriber((update) => {
    this.#notify = update;
    return () => {
      this.#notify = null;
    };
  });
  #changed = (): void => this.#notify?.();

  constructor(awareness: Awareness, user: { id: string; name: string }, storage: BoardStorage) {
    this.#awareness = awareness;
    this.#storage = storage;
    this.#following = storage.following();
    awareness.setLocalStateField('user', { id: user.id, name: user.name });
    awareness.setLocalStateField('claimId', null);
    awareness.setLocalStateField('following', this.#following);
    awareness.on('change', this.#changed);
  }

  /** The others, by client id; the same array while nothing about them changed. */
  #peers: PresencePeer[] = $derived.by(() => {
    this.#subscribe();
    const out: PresencePeer[] = [];
    for (const [clientId, state] of this.#awareness.getStates()) {
      if (clientId === this.#awareness.clientID) continue;
      const peer = peerOf(clientId, state);
      if (peer) out.push(peer);
    }
    out.sort((a, b) => a.clientId - b.clientId);
    const prev = this.#peerList;
    if (prev.length === out.length && out.every((p, i) => samePeer(p, prev[i]))) return prev;
    this.#peerList = out;
    return out;
  });

  get peers(): PresencePeer[] {
    return this.#peers;
  }

  /** Tells the others which claim this user is looking at. */
  look(claimId: string | null): void {
    this.#awareness.setLocalStateField('claimId', claimId);
  }

  /** Whether this device's view follows the facilitator's focus (on by default, per device). */
  get following(): boolean {
    return this.#following;
  }
  setFollowing(on: boolean): void {
    this.#following = on;
    this.#storage.saveFollowing(on);
    this.#awareness.setLocalStateField('following', on);
  }

  destroy(): void {
    this.#awareness.off('change', this.#changed);
  }
}
