/**
 * BoardState: one open board in the browser, as the components see it. It builds the parts
 * and wires them; each part has one job:
 * - BoardLink (board-link.svelte.ts): the socket and BoardConnection, online/connected/saved;
 * - BoardDocs (board-docs.svelte.ts): the Y.Docs, their IndexedDB copies, plain snapshots;
 * - BoardView (board-view.svelte.ts): claims, consensus, votes, notes, filters, news;
 * - BoardEdits (board-edits.ts): every change, through shared/model mutators;
 * - SealedVotes (sync/sealed-votes.ts): votes during sealed rounds, held votes retried;
 * - LiveReviewState, PresenceState, ClockSync, MemberNames: the live review, who is here,
 *   the server's clock, members' names;
 * - Drafts and VoteAutosave: typed text kept per claim, vote edits saved as they are made;
 * - BoardStorage: the board's localStorage.
 * Components never touch Yjs. Data flow: method → mutator (doc.transact, LOCAL) → doc
 * 'update' → createSubscriber notifies → $derived snapshots recompute → components.
 */
import type { Confidence, Evidence, Rating, VoteEntry } from '../../../../shared/model/index.js';
import { reviewerTypes, VoteSchema } from '../../../../shared/model/index.js';
import { liveDocKey, reviewerDocKey, sealedDocKey } from '../../../../shared/protocol/doc-keys.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import type { BoardInfo, User } from '../api.js';
import { SealedVotes } from '../sync/sealed-votes.js';
import { browserEnv, type BoardStateEnv } from './board-env.js';
import { BoardDocs } from './board-docs.svelte.js';
import { BoardEdits } from './board-edits.js';
import { BoardLifecycleState } from './board-lifecycle.svelte.js';
import { BoardLink } from './board-link.svelte.js';
import { BoardStorage } from './board-storage.js';
import { BoardView, type ClaimFilter } from './board-view.svelte.js';
import { ClockSync } from './clock-sync.svelte.js';
import { Drafts } from './drafts.svelte.js';
import { LiveReviewState } from './live-review.svelte.js';
import { MemberNames } from './member-names.svelte.js';
import { PresenceState } from './presence.svelte.js';
import { VoteAutosave, type VoteForm } from './vote-autosave.svelte.js';

export type { ClaimFilter, PendingSuggestion, SinceLastVisit } from './board-view.svelte.js';
export type { LiveAction, LiveParticipant } from './live-review.svelte.js';
export type { PresencePeer } from './presence.svelte.js';
export type { VoteForm } from './vote-autosave.svelte.js';
export { boardDocKey } from '../../../../shared/protocol/doc-keys.js';
export type { BoardStateEnv } from './board-env.js';

/** Origin of every transaction this client makes. */
export const LOCAL = Symbol('local');

export class BoardState {
  readonly boardId: string;
  readonly user: User;
  /** Archived or not, and the calls that rename, archive, delete and duplicate [B1–B5]. */
  readonly lifecycle: BoardLifecycleState;
  /** Typed text not in any document yet (notes, replies, edits, vote changes). */
  readonly drafts: Drafts;
  readonly #env: BoardStateEnv;
  readonly #link: BoardLink;
  readonly #docs: BoardDocs;
  readonly #view: BoardView;
  readonly #edits: BoardEdits;
  readonly #sealed: SealedVotes;
  readonly #live: LiveReviewState;
  readonly #presence: PresenceState;
  readonly #clock: ClockSync;
  readonly #names: MemberNames;
  readonly #autosave: VoteAutosave;

  /** `env`: the browser's unless given (tests). */
  constructor(info: BoardInfo, user: User, env?: BoardStateEnv) {
    this.boardId = info.id;
    this.user = user;
    this.#env = env ?? browserEnv(info, user);
    const e = this.#env;
    const storage = new BoardStorage(e.storage, user.id, info.id);
    this.lifecycle = new BoardLifecycleState(info.id, info.archived ?? false);
    this.drafts = new Drafts(storage);
    this.#names = new MemberNames(storage, user, e.members);
    this.#link = new BoardLink(e.socket, info, e.online, {
      onJoin: () => this.#joined(),
      onDocs: (docs, why) => {
        void this.#docs.attach(docs);
        if (why === 'membership') void this.#names.refresh();
      },
      onState: (push) => this.lifecycle.apply(push),
      onSealed: () => this.#sealed.refused(),
      onInfo: (i) => e.cacheInfo(i),
      onRemoved: () => e.forgetInfo(),
    });
    const conn = this.#link.conn;
    this.#docs = new BoardDocs(info.id, user.id, conn, { localOrigin: LOCAL, ...(e.openStore ? { openStore: e.openStore } : {}) });
    this.#view = new BoardView(this.#docs, user.id, storage.takeLastVisit(Date.now()));
    this.#presence = new PresenceState(conn.awareness, user, storage);
    this.#clock = new ClockSync(async () => (await e.liveApi.time()).now, () => this.#link.online && this.#docs.live.status === 'active');
    this.#sealed = new SealedVotes(conn, this.#docs.liveDoc, {
      reviewerDoc: () => this.#docs.reviewerDoc(user.id),
      sealedDoc: () => this.#docs.sealedDoc,
      clockOffset: () => this.#clock.offset,
      origin: LOCAL,
    });
    this.#edits = new BoardEdits({
      userId: user.id,
      origin: LOCAL,
      boardDoc: this.#docs.boardDoc,
      reviewerDoc: () => this.#docs.reviewerDoc(user.id),
      castVote: (claimId, vote) => this.#sealed.cast(claimId, vote),
      canEdit: () => this.canEdit,
      voteBlockedReason: () => this.voteBlockedReason,
      article: () => this.#docs.board.article,
      claim: (id) => this.#view.claim(id),
      report: (m) => this.#link.report(m),
    });
    this.#live = new LiveReviewState({
      boardId: info.id,
      user,
      live: () => this.#docs.live,
      sealedVotes: () => this.#docs.sealedVotes,
      board: () => this.#docs.board,
      consensus: () => this.#view.consensus,
      reviewers: () => this.#docs.reviewers,
      peers: () => this.#presence.peers,
      following: () => this.#presence.following,
      nameOf: (id) => this.nameOf(id),
      canEdit: () => this.canEdit,
      online: () => this.#link.online,
      clock: this.#clock,
      api: e.liveApi,
    });
    this.#autosave = new VoteAutosave({
      drafts: this.drafts,
      current: (claimId) => this.#currentVote(claimId),
      write: (claimId, rating, f) => this.#edits.vote(claimId, rating, f.confidence, f.rationale, f.reason),
      canVote: () => this.canVote,
    });
    this.#docs.liveDoc.on('update', this.#liveChanged);
    e.window?.addEventListener('online', this.#goOnline);
    e.window?.addEventListener('offline', this.#goOffline);
    e.window?.addEventListener('pagehide', this.#flushEdits);
    e.window?.addEventListener('visibilitychange', this.#flushEdits);
    void this.#start(info);
  }

  async #start(info: BoardInfo): Promise<void> {
    // Connect while IndexedDB loads: each doc is still handed to the connection only once
    // its stored content is in; `saved` waits for `loaded`. Our own docs and the live doc
    // exist before the server lists them (a first, offline visit); the sealed doc is never
    // in `board:docs` pushes.
    this.#link.start();
    await this.#docs.load(info.docs, this.#ownDocs());
    this.#autosave.resume();
  }

  #ownDocs(): string[] {
    const own = [liveDocKey(this.boardId)];
    if (this.canVote) own.push(reviewerDocKey(this.boardId, this.user.id), sealedDocKey(this.boardId, this.user.id));
    return own;
  }

  /** Joined, or joined again with a new role: attach what is new, catch up on names, the clock, waiting vote edits. */
  #joined(): void {
    const info = this.#link.info;
    this.lifecycle.apply({ archived: info.archived ?? false });
    void this.#docs.attach([...info.docs, ...this.#ownDocs()]);
    void this.#names.refresh();
    // Back online: the clock may have jumped or drifted meanwhile.
    if (this.#docs.live.status === 'active') void this.#clock.sync();
    if (this.#docs.loaded) this.#autosave.resume();
  }

  #liveChanged = (): void => this.#clock.syncIfStale();
  #goOnline = (): void => this.#link.setOnline(true);
  #goOffline = (): void => this.#link.setOnline(false);
  #flushEdits = (): void => this.#autosave.flush();

  /** This user's vote as it counts now, read from the docs (timers run outside any view). */
  #currentVote(claimId: string): VoteEntry | undefined {
    const doc = this.#sealed.roundOf(claimId).sealed ? this.#docs.sealedDoc : this.#docs.reviewerDoc(this.user.id);
    const v = doc ? VoteSchema.safeParse(reviewerTypes(doc).votes.get(claimId)) : null;
    return v?.success ? { ...v.data, claimId } : undefined;
  }

  // ---- the connection and this user's rights ----
  get loaded() { return this.#docs.loaded; }
  get info(): BoardInfo { return this.#link.info; }
  get role(): Role { return this.#link.info.role; }
  get online() { return this.#link.online; }
  get connected() { return this.#link.connected; }
  /** Nothing typed into a vote is waiting, and every change is stored on the server. */
  get saved() { return this.#docs.loaded && this.#link.saved && !this.#autosave.pending; }
  get lastError() { return this.#link.lastError; }
  clearError(): void { this.#link.report(null); }
  /** The server removed this user from the board while it was open. */
  get removed() { return this.#link.removed; }
  /** Changes with every membership change the server pushes (for views that list members). */
  get membershipVersion() { return this.#link.membershipVersion; }
  get canVote(): boolean { return !this.removed && !this.lifecycle.archived && this.role !== 'viewer'; }
  get canEdit(): boolean { return !this.removed && !this.lifecycle.archived && (this.role === 'owner' || this.role === 'editor'); }
  /** Why this user cannot vote, or null when they can. */
  get voteBlockedReason(): string | null {
    if (this.removed) return 'You were removed from this board.';
    if (this.lifecycle.archived) return 'This board is archived: it is read-only.';
    return this.canVote ? null : 'You are a viewer on this board: viewers can read but not vote or write notes.';
  }
  whenSaved(): Promise<void> {
    this.#autosave.flush();
    return this.#docs.whenLoaded().then(() => this.#link.conn.whenSaved());
  }

  // ---- documents and what they show ----
  get boardDoc() { return this.#docs.boardDoc; }
  get board() { return this.#docs.board; }
  get title(): string { return this.board.meta.title !== 'Untitled board' ? this.board.meta.title : this.info.title; }
  get article() { return this.board.article; }
  get claims() { return this.board.claims; }
  get settings() { return this.board.meta.settings; }
  get consensus() { return this.#view.consensus; }
  get pendingSuggestions() { return this.#view.pendingSuggestions; }
  get sinceLastVisit() { return this.#view.sinceLastVisit; }
  claim(id: string | null) { return this.#view.claim(id); }
  claimConsensus(id: string) { return this.#view.claimConsensus(id); }
  votesOn(claimId: string) { return this.#view.votesOn(claimId); }
  myVote(claimId: string) { return this.#view.myVote(claimId); }
  notesOn(claimId: string) { return this.#view.notesOn(claimId); }
  reasonOf(userId: string, claimId: string) { return this.#view.reasonOf(userId, claimId); }
  threadResolved(reviewerId: string, noteId: string) { return this.#view.threadResolved(reviewerId, noteId); }
  filtered(filter: ClaimFilter) { return this.#view.filtered(filter); }
  nextOpen(claimId: string) { return this.#view.nextOpen(claimId); }
  currentRatings(claimId: string) { return this.#view.currentRatings(claimId); }
  isNew(at: number, by?: string) { return this.#view.isNew(at, by); }
  nameOf(userId: string): string { return this.#names.nameOf(userId, () => this.#presence.peers.find((p) => p.userId === userId)?.name); }
  /** Whether a member votes (owners, editors, reviewers); unknown members are assumed to. */
  votes(userId: string) { return this.#names.votes(userId); }

  // ---- changes ----
  vote(claimId: string, rating: Rating, confidence: Confidence, rationale?: string, reason?: string) {
    return this.#autosave.cast(claimId, rating, { confidence, rationale: rationale ?? '', reason: reason ?? '' });
  }
  /** What the vote form of a claim shows (a draft newer than the vote wins). */
  voteForm(claimId: string): VoteForm { return this.#autosave.form(claimId); }
  /** The vote form changed: kept as a draft and written into the vote shortly. */
  editVote(claimId: string, form: VoteForm): void { this.#autosave.edit(claimId, form); }
  /** Writes waiting vote edits now (another claim is shown). */
  flushVoteEdits(): void { this.#autosave.flush(); }
  votePending(claimId: string) { return this.#autosave.isPending(claimId); }
  addNote(claimId: string, body: string, evidence: Evidence[] = [], replyTo?: string) { return this.#edits.addNote(claimId, body, evidence, replyTo); }
  editNote(noteId: string, body: string) { return this.#edits.editNote(noteId, body); }
  deleteNote(noteId: string) { return this.#edits.deleteNote(noteId); }
  resolveThread(reviewerId: string, noteId: string, resolved: boolean) { return this.#edits.resolveThread(reviewerId, noteId, resolved); }
  propose(start: number, end: number) { return this.#edits.propose(start, end); }
  setStatus(claimId: string, status: Parameters<BoardEdits['setStatus']>[1]) { return this.#edits.setStatus(claimId, status); }
  decide(s: Parameters<BoardEdits['decide']>[0], outcome: 'accepted' | 'rejected') { return this.#edits.decide(s, outcome); }
  merge(ids: string[], text?: string) { return this.#edits.merge(ids, text); }
  split(claimId: string, parts: string[]) { return this.#edits.split(claimId, parts); }

  // ---- presence ----
  get peers() { return this.#presence.peers; }
  look(claimId: string | null): void { this.#presence.look(claimId); }
  get following() { return this.#presence.following; }
  setFollowing(on: boolean): void { this.#presence.setFollowing(on); }

  // ---- live review ----
  get live() { return this.#live.live; }
  get liveActive() { return this.#live.active; }
  get isFacilitator() { return this.#live.isFacilitator; }
  get canFacilitate() { return this.#live.canFacilitate; }
  get participants() { return this.#live.participants; }
  get liveBusy() { return this.#live.busy; }
  get liveError() { return this.#live.error; }
  clearLiveError(): void { this.#live.clearError(); }
  round(claimId: string | null) { return this.#live.round(claimId); }
  isSealed(claimId: string | null) { return this.#live.isSealed(claimId); }
  sealedVote(claimId: string) { return this.#live.sealedVote(claimId); }
  defaultAgenda() { return this.#live.defaultAgenda(); }
  startLive(agenda?: string[]) { return this.#live.start(agenda); }
  focusOn(claimId: string | null) { return this.#live.focusOn(claimId); }
  stepAgenda(delta: 1 | -1) { return this.#live.stepAgenda(delta); }
  openRound(claimId: string) { return this.#live.openRound(claimId); }
  reveal(claimId: string) { return this.#live.reveal(claimId); }
  startTimer(claimId: string, seconds: number) { return this.#live.startTimer(claimId, seconds); }
  stopTimer() { return this.#live.stopTimer(); }
  handOver(userId: string) { return this.#live.handOver(userId); }
  endLive() { return this.#live.end(); }
  localSummary() { return this.#live.localSummary(); }
  fetchServerSummary() { return this.#live.fetchServerSummary(); }
  get clockOffset() { return this.#clock.offset; }
  get clockRtt() { return this.#clock.rtt; }
  serverNow(): number { return this.#clock.serverNow(); }

  destroy(): void {
    const w = this.#env.window;
    w?.removeEventListener('online', this.#goOnline);
    w?.removeEventListener('offline', this.#goOffline);
    w?.removeEventListener('pagehide', this.#flushEdits);
    w?.removeEventListener('visibilitychange', this.#flushEdits);
    this.#autosave.destroy();
    this.#docs.liveDoc.off('update', this.#liveChanged);
    this.#sealed.destroy();
    this.#clock.destroy();
    this.#presence.destroy();
    this.#link.destroy();
    this.#docs.destroy();
  }
}
