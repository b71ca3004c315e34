/**
 * The shared first step of every export: claims in display order with their consensus,
 * reviewers in export order, and (for the JSON export only) votes and notes in canonical
 * order. The JSON, ClaimReview and CSV builders all read from this, so they cannot
 * disagree on a number.
 */
import { boardConsensus, countsTowardConsensus, type AlphaResult, type ClaimConsensus } from '../consensus/index.js';
import type { ClaimSnapshot, NoteEntry, VoteEntry } from '../model/index.js';
import { buildDirectory, type Directory } from './pseudonyms.js';
import type { ExportInput, ExportReviewer } from './types.js';

export interface AnalysedClaim {
  claim: ClaimSnapshot;
  /** 1-based place in display order. */
  position: number;
  consensus: ClaimConsensus;
  /** Latest vote time on this claim (epoch ms), or null without votes. */
  lastVoteAt: number | null;
}

export interface Analysis {
  input: ExportInput;
  claims: AnalysedClaim[];
  directory: Directory;
  /** Reviewers in export order (see pseudonyms.ts). */
  reviewers: ExportReviewer[];
  alpha: AlphaResult;
  /** Whether a reviewer left or was removed from the board [M4]. */
  isFormer(userId: string): boolean;
  /** Whether a reviewer's votes count toward the consensus and alpha (members', and former
   * members' when the board counts them) [M4]. */
  counts(userId: string): boolean;
}

export interface AnalysisOptions {
  pseudonymise?: boolean;
  /** Secret mixed into the pseudonym order; see pseudonyms.ts. */
  pseudonymSalt?: string;
}

export function analyse(input: ExportInput, options: AnalysisOptions = {}): Analysis {
  const { board } = input;
  const members = new Map(input.members.map((m) => [m.userId, { name: m.name, role: m.role }]));
  const referenced: string[] = [];
  if (board.meta.createdBy) referenced.push(board.meta.createdBy);
  for (const c of board.claims) if (c.createdBy) referenced.push(c.createdBy);
  for (const d of board.decisions) referenced.push(d.decision.by, d.decision.reviewerId);
  // The live review names its facilitator and, once revealed, each round's voters (some may
  // have left the board since). Who voted in a sealed round is never named.
  const live = input.live ?? null;
  if (live && live.status !== 'none') {
    if (live.facilitatorId) referenced.push(live.facilitatorId);
    for (const round of Object.values(live.rounds)) {
      if (round.revealedAt !== null) referenced.push(...Object.keys(round.votes ?? {}));
    }
  }
  const directory = buildDirectory(
    input.boardId,
    input.reviewers.map((r) => r.userId),
    referenced.filter((id) => id !== ''),
    members,
    { pseudonymise: options.pseudonymise ?? false, ...(options.pseudonymSalt !== undefined ? { salt: options.pseudonymSalt } : {}) },
  );
  const reviewers = [...input.reviewers].sort((a, b) => directory.rank(a.userId) - directory.rank(b.userId));
  const policy = { countFormerMembers: input.countFormerMembers === true };
  const formers = new Set(reviewers.filter((r) => r.former === true).map((r) => r.userId));
  const consensus = boardConsensus(
    board.claims.map((c) => c.id),
    reviewers.map((r) => ({ votes: r.votes, former: r.former === true })),
    { ...board.meta.settings, ...policy },
  );
  const lastVoteAt = new Map<string, number>();
  for (const reviewer of reviewers) {
    if (!countsTowardConsensus(reviewer, policy)) continue;
    for (const vote of reviewer.votes) {
      const previous = lastVoteAt.get(vote.claimId);
      if (previous === undefined || vote.at > previous) lastVoteAt.set(vote.claimId, vote.at);
    }
  }
  return {
    input,
    claims: board.claims.map((claim, i) => ({
      claim,
      position: i + 1,
      consensus: consensus.claims.get(claim.id)!,
      lastVoteAt: lastVoteAt.get(claim.id) ?? null,
    })),
    directory,
    reviewers,
    alpha: consensus.alpha,
    isFormer: (userId) => formers.has(userId),
    counts: (userId) => countsTowardConsensus({ former: formers.has(userId) }, policy),
  };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Votes in canonical order, mapped: by claim position, then reviewer rank; votes on
 * claims the board no longer has come last, by claim id then reviewer. Bucketed rather
 * than sorted (reviewers are already in rank order), so 25,000 votes cost one pass.
 */
export function orderedVotes<T>(analysis: Analysis, map: (vote: VoteEntry, userId: string) => T): T[] {
  const position = new Map(analysis.claims.map((c, i) => [c.claim.id, i]));
  const buckets: T[][] = analysis.claims.map(() => []);
  const orphans: { claimId: string; value: T }[] = [];
  for (const reviewer of analysis.reviewers) {
    for (const vote of reviewer.votes) {
      const i = position.get(vote.claimId);
      if (i === undefined) orphans.push({ claimId: vote.claimId, value: map(vote, reviewer.userId) });
      else buckets[i]!.push(map(vote, reviewer.userId));
    }
  }
  // Stable sort: within a claim id, reviewers stay in rank order.
  orphans.sort((a, b) => byString(a.claimId, b.claimId));
  return buckets.flat().concat(orphans.map((o) => o.value));
}

/**
 * Notes in canonical order, mapped: by claim position (unknown claims last, by claim id),
 * then time, reviewer rank and note id. Sorts indices, so nothing is allocated per note
 * except what `map` returns.
 */
export function orderedNotes<T>(analysis: Analysis, map: (note: NoteEntry, userId: string) => T): T[] {
  const position = new Map(analysis.claims.map((c, i) => [c.claim.id, i]));
  const notes: NoteEntry[] = [];
  const owners: string[] = [];
  const buckets: number[][] = analysis.claims.map(() => []);
  const orphans: number[] = [];
  for (const reviewer of analysis.reviewers) {
    // Readers return notes sorted by id; sorting again is linear then, and makes any
    // hand-built input canonical too.
    for (const note of [...reviewer.notes].sort((a, b) => byString(a.id, b.id))) {
      const index = notes.push(note) - 1;
      owners.push(reviewer.userId);
      const i = position.get(note.claimId);
      (i === undefined ? orphans : buckets[i]!).push(index);
    }
  }
  // Stable sorts: equal times keep the (reviewer rank, note id) order of the pass above.
  const byTime = (x: number, y: number): number => notes[x]!.at - notes[y]!.at;
  for (const bucket of buckets) bucket.sort(byTime);
  orphans.sort((x, y) => byString(notes[x]!.claimId, notes[y]!.claimId) || byTime(x, y));
  const out: T[] = [];
  for (const bucket of buckets) for (const i of bucket) out.push(map(notes[i]!, owners[i]!));
  for (const i of orphans) out.push(map(notes[i]!, owners[i]!));
  return out;
}
