/**
 * LiveReviewState: a board's live review [L1–L9] as one member sees it — the facilitator,
 * the agenda and focus, sealed rounds (this user's own sealed vote included), who takes
 * part — and the facilitator's actions. An action is only a REST call: its effect reaches
 * every client, this one included, through the live doc, so the state here is read from
 * that doc and never set from an answer.
 */
import { defaultAgenda, type BoardConsensus } from '../../../../shared/consensus/index.js';
import { buildLiveSummary, type LiveSummary } from '../../../../shared/export/live-summary.js';
import type { BoardSnapshot, ReviewerSnapshot, VoteEntry } from '../../../../shared/model/index.js';
import { roundOf, sealedClaims, type LiveRound, type LiveState } from '../../../../shared/model/live.js';
import { ApiError, type liveApi } from '../api.js';
import type { ClockSync } from './clock-sync.svelte.js';
import { isLiveSummary } from './live-summary.js';
import type { PresencePeer } from './presence.svelte.js';

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

/** What the live review reads from the rest of the board. */
export interface LiveReviewDeps {
  boardId: string;
  user: { id: string; name: string };
  live(): LiveState;
  sealedVotes(): Map<string, VoteEntry>;
  board(): BoardSnapshot;
  consensus(): BoardConsensus;
  reviewers(): Map<string, ReviewerSnapshot>;
  peers(): PresencePeer[];
  following(): boolean;
  nameOf(userId: string): string;
  canEdit(): boolean;
  online(): boolean;
  clock: ClockSync;
  api: Pick<typeof liveApi, 'start' | 'update' | 'openRound' | 'reveal' | 'startTimer' | 'stopTimer' | 'end' | 'summary'>;
}

export class LiveReviewState {
  readonly #d: LiveReviewDeps;
  #busy = $state<LiveAction | null>(null);
  #error = $state<string | null>(null);

  constructor(deps: LiveReviewDeps) {
    this.#d = deps;
  }

  #sealed: Set<string> = $derived.by(() => sealedClaims(this.#d.live()));

  /** Present users (this one first) and the facilitator even when away, facilitator marked. */
  #participants: LiveParticipant[] = $derived.by(() => {
    const { facilitatorId } = this.#d.live();
    const me = this.#d.user;
    const out = new Map<string, LiveParticipant>();
    out.set(me.id, { userId: me.id, name: me.name, self: true, present: true, facilitator: facilitatorId === me.id, following: this.#d.following() });
    for (const p of this.#d.peers()) {
      const prev = out.get(p.userId);
      // One person on two devices: following if any of them follows.
      if (prev) prev.following = prev.self ? prev.following : Boolean(prev.following) || Boolean(p.following);
      else out.set(p.userId, { userId: p.userId, name: p.name, self: false, present: true, facilitator: facilitatorId === p.userId, following: p.following });
    }
    if (facilitatorId !== null && !out.has(facilitatorId)) {
      out.set(facilitatorId, { userId: facilitatorId, name: this.#d.nameOf(facilitatorId), self: false, present: false, facilitator: true, following: null });
    }
    return [...out.values()];
  });

  get live(): LiveState {
    return this.#d.live();
  }
  get active(): boolean {
    return this.#d.live().status === 'active';
  }
  /** This user steers the running review. */
  get isFacilitator(): boolean {
    const live = this.#d.live();
    return live.status === 'active' && live.facilitatorId === this.#d.user.id;
  }
  /** Owners and editors may start a review and be handed the facilitation. */
  get canFacilitate(): boolean {
    return this.#d.canEdit();
  }
  get participants(): LiveParticipant[] {
    return this.#participants;
  }
  /** The action waiting for the server's answer, if any. */
  get busy(): LiveAction | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  clearError(): void {
    this.#error = null;
  }
  round(claimId: string | null): LiveRound | undefined {
    return claimId === null ? undefined : roundOf(this.#d.live(), claimId);
  }
  /** A round is open on the claim and not revealed: votes on it are sealed. */
  isSealed(claimId: string | null): boolean {
    return claimId !== null && this.#sealed.has(claimId);
  }
  /** This user's own sealed vote on a claim (nobody else can read it). */
  sealedVote(claimId: string): VoteEntry | undefined {
    return this.#d.sealedVotes().get(claimId);
  }

  /** The default agenda, as the server computes it [L1] (one shared function). */
  defaultAgenda(): string[] {
    return defaultAgenda(this.#d.board().claims, this.#d.consensus());
  }

  async #act(action: LiveAction, run: () => Promise<unknown>): Promise<boolean> {
    this.#busy = action;
    this.#error = null;
    try {
      await run();
      return true;
    } catch (e) {
      this.#error =
        e instanceof ApiError ? e.message : this.#d.online() ? 'The server did not answer; try again.' : 'The live review needs a connection to the server.';
      return false;
    } finally {
      if (this.#busy === action) this.#busy = null;
    }
  }

  /** Starts a review with this user as facilitator; without an agenda the server orders it. */
  start(agenda?: string[]): Promise<boolean> {
    void this.#d.clock.sync();
    return this.#act('start', () => this.#d.api.start(this.#d.boardId, agenda));
  }
  focusOn(claimId: string | null): Promise<boolean> {
    return this.#act('focus', () => this.#d.api.update(this.#d.boardId, { focus: claimId }));
  }
  /** Moves the focus along the agenda; off the agenda, "next" starts at its first claim. */
  stepAgenda(delta: 1 | -1): Promise<boolean> {
    const { agenda, focus } = this.#d.live();
    const i = focus === null ? -1 : agenda.indexOf(focus);
    const next = agenda[i < 0 ? (delta > 0 ? 0 : agenda.length - 1) : i + delta];
    return next === undefined ? Promise.resolve(false) : this.focusOn(next);
  }
  openRound(claimId: string): Promise<boolean> {
    return this.#act('round', () => this.#d.api.openRound(this.#d.boardId, claimId));
  }
  reveal(claimId: string): Promise<boolean> {
    return this.#act('reveal', () => this.#d.api.reveal(this.#d.boardId, claimId));
  }
  startTimer(claimId: string, seconds: number): Promise<boolean> {
    return this.#act('timer', () => this.#d.api.startTimer(this.#d.boardId, claimId, seconds));
  }
  stopTimer(): Promise<boolean> {
    return this.#act('timer', () => this.#d.api.stopTimer(this.#d.boardId));
  }
  /** Hands the facilitation to another owner or editor (or takes it, for an owner). */
  handOver(userId: string): Promise<boolean> {
    return this.#act('handover', () => this.#d.api.update(this.#d.boardId, { facilitatorId: userId }));
  }
  end(): Promise<boolean> {
    return this.#act('end', () => this.#d.api.end(this.#d.boardId));
  }

  /** The summary built from the docs this client holds (null before any live review). */
  localSummary(): LiveSummary | null {
    const reviewers = [...this.#d.reviewers()].map(([userId, r]) => ({ userId, votes: r.votes }));
    return buildLiveSummary({ board: this.#d.board(), reviewers, live: this.#d.live() }, { now: this.#d.clock.serverNow() });
  }

  /**
   * The server's end-of-review summary (GET …/live/summary), built by the same function
   * from the server's copy; null when the route is unreachable or has none.
   */
  async fetchServerSummary(): Promise<LiveSummary | null> {
    try {
      const { summary } = await this.#d.api.summary(this.#d.boardId);
      return isLiveSummary(summary) ? summary : null;
    } catch {
      return null;
    }
  }
}
