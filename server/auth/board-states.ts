/**
 * The lifecycle state of boards [B1–B3]: archived (read-only for everyone) and deleted (gone,
 * answering like a board that never existed). Archive state is cached per board and every
 * change goes through `changed`, which tells listeners (the hub pushes `board:state`), so a
 * write is refused from the very next frame. A deleted board stays in `#deleted` for the
 * process's life: its id is random and never reused, and a late request that raced the
 * deletion must not bring a row or a cached role back.
 */
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { Store } from '../persistence/store.js';

export type BoardStateChange = { boardId: string; archived: boolean; title?: string; countFormerMembers?: boolean };

/** Boards whose archive state is kept in memory at most (bounded anyway). */
const MAX_CACHED_BOARDS = 10_000;

export class BoardStates {
  readonly #store: Store;
  readonly #archived = new Map<string, Promise<boolean>>();
  readonly #deleted = new Set<string>();
  readonly #listeners: Array<(c: BoardStateChange) => void> = [];
  readonly #deletedListeners: Array<(boardId: string) => void> = [];

  constructor(store: Store) {
    this.#store = store;
  }

  /** Whether the board is archived now (false for a board that does not exist). */
  isArchived(boardId: string): Promise<boolean> {
    let p = this.#archived.get(boardId);
    if (!p) {
      p = this.#store.getBoard(boardId).then((b) => b !== null && b.archivedAt !== null);
      this.#archived.set(boardId, p);
      if (this.#archived.size > MAX_CACHED_BOARDS) this.#archived.delete(this.#archived.keys().next().value!);
      p.catch(() => this.#archived.delete(boardId));
    }
    return p;
  }

  /** Throws `ARCHIVED` for a server-side or REST write to an archived board. */
  async requireActive(boardId: string): Promise<void> {
    if (await this.isArchived(boardId)) throw new AppError(ErrorCode.Archived, 'this board is archived: unarchive it to change it');
  }

  isDeleted(boardId: string): boolean {
    return this.#deleted.has(boardId);
  }

  onChange(l: (c: BoardStateChange) => void): void {
    this.#listeners.push(l);
  }

  /** Records an archive state or title change made in the store and tells live connections. */
  changed(c: BoardStateChange): void {
    this.#archived.set(c.boardId, Promise.resolve(c.archived));
    for (const l of this.#listeners) l(c);
  }

  /** The board is being deleted: from now on it answers like an unknown board. */
  deleted(boardId: string): void {
    if (this.#deleted.has(boardId)) return;
    this.#deleted.add(boardId);
    this.#archived.delete(boardId);
    for (const l of this.#deletedListeners) l(boardId);
  }

  /** Called once per board deletion (cluster mode tells the other processes) [K10]. */
  onDeleted(l: (boardId: string) => void): void {
    this.#deletedListeners.push(l);
  }
}
