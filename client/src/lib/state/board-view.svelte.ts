/**
 * BoardView: what the views show of a board, derived from the documents' snapshots — the
 * claims and their consensus, every reviewer's votes and notes, suggestions waiting for an
 * editor, filters, and what is new since this user's last visit. Read-only: changes go
 * through BoardEdits.
 */
import { boardConsensus, type BoardConsensus, type ClaimConsensus } from '../../../../shared/consensus/index.js';
import {
  isOpenClaim,
  reviewerTypes,
  suggestionDecisionKey,
  threadDecisionKey,
  VoteSchema,
  type BoardSnapshot,
  type ClaimSnapshot,
  type NoteEntry,
  type Rating,
  type ReviewerSnapshot,
  type SuggestionEntry,
  type VoteEntry,
} from '../../../../shared/model/index.js';
import type * as Y from 'yjs';

export type ClaimFilter = 'all' | 'todo' | 'contested' | 'noquorum' | 'accepted' | 'proposed' | 'rejected' | 'replaced';

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

/** The snapshots a BoardView reads (BoardDocs). */
export interface DocSnapshots {
  readonly board: BoardSnapshot;
  readonly reviewers: Map<string, ReviewerSnapshot>;
  reviewerDoc(userId: string): Y.Doc | null;
}

export class BoardView {
  readonly #docs: DocSnapshots;
  readonly #userId: string;
  readonly #lastVisit: number | null;

  constructor(docs: DocSnapshots, userId: string, lastVisit: number | null) {
    this.#docs = docs;
    this.#userId = userId;
    this.#lastVisit = lastVisit;
  }

  #consensus: BoardConsensus = $derived.by(() => {
    const board = this.#docs.board;
    const s = board.meta.settings;
    return boardConsensus(
      board.claims.map((c) => c.id),
      [...this.#docs.reviewers.values()].map((r) => ({ votes: r.votes })),
      { quorum: s.quorum, threshold: s.threshold },
    );
  });

  /** This user's votes by claim id (the claim list asks for one per row). */
  #myVotes: Map<string, VoteEntry> = $derived.by(() => {
    const out = new Map<string, VoteEntry>();
    // Like find() on the sorted list: the first vote for a claim id wins.
    for (const v of this.#docs.reviewers.get(this.#userId)?.votes ?? []) if (!out.has(v.claimId)) out.set(v.claimId, v);
    return out;
  });

  get board(): BoardSnapshot {
    return this.#docs.board;
  }
  get claims(): ClaimSnapshot[] {
    return this.#docs.board.claims;
  }
  get consensus(): BoardConsensus {
    return this.#consensus;
  }

  claim(id: string | null): ClaimSnapshot | undefined {
    return id === null ? undefined : this.#docs.board.claims.find((c) => c.id === id);
  }
  claimConsensus(id: string): ClaimConsensus | undefined {
    return this.#consensus.claims.get(id);
  }
  myVote(claimId: string): VoteEntry | undefined {
    return this.#myVotes.get(claimId);
  }

  /** Every reviewer's vote on a claim. */
  votesOn(claimId: string): Array<VoteEntry & { userId: string }> {
    const out: Array<VoteEntry & { userId: string }> = [];
    for (const [userId, r] of this.#docs.reviewers) {
      const v = r.votes.find((x) => x.claimId === claimId);
      if (v) out.push({ ...v, userId });
    }
    return out;
  }

  /** Current votes on a claim by user id (rating only), for round movement. */
  currentRatings(claimId: string): Map<string, Rating> {
    return new Map(this.votesOn(claimId).map((v) => [v.userId, v.rating]));
  }

  /**
   * The reason a reviewer gave for changing their vote after a reveal. Read from the doc
   * itself: the shared snapshot readers keep only the fields every client knows.
   */
  reasonOf(userId: string, claimId: string): string | undefined {
    void this.#docs.reviewers; // re-read when reviewer docs change
    const doc = this.#docs.reviewerDoc(userId);
    if (!doc) return undefined;
    const v = VoteSchema.safeParse(reviewerTypes(doc).votes.get(claimId));
    return v.success ? v.data.reason : undefined;
  }

  /** Notes on a claim from every reviewer, oldest first. */
  notesOn(claimId: string): Array<NoteEntry & { userId: string }> {
    const out: Array<NoteEntry & { userId: string }> = [];
    for (const [userId, r] of this.#docs.reviewers) {
      for (const n of r.notes) if (n.claimId === claimId) out.push({ ...n, userId });
    }
    return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  /** Whether an editor marked the thread under this root note resolved. */
  threadResolved(reviewerId: string, noteId: string): boolean {
    const key = threadDecisionKey(reviewerId, noteId);
    const d = this.#docs.board.decisions.find((x) => x.id === key)?.decision;
    return d?.kind === 'thread' && d.resolved;
  }

  /** Reviewers' suggestions that no editor has decided on yet, oldest first. */
  get pendingSuggestions(): PendingSuggestion[] {
    const decided = new Set(this.#docs.board.decisions.map((d) => d.id));
    const out: PendingSuggestion[] = [];
    for (const [reviewerId, r] of this.#docs.reviewers) {
      for (const s of r.suggestions) {
        if (s.withdrawn || decided.has(suggestionDecisionKey(reviewerId, s.id))) continue;
        out.push({ ...s, reviewerId });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** The next open claim after this one in board order (a merge partner). */
  nextOpen(claimId: string): ClaimSnapshot | undefined {
    const open = this.#docs.board.claims.filter(isOpenClaim);
    const i = open.findIndex((c) => c.id === claimId);
    return i >= 0 ? open[i + 1] : undefined;
  }

  filtered(filter: ClaimFilter): ClaimSnapshot[] {
    return this.#docs.board.claims.filter((c) => {
      const verdict = this.#consensus.claims.get(c.id)?.verdict;
      switch (filter) {
        case 'all':
          return isOpenClaim(c);
        case 'todo':
          return isOpenClaim(c) && this.myVote(c.id) === undefined;
        case 'contested':
          return isOpenClaim(c) && verdict === 'contested';
        case 'noquorum':
          return isOpenClaim(c) && verdict === 'insufficient';
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
    for (const [userId, r] of this.#docs.reviewers) {
      if (userId === this.#userId) continue;
      votes += r.votes.filter((v) => v.at > since).length;
      notes += r.notes.filter((n) => n.at > since).length;
    }
    const claims = this.#docs.board.claims.filter((c) => c.createdAt > since && c.createdBy !== this.#userId).length;
    return { since, claims, votes, notes };
  }

  /** Whether a claim, vote or note is new since the last visit. */
  isNew(at: number, by?: string): boolean {
    return this.#lastVisit !== null && at > this.#lastVisit && by !== this.#userId;
  }
}
