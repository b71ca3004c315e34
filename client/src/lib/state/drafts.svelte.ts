/**
 * Drafts: text this user typed on a board that is not in any document yet — a note or
 * reply not posted, a note edit not saved, a rationale or confidence not written into a
 * vote — kept per claim (or note) on this device, so that moving to another claim, losing
 * the right to write for a while, or reloading the page discards nothing. A draft goes when
 * its text reaches a document, or when the user discards it.
 *
 * Keys: `vote:<claimId>`, `note:<claimId>`, `reply:<noteId>`, `edit:<noteId>`.
 */
import type { BoardStorage, StoredDraft } from './board-storage.js';

export type DraftFields = Record<string, string>;

export const draftKeys = {
  vote: (claimId: string) => `vote:${claimId}`,
  note: (claimId: string) => `note:${claimId}`,
  reply: (noteId: string) => `reply:${noteId}`,
  edit: (noteId: string) => `edit:${noteId}`,
};

const isEmpty = (fields: DraftFields): boolean => Object.values(fields).every((v) => v.trim() === '');

export class Drafts {
  readonly #storage: BoardStorage;
  readonly #now: () => number;
  /** Replaced whole on every change: views that read a draft re-read it. */
  #all: ReadonlyMap<string, StoredDraft> = $state.raw(new Map());

  constructor(storage: BoardStorage, now: () => number = Date.now) {
    this.#storage = storage;
    this.#now = now;
    this.#all = storage.drafts();
  }

  /** The draft's fields, or null when there is none. */
  get(key: string): DraftFields | null {
    return this.#all.get(key)?.fields ?? null;
  }
  /** When the draft was last changed (device clock), or null. */
  at(key: string): number | null {
    return this.#all.get(key)?.at ?? null;
  }
  /** Keys of every draft that starts with `prefix`. */
  keys(prefix: string): string[] {
    return [...this.#all.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Keeps `fields` as the draft (merged into what is there); blank drafts are dropped. */
  set(key: string, fields: DraftFields): void {
    const merged = { ...this.#all.get(key)?.fields, ...fields };
    if (isEmpty(merged)) {
      this.clear(key);
      return;
    }
    const next = new Map(this.#all);
    next.set(key, { at: this.#now(), fields: merged });
    this.#commit(next);
  }

  clear(key: string): void {
    if (!this.#all.has(key)) return;
    const next = new Map(this.#all);
    next.delete(key);
    this.#commit(next);
  }

  #commit(next: Map<string, StoredDraft>): void {
    this.#all = next;
    this.#storage.saveDrafts(next);
  }
}
