/**
 * BoardState: one open board in the browser. It owns the board's Y.Docs (each persisted in
 * IndexedDB), the Socket.IO BoardConnection and presence, and exposes plain snapshots
 * through reactive getters. Components never touch Yjs: every change goes through a method
 * that validates and calls a shared/model mutator inside its own `doc.transact`.
 *
 * Data flow: method → mutator (doc.transact, LOCAL) → doc 'update' → createSubscriber
 * notifies → $derived snapshots recompute → components.
 */
import { io } from 'socket.io-client';
import { createSubscriber } from 'svelte/reactivity';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { boardConsensus, type BoardConsensus, type ClaimConsensus } from '../../../../shared/consensus/index.js';
import {
  addClaim,
  addNote,
  boardTypes,
  castVote,
  createAnchor,
  decideSuggestion,
  deleteNote,
  editNote,
  mergeClaims,
  proposeClaim,
  randomId,
  readBoard,
  readReviewer,
  resolveThread,
  setClaimStatus,
  splitClaim,
  suggestionDecisionKey,
  threadDecisionKey,
  type BoardSnapshot,
  type ClaimSnapshot,
  type ClaimStatus,
  type Confidence,
  type Evidence,
  type ModelResult,
  type NoteEntry,
  type Rating,
  type ReviewerSnapshot,
  type SuggestionEntry,
  type VoteEntry,
} from '../../../../shared/model/index.js';
import { boardDocKey, parseDocKey, reviewerDocKey } from '../../../../shared/protocol/doc-keys.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import { BoardConnection, type ClientSocket } from '../sync/board-connection.js';
import { cacheBoard, forgetBoard, members as fetchMembers, type BoardInfo, type User } from '../api.js';
import { wireParser } from '../../../../shared/protocol/wire.js';

/** Origin of every transaction this client makes. */
export const LOCAL = Symbol('local');

export interface PresencePeer {
  clientId: number;
  userId: string;
  name: string;
  claimId: string | null;
}

export interface SinceLastVisit {
  /** Epoch ms of the previous visit, null on a first visit. */
  since: number | null;
  claims: number;
  votes: number;
  notes: number;
}

export interface PendingSuggestion extends SuggestionEntry {
  reviewerId: string;
}

export type ClaimFilter = 'all' | 'todo' | 'contested' | 'noquorum' | 'accepted' | 'proposed' | 'rejected';

const lastVisitKey = (userId: string, boardId: string) => `claimboard.lastVisit.${userId}.${boardId}`;
const namesKey = (boardId: string) => `claimboard.names.${boardId}`;

export class BoardState {
  readonly boardId: string;
  readonly user: User;
  readonly boardDoc = new Y.Doc();
  #reviewerDocs = new Map<string, Y.Doc>();
  #persistence: IndexeddbPersistence[] = [];
  /** Doc keys already loading or attached (a join and a refresh may list the same key). */
  #attaching = new Set<string>();
  #socket: ClientSocket;
  #conn: BoardConnection;
  /** Three event sources, so a vote does not re-read the board (anchors and all) and a
   * presence change re-reads no document. */
  #subscribeBoard = this.#subscriber('board');
  #subscribeReviewers = this.#subscriber('reviewers');
  #subscribeLive = this.#subscriber('live');
  #notify: Record<'board' | 'reviewers' | 'live', (() => void) | null> = { board: null, reviewers: null, live: null };
  #info = $state<BoardInfo>() as BoardInfo;
  #names = $state<Record<string, string>>({});
  #lastError = $state<string | null>(null);
  #lastVisit: number | null;
  #online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  #loaded = $state(false);
  /** Set when the server says this user is no longer a member: syncing stops for good. */
  #removed = $state(false);
  /** Bumped whenever the server reports that the board's membership changed. */
  #membershipVersion = $state(0);
  #destroyed = false;

  constructor(info: BoardInfo, user: User, token: string) {
    this.boardId = info.id;
    this.user = user;
    this.#info = info;
    const prev = Number(localStorage.getItem(lastVisitKey(user.id, info.id)));
    this.#lastVisit = Number.isFinite(prev) && prev > 0 ? prev : null;
    // This visit starts now; the next one counts what changed after it.
    localStorage.setItem(lastVisitKey(user.id, info.id), String(Date.now()));
    try {
      this.#names = JSON.parse(localStorage.getItem(namesKey(info.id)) ?? '{}') as Record<string, string>;
    } catch {
      this.#names = {};
    }
    this.#names[user.id] = user.name;
    this.boardDoc.on('update', this.#boardChanged);
    this.#socket = io({ parser: wireParser, auth: { token }, autoConnect: false, transports: ['websocket'] }) as ClientSocket;
    this.#conn = new BoardConnection(this.#socket, info.id, {
      onStatus: this.#changed,
      onJoin: (join) => {
        this.#info = { ...this.#info, role: join.role, docs: join.docs, writable: join.writable };
        cacheBoard(user.id, this.#info);
        void this.#attachDocs(join.docs);
        void this.#refreshNames();
        this.#changed();
      },
      // A new role arrives through the re-join BoardConnection makes (onJoin above).
      onAccess: (role) => {
        if (role === null) this.#stopRemoved();
        this.#changed();
      },
      // Membership changed: attach new members' reviewer docs, refresh names and panels.
      onDocs: (docs) => {
        this.#info = { ...this.#info, docs };
        cacheBoard(user.id, this.#info);
        void this.#attachDocs(docs);
        void this.#refreshNames();
        this.#membershipVersion++;
      },
      onError: (e) => {
        this.#lastError = e.message;
        this.#changed();
      },
    });
    this.#conn.awareness.setLocalStateField('user', { id: user.id, name: user.name });
    this.#conn.awareness.setLocalStateField('claimId', null);
    this.#conn.awareness.on('change', this.#changed);
    window.addEventListener('online', this.#goOnline);
    window.addEventListener('offline', this.#goOffline);
    void this.#start();
  }

  async #start(): Promise<void> {
    // Connect while IndexedDB loads: each doc is still handed to the connection only once
    // its stored content is in (#attachDocs), and is synced from then on; `saved` waits
    // for `loaded`, so it is not reported before the stored docs are attached.
    if (this.#online && !this.#destroyed && !this.#removed) this.#socket.connect();
    await this.#attachDocs(this.#info.docs);
    // Our own reviewer doc exists even before the server lists it (a first, offline visit).
    if (this.canVote) await this.#attachDocs([reviewerDocKey(this.boardId, this.user.id)]);
    this.#loaded = true;
    this.#changed();
    const w = this.#loadedWaiters;
    this.#loadedWaiters = [];
    for (const r of w) r();
  }
  #loadedWaiters: Array<() => void> = [];

  /** Loads each doc from IndexedDB first, then hands it to the connection, so stored
   * content is not mistaken for fresh local edits of a read-only doc. */
  async #attachDocs(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        const parsed = parseDocKey(key);
        if (!parsed || parsed.boardId !== this.boardId || this.#attaching.has(key)) return;
        this.#attaching.add(key);
        let doc: Y.Doc;
        if (parsed.kind === 'board') doc = this.boardDoc;
        else {
          doc = new Y.Doc();
          const userId = parsed.userId;
          this.#reviewerDocs.set(userId, doc);
          this.#dirtyReviewers.add(userId);
          doc.on('update', (_u: Uint8Array, origin: unknown) => this.#reviewerChanged(userId, origin));
        }
        const p = new IndexeddbPersistence(`claimboard:${this.user.id}:${key}`, doc);
        this.#persistence.push(p);
        await p.whenSynced;
        if (this.#destroyed) return;
        this.#conn.attach(key, doc);
      }),
    );
    this.#changed();
  }

  async #refreshNames(): Promise<void> {
    try {
      const { members } = await fetchMembers(this.boardId);
      const names = { ...this.#names };
      for (const m of members) names[m.userId] = m.name;
      this.#names = names;
      localStorage.setItem(namesKey(this.boardId), JSON.stringify(names));
    } catch {
      /* offline: keep the cached names */
    }
  }

  /** Removed from the board: stop syncing (the server already dropped our subscriptions)
   * and keep what is on screen read-only. */
  #stopRemoved(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#lastError = null;
    this.#socket.disconnect();
    forgetBoard(this.user.id, this.boardId);
    this.#membershipVersion++;
  }

  #subscriber(kind: 'board' | 'reviewers' | 'live'): () => void {
    return createSubscriber((update) => {
      this.#notify[kind] = update;
      return () => {
        this.#notify[kind] = null;
      };
    });
  }

  #boardChanged = (): void => this.#notify.board?.();
  /** Reviewer docs changed since their snapshot was last read (re-read only those). */
  #dirtyReviewers = new Set<string>();
  /** Snapshots per reviewer doc, kept between recomputations. */
  #reviewerCache = new Map<string, ReviewerSnapshot>();
  #reviewerMap: Map<string, ReviewerSnapshot> | null = null;
  #reviewerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Local edits show at once; remote ones (51 docs syncing at load, peers voting) are
   * batched so a burst of updates costs one recomputation of everything downstream. */
  #reviewerChanged(userId: string, origin: unknown): void {
    this.#dirtyReviewers.add(userId);
    if (origin === LOCAL) {
      this.#flushReviewers();
      return;
    }
    this.#reviewerTimer ??= setTimeout(this.#flushReviewers, 16);
  }
  #flushReviewers = (): void => {
    if (this.#reviewerTimer !== null) clearTimeout(this.#reviewerTimer);
    this.#reviewerTimer = null;
    this.#notify.reviewers?.();
  };
  /** Connection status, presence, and the set of attached docs. */
  #changed = (): void => {
    this.#notify.live?.();
    if (this.#reviewerMap === null || this.#reviewerMap.size !== this.#reviewerDocs.size) this.#flushReviewers();
  };

  #goOnline = (): void => {
    this.#online = true;
    if (!this.#destroyed && !this.#removed) this.#socket.connect();
  };

  #goOffline = (): void => {
    this.#online = false;
    this.#socket.disconnect();
  };

  // ---- reactive views ----

  #board: BoardSnapshot = $derived.by(() => {
    this.#subscribeBoard();
    return readBoard(this.boardDoc);
  });

  #reviewers: Map<string, ReviewerSnapshot> = $derived.by(() => {
    this.#subscribeReviewers();
    const prev = this.#reviewerMap;
    if (prev !== null && this.#dirtyReviewers.size === 0 && prev.size === this.#reviewerDocs.size) return prev;
    for (const userId of this.#dirtyReviewers) {
      const doc = this.#reviewerDocs.get(userId);
      if (doc) this.#reviewerCache.set(userId, readReviewer(doc));
    }
    this.#dirtyReviewers.clear();
    const out = new Map<string, ReviewerSnapshot>();
    for (const [userId, doc] of this.#reviewerDocs) {
      let snap = this.#reviewerCache.get(userId);
      if (!snap) {
        snap = readReviewer(doc);
        this.#reviewerCache.set(userId, snap);
      }
      out.set(userId, snap);
    }
    this.#reviewerMap = out;
    return out;
  });

  #consensus: BoardConsensus = $derived.by(() => {
    const s = this.#board.meta.settings;
    return boardConsensus(
      this.#board.claims.map((c) => c.id),
      [...this.#reviewers.values()].map((r) => ({ votes: r.votes })),
      { quorum: s.quorum, threshold: s.threshold },
    );
  });

  /** Booleans, so views update only when a value flips, not on every sync ack. */
  #connected = $derived.by(() => {
    this.#subscribeLive();
    return this.#conn.connected;
  });
  #saved = $derived.by(() => {
    this.#subscribeLive();
    return this.#loaded && this.#conn.saved;
  });
  #peerList: PresencePeer[] = [];

  #peers: PresencePeer[] = $derived.by(() => {
    this.#subscribeLive();
    const out: PresencePeer[] = [];
    for (const [clientId, state] of this.#conn.awareness.getStates()) {
      if (clientId === this.#conn.awareness.clientID) continue;
      const user = (state as { user?: { id?: unknown; name?: unknown } }).user;
      if (typeof user?.id !== 'string') continue;
      const claimId = (state as { claimId?: unknown }).claimId;
      out.push({
        clientId,
        userId: user.id,
        name: typeof user.name === 'string' ? user.name : 'someone',
        claimId: typeof claimId === 'string' ? claimId : null,
      });
    }
    out.sort((a, b) => a.clientId - b.clientId);
    // Same peers as before: keep the array, so views that list peers do not redo their work.
    const prev = this.#peerList;
    const same =
      prev.length === out.length &&
      out.every((p, i) => {
        const q = prev[i];
        return q !== undefined && p.clientId === q.clientId && p.userId === q.userId && p.name === q.name && p.claimId === q.claimId;
      });
    if (same) return prev;
    this.#peerList = out;
    return out;
  });

  get loaded(): boolean {
    return this.#loaded;
  }
  get info(): BoardInfo {
    return this.#info;
  }
  get role(): Role {
    return this.#info.role;
  }
  get title(): string {
    return this.#board.meta.title !== 'Untitled board' ? this.#board.meta.title : this.#info.title;
  }
  get board(): BoardSnapshot {
    return this.#board;
  }
  get article(): string {
    return this.#board.article;
  }
  get claims(): ClaimSnapshot[] {
    return this.#board.claims;
  }
  get settings() {
    return this.#board.meta.settings;
  }
  get consensus(): BoardConsensus {
    return this.#consensus;
  }
  get online(): boolean {
    return this.#online;
  }
  get connected(): boolean {
    return this.#connected;
  }
  get saved(): boolean {
    return this.#saved;
  }
  get peers(): PresencePeer[] {
    return this.#peers;
  }
  get lastError(): string | null {
    return this.#lastError;
  }
  /** The server removed this user from the board while it was open. */
  get removed(): boolean {
    return this.#removed;
  }
  /** Changes with every membership change the server pushes (for views that list members). */
  get membershipVersion(): number {
    return this.#membershipVersion;
  }
  get canVote(): boolean {
    return !this.#removed && this.#info.role !== 'viewer';
  }
  get canEdit(): boolean {
    return !this.#removed && (this.#info.role === 'owner' || this.#info.role === 'editor');
  }
  /** Why this user cannot vote, or null when they can. */
  get voteBlockedReason(): string | null {
    if (this.#removed) return 'You were removed from this board.';
    return this.canVote ? null : 'You are a viewer on this board: viewers can read but not vote or write notes.';
  }

  nameOf(userId: string): string {
    return this.#names[userId] ?? this.#peers.find((p) => p.userId === userId)?.name ?? 'Reviewer ' + userId.slice(-4);
  }

  claim(id: string | null): ClaimSnapshot | undefined {
    return id === null ? undefined : this.#board.claims.find((c) => c.id === id);
  }

  claimConsensus(id: string): ClaimConsensus | undefined {
    return this.#consensus.claims.get(id);
  }

  /** Every reviewer's vote on a claim. */
  votesOn(claimId: string): Array<VoteEntry & { userId: string }> {
    const out: Array<VoteEntry & { userId: string }> = [];
    for (const [userId, r] of this.#reviewers) {
      const v = r.votes.find((x) => x.claimId === claimId);
      if (v) out.push({ ...v, userId });
    }
    return out;
  }

  /** This user's votes by claim id (the claim list asks for one per row). */
  #myVotes: Map<string, VoteEntry> = $derived.by(() => {
    const out = new Map<string, VoteEntry>();
    // Like find() on the sorted list: the first vote for a claim id wins.
    for (const v of this.#reviewers.get(this.user.id)?.votes ?? []) if (!out.has(v.claimId)) out.set(v.claimId, v);
    return out;
  });

  myVote(claimId: string): VoteEntry | undefined {
    return this.#myVotes.get(claimId);
  }

  /** Notes on a claim from every reviewer, oldest first. */
  notesOn(claimId: string): Array<NoteEntry & { userId: string }> {
    const out: Array<NoteEntry & { userId: string }> = [];
    for (const [userId, r] of this.#reviewers) {
      for (const n of r.notes) if (n.claimId === claimId) out.push({ ...n, userId });
    }
    return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  /** Reviewers' suggestions that no editor has decided on yet. */
  get pendingSuggestions(): PendingSuggestion[] {
    const decided = new Set(this.#board.decisions.map((d) => d.id));
    const out: PendingSuggestion[] = [];
    for (const [reviewerId, r] of this.#reviewers) {
      for (const s of r.suggestions) {
        if (s.withdrawn || decided.has(suggestionDecisionKey(reviewerId, s.id))) continue;
        out.push({ ...s, reviewerId });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  filtered(filter: ClaimFilter): ClaimSnapshot[] {
    return this.#board.claims.filter((c) => {
      const cons = this.#consensus.claims.get(c.id);
      switch (filter) {
        case 'all':
          return c.status !== 'rejected';
        case 'todo':
          return c.status !== 'rejected' && this.myVote(c.id) === undefined;
        case 'contested':
          return c.status !== 'rejected' && cons?.verdict === 'contested';
        case 'noquorum':
          return c.status !== 'rejected' && cons?.verdict === 'insufficient';
        default:
          return c.status === filter;
      }
    });
  }

  get sinceLastVisit(): SinceLastVisit {
    const since = this.#lastVisit;
    if (since === null) return { since, claims: 0, votes: 0, notes: 0 };
    let votes = 0;
    let notes = 0;
    for (const [userId, r] of this.#reviewers) {
      if (userId === this.user.id) continue;
      votes += r.votes.filter((v) => v.at > since).length;
      notes += r.notes.filter((n) => n.at > since).length;
    }
    const claims = this.#board.claims.filter((c) => c.createdAt > since && c.createdBy !== this.user.id).length;
    return { since, claims, votes, notes };
  }

  /** Whether a claim, vote or note is new since the last visit. */
  isNew(at: number, by?: string): boolean {
    return this.#lastVisit !== null && at > this.#lastVisit && by !== this.user.id;
  }

  // ---- changes ----

  #myDoc(): Y.Doc | null {
    if (!this.canVote) {
      this.#lastError = this.voteBlockedReason;
      return null;
    }
    return this.#reviewerDocs.get(this.user.id) ?? null;
  }

  #report<T>(r: ModelResult<T>): ModelResult<T> {
    this.#lastError = r.ok ? null : r.error.message;
    return r;
  }

  vote(claimId: string, rating: Rating, confidence: Confidence, rationale?: string): ModelResult<unknown> {
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    const text = rationale?.trim();
    return this.#report(castVote(doc, claimId, { rating, confidence, rationale: text ? text : undefined, at: Date.now() }, LOCAL));
  }

  addNote(claimId: string, body: string, evidence: Evidence[] = [], replyTo?: string): ModelResult<unknown> {
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    return this.#report(
      addNote(
        doc,
        randomId(),
        { claimId, body, evidence: evidence.length > 0 ? evidence : undefined, replyTo, at: Date.now() },
        LOCAL,
      ),
    );
  }

  /** Edits the body of one of this user's own notes (evidence stays). */
  editNote(noteId: string, body: string): ModelResult<unknown> {
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    return this.#report(editNote(doc, noteId, { body, editedAt: Date.now() }, LOCAL));
  }

  /** Deletes one of this user's own notes (a tombstone: replies keep their parent). */
  deleteNote(noteId: string): ModelResult<unknown> {
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    return this.#report(deleteNote(doc, noteId, Date.now(), LOCAL));
  }

  /** Whether an editor marked the thread under this root note resolved. */
  threadResolved(reviewerId: string, noteId: string): boolean {
    const key = threadDecisionKey(reviewerId, noteId);
    const d = this.#board.decisions.find((x) => x.id === key)?.decision;
    return d?.kind === 'thread' && d.resolved;
  }

  /** Editors resolve (or reopen) a note thread by its root note. */
  resolveThread(reviewerId: string, noteId: string, resolved: boolean): ModelResult<unknown> {
    if (!this.canEdit) return this.#report({ ok: false, error: { code: 'BAD_REQUEST', message: 'only owners and editors resolve threads' } });
    return this.#report(resolveThread(this.boardDoc, { reviewerId, noteId, resolved, by: this.user.id, at: Date.now() }, LOCAL));
  }

  /** From a text selection: editors add a proposed claim; reviewers suggest one. */
  propose(start: number, end: number): ModelResult<unknown> {
    const text = this.article.slice(start, end).trim();
    if (!text) return this.#report({ ok: false, error: { code: 'BAD_REQUEST', message: 'select some text first' } });
    if (this.canEdit) {
      return this.#report(
        addClaim(this.boardDoc, { id: randomId(), text, span: { start, end }, by: this.user.id, at: Date.now() }, LOCAL),
      );
    }
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    const anchor = createAnchor(boardTypes(this.boardDoc).article, start, end);
    // createAnchor returns Uint8Array<ArrayBufferLike>; the schema types want ArrayBuffer-backed.
    const anchorStart = anchor.anchorStart as Uint8Array<ArrayBuffer>;
    const anchorEnd = anchor.anchorEnd as Uint8Array<ArrayBuffer>;
    return this.#report(proposeClaim(doc, randomId(), { text, anchorStart, anchorEnd, at: Date.now() }, LOCAL));
  }

  setStatus(claimId: string, status: ClaimStatus): ModelResult<unknown> {
    return this.#report(setClaimStatus(this.boardDoc, claimId, status, LOCAL));
  }

  decide(s: PendingSuggestion, outcome: 'accepted' | 'rejected'): ModelResult<unknown> {
    const { reviewerId, id, ...suggestion } = s;
    return this.#report(
      decideSuggestion(
        this.boardDoc,
        {
          reviewerId,
          suggestionId: id,
          suggestion,
          outcome,
          claimId: outcome === 'accepted' ? randomId() : undefined,
          by: this.user.id,
          at: Date.now(),
        },
        LOCAL,
      ),
    );
  }

  /** Merges claims into a new one; returns its id. */
  merge(ids: string[]): ModelResult<{ id: string }> {
    return this.#report(mergeClaims(this.boardDoc, { ids, into: randomId(), by: this.user.id, at: Date.now() }, LOCAL));
  }

  /** The next open claim after this one in board order (a merge partner). */
  nextOpen(claimId: string): ClaimSnapshot | undefined {
    const open = this.#board.claims.filter((c) => c.status !== 'rejected');
    const i = open.findIndex((c) => c.id === claimId);
    return i >= 0 ? open[i + 1] : undefined;
  }

  /**
   * Splits a claim into parts given as text; each part that occurs (in order) inside the
   * claim's span in the article keeps an anchor there.
   */
  split(claimId: string, parts: string[]): ModelResult<unknown> {
    const claim = this.claim(claimId);
    const texts = parts.map((p) => p.trim()).filter(Boolean);
    if (!claim) return this.#report({ ok: false, error: { code: 'NOT_FOUND', message: 'no such claim' } });
    if (texts.length < 2) return this.#report({ ok: false, error: { code: 'BAD_REQUEST', message: 'a split needs at least two parts' } });
    let from = claim.span?.start ?? 0;
    const limit = claim.span?.end ?? 0;
    const withSpans = texts.map((text) => {
      const at = claim.span ? this.article.indexOf(text, from) : -1;
      if (at < 0 || at + text.length > limit) return { id: randomId(), text };
      from = at + text.length;
      return { id: randomId(), text, span: { start: at, end: at + text.length } };
    });
    return this.#report(splitClaim(this.boardDoc, { id: claimId, parts: withSpans, by: this.user.id, at: Date.now() }, LOCAL));
  }

  /** Tells the others which claim this user is looking at. */
  look(claimId: string | null): void {
    this.#conn.awareness.setLocalStateField('claimId', claimId);
  }

  clearError(): void {
    this.#lastError = null;
  }

  whenSaved(): Promise<void> {
    if (!this.#loaded) return new Promise<void>((r) => this.#loadedWaiters.push(r)).then(() => this.#conn.whenSaved());
    return this.#conn.whenSaved();
  }

  destroy(): void {
    this.#destroyed = true;
    window.removeEventListener('online', this.#goOnline);
    window.removeEventListener('offline', this.#goOffline);
    if (this.#reviewerTimer !== null) clearTimeout(this.#reviewerTimer);
    this.#conn.destroy();
    this.#socket.close();
    for (const p of this.#persistence) void p.destroy();
    this.boardDoc.destroy();
    for (const d of this.#reviewerDocs.values()) d.destroy();
  }
}

export { boardDocKey };
