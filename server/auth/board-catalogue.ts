/**
 * The board catalogue [D3, T2, T8b]: which documents a board lists, which a member reads and
 * writes. The lists follow membership changes (Memberships) and first content (noteContent).
 */
import { boardDocKey, liveDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { canWriteBoard, isVoting, type Role } from '../../shared/protocol/roles.js';
import type { Store } from '../persistence/store.js';
import type { Memberships } from './memberships.js';

/** Boards whose lists are kept in memory at most (kept while valid, bounded anyway). */
const MAX_CACHED_BOARDS = 10_000;

export class BoardCatalogue {
  readonly #store: Store;
  readonly #members: Memberships;
  /** Doc lists of boards with live connections in mind (a join storm asks 200 times). */
  readonly #docLists = new Map<string, Promise<string[]>>();
  /**
   * Per board, the users whose reviewer doc has content (D3): read from the store once,
   * then kept up to date by `noteContent`, which sees every committed update. `users` is
   * complete once `ready` resolves.
   */
  readonly #withContent = new Map<string, { ready: Promise<void>; users: Set<string> }>();

  constructor(store: Store, members: Memberships) {
    this.#store = store;
    this.#members = members;
    members.onRoleChange((c) => this.#docLists.delete(c.boardId));
  }

  /**
   * The board's listed docs [D3]: the board doc, the live doc, then the reviewer doc of
   * every member who has written to it, and of every former member who had [M4] (their
   * votes are kept, marked, and count only if the board says so). Viewers' docs are included
   * too: a reviewer demoted to viewer keeps the votes cast before (they count, and are
   * exported). A member who never voted has an empty doc, which is not listed: a board with
   * 200 members of whom 10 voted costs a client 12 docs, not 202 (`board:docs` adds a doc
   * when it gets content).
   */
  docsOf(boardId: string): Promise<string[]> {
    let list = this.#docLists.get(boardId);
    if (!list) {
      const content = this.#contentOf(boardId);
      list = Promise.all([this.#store.listMembers(boardId), this.#store.membership.listFormerMembers(boardId), content.ready]).then(
        ([members, formers]) => [
          boardDocKey(boardId),
          liveDocKey(boardId),
          ...[...members, ...formers].filter((m) => content.users.has(m.userId)).map((m) => reviewerDocKey(boardId, m.userId)),
        ],
      );
      this.#docLists.set(boardId, list);
      if (this.#docLists.size > MAX_CACHED_BOARDS) this.#docLists.delete(this.#docLists.keys().next().value!);
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

  /** The docs a member with this role writes (A2, A7): what doc-access.ts allows, listed. */
  writableDocs(boardId: string, userId: string, role: Role): string[] {
    const out: string[] = [];
    if (canWriteBoard(role)) out.push(boardDocKey(boardId));
    if (isVoting(role)) out.push(reviewerDocKey(boardId, userId), sealedDocKey(boardId, userId));
    return out;
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
      if (this.#withContent.size > MAX_CACHED_BOARDS) this.#withContent.delete(this.#withContent.keys().next().value!);
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
      return (await this.#members.roleOf(boardId, userId)) !== null;
    });
  }
}
