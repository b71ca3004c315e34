/**
 * Who may read and write which document [A1–A6]. Write authority is decided per document,
 * never per field (DESIGN.md "Documents and authority"):
 * - board/<id>: members read; owners and editors write.
 * - board/<id>/reviewer/<user>: members read; that user writes while they hold a voting role.
 * - board/<id>/live: members read; only the server writes (LiveReviewService).
 * - board/<id>/sealed/<user>: that user alone reads, and writes while they hold a voting role.
 * Roles are cached per (board, user) and every change goes through this class, which
 * updates the cache and tells listeners (the transports) so live connections follow.
 */
import { hashToken } from './tokens.js';
import { boardDocKey, liveDocKey, parseDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { canWriteBoard, isVoting, type Role } from '../../shared/protocol/roles.js';
import type { Store, TokenUser } from '../persistence/store.js';

export type RoleChange = { boardId: string; userId: string; role: Role | null };

/** The key of one membership in the per-(board, user) maps below. */
const memberKey = (boardId: string, userId: string): string => `${boardId}\u0000${userId}`;

export class Access {
  readonly #store: Store;
  readonly #roles = new Map<string, Role>();
  /** Doc lists of boards with live connections in mind (a join storm asks 200 times). */
  readonly #docLists = new Map<string, Promise<string[]>>();
  /**
   * Per board, the users whose reviewer doc has content (D3): read from the store once,
   * then kept up to date by `noteContent`, which sees every committed update. `users` is
   * complete once `ready` resolves.
   */
  readonly #withContent = new Map<string, { ready: Promise<void>; users: Set<string> }>();
  /** Live board connections per (board, user): see `arrived`. */
  readonly #here = new Map<string, number>();
  readonly #listeners: Array<(c: RoleChange) => void> = [];
  readonly #revokeListeners: Array<(userId: string) => void> = [];

  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** The token's user, with its expiry (a transport closes the connection then) [T13]. */
  async authenticate(token: unknown): Promise<TokenUser | null> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 200) return null;
    return this.#store.userByTokenHash(hashToken(token), this.#now());
  }

  async roleOf(boardId: string, userId: string): Promise<Role | null> {
    const k = memberKey(boardId, userId);
    const cached = this.#roles.get(k);
    if (cached) return cached;
    const role = await this.#store.getRole(boardId, userId);
    // Only memberships are cached: caching misses would let anyone grow the map without
    // bound by probing board ids.
    if (role) this.#roles.set(k, role);
    return role;
  }

  /** Signs a user out everywhere: tokens revoked, then listeners close live connections. */
  async revokeUser(userId: string): Promise<void> {
    await this.#store.revokeTokensOf(userId, Date.now());
    for (const l of this.#revokeListeners) l(userId);
  }

  onUserRevoked(l: (userId: string) => void): void {
    this.#revokeListeners.push(l);
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
    void this.#store.touchMember(boardId, userId, Date.now()).catch(() => undefined);
  }

  onRoleChange(l: (c: RoleChange) => void): void {
    this.#listeners.push(l);
  }

  /** Records a membership change made in the store and tells live connections. */
  changed(boardId: string, userId: string, role: Role | null): void {
    this.#docLists.delete(boardId);
    const k = memberKey(boardId, userId);
    if (role) this.#roles.set(k, role);
    else this.#roles.delete(k);
    for (const l of this.#listeners) l({ boardId, userId, role });
  }

  /**
   * The board's listed docs [D3]: the board doc, the live doc, then the reviewer doc of
   * every member who has written to it. Viewers' docs are included too: a reviewer demoted
   * to viewer keeps the votes cast before (they count, and are exported). A member who
   * never voted has an empty doc, which is not listed: a board with 200 members of whom 10
   * voted costs a client 12 docs, not 202 (`board:docs` adds a doc when it gets content).
   */
  docsOf(boardId: string): Promise<string[]> {
    let list = this.#docLists.get(boardId);
    if (!list) {
      const content = this.#contentOf(boardId);
      list = Promise.all([this.#store.listMembers(boardId), content.ready]).then(([members]) => [
        boardDocKey(boardId),
        liveDocKey(boardId),
        ...members.filter((m) => content.users.has(m.userId)).map((m) => reviewerDocKey(boardId, m.userId)),
      ]);
      this.#docLists.set(boardId, list);
      // Kept while valid (every membership change goes through `changed`, every first
      // content through `noteContent`), bounded anyway.
      if (this.#docLists.size > 10_000) this.#docLists.delete(this.#docLists.keys().next().value!);
      list.catch(() => this.#docLists.delete(boardId));
    }
    return list.then((l) => l.slice());
  }

  /**
   * What one member reads: the board's docs plus, if they vote, their own reviewer doc
   * (listed even while empty: they write it) and their own sealed doc.
   */
  async docsFor(boardId: string, userId: string, role: Role): Promise<string[]> {
    const docs = await this.docsOf(boardId);
    if (!isVoting(role)) return docs;
    const own = reviewerDocKey(boardId, userId);
    return docs.includes(own) ? [...docs, sealedDocKey(boardId, userId)] : [...docs, own, sealedDocKey(boardId, userId)];
  }

  #contentOf(boardId: string): { ready: Promise<void>; users: Set<string> } {
    let entry = this.#withContent.get(boardId);
    if (!entry) {
      const users = new Set<string>();
      const prefix = reviewerDocKey(boardId, ''); // every reviewer doc key of the board starts so
      const ready = this.#store.docKeysWithPrefix(prefix).then((keys) => {
        for (const k of keys) users.add(k.slice(prefix.length));
      });
      entry = { ready, users };
      this.#withContent.set(boardId, entry);
      if (this.#withContent.size > 10_000) this.#withContent.delete(this.#withContent.keys().next().value!);
      ready.catch(() => this.#withContent.delete(boardId));
    }
    return entry;
  }

  /**
   * A reviewer doc committed an update. Returns null at once when its board already lists
   * it (every update after the first), otherwise a promise of whether this put the doc on
   * the list of a member's board, so the caller tells the board's connections [T8b].
   */
  noteContent(boardId: string, userId: string): Promise<boolean> | null {
    const known = this.#withContent.get(boardId);
    if (known?.users.has(userId)) return null;
    const entry = known ?? this.#contentOf(boardId);
    return entry.ready.then(async () => {
      // Read from the store after this commit: already listed for anyone who asks now.
      // Not cached before: lists handed out earlier may lack it, so announce it anyway.
      if (known && entry.users.has(userId)) return false;
      entry.users.add(userId);
      this.#docLists.delete(boardId);
      return (await this.roleOf(boardId, userId)) !== null;
    });
  }

  writableDocs(boardId: string, userId: string, role: Role): string[] {
    const out: string[] = [];
    if (canWriteBoard(role)) out.push(boardDocKey(boardId));
    if (isVoting(role)) out.push(reviewerDocKey(boardId, userId), sealedDocKey(boardId, userId));
    return out;
  }

  /**
   * Decides access to one doc key for a user. `read` needs membership of the board, and
   * for a reviewer doc, that its owner is a member too; `write` follows the table above.
   */
  async check(
    docKey: string,
    userId: string,
    mode: 'read' | 'write',
  ): Promise<{ ok: true; boardId: string; role: Role } | { ok: false; reason: 'not_found' | 'forbidden' }> {
    const parsed = parseDocKey(docKey);
    if (!parsed) return { ok: false, reason: 'not_found' };
    const role = await this.roleOf(parsed.boardId, userId);
    if (!role) return { ok: false, reason: 'not_found' };
    if (parsed.kind === 'reviewer' && parsed.userId !== userId) {
      if (!(await this.roleOf(parsed.boardId, parsed.userId))) return { ok: false, reason: 'not_found' };
    }
    // Another member's sealed doc does not exist as far as anyone else can tell [A7].
    if (parsed.kind === 'sealed' && parsed.userId !== userId) return { ok: false, reason: 'not_found' };
    if (mode === 'read') return { ok: true, boardId: parsed.boardId, role };
    const may =
      parsed.kind === 'board'
        ? canWriteBoard(role)
        : parsed.kind === 'live'
          ? false
          : parsed.userId === userId && isVoting(role);
    return may ? { ok: true, boardId: parsed.boardId, role } : { ok: false, reason: 'forbidden' };
  }
}
