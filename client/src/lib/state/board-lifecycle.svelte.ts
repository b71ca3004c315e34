/**
 * A board's lifecycle as one view sees it [B1, B3–B5]: whether it is archived (from the join
 * and `board:state` pushes, or this user's own change), and the REST calls that rename,
 * archive, delete and duplicate it. The title itself is read from the board doc (the server
 * writes a rename there), so it is not kept here.
 */
import { ApiError, boardLifecycleApi } from '../api.js';

export class BoardLifecycleState {
  readonly boardId: string;
  #archived = $state(false);
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(boardId: string, archived: boolean) {
    this.boardId = boardId;
    this.#archived = archived;
  }

  get archived(): boolean {
    return this.#archived;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  /** The server said (join result or push) whether the board is archived. */
  apply(state: { archived: boolean }): void {
    this.#archived = state.archived;
  }

  clearError(): void {
    this.#error = null;
  }

  /** Renames the board; false (with `error`) when the server refused. */
  rename(title: string): Promise<boolean> {
    const t = title.trim();
    if (t.length === 0 || t.length > 200) {
      this.#error = 'A title has 1 to 200 characters.';
      return Promise.resolve(false);
    }
    return this.#call(async () => {
      await boardLifecycleApi.patch(this.boardId, { title: t });
    });
  }

  setArchived(archived: boolean): Promise<boolean> {
    return this.#call(async () => {
      const { board } = await boardLifecycleApi.patch(this.boardId, { archived });
      this.#archived = board.archived ?? archived;
    });
  }

  /** Deletes the board for everyone; true once the server has. */
  remove(): Promise<boolean> {
    return this.#call(() => boardLifecycleApi.remove(this.boardId));
  }

  /** Duplicates the board as a new one of this user's; resolves with its id, or null. */
  async duplicate(title?: string): Promise<string | null> {
    let id: string | null = null;
    await this.#call(async () => {
      id = (await boardLifecycleApi.duplicate(this.boardId, title)).board.id;
    });
    return id;
  }

  async #call(fn: () => Promise<unknown>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      await fn();
      return true;
    } catch (e) {
      this.#error = e instanceof ApiError ? e.message : navigator.onLine ? String(e) : 'This needs a connection to the server.';
      return false;
    } finally {
      this.#busy = false;
    }
  }
}
