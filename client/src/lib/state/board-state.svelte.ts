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
import { readLive, roundOf, sealedClaims, type LiveRound, type LiveState } from '../../../../shared/model/live.js';
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
  isOpenClaim,
  readReviewer,
  readVotes,
  resolveThread,
  reviewerTypes,
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
  VoteSchema,
} from '../../../../shared/model/index.js';
import { boardDocKey, liveDocKey, parseDocKey, reviewerDocKey, sealedDocKey } from '../../../../shared/protocol/doc-keys.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import { BoardConnection, type ClientSocket } from '../sync/board-connection.js';
import { ServerClock } from '../sync/server-clock.js';
import { ApiError, cacheBoard, forgetBoard, liveApi, type BoardInfo, type User } from '../api.js';
import { BoardPeople } from './board-people.svelte.js';
import { buildLiveSummary, type LiveSummary } from '../../../../shared/export/live-summary.js';
import { isLiveSummary } from './live-summary.js';
import { BoardLifecycleState } from './board-lifecycle.svelte.js';
import { wireParser } from '../../../../shared/protocol/wire.js';

/** Origin of every transaction this client makes. */
export const LOCAL = Symbol('local');

export interface PresencePeer {
  clientId: number;
  userId: string;
  /** As the members list shows them (namesakes told apart) [M5]. */
  name: string;
  /** Their avatar colour, the members list's. */
  color: string;
  claimId: string | null;
  /** Whether their view follows the live review's facilitator (absent: not said). */
  following: boolean | null;
}

/** Someone taking part in the live review: present now, or the facilitator (even when away). */
export interface LiveParticipant {
  userId: string;
  name: string;
  self: boolean;
  present: boolean;
  facilitator: boolean;
  following: boolean | null;
}

/** The live-review actions, named so a view can show which one is under way. */
export type LiveAction = 'start' | 'focus' | 'round' | 'reveal' | 'timer' | 'handover' | 'end';

/** How often the clock offset is estimated again while a review runs (clocks drift, sleep, jump). */
const CLOCK_RESYNC_MS = 60_000;
/** Retries of a held (SEALED) doc whose claim this client already sees revealed. */
const HELD_RETRY_MS = 250;
const HELD_RETRY_MAX = 6;

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

type SubscriberKind = 'board' | 'reviewers' | 'live' | 'review';

export type ClaimFilter = 'all' | 'todo' | 'contested' | 'noquorum' | 'accepted' | 'proposed' | 'rejected' | 'replaced';

const lastVisitKey = (userId: string, boardId: string) => `claimboard.lastVisit.${userId}.${boardId}`;
const followKey = (boardId: string) => `claimboard.follow.${boardId}`;

export class BoardState {
  readonly boardId: string;
  readonly user: User;
  readonly boardDoc = new Y.Doc();
  /** Archived or not, and the calls that rename, archive, delete and duplicate [B1–B5]. */
  readonly lifecycle: BoardLifecycleState;
  /** The live review (server-written, read-only here). */
  #liveDoc = new Y.Doc();
  /** This user's sealed votes (only they and the server read it); null for viewers. */
  #sealedDoc: Y.Doc | null = null;
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
  /** The live review doc and this user's sealed doc. */
  #subscribeReview = this.#subscriber('review');
  #notify: Record<SubscriberKind, (() => void) | null> = { board: null, reviewers: null, live: null, review: null };
  #clockOffset = $state(0);
  #clockRtt = $state<number | null>(null);
  #clock = new ServerClock(
    async () => (await liveApi.time()).now,
    (e) => {
      this.#clockOffset = e.offset;
      this.#clockRtt = e.rtt;
    },
  );
  #clockTimer: ReturnType<typeof setInterval> | null = null;
  #following = $state(true);
  #liveBusy = $state<LiveAction | null>(null);
  #liveError = $state<string | null>(null);
  /** Claims sealed when the live doc was last read: one that leaves the set was revealed. */
  #lastSealed = new Set<string>();
  #heldRetries = 0;
  #heldTimer: ReturnType<typeof setTimeout> | null = null;
  #info = $state<BoardInfo>() as BoardInfo;
  /** Names, colours and roles as the members list says; former members [M4, M5]. */
  readonly people: BoardPeople;
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
    this.lifecycle = new BoardLifecycleState(info.id, info.archived ?? false);
    const prev = Number(localStorage.getItem(lastVisitKey(user.id, info.id)));
    this.#lastVisit = Number.isFinite(prev) && prev > 0 ? prev : null;
    // This visit starts now; the next one counts what changed after it.
    localStorage.setItem(lastVisitKey(user.id, info.id), String(Date.now()));
    this.people = new BoardPeople(info.id, user, info.countFormerMembers ?? false);
    this.#following = localStorage.getItem(followKey(info.id)) !== 'false';
    this.boardDoc.on('update', this.#boardChanged);
    this.#liveDoc.on('update', this.#liveDocChanged);
    this.#socket = io({ parser: wireParser, auth: { token }, autoConnect: false, transports: ['websocket'] }) as ClientSocket;
    this.#conn = new BoardConnection(this.#socket, info.id, {
      onStatus: this.#changed,
      onJoin: (join) => {
        this.#info = { ...this.#info, role: join.role, docs: join.docs, writable: join.writable, archived: join.archived };
        this.lifecycle.apply(join);
        cacheBoard(user.id, this.#info);
        void this.#attachDocs(join.docs);
        void this.people.refresh();
        // Back online: the clock may have jumped or drifted meanwhile.
        if (readLive(this.#liveDoc).status === 'active') void this.#clock.sync();
        this.#changed();
      },
      // A new role arrives through the re-join BoardConnection makes (onJoin above).
      onAccess: (role) => {
        if (role === null) this.#stopRemoved();
        this.#changed();
      },
      // A reviewer doc got its first content, or membership changed: attach the new docs;
      // after a membership change also refresh names and panels.
      onDocs: (docs, why) => {
        this.#info = { ...this.#info, docs };
        cacheBoard(user.id, this.#info);
        void this.#attachDocs(docs);
        if (why === 'content') return;
        void this.people.refresh();
        this.#membershipVersion++;
      },
      onState: (push) => {
        this.lifecycle.apply(push);
        if (push.countFormerMembers !== undefined) this.people.setCountFormerMembers(push.countFormerMembers);
        this.#info = { ...this.#info, archived: push.archived };
        cacheBoard(user.id, this.#info);
      },
      onError: (e) => {
        if (e.code === 'SEALED') {
          this.#onSealedRefusal();
          return;
        }
        this.#lastError = e.message;
        this.#changed();
      },
    });
    this.#conn.awareness.setLocalStateField('user', { id: user.id, name: user.name });
    this.#conn.awareness.setLocalStateField('claimId', null);
    this.#conn.awareness.setLocalStateField('following', this.#following);
    this.#conn.awareness.on('change', this.#changed);
    window.addEventListener('online', this.#goOnline);
    window.addEventListener('offline', this.#goOffline);
    this.#clockTimer = setInterval(() => {
      if (this.#online && readLive(this.#liveDoc).status === 'active') void this.#clock.sync(3);
    }, CLOCK_RESYNC_MS);
    void this.#start();
  }

  async #start(): Promise<void> {
    // Connect while IndexedDB loads: each doc is still handed to the connection only once
    // its stored content is in (#attachDocs), and is synced from then on; `saved` waits
    // for `loaded`, so it is not reported before the stored docs are attached.
    if (this.#online && !this.#destroyed && !this.#removed) this.#socket.connect();
    await this.#attachDocs(this.#info.docs);
    // Our own reviewer and sealed docs and the live doc exist even before the server lists
    // them (a first, offline visit); the sealed doc is never in `board:docs` pushes.
    const own = [liveDocKey(this.boardId)];
    if (this.canVote) own.push(reviewerDocKey(this.boardId, this.user.id), sealedDocKey(this.boardId, this.user.id));
    await this.#attachDocs(own);
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
        else if (parsed.kind === 'live') doc = this.#liveDoc;
        else if (parsed.kind === 'sealed') {
          // Only our own sealed doc is ours to read; the server never lists another's.
          if (parsed.userId !== this.user.id) return;
          doc = new Y.Doc({ guid: key });
          this.#sealedDoc = doc;
          doc.on('update', this.#reviewChanged);
          this.#reviewChanged();
        } else {
          // The doc key as guid: a random one (uuidv4) costs dozens of getRandomValues
          // calls, per reviewer doc of a board with hundreds of members.
          doc = new Y.Doc({ guid: key });
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

  #subscriber(kind: SubscriberKind): () => void {
    return createSubscriber((update) => {
      this.#notify[kind] = update;
      return () => {
        this.#notify[kind] = null;
      };
    });
  }

  #boardChanged = (): void => this.#notify.board?.();
  #reviewChanged = (): void => this.#notify.review?.();
  #liveDocChanged = (): void => {
    this.#notify.review?.();
    const live = readLive(this.#liveDoc);
    const sealed = sealedClaims(live);
    const revealed = [...this.#lastSealed].some((c) => !sealed.has(c));
    this.#lastSealed = sealed;
    // A vote the server held back (SEALED) goes out once its round is revealed.
    if (revealed && this.#conn.held.size > 0) {
      this.#heldRetries = 0;
      this.#conn.retryHeld();
    }
    if (live.status === 'active' && this.#online && this.#clock.stale(CLOCK_RESYNC_MS)) void this.#clock.sync();
  };

  /**
   * The server refused a public vote on a sealed claim (cast just as the round opened, or
   * offline): the connection holds our reviewer doc until the reveal. The vote itself
   * belongs in the round, so it is copied into the sealed doc. A refusal for a claim this
   * client already sees revealed means the server had not unsealed it yet when the
   * retry arrived: try again shortly.
   */
  #onSealedRefusal(): void {
    const live = readLive(this.#liveDoc);
    const sealed = sealedClaims(live);
    const mine = this.#reviewerDocs.get(this.user.id);
    let sealedHere = false;
    if (mine && this.#sealedDoc) {
      const inSealed = new Map(readVotes(this.#sealedDoc).map((v) => [v.claimId, v]));
      for (const { claimId, ...vote } of readVotes(mine)) {
        const round = roundOf(live, claimId);
        if (!sealed.has(claimId) || !round) continue;
        sealedHere = true;
        if (vote.at + this.#clockOffset < round.openedAt) continue;
        const prev = inSealed.get(claimId);
        if (!prev || prev.at < vote.at) castVote(this.#sealedDoc, claimId, vote, LOCAL);
      }
    }
    if (!sealedHere && this.#heldTimer === null && this.#heldRetries < HELD_RETRY_MAX) {
      const wait = HELD_RETRY_MS * 2 ** this.#heldRetries++;
      this.#heldTimer = setTimeout(() => {
        this.#heldTimer = null;
        this.#conn.retryHeld();
      }, wait);
    }
  }
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
    // A former member's ballot counts only when the board says so [M4].
    return boardConsensus(
      this.#board.claims.map((c) => c.id),
      [...this.#reviewers].map(([userId, r]) => ({ votes: r.votes, former: this.people.isFormer(userId) })),
      { quorum: s.quorum, threshold: s.threshold, countFormerMembers: this.people.countFormerMembers },
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
      const following = (state as { following?: unknown }).following;
      out.push({
        clientId,
        userId: user.id,
        name: this.people.nameOf(user.id) ?? (typeof user.name === 'string' ? user.name : 'someone'),
        color: this.people.colorOf(user.id),
        claimId: typeof claimId === 'string' ? claimId : null,
        following: typeof following === 'boolean' ? following : null,
      });
    }
    out.sort((a, b) => a.clientId - b.clientId);
    // Same peers as before: keep the array, so views that list peers do not redo their work.
    const prev = this.#peerList;
    const same =
      prev.length === out.length &&
      out.every((p, i) => {
        const q = prev[i];
        return (
          q !== undefined &&
          p.clientId === q.clientId &&
          p.userId === q.userId &&
          p.name === q.name &&
          p.color === q.color &&
          p.claimId === q.claimId &&
          p.following === q.following
        );
      });
    if (same) return prev;
    this.#peerList = out;
    return out;
  });

  // ---- live review: reactive views ----

  #live: LiveState = $derived.by(() => {
    this.#subscribeReview();
    return readLive(this.#liveDoc);
  });
  #sealedSet: Set<string> = $derived(sealedClaims(this.#live));
  #sealedVotes: Map<string, VoteEntry> = $derived.by(() => {
    this.#subscribeReview();
    const doc = this.#sealedDoc;
    return doc ? new Map(readVotes(doc).map((v) => [v.claimId, v])) : new Map();
  });

  /** Present users (this one first) and the facilitator even when away, facilitator marked. */
  #participants: LiveParticipant[] = $derived.by(() => {
    const live = this.#live;
    const out = new Map<string, LiveParticipant>();
    out.set(this.user.id, {
      userId: this.user.id,
      name: this.nameOf(this.user.id),
      self: true,
      present: true,
      facilitator: live.facilitatorId === this.user.id,
      following: this.#following,
    });
    for (const p of this.#peers) {
      const prev = out.get(p.userId);
      // One person on two devices: following if any of them follows.
      if (prev) prev.following = prev.self ? prev.following : Boolean(prev.following) || Boolean(p.following);
      else
        out.set(p.userId, {
          userId: p.userId,
          name: p.name,
          self: false,
          present: true,
          facilitator: live.facilitatorId === p.userId,
          following: p.following,
        });
    }
    if (live.facilitatorId !== null && !out.has(live.facilitatorId)) {
      out.set(live.facilitatorId, {
        userId: live.facilitatorId,
        name: this.nameOf(live.facilitatorId),
        self: false,
        present: false,
        facilitator: true,
        following: null,
      });
    }
    return [...out.values()];
  });

  /** Whether a member votes (owners, editors, reviewers); unknown members are assumed to. */
  votes(userId: string): boolean {
    return this.people.votes(userId);
  }

  /** The live review as the server last wrote it ('none' before any was started). */
  get live(): LiveState {
    return this.#live;
  }
  get liveActive(): boolean {
    return this.#live.status === 'active';
  }
  /** This user steers the running review. */
  get isFacilitator(): boolean {
    return this.#live.status === 'active' && this.#live.facilitatorId === this.user.id;
  }
  /** Owners and editors may start a review and be handed the facilitation. */
  get canFacilitate(): boolean {
    return this.canEdit;
  }
  get participants(): LiveParticipant[] {
    return this.#participants;
  }
  /** Whether this device's view follows the facilitator's focus (on by default, per device). */
  get following(): boolean {
    return this.#following;
  }
  setFollowing(on: boolean): void {
    this.#following = on;
    localStorage.setItem(followKey(this.boardId), String(on));
    this.#conn.awareness.setLocalStateField('following', on);
  }
  /** Server epoch ms minus this device's, estimated NTP-style (0 until the first estimate). */
  get clockOffset(): number {
    return this.#clockOffset;
  }
  /** Round trip of the sample behind the offset; null before the first estimate. */
  get clockRtt(): number | null {
    return this.#clockRtt;
  }
  /** Server epoch ms now (not reactive: read it from a ticking view). */
  serverNow(): number {
    return Date.now() + this.#clockOffset;
  }
  /** The live-review action waiting for the server's answer, if any. */
  get liveBusy(): LiveAction | null {
    return this.#liveBusy;
  }
  get liveError(): string | null {
    return this.#liveError;
  }
  clearLiveError(): void {
    this.#liveError = null;
  }
  round(claimId: string | null): LiveRound | undefined {
    return claimId === null ? undefined : roundOf(this.#live, claimId);
  }
  /** A round is open on the claim and not revealed: votes on it are sealed. */
  isSealed(claimId: string | null): boolean {
    return claimId !== null && this.#sealedSet.has(claimId);
  }
  /** This user's own sealed vote on a claim (nobody else can read it). */
  sealedVote(claimId: string): VoteEntry | undefined {
    return this.#sealedVotes.get(claimId);
  }
  /**
   * The reason a reviewer gave for changing their vote after a reveal. Read from the doc
   * itself: the shared snapshot readers keep only the fields every client knows.
   */
  reasonOf(userId: string, claimId: string): string | undefined {
    void this.#reviewers; // re-read when reviewer docs change
    const doc = this.#reviewerDocs.get(userId);
    if (!doc) return undefined;
    const v = VoteSchema.safeParse(reviewerTypes(doc).votes.get(claimId));
    return v.success ? v.data.reason : undefined;
  }

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
    return !this.#removed && !this.lifecycle.archived && this.#info.role !== 'viewer';
  }
  get canEdit(): boolean {
    return !this.#removed && !this.lifecycle.archived && (this.#info.role === 'owner' || this.#info.role === 'editor');
  }
  /** Why this user cannot vote, or null when they can. */
  get voteBlockedReason(): string | null {
    if (this.#removed) return 'You were removed from this board.';
    if (this.lifecycle.archived) return 'This board is archived: it is read-only.';
    return this.canVote ? null : 'You are a viewer on this board: viewers can read but not vote or write notes.';
  }

  /** The name to show someone by: namesakes told apart [M5]. */
  nameOf(userId: string): string {
    return this.people.nameOf(userId) ?? this.#peers.find((p) => p.userId === userId)?.name ?? 'Reviewer ' + userId.slice(-4);
  }

  colorOf(userId: string): string {
    return this.people.colorOf(userId);
  }

  claim(id: string | null): ClaimSnapshot | undefined {
    return id === null ? undefined : this.#board.claims.find((c) => c.id === id);
  }

  claimConsensus(id: string): ClaimConsensus | undefined {
    return this.#consensus.claims.get(id);
  }

  /**
   * Every reviewer's vote on a claim; a former member's is marked, and `counted` says whether
   * it counts toward the consensus [M4].
   */
  votesOn(claimId: string): Array<VoteEntry & { userId: string; former: boolean; counted: boolean }> {
    const out: Array<VoteEntry & { userId: string; former: boolean; counted: boolean }> = [];
    for (const [userId, r] of this.#reviewers) {
      const v = r.votes.find((x) => x.claimId === claimId);
      if (v) out.push({ ...v, userId, former: this.people.isFormer(userId), counted: this.people.counts(userId) });
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
          return isOpenClaim(c);
        case 'todo':
          return isOpenClaim(c) && this.myVote(c.id) === undefined;
        case 'contested':
          return isOpenClaim(c) && cons?.verdict === 'contested';
        case 'noquorum':
          return isOpenClaim(c) && cons?.verdict === 'insufficient';
        case 'replaced':
          return (c.replacedBy ?? null) !== null;
        default:
          return c.status === filter && (c.replacedBy ?? null) === null;
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

  /**
   * Casts (or changes) this user's vote. While a sealed round is open on the claim it goes
   * to the sealed doc, which nobody else reads; after the reveal a change is round 2 and
   * may carry a reason.
   */
  vote(claimId: string, rating: Rating, confidence: Confidence, rationale?: string, reason?: string): ModelResult<unknown> {
    const doc = this.#myDoc();
    if (!doc) return { ok: false, error: { code: 'BAD_REQUEST', message: this.voteBlockedReason ?? 'not ready' } };
    // The live doc itself, not the derived view: a method may run outside any reactive reader.
    const live = readLive(this.#liveDoc);
    const round = roundOf(live, claimId);
    const sealed = round !== undefined && round.revealedAt === null;
    const target = sealed ? this.#sealedDoc : doc;
    if (!target) return this.#report({ ok: false, error: { code: 'BAD_REQUEST', message: 'the sealed round is not ready yet; try again' } });
    const text = rationale?.trim();
    const why = round?.revealedAt != null ? reason?.trim() : undefined;
    return this.#report(
      castVote(target, claimId, { rating, confidence, rationale: text ? text : undefined, reason: why ? why : undefined, at: Date.now() }, LOCAL),
    );
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
          by: this.user.id,
          at: Date.now(),
        },
        LOCAL,
      ),
    );
  }

  /** Merges any claims into a new one (id derived from them; `text` edited or joined); returns its id. */
  merge(ids: string[], text?: string): ModelResult<{ id: string }> {
    return this.#report(mergeClaims(this.boardDoc, { ids, ...(text ? { text } : {}), by: this.user.id, at: Date.now() }, LOCAL));
  }

  /** The next open claim after this one in board order (a merge partner). */
  nextOpen(claimId: string): ClaimSnapshot | undefined {
    const open = this.#board.claims.filter(isOpenClaim);
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
      if (at < 0 || at + text.length > limit) return { text };
      from = at + text.length;
      return { text, span: { start: at, end: at + text.length } };
    });
    return this.#report(splitClaim(this.boardDoc, { id: claimId, parts: withSpans, by: this.user.id, at: Date.now() }, LOCAL));
  }

  // ---- live review: actions (REST; the change itself arrives through the live doc) ----

  async #liveAction(action: LiveAction, run: () => Promise<unknown>): Promise<boolean> {
    this.#liveBusy = action;
    this.#liveError = null;
    try {
      await run();
      return true;
    } catch (e) {
      this.#liveError =
        e instanceof ApiError ? e.message : this.#online ? 'The server did not answer; try again.' : 'The live review needs a connection to the server.';
      return false;
    } finally {
      if (this.#liveBusy === action) this.#liveBusy = null;
    }
  }

  /**
   * The default agenda, as the server computes it: the most contested claims first (lowest
   * agreement), then those without quorum (fewest votes first), then the rest in board order.
   */
  defaultAgenda(): string[] {
    const rank = (id: string): [number, number] => {
      const c = this.#consensus.claims.get(id);
      if (!c) return [2, 0];
      if (c.verdict === 'contested') return [0, c.consensus ?? 0];
      if (c.verdict === 'insufficient') return [1, c.n];
      return [2, 0];
    };
    return this.#board.claims
      .filter(isOpenClaim)
      .map((c, i) => ({ id: c.id, i, r: rank(c.id) }))
      .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
      .map((x) => x.id);
  }

  /** Starts a review with this user as facilitator; without an agenda the server orders it. */
  startLive(agenda?: string[]): Promise<boolean> {
    void this.#clock.sync();
    return this.#liveAction('start', () => liveApi.start(this.boardId, agenda));
  }
  focusOn(claimId: string | null): Promise<boolean> {
    return this.#liveAction('focus', () => liveApi.update(this.boardId, { focus: claimId }));
  }
  /** Moves the focus along the agenda; off the agenda, "next" starts at its first claim. */
  stepAgenda(delta: 1 | -1): Promise<boolean> {
    const { agenda, focus } = this.#live;
    const i = focus === null ? -1 : agenda.indexOf(focus);
    const j = i < 0 ? (delta > 0 ? 0 : agenda.length - 1) : i + delta;
    const next = agenda[j];
    if (next === undefined) return Promise.resolve(false);
    return this.focusOn(next);
  }
  openRound(claimId: string): Promise<boolean> {
    return this.#liveAction('round', () => liveApi.openRound(this.boardId, claimId));
  }
  reveal(claimId: string): Promise<boolean> {
    return this.#liveAction('reveal', () => liveApi.reveal(this.boardId, claimId));
  }
  startTimer(claimId: string, seconds: number): Promise<boolean> {
    return this.#liveAction('timer', () => liveApi.startTimer(this.boardId, claimId, seconds));
  }
  stopTimer(): Promise<boolean> {
    return this.#liveAction('timer', () => liveApi.stopTimer(this.boardId));
  }
  /** Hands the facilitation to another owner or editor (or takes it, for an owner). */
  handOver(userId: string): Promise<boolean> {
    return this.#liveAction('handover', () => liveApi.update(this.boardId, { facilitatorId: userId }));
  }
  endLive(): Promise<boolean> {
    return this.#liveAction('end', () => liveApi.end(this.boardId));
  }

  /** Current votes on a claim by user id (rating only), for round movement. */
  currentRatings(claimId: string): Map<string, Rating> {
    const out = new Map<string, Rating>();
    for (const v of this.votesOn(claimId)) out.set(v.userId, v.rating);
    return out;
  }

  /** The summary built from the docs this client holds (null before any live review). */
  localSummary(): LiveSummary | null {
    const reviewers = [...this.#reviewers].map(([userId, r]) => ({ userId, votes: r.votes, former: this.people.isFormer(userId) }));
    return buildLiveSummary(
      { board: this.#board, reviewers, live: this.#live, countFormerMembers: this.people.countFormerMembers },
      { now: this.serverNow() },
    );
  }

  /**
   * The server's end-of-review summary (GET …/live/summary), built by the same function
   * from the server's copy; null when the route is unreachable or has none.
   */
  async fetchServerSummary(): Promise<LiveSummary | null> {
    try {
      const { summary } = await liveApi.summary(this.boardId);
      return isLiveSummary(summary) ? summary : null;
    } catch {
      return null;
    }
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
    if (this.#clockTimer !== null) clearInterval(this.#clockTimer);
    if (this.#heldTimer !== null) clearTimeout(this.#heldTimer);
    this.#conn.destroy();
    this.#socket.close();
    for (const p of this.#persistence) void p.destroy();
    this.boardDoc.destroy();
    for (const d of this.#reviewerDocs.values()) d.destroy();
    this.#liveDoc.destroy();
    this.#sealedDoc?.destroy();
  }
}

export { boardDocKey };
