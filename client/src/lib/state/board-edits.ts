/**
 * BoardEdits: every change this user makes to a board's documents — votes, notes, claims
 * proposed, accepted, merged and split, suggestions decided, threads resolved. Each method
 * checks what it can, then calls a shared/model mutator inside its own `doc.transact` with
 * this client's origin; the documents' observers carry the change to the views. Failures
 * are values (ModelResult), and the last one is reported for the page to show.
 */
import type * as Y from 'yjs';
import {
  addClaim,
  addNote,
  boardTypes,
  createAnchor,
  decideSuggestion,
  deleteNote,
  editNote,
  mergeClaims,
  proposeClaim,
  randomId,
  resolveThread,
  setClaimStatus,
  splitClaim,
  type ClaimSnapshot,
  type ClaimStatus,
  type Confidence,
  type Evidence,
  type ModelResult,
  type Rating,
} from '../../../../shared/model/index.js';
import type { VoteInput } from '../sync/sealed-votes.js';
import type { PendingSuggestion } from './board-view.svelte.js';

export interface BoardEditsDeps {
  userId: string;
  origin: unknown;
  boardDoc: Y.Doc;
  /** This user's reviewer doc, null until it exists. */
  reviewerDoc(): Y.Doc | null;
  /** Casts a vote where it belongs now (SealedVotes). */
  castVote(claimId: string, vote: VoteInput): ModelResult<unknown>;
  canEdit(): boolean;
  /** Why this user cannot vote or write notes, or null when they can. */
  voteBlockedReason(): string | null;
  article(): string;
  claim(id: string): ClaimSnapshot | undefined;
  /** Shows a failure (null clears it). */
  report(message: string | null): void;
}

const refusal = (message: string, code: 'BAD_REQUEST' | 'NOT_FOUND' = 'BAD_REQUEST'): ModelResult<never> => ({ ok: false, error: { code, message } });

export class BoardEdits {
  readonly #d: BoardEditsDeps;

  constructor(deps: BoardEditsDeps) {
    this.#d = deps;
  }

  #report<T>(r: ModelResult<T>): ModelResult<T> {
    this.#d.report(r.ok ? null : r.error.message);
    return r;
  }

  /** Writes this user's reviewer doc, unless they may not (reported) or it does not exist yet. */
  #onMine<T>(write: (doc: Y.Doc) => ModelResult<T>): ModelResult<T> {
    const blocked = this.#d.voteBlockedReason();
    if (blocked) return this.#report(refusal(blocked));
    const doc = this.#d.reviewerDoc();
    return doc ? this.#report(write(doc)) : refusal('not ready');
  }

  /**
   * Casts (or changes) this user's vote. While a sealed round is open on the claim it goes
   * to the sealed doc, which nobody else reads; after the reveal a change is round 2 and
   * may carry a reason.
   */
  vote(claimId: string, rating: Rating, confidence: Confidence, rationale?: string, reason?: string): ModelResult<unknown> {
    const blocked = this.#d.voteBlockedReason();
    if (blocked) return this.#report(refusal(blocked));
    const text = rationale?.trim();
    const why = reason?.trim();
    return this.#report(this.#d.castVote(claimId, { rating, confidence, rationale: text ? text : undefined, reason: why ? why : undefined, at: Date.now() }));
  }

  addNote(claimId: string, body: string, evidence: Evidence[] = [], replyTo?: string): ModelResult<unknown> {
    const note = { claimId, body, evidence: evidence.length > 0 ? evidence : undefined, replyTo, at: Date.now() };
    return this.#onMine((doc) => addNote(doc, randomId(), note, this.#d.origin));
  }

  /** Edits the body of one of this user's own notes (evidence stays). */
  editNote(noteId: string, body: string): ModelResult<unknown> {
    return this.#onMine((doc) => editNote(doc, noteId, { body, editedAt: Date.now() }, this.#d.origin));
  }

  /** Deletes one of this user's own notes (a tombstone: replies keep their parent). */
  deleteNote(noteId: string): ModelResult<unknown> {
    return this.#onMine((doc) => deleteNote(doc, noteId, Date.now(), this.#d.origin));
  }

  /** Editors resolve (or reopen) a note thread by its root note. */
  resolveThread(reviewerId: string, noteId: string, resolved: boolean): ModelResult<unknown> {
    if (!this.#d.canEdit()) return this.#report(refusal('only owners and editors resolve threads'));
    return this.#report(resolveThread(this.#d.boardDoc, { reviewerId, noteId, resolved, by: this.#d.userId, at: Date.now() }, this.#d.origin));
  }

  /** From a text selection: editors add a proposed claim; reviewers suggest one. */
  propose(start: number, end: number): ModelResult<unknown> {
    const text = this.#d.article().slice(start, end).trim();
    if (!text) return this.#report(refusal('select some text first'));
    if (this.#d.canEdit()) {
      return this.#report(addClaim(this.#d.boardDoc, { id: randomId(), text, span: { start, end }, by: this.#d.userId, at: Date.now() }, this.#d.origin));
    }
    return this.#onMine((doc) => {
      const anchor = createAnchor(boardTypes(this.#d.boardDoc).article, start, end);
      // createAnchor returns Uint8Array<ArrayBufferLike>; the schema types want ArrayBuffer-backed.
      const anchorStart = anchor.anchorStart as Uint8Array<ArrayBuffer>;
      const anchorEnd = anchor.anchorEnd as Uint8Array<ArrayBuffer>;
      return proposeClaim(doc, randomId(), { text, anchorStart, anchorEnd, at: Date.now() }, this.#d.origin);
    });
  }

  setStatus(claimId: string, status: ClaimStatus): ModelResult<unknown> {
    return this.#report(setClaimStatus(this.#d.boardDoc, claimId, status, this.#d.origin));
  }

  decide(s: PendingSuggestion, outcome: 'accepted' | 'rejected'): ModelResult<unknown> {
    const { reviewerId, id, ...suggestion } = s;
    const decision = { reviewerId, suggestionId: id, suggestion, outcome, by: this.#d.userId, at: Date.now() };
    return this.#report(decideSuggestion(this.#d.boardDoc, decision, this.#d.origin));
  }

  /** Merges any claims into a new one (id derived from them; `text` edited or joined); returns its id. */
  merge(ids: string[], text?: string): ModelResult<{ id: string }> {
    return this.#report(mergeClaims(this.#d.boardDoc, { ids, ...(text ? { text } : {}), by: this.#d.userId, at: Date.now() }, this.#d.origin));
  }

  /**
   * Splits a claim into parts given as text; each part that occurs (in order) inside the
   * claim's span in the article keeps an anchor there.
   */
  split(claimId: string, parts: string[]): ModelResult<unknown> {
    const claim = this.#d.claim(claimId);
    const texts = parts.map((p) => p.trim()).filter(Boolean);
    if (!claim) return this.#report(refusal('no such claim', 'NOT_FOUND'));
    if (texts.length < 2) return this.#report(refusal('a split needs at least two parts'));
    const article = this.#d.article();
    let from = claim.span?.start ?? 0;
    const limit = claim.span?.end ?? 0;
    const withSpans = texts.map((text) => {
      const at = claim.span ? article.indexOf(text, from) : -1;
      if (at < 0 || at + text.length > limit) return { text };
      from = at + text.length;
      return { text, span: { start: at, end: at + text.length } };
    });
    return this.#report(splitClaim(this.#d.boardDoc, { id: claimId, parts: withSpans, by: this.#d.userId, at: Date.now() }, this.#d.origin));
  }
}
