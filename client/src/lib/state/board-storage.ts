/**
 * BoardStorage: what one board keeps in this device's localStorage for one user — the time
 * of the last visit, members' names (for offline starts), whether this device follows the
 * live review's facilitator, and drafts of typed text that is not stored anywhere else yet.
 *
 * Everything read back is checked: localStorage is shared with every other script of the
 * origin and with older versions of this client. Writes that fail (quota, private mode) are
 * dropped: nothing here is the only copy of anything stored on the server.
 */

/** The part of the Web Storage API used here (a Map-backed stand-in in Node tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Drafts kept per board at most; beyond it the oldest go first. */
export const MAX_DRAFTS = 200;
/** Longest draft text kept (a note is at most 10,000 characters). */
export const MAX_DRAFT_CHARS = 20_000;

export interface StoredDraft {
  /** Epoch ms (device clock) of the last change. */
  at: number;
  /** Field name → text. */
  fields: Record<string, string>;
}

const lastVisitKey = (userId: string, boardId: string) => `claimboard.lastVisit.${userId}.${boardId}`;
const namesKey = (boardId: string) => `claimboard.names.${boardId}`;
const followKey = (boardId: string) => `claimboard.follow.${boardId}`;
const draftsKey = (userId: string, boardId: string) => `claimboard.drafts.${userId}.${boardId}`;

function parseJson(raw: string | null): unknown {
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readDraft(v: unknown): StoredDraft | null {
  if (!isRecord(v) || typeof v.at !== 'number' || !Number.isFinite(v.at) || !isRecord(v.fields)) return null;
  const fields: Record<string, string> = {};
  for (const [k, text] of Object.entries(v.fields)) if (typeof text === 'string') fields[k] = text.slice(0, MAX_DRAFT_CHARS);
  return { at: v.at, fields };
}

export class BoardStorage {
  readonly #store: KeyValueStore;
  readonly #userId: string;
  readonly #boardId: string;

  constructor(store: KeyValueStore, userId: string, boardId: string) {
    this.#store = store;
    this.#userId = userId;
    this.#boardId = boardId;
  }

  #set(key: string, value: string): void {
    try {
      this.#store.setItem(key, value);
    } catch {
      /* full or unavailable: see the header */
    }
  }

  /** The previous visit's time (null on a first visit), and this visit is stamped `now`. */
  takeLastVisit(now: number): number | null {
    const key = lastVisitKey(this.#userId, this.#boardId);
    const prev = Number(this.#store.getItem(key));
    this.#set(key, String(now));
    return Number.isFinite(prev) && prev > 0 ? prev : null;
  }

  /** Members' names as last known (user id → name). */
  names(): Record<string, string> {
    const v = parseJson(this.#store.getItem(namesKey(this.#boardId)));
    if (!isRecord(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  saveNames(names: Record<string, string>): void {
    this.#set(namesKey(this.#boardId), JSON.stringify(names));
  }

  /** Whether this device follows the facilitator (on unless switched off). */
  following(): boolean {
    return this.#store.getItem(followKey(this.#boardId)) !== 'false';
  }
  saveFollowing(on: boolean): void {
    this.#set(followKey(this.#boardId), String(on));
  }

  /** Every draft of this board by its key ("vote:<claimId>", "note:<claimId>", …). */
  drafts(): Map<string, StoredDraft> {
    const v = parseJson(this.#store.getItem(draftsKey(this.#userId, this.#boardId)));
    const out = new Map<string, StoredDraft>();
    if (!isRecord(v)) return out;
    for (const [key, d] of Object.entries(v)) {
      const draft = readDraft(d);
      if (draft) out.set(key, draft);
    }
    return out;
  }

  /** Replaces the board's drafts (the newest MAX_DRAFTS of them). */
  saveDrafts(drafts: ReadonlyMap<string, StoredDraft>): void {
    const key = draftsKey(this.#userId, this.#boardId);
    if (drafts.size === 0) {
      this.#store.removeItem(key);
      return;
    }
    const kept = [...drafts].sort((a, b) => b[1].at - a[1].at).slice(0, MAX_DRAFTS);
    this.#set(key, JSON.stringify(Object.fromEntries(kept)));
  }
}
