/**
 * The end-of-review summary of a live review: per claim, the time it held the focus, its
 * consensus now, its sealed round (round 1, as revealed), what changed since the reveal
 * (round 2) and how far the votes moved, and whether the room should come back to it.
 *
 * Pure over the parts of an export snapshot it needs (`LiveSummaryInput`, which an
 * `ExportInput` is), so the REST summary, the JSON export's `liveReview` section and the
 * browser's own view cannot disagree. The same snapshot and `now` give the same summary.
 *
 * Sealing: while a round is sealed, the snapshot holds no vote of it (they sit in the
 * sealed documents, which no export reads), and the summary says only how many have voted.
 * It never reads `voted`'s user ids or times, so nothing of a sealed round but the count
 * goes further.
 */
import { claimConsensus, countsTowardConsensus, isScaleValue, type Answer, type ClaimConsensus, type ConsensusParams, type Verdict } from '../consensus/index.js';
import { focusTime, roundOf, spentOn, type ClaimStatus, type Confidence, type LiveRound, type Vote } from '../model/index.js';
import type { ExportInput } from './types.js';

/**
 * What the summary reads: the board, each reviewer's votes and the live state. Former
 * members' votes count only as they do in the consensus (`countFormerMembers`) [M4].
 */
export type LiveSummaryInput = Pick<ExportInput, 'board' | 'live' | 'countFormerMembers'> & {
  reviewers: ReadonlyArray<Pick<ExportInput['reviewers'][number], 'userId' | 'votes' | 'former'>>;
};

/** A mean absolute shift (scale points) from round 1 to now at or above which a claim is flagged. */
export const LARGE_MOVEMENT_MEAN_SHIFT = 1;

export type RevisitFlag = 'sealed' | 'contested' | 'no-quorum' | 'unverifiable' | 'large-movement';

/** Why the room should come back to a claim: a stable code and a sentence for people. */
export interface RevisitReason {
  flag: RevisitFlag;
  reason: string;
}

export interface LiveVoteValue {
  rating: Answer;
  confidence: Confidence;
  at: number;
}

export interface LiveRoundVote extends LiveVoteValue {
  userId: string;
  rationale: string | null;
}

/**
 * One reviewer's round-2 change: their current vote differs from their round-1 vote
 * (rating or confidence), or they voted only after the reveal (`from` null), or withdrew
 * the vote since (`to` null).
 */
export interface LiveVoteChange {
  userId: string;
  from: LiveVoteValue | null;
  to: LiveVoteValue | null;
  /** The reason given with the new vote, if any. */
  reason: string | null;
  /** `to − from` in scale points when both are on the scale, else null. */
  shift: number | null;
}

export interface LiveMovement {
  /** Reviewers with a round-2 change. */
  changed: number;
  /** Round-1 voters (still on the board) whose round-1 and current ratings are both on the scale. */
  pairs: number;
  /** Mean |current − round 1| over those pairs, unchanged votes counting 0; null without pairs. */
  meanAbsoluteShift: number | null;
  consensusBefore: number | null;
  consensusAfter: number | null;
  verdictBefore: Verdict;
  verdictAfter: Verdict;
}

export interface LiveRoundSummary {
  openedAt: number;
  revealedAt: number | null;
  /** Still sealed: no vote of the round appears below, only `votedCount`. */
  sealed: boolean;
  /** How many reviewers voted in the round (sealed or revealed). */
  votedCount: number;
  /** The votes as revealed (sorted by user id) and their consensus; null while sealed. */
  round1: { votes: LiveRoundVote[]; consensus: ClaimConsensus } | null;
  /** Round 2 (sorted by user id); empty while sealed. */
  changes: LiveVoteChange[];
  /** Null while sealed. */
  movement: LiveMovement | null;
}

export interface LiveClaimSummary {
  claimId: string;
  /** 1-based place on the agenda; null for a claim that had a round or the focus off the agenda. */
  agendaPosition: number | null;
  /** Null when the claim is no longer on the board. */
  text: string | null;
  status: ClaimStatus | null;
  /** Milliseconds the claim held the focus (integer). */
  timeSpentMs: number;
  /** It held the focus (or holds it now), or had a round. */
  discussed: boolean;
  /** Consensus of the current votes, computed as the export does. */
  consensus: ClaimConsensus;
  round: LiveRoundSummary | null;
  /** Empty when nothing calls for another look. */
  revisit: RevisitReason[];
}

export interface LiveSummary {
  status: 'active' | 'ended';
  facilitatorId: string | null;
  startedAt: number | null;
  endedAt: number | null;
  focus: string | null;
  focusSince: number | null;
  agenda: string[];
  /** Agenda order, then other claims with a round or focus time (board order, then id). */
  claims: LiveClaimSummary[];
  totals: {
    agendaClaims: number;
    discussed: number;
    /** Sum of the listed claims' time. */
    timeSpentMs: number;
    /** Mean current consensus over listed claims that have one, sealed claims left out; null if none. */
    meanAgreement: number | null;
    /** Claims with at least one revisit flag. */
    revisit: number;
    roundsOpened: number;
    roundsRevealed: number;
    roundsSealed: number;
  };
}

export interface LiveSummaryOptions {
  /**
   * The clock (epoch ms) for the running focus stretch of an active review. Without it only
   * completed stretches count, so the result depends on the documents alone (the export
   * does this and carries `focus` and `focusSince` instead).
   */
  now?: number | null;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A non-negative integer (epoch or duration ms); the live doc is server-written, this only guards. */
const ms = (x: number): number => (Number.isFinite(x) && x > 0 ? Math.round(x) : 0);
const msOrNull = (x: number | null): number | null => (x === null ? null : ms(x));

/** Two decimals at most, for the sentences of revisit reasons. */
const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/** The summary of the snapshot's live review; null when the board never had one. */
export function buildLiveSummary(input: LiveSummaryInput, options: LiveSummaryOptions = {}): LiveSummary | null {
  const live = input.live;
  if (live === null || live.status === 'none') return null;
  const settings = input.board.meta.settings;
  const params: ConsensusParams = { quorum: settings.quorum, threshold: settings.threshold };
  const now = options.now ?? null;

  // Current votes per claim, last one per (reviewer, claim) like boardConsensus.
  const current = new Map<string, Map<string, Vote>>();
  const present = new Set<string>();
  for (const reviewer of input.reviewers) {
    if (!countsTowardConsensus(reviewer, input)) continue;
    present.add(reviewer.userId);
    for (const vote of reviewer.votes) {
      let byUser = current.get(vote.claimId);
      if (!byUser) current.set(vote.claimId, (byUser = new Map()));
      byUser.set(reviewer.userId, vote);
    }
  }
  const boardClaims = new Map(input.board.claims.map((c, i) => [c.id, { claim: c, index: i }]));

  // Agenda order, then the other claims that had a round or the focus.
  const agenda = [...new Set(live.agenda)];
  const onAgenda = new Map(agenda.map((id, i) => [id, i + 1]));
  const extras = new Set<string>();
  for (const id of Object.keys(live.rounds)) if (!onAgenda.has(id)) extras.add(id);
  for (const [id, t] of Object.entries(live.timeSpent)) if (!onAgenda.has(id) && ms(t) > 0) extras.add(id);
  if (live.focus !== null && !onAgenda.has(live.focus)) extras.add(live.focus);
  const rank = (id: string): number => boardClaims.get(id)?.index ?? Number.MAX_SAFE_INTEGER;
  const ids = [...agenda, ...[...extras].sort((a, b) => rank(a) - rank(b) || byString(a, b))];

  const claims = ids.map((claimId): LiveClaimSummary => {
    const votes = current.get(claimId) ?? new Map<string, Vote>();
    const consensus = claimConsensus([...votes.values()].map((v) => v.rating), params);
    const r = roundOf(live, claimId);
    const round = r ? summariseRound(r, votes, present, consensus, params) : null;
    const timeSpentMs = ms(now === null ? spentOn(live, claimId) : focusTime(live, claimId, now));
    const entry = boardClaims.get(claimId);
    return {
      claimId,
      agendaPosition: onAgenda.get(claimId) ?? null,
      text: entry?.claim.text ?? null,
      status: entry?.claim.status ?? null,
      timeSpentMs,
      discussed: timeSpentMs > 0 || round !== null || (live.status === 'active' && live.focus === claimId),
      consensus,
      round,
      revisit: revisitReasons(consensus, round, params),
    };
  });

  const agreements = claims.filter((c) => !c.round?.sealed && c.consensus.consensus !== null).map((c) => c.consensus.consensus!);
  const rounds = Object.values(live.rounds);
  return {
    status: live.status,
    facilitatorId: live.facilitatorId,
    startedAt: msOrNull(live.startedAt),
    endedAt: msOrNull(live.endedAt),
    focus: live.focus,
    focusSince: msOrNull(live.focusSince),
    agenda,
    claims,
    totals: {
      agendaClaims: agenda.length,
      discussed: claims.filter((c) => c.discussed).length,
      timeSpentMs: claims.reduce((sum, c) => sum + c.timeSpentMs, 0),
      meanAgreement: agreements.length === 0 ? null : agreements.reduce((a, b) => a + b, 0) / agreements.length,
      revisit: claims.filter((c) => c.revisit.length > 0).length,
      roundsOpened: rounds.length,
      roundsRevealed: rounds.filter((x) => x.revealedAt !== null).length,
      roundsSealed: rounds.filter((x) => x.revealedAt === null).length,
    },
  };
}

function summariseRound(
  r: LiveRound,
  votes: ReadonlyMap<string, Vote>,
  present: ReadonlySet<string>,
  after: ClaimConsensus,
  params: ConsensusParams,
): LiveRoundSummary {
  const votedCount = Object.keys(r.voted).length;
  if (r.revealedAt === null) {
    // Sealed: `votes` is null in a well-formed doc; it is not read even if it were not.
    return { openedAt: ms(r.openedAt), revealedAt: null, sealed: true, votedCount, round1: null, changes: [], movement: null };
  }
  const revealedAt = ms(r.revealedAt);
  const first = Object.entries(r.votes ?? {}).sort(([a], [b]) => byString(a, b));
  const round1Votes = first.map(([userId, v]): LiveRoundVote => ({ userId, ...value(v), rationale: v.rationale ?? null }));
  const before = claimConsensus(first.map(([, v]) => v.rating), params);

  const changes: LiveVoteChange[] = [];
  let pairs = 0;
  let shiftSum = 0;
  const firstBy = new Map(first);
  for (const [userId, was] of first) {
    if (!present.has(userId)) continue; // left the board: nothing to compare with
    const now = votes.get(userId);
    if (now && isScaleValue(was.rating) && isScaleValue(now.rating)) {
      pairs += 1;
      shiftSum += Math.abs(now.rating - was.rating);
    }
    if (!now || now.rating !== was.rating || now.confidence !== was.confidence) {
      changes.push(change(userId, was, now ?? null));
    }
  }
  // Voted only after the reveal: a vote without a round-1 counterpart, newer than the reveal
  // (older ones were cast before the round and were public all along).
  for (const [userId, now] of votes) {
    if (!firstBy.has(userId) && now.at > revealedAt) changes.push(change(userId, null, now));
  }
  changes.sort((a, b) => byString(a.userId, b.userId));

  return {
    openedAt: ms(r.openedAt),
    revealedAt,
    sealed: false,
    votedCount,
    round1: { votes: round1Votes, consensus: before },
    changes,
    movement: {
      changed: changes.length,
      pairs,
      meanAbsoluteShift: pairs === 0 ? null : shiftSum / pairs,
      consensusBefore: before.consensus,
      consensusAfter: after.consensus,
      verdictBefore: before.verdict,
      verdictAfter: after.verdict,
    },
  };
}

const value = (v: Vote): LiveVoteValue => ({ rating: v.rating, confidence: v.confidence, at: v.at });

function change(userId: string, from: Vote | null, to: Vote | null): LiveVoteChange {
  return {
    userId,
    from: from ? value(from) : null,
    to: to ? value(to) : null,
    reason: to?.reason ?? null,
    shift: from && to && isScaleValue(from.rating) && isScaleValue(to.rating) ? to.rating - from.rating : null,
  };
}

/**
 * Flags in a fixed order. A sealed claim is flagged `sealed` only: its other flags wait for
 * the reveal, since its current votes are only those cast before the round.
 */
function revisitReasons(c: ClaimConsensus, round: LiveRoundSummary | null, params: ConsensusParams): RevisitReason[] {
  if (round?.sealed) {
    return [{ flag: 'sealed', reason: `the round is still sealed (${round.votedCount} voted); reveal it before deciding` }];
  }
  const out: RevisitReason[] = [];
  if (c.verdict === 'contested') {
    out.push({ flag: 'contested', reason: `consensus ${fmt(c.consensus ?? 0)} is below the threshold ${fmt(params.threshold)}` });
  }
  if (c.verdict === 'insufficient') {
    out.push({ flag: 'no-quorum', reason: `${c.n} vote${c.n === 1 ? '' : 's'} on the scale, the quorum is ${params.quorum}` });
  }
  if (c.verdict === 'unverifiable') {
    out.push({ flag: 'unverifiable', reason: `${c.unverifiable} of ${c.n + c.unverifiable} votes say unverifiable` });
  }
  const shift = round?.movement?.meanAbsoluteShift ?? null;
  if (shift !== null && shift >= LARGE_MOVEMENT_MEAN_SHIFT) {
    out.push({ flag: 'large-movement', reason: `votes moved ${fmt(shift)} point${shift === 1 ? '' : 's'} on average since the reveal` });
  }
  return out;
}
