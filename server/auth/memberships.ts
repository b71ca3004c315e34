/**
 * Roles on boards [A1, A2, A6]: who is a member of which board with which role, cached per
 * (board, user). Every membership change goes through `changed`, which updates the cache
 * and tells listeners (the transports, the board catalogue) so live connections follow on
 * their very next frame. Also which members are here now, for "last seen" [W4].
 */
import type { Role } from '../../shared/protocol/roles.js';
import type { Store } from '../persistence/store.js';
import type { BoardStates } from './board-states.js';

export type RoleChange = { boardId: string; userId: string; role: Role | null };

/** The key of one membership in the per-(board, user) maps below. */
const memberKey = (boardId: string, userId: string): string => `${boardId}\u0000${userId}`;

export class Memberships {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #states: BoardStates;
  readonly #roles = new Map<string, Role>();
  /** Live board connections per (board, user): see `arrived`. */
  readonly #here = new Map<string, number>();
  readonly #listeners: Array<(c: RoleChange) => void> = [];

  constructor(store: Store, states: BoardStates, now: () => number = Date.now) {
    this.#store = store;
    this.#states = states;
    this.#now = now;
  }

  /**
   * The user's role on the board now, or null for a non-member (and for no such board, or
   * one being deleted [B3]: every route, doc key and transport asks here, so they all answer
   * like an unknown board from the moment deletion starts).
   */
  async roleOf(boardId: string, userId: string): Promise<Role | null> {
    if (this.#states.isDeleted(boardId)) return null;
    const k = memberKey(boardId, userId);
    const cached = this.#roles.get(k);
    if (cached) return cached;
    const role = await this.#store.getRole(boardId, userId);
    // Only memberships are cached: caching misses would let anyone grow the map without
    // bound by probing board ids.
    if (role && !this.#states.isDeleted(boardId)) this.#roles.set(k, role);
    return this.#states.isDeleted(boardId) ? null : role;
  }

  /**
   * Whether the user left or was removed from the board and is not a member again [M4]: their
   * reviewer doc stays, and members still read it.
   */
  async isFormer(boardId: string, userId: string): Promise<boolean> {
    if (this.#states.isDeleted(boardId)) return false;
    return this.#store.membership.isFormerMember(boardId, userId);
  }

  onRoleChange(l: (c: RoleChange) => void): void {
    this.#listeners.push(l);
  }

  /** Records a membership change made in the store and tells live connections. */
  changed(boardId: string, userId: string, role: Role | null): void {
    const k = memberKey(boardId, userId);
    if (role) this.#roles.set(k, role);
    else this.#roles.delete(k);
    for (const l of this.#listeners) l({ boardId, userId, role });
  }

  /**
   * A member's connection joined the board: they are here now. The store records the time
   * too, but in the writer's next commit; until then, and for as long as they stay, the
   * members list reads "here" from this count (so "last seen" never lags a live member).
   */
  arrived(boardId: string, userId: string): void {
    const k = memberKey(boardId, userId);
    this.#here.set(k, (this.#here.get(k) ?? 0) + 1);
    this.#seen(boardId, userId);
  }

  /** One of the member's connections left the board (or closed). */
  left(boardId: string, userId: string): void {
    const k = memberKey(boardId, userId);
    const n = (this.#here.get(k) ?? 0) - 1;
    if (n > 0) this.#here.set(k, n);
    else this.#here.delete(k);
    this.#seen(boardId, userId);
  }

  /** The members panel's "last seen": now for a member with a live connection to the board. */
  lastSeen(boardId: string, userId: string, stored: number | null, now: number): number | null {
    return this.#here.has(memberKey(boardId, userId)) ? now : stored;
  }

  #seen(boardId: string, userId: string): void {
    void this.#store.touchMember(boardId, userId, this.#now()).catch(() => undefined);
  }
}
