/**
 * BoardDocs: the set of Y.Docs of one open board — the board doc, the live-review doc, this
 * user's sealed doc and every member's reviewer doc — each loaded from its local store
 * (IndexedDB in the browser) before it is handed to the connection, and plain snapshots of
 * them through reactive getters.
 *
 * One event source per kind of doc, so a vote does not re-read the board (anchors and all)
 * and a live-review change re-reads no reviewer doc. Remote reviewer updates (many docs
 * syncing at load, peers voting) are batched into one recomputation per frame; this user's
 * own edits show at once.
 */
import { createSubscriber } from 'svelte/reactivity';
import * as Y from 'yjs';
import { readBoard, readReviewer, readVotes, type BoardSnapshot, type ReviewerSnapshot, type VoteEntry } from '../../../../shared/model/index.js';
import { readLive, type LiveState } from '../../../../shared/model/live.js';
import { parseDocKey } from '../../../../shared/protocol/doc-keys.js';
import { openOfflineCopy } from '../offline-copies.js';

/** A doc's local store: loads into the doc, then keeps every update of it. */
export interface LocalStore {
  whenSynced: Promise<unknown>;
  destroy(): unknown;
}
/** Null: no local copy (a shared computer): the doc lives in memory only. */
export type OpenLocalStore = (name: string, doc: Y.Doc) => LocalStore | null;
/** This device's offline copy (IndexedDB), unless the session is on a shared computer. */
export const indexedDbStore: OpenLocalStore = (name, doc) => openOfflineCopy(name, doc);

/** Where loaded docs go to be kept in sync (the BoardConnection). */
export interface DocSink {
  attach(docKey: string, doc: Y.Doc): void;
}

export interface BoardDocsOptions {
  /** Transaction origin of this client's own edits (shown without batching). */
  localOrigin: unknown;
  openStore?: OpenLocalStore;
  /** How long remote reviewer updates are gathered before views recompute (ms). */
  batchMs?: number;
}

type Kind = 'board' | 'reviewers' | 'review';

export class BoardDocs {
  readonly boardId: string;
  readonly userId: string;
  readonly boardDoc = new Y.Doc();
  /** The live review (server-written, read-only here). */
  readonly liveDoc = new Y.Doc();
  /** This user's sealed votes (only they and the server read it); null until attached. */
  #sealedDoc: Y.Doc | null = null;
  readonly #reviewerDocs = new Map<string, Y.Doc>();
  readonly #stores: LocalStore[] = [];
  /** Doc keys already loading or attached (a join and a refresh may list the same key). */
  readonly #attaching = new Set<string>();
  readonly #sink: DocSink;
  readonly #opts: Required<BoardDocsOptions>;
  #loaded = $state(false);
  #loadedWaiters: Array<() => void> = [];
  #destroyed = false;

  readonly #notify: Record<Kind, (() => void) | null> = { board: null, reviewers: null, review: null };
  readonly #subscribe: Record<Kind, () => void> = {
    board: this.#subscriber('board'),
    reviewers: this.#subscriber('reviewers'),
    review: this.#subscriber('review'),
  };
  /** Reviewer docs changed since their snapshot was last read (re-read only those). */
  readonly #dirty = new Set<string>();
  readonly #cache = new Map<string, ReviewerSnapshot>();
  #reviewerMap: Map<string, ReviewerSnapshot> | null = null;
  #batchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(boardId: string, userId: string, sink: DocSink, opts: BoardDocsOptions) {
    this.boardId = boardId;
    this.userId = userId;
    this.#sink = sink;
    this.#opts = { openStore: indexedDbStore, batchMs: 16, ...opts };
    this.boardDoc.on('update', () => this.#notify.board?.());
    this.liveDoc.on('update', () => this.#notify.review?.());
  }

  #subscriber(kind: Kind): () => void {
    return createSubscriber((update) => {
      this.#notify[kind] = update;
      return () => {
        this.#notify[kind] = null;
      };
    });
  }

  get sealedDoc(): Y.Doc | null {
    return this.#sealedDoc;
  }
  reviewerDoc(userId: string): Y.Doc | null {
    return this.#reviewerDocs.get(userId) ?? null;
  }
  /** Every doc's stored content is in (the first `load` finished). */
  get loaded(): boolean {
    return this.#loaded;
  }
  whenLoaded(): Promise<void> {
    return this.#loaded ? Promise.resolve() : new Promise((r) => this.#loadedWaiters.push(r));
  }

  /** Attaches `keys`, then `own` (docs of this user's that exist before the server lists them); then `loaded`. */
  async load(keys: string[], own: string[]): Promise<void> {
    await this.attach(keys);
    await this.attach(own);
    this.#loaded = true;
    const w = this.#loadedWaiters;
    this.#loadedWaiters = [];
    for (const r of w) r();
  }

  /**
   * Loads each doc from its local store first, then hands it to the connection, so stored
   * content is not mistaken for fresh local edits of a read-only doc. Keys of other boards,
   * other users' sealed docs and keys already attached are skipped.
   */
  async attach(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.#attachOne(key)));
    if (this.#reviewerMap === null || this.#reviewerMap.size !== this.#reviewerDocs.size) this.#flushReviewers();
  }

  async #attachOne(key: string): Promise<void> {
    const parsed = parseDocKey(key);
    if (!parsed || parsed.boardId !== this.boardId || this.#attaching.has(key) || this.#destroyed) return;
    if (parsed.kind === 'sealed' && parsed.userId !== this.userId) return;
    this.#attaching.add(key);
    let doc: Y.Doc;
    if (parsed.kind === 'board') doc = this.boardDoc;
    else if (parsed.kind === 'live') doc = this.liveDoc;
    else if (parsed.kind === 'sealed') {
      // The doc key as guid: a random one (uuidv4) costs dozens of getRandomValues calls,
      // per reviewer doc of a board with hundreds of members.
      doc = new Y.Doc({ guid: key });
      this.#sealedDoc = doc;
      doc.on('update', () => this.#notify.review?.());
      this.#notify.review?.();
    } else {
      doc = new Y.Doc({ guid: key });
      const userId = parsed.userId;
      this.#reviewerDocs.set(userId, doc);
      this.#dirty.add(userId);
      doc.on('update', (_u: Uint8Array, origin: unknown) => this.#reviewerChanged(userId, origin));
    }
    const store = this.#opts.openStore(`claimboard:${this.userId}:${key}`, doc);
    if (store) {
      this.#stores.push(store);
      await store.whenSynced;
      if (this.#destroyed) return;
    }
    this.#sink.attach(key, doc);
  }

  #reviewerChanged(userId: string, origin: unknown): void {
    this.#dirty.add(userId);
    if (origin === this.#opts.localOrigin) this.#flushReviewers();
    else this.#batchTimer ??= setTimeout(this.#flushReviewers, this.#opts.batchMs);
  }

  #flushReviewers = (): void => {
    if (this.#batchTimer !== null) clearTimeout(this.#batchTimer);
    this.#batchTimer = null;
    this.#notify.reviewers?.();
  };

  // ---- snapshots ----

  #board: BoardSnapshot = $derived.by(() => {
    this.#subscribe.board();
    return readBoard(this.boardDoc);
  });

  #reviewers: Map<string, ReviewerSnapshot> = $derived.by(() => {
    this.#subscribe.reviewers();
    const prev = this.#reviewerMap;
    if (prev !== null && this.#dirty.size === 0 && prev.size === this.#reviewerDocs.size) return prev;
    for (const userId of this.#dirty) {
      const doc = this.#reviewerDocs.get(userId);
      if (doc) this.#cache.set(userId, readReviewer(doc));
    }
    this.#dirty.clear();
    const out = new Map<string, ReviewerSnapshot>();
    for (const [userId, doc] of this.#reviewerDocs) {
      let snap = this.#cache.get(userId);
      if (!snap) {
        snap = readReviewer(doc);
        this.#cache.set(userId, snap);
      }
      out.set(userId, snap);
    }
    this.#reviewerMap = out;
    return out;
  });

  #live: LiveState = $derived.by(() => {
    this.#subscribe.review();
    return readLive(this.liveDoc);
  });

  #sealedVotes: Map<string, VoteEntry> = $derived.by(() => {
    this.#subscribe.review();
    const doc = this.#sealedDoc;
    return doc ? new Map(readVotes(doc).map((v) => [v.claimId, v])) : new Map();
  });

  get board(): BoardSnapshot {
    return this.#board;
  }
  /** Every attached reviewer doc's snapshot by user id (one object while nothing changed). */
  get reviewers(): Map<string, ReviewerSnapshot> {
    return this.#reviewers;
  }
  /** The live review as the server last wrote it ('none' before any was started). */
  get live(): LiveState {
    return this.#live;
  }
  /** This user's sealed votes by claim id. */
  get sealedVotes(): Map<string, VoteEntry> {
    return this.#sealedVotes;
  }

  destroy(): void {
    this.#destroyed = true;
    if (this.#batchTimer !== null) clearTimeout(this.#batchTimer);
    for (const s of this.#stores) void s.destroy();
    this.boardDoc.destroy();
    for (const d of this.#reviewerDocs.values()) d.destroy();
    this.liveDoc.destroy();
    this.#sealedDoc?.destroy();
  }
}
