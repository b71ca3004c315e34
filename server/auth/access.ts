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
import type { Store, UserRecord } from '../persistence/store.js';

export type RoleChange = { boardId: string; userId: string; role: Role | null };

export class Access {
  readonly #store: Store;
  readonly #roles = new Map<string, Role>();
  /** Doc lists of boards with live connections in mind (a join storm asks 200 times). */
  readonly #docLists = new Map<string, Promise<string[]>>();
  readonly #listeners: Array<(c: RoleChange) => void> = [];
  readonly #revokeListeners: Array<(userId: string) => void> = [];

  constructor(store: Store) {
    this.#store = store;
  }

  async authenticate(token: unknown): Promise<UserRecord | null> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 200) return null;
    return this.#store.userByTokenHash(hashToken(token), Date.now());
  }

  async roleOf(boardId: string, userId: string): Promise<Role | null> {
    const k = `${boardId}\u0000${userId}`;
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

  /** Records that a member was here now (members panel "last seen"). */
  seen(boardId: string, userId: string): void {
    void this.#store.touchMember(boardId, userId, Date.now()).catch(() => undefined);
  }

  onRoleChange(l: (c: RoleChange) => void): void {
    this.#listeners.push(l);
  }

  /** Records a membership change made in the store and tells live connections. */
  changed(boardId: string, userId: string, role: Role | null): void {
    this.#docLists.delete(boardId);
    const k = `${boardId}\u0000${userId}`;
    if (role) this.#roles.set(k, role);
    else this.#roles.delete(k);
    for (const l of this.#listeners) l({ boardId, userId, role });
  }

  /**
   * The docs a member reads: the board doc, then every member's reviewer doc. Viewers'
   * docs are included too: a reviewer demoted to viewer keeps the votes cast before (they
   * count, and are exported); a viewer who never voted has an empty doc.
   */
  docsOf(boardId: string): Promise<string[]> {
    let list = this.#docLists.get(boardId);
    if (!list) {
      list = this.#store.listMembers(boardId).then((members) => [
        boardDocKey(boardId),
        liveDocKey(boardId),
        ...members.map((m) => reviewerDocKey(boardId, m.userId)),
      ]);
      this.#docLists.set(boardId, list);
      // Kept while valid (every membership change goes through `changed`), bounded anyway.
      if (this.#docLists.size > 10_000) this.#docLists.delete(this.#docLists.keys().next().value!);
      list.catch(() => this.#docLists.delete(boardId));
    }
    return list.then((l) => l.slice());
  }

  /** What one member reads: the board's docs plus their own sealed doc (if they vote). */
  async docsFor(boardId: string, userId: string, role: Role): Promise<string[]> {
    const docs = await this.docsOf(boardId);
    return isVoting(role) ? [...docs, sealedDocKey(boardId, userId)] : docs;
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
