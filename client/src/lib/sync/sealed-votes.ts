/**
 * SealedVotes: where this user's vote goes during a live review's sealed round, and what
 * happens to a public vote the server holds back [L3–L5]. Works in the browser and in Node
 * (no DOM APIs); it reads the live doc and this user's reviewer and sealed docs, and drives
 * the BoardConnection's held docs.
 *
 * - While a round on a claim is open and not revealed, a vote on it goes to the sealed doc,
 *   which only its author and the server read.
 * - A public vote on a sealed claim (cast just as the round opened, or offline) is refused by
 *   the server with SEALED; the connection then holds the reviewer doc back. The vote belongs
 *   in the round, so it is copied into the sealed doc, unless it was cast before the round
 *   opened (server time).
 * - When the live doc shows a round revealed, held docs are exchanged again. A refusal for a
 *   claim this client already sees revealed means the server had not unsealed it yet when
 *   the retry arrived: it is retried after a short, growing pause, a bounded number of times.
 */
import type * as Y from 'yjs';
import { castVote, readVotes, type ModelResult, type VoteEntry } from '../../../../shared/model/index.js';
import { readLive, roundOf, sealedClaims, type LiveRound } from '../../../../shared/model/live.js';

/** What SealedVotes needs of a BoardConnection. */
export interface HeldDocs {
  readonly held: ReadonlySet<string>;
  retryHeld(): void;
}

export interface SealedVotesOptions {
  /** This user's reviewer doc (public votes) and sealed doc, once they exist. */
  reviewerDoc: () => Y.Doc | null;
  sealedDoc: () => Y.Doc | null;
  /** Server epoch ms minus this device's (votes carry device time, rounds server time). */
  clockOffset: () => number;
  /** Transaction origin of this client's own writes. */
  origin: unknown;
  /** First pause before retrying a refusal for a claim seen revealed, doubled each time. */
  retryMs?: number;
  retryMax?: number;
}

const RETRY_MS = 250;
const RETRY_MAX = 6;

export type VoteInput = Omit<VoteEntry, 'claimId'>;

export class SealedVotes {
  readonly #conn: HeldDocs;
  readonly #liveDoc: Y.Doc;
  readonly #opts: Required<SealedVotesOptions>;
  /** Claims sealed when the live doc was last read: one that leaves the set was revealed. */
  #lastSealed = new Set<string>();
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(conn: HeldDocs, liveDoc: Y.Doc, opts: SealedVotesOptions) {
    this.#conn = conn;
    this.#liveDoc = liveDoc;
    this.#opts = { retryMs: RETRY_MS, retryMax: RETRY_MAX, ...opts };
    this.#lastSealed = sealedClaims(readLive(liveDoc));
    liveDoc.on('update', this.#liveChanged);
  }

  /** The claim's round, and whether a vote on it is sealed now. */
  roundOf(claimId: string): { round: LiveRound | undefined; sealed: boolean } {
    const round = roundOf(readLive(this.#liveDoc), claimId);
    return { round, sealed: round !== undefined && round.revealedAt === null };
  }

  /**
   * Casts this user's vote where it belongs now: the sealed doc while the claim's round is
   * sealed, the reviewer doc otherwise. After a reveal a change may carry a reason (round 2).
   */
  cast(claimId: string, vote: VoteInput): ModelResult<unknown> {
    const { round, sealed } = this.roundOf(claimId);
    const target = sealed ? this.#opts.sealedDoc() : this.#opts.reviewerDoc();
    if (!target) {
      const message = sealed ? 'the sealed round is not ready yet; try again' : 'your reviewer document is not ready yet; try again';
      return { ok: false, error: { code: 'BAD_REQUEST', message } };
    }
    const reason = round?.revealedAt != null ? vote.reason : undefined;
    return castVote(target, claimId, { ...vote, reason }, this.#opts.origin);
  }

  /** The server refused a public vote with SEALED (the connection now holds the doc). */
  refused(): void {
    const live = readLive(this.#liveDoc);
    const sealed = sealedClaims(live);
    const mine = this.#opts.reviewerDoc();
    const box = this.#opts.sealedDoc();
    let sealedHere = false;
    if (mine && box) {
      const inBox = new Map(readVotes(box).map((v) => [v.claimId, v]));
      for (const { claimId, ...vote } of readVotes(mine)) {
        const round = roundOf(live, claimId);
        if (!sealed.has(claimId) || !round) continue;
        sealedHere = true;
        if (vote.at + this.#opts.clockOffset() < round.openedAt) continue;
        const prev = inBox.get(claimId);
        if (!prev || prev.at < vote.at) castVote(box, claimId, vote, this.#opts.origin);
      }
    }
    if (!sealedHere && this.#timer === null && this.#retries < this.#opts.retryMax) {
      const wait = this.#opts.retryMs * 2 ** this.#retries++;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#conn.retryHeld();
      }, wait);
    }
  }

  #liveChanged = (): void => {
    const sealed = sealedClaims(readLive(this.#liveDoc));
    const revealed = [...this.#lastSealed].some((c) => !sealed.has(c));
    this.#lastSealed = sealed;
    if (revealed && this.#conn.held.size > 0) {
      this.#retries = 0;
      this.#conn.retryHeld();
    }
  };

  destroy(): void {
    this.#liveDoc.off('update', this.#liveChanged);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
