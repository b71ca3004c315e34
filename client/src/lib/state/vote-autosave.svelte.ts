/**
 * VoteAutosave: changes to a vote's confidence, rationale or reason are saved as the user
 * makes them, without an "update" button. Every change is kept at once as a draft on this
 * device (Drafts); when the user already has a vote on the claim, the change is written
 * into it VOTE_SAVE_DEBOUNCE_MS after the last keystroke, or at once when the user moves to
 * another claim or leaves the page (`flush`). Without a vote the draft waits for the rating.
 *
 * `pending` is true from the first keystroke until the write is made, so the page can say
 * "saving…" for exactly as long as a change exists only on this device (the connection's
 * `saved` covers the rest, up to the server's durable ack). A write that cannot be made
 * (the user may no longer vote) leaves the draft; `resume` writes what is left once they
 * may again.
 */
import type { Confidence, ModelResult, Rating, VoteEntry } from '../../../../shared/model/index.js';
import { draftKeys, type Drafts } from './drafts.svelte.js';

export const VOTE_SAVE_DEBOUNCE_MS = 500;

export interface VoteForm {
  confidence: Confidence;
  rationale: string;
  reason: string;
}

export interface VoteAutosaveDeps {
  drafts: Drafts;
  /** This user's vote on the claim as it counts now (the sealed one during a sealed round). */
  current(claimId: string): VoteEntry | undefined;
  /** Writes the vote (BoardEdits.vote). */
  write(claimId: string, rating: Rating, form: VoteForm): ModelResult<unknown>;
  canVote(): boolean;
  debounceMs?: number;
}

const CONFIDENCES: readonly string[] = ['low', 'medium', 'high'];

/** The form a vote shows: the vote's own values (an empty reason: it is asked anew). */
const formOf = (v: VoteEntry | undefined): VoteForm => ({ confidence: v?.confidence ?? 'medium', rationale: v?.rationale ?? '', reason: '' });

const differs = (form: VoteForm, v: VoteEntry): boolean =>
  form.confidence !== v.confidence || form.rationale.trim() !== (v.rationale ?? '') || form.reason.trim() !== '';

export class VoteAutosave {
  readonly #d: VoteAutosaveDeps;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #pending: ReadonlySet<string> = $state.raw(new Set());

  constructor(deps: VoteAutosaveDeps) {
    this.#d = deps;
  }

  /** Some change is waiting to be written into a vote. */
  get pending(): boolean {
    return this.#pending.size > 0;
  }
  isPending(claimId: string): boolean {
    return this.#pending.has(claimId);
  }

  /** What the vote form of a claim shows: a draft newer than the vote, else the vote. */
  form(claimId: string): VoteForm {
    const key = draftKeys.vote(claimId);
    const vote = this.#d.current(claimId);
    const draft = this.#d.drafts.get(key);
    const at = this.#d.drafts.at(key);
    if (!draft || at === null || (vote && vote.at > at)) return formOf(vote);
    const base = formOf(vote);
    const confidence = CONFIDENCES.includes(draft.confidence ?? '') ? (draft.confidence as Confidence) : base.confidence;
    return { confidence, rationale: draft.rationale ?? base.rationale, reason: draft.reason ?? base.reason };
  }

  /** The user changed the form: kept as a draft, and written into their vote shortly. */
  edit(claimId: string, form: VoteForm): void {
    this.#d.drafts.set(draftKeys.vote(claimId), { confidence: form.confidence, rationale: form.rationale, reason: form.reason });
    if (this.#d.current(claimId) && this.#d.canVote()) this.#schedule(claimId);
  }

  /** Casts a vote with this rating and the form (the draft is then in the vote). */
  cast(claimId: string, rating: Rating, form: VoteForm): ModelResult<unknown> {
    this.#cancel(claimId);
    const r = this.#d.write(claimId, rating, form);
    if (r.ok) this.#d.drafts.clear(draftKeys.vote(claimId));
    return r;
  }

  /** Writes every waiting change now (another claim shown, the page hidden or closed). */
  flush(): void {
    for (const claimId of [...this.#timers.keys()]) this.#save(claimId);
  }

  /** Schedules the drafts that differ from a vote (after a reload, or the right to vote came back). */
  resume(): void {
    if (!this.#d.canVote()) return;
    for (const key of this.#d.drafts.keys('vote:')) {
      const claimId = key.slice('vote:'.length);
      const vote = this.#d.current(claimId);
      if (!vote) continue;
      const at = this.#d.drafts.at(key) ?? 0;
      if (vote.at > at) this.#d.drafts.clear(key); // changed since, on this or another device
      else if (differs(this.form(claimId), vote)) this.#schedule(claimId);
      else this.#d.drafts.clear(key);
    }
  }

  #schedule(claimId: string): void {
    const prev = this.#timers.get(claimId);
    if (prev !== undefined) clearTimeout(prev);
    this.#timers.set(claimId, setTimeout(() => this.#save(claimId), this.#d.debounceMs ?? VOTE_SAVE_DEBOUNCE_MS));
    if (!this.#pending.has(claimId)) this.#pending = new Set([...this.#pending, claimId]);
  }

  #cancel(claimId: string): void {
    const t = this.#timers.get(claimId);
    if (t !== undefined) clearTimeout(t);
    this.#timers.delete(claimId);
    if (this.#pending.has(claimId)) this.#pending = new Set([...this.#pending].filter((c) => c !== claimId));
  }

  #save(claimId: string): void {
    this.#cancel(claimId);
    const vote = this.#d.current(claimId);
    if (!vote || !this.#d.canVote()) return; // the draft stays
    const form = this.form(claimId);
    if (!differs(form, vote)) {
      this.#d.drafts.clear(draftKeys.vote(claimId));
      return;
    }
    this.cast(claimId, vote.rating, form);
  }

  destroy(): void {
    this.flush();
  }
}
