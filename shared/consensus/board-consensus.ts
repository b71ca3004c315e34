/**
 * Consensus of a whole board: every claim's consensus, and Krippendorff's ordinal alpha
 * with claims as units and reviewers as coders ("unverifiable" and missing votes are
 * missing values). Input is plain data, so the client's live view and the server's export
 * compute exactly the same numbers.
 *
 * A former member's ballot (someone who left or was removed from the board) is kept and
 * shown, but counts only when the board says so (`countFormerMembers`) [M4]: the client's
 * live view and the export both ask `countsTowardConsensus`, so they cannot disagree on who
 * counted.
 */
import { claimConsensus, DEFAULT_CONSENSUS_PARAMS, type Answer, type ClaimConsensus, type ConsensusParams } from './claim-consensus.js';
import { krippendorffAlpha, type AlphaResult } from './krippendorff.js';
import { isScaleValue } from './scale.js';

export interface BallotSet {
  /** One reviewer's votes; a claim id appearing twice counts once (the last). */
  votes: ReadonlyArray<{ claimId: string; rating: Answer }>;
  /** The reviewer is no longer a member of the board (absent: a member). */
  former?: boolean;
}

/** The board's choice about former members' ballots (default: they do not count). */
export interface FormerMemberPolicy {
  countFormerMembers?: boolean;
}

/** Whether a ballot counts toward the consensus and the agreement [M4]. */
export const countsTowardConsensus = (ballot: { former?: boolean }, policy: FormerMemberPolicy = {}): boolean =>
  ballot.former !== true || policy.countFormerMembers === true;

export interface BoardConsensus {
  /** Keyed by claim id, in the order of the `claimIds` given. */
  claims: Map<string, ClaimConsensus>;
  alpha: AlphaResult;
}

/**
 * Votes on ids not in `claimIds` (deleted or unknown claims) are ignored, as are the ballots
 * of former members unless `params.countFormerMembers`.
 */
export function boardConsensus(
  claimIds: readonly string[],
  reviewers: readonly BallotSet[],
  params: ConsensusParams & FormerMemberPolicy = DEFAULT_CONSENSUS_PARAMS,
): BoardConsensus {
  const answers = new Map<string, Answer[]>(claimIds.map((id) => [id, []]));
  for (const reviewer of reviewers) {
    if (!countsTowardConsensus(reviewer, params)) continue;
    const own = new Map<string, Answer>();
    for (const vote of reviewer.votes) if (answers.has(vote.claimId)) own.set(vote.claimId, vote.rating);
    for (const [claimId, rating] of own) answers.get(claimId)!.push(rating);
  }
  const claims = new Map<string, ClaimConsensus>();
  const units: number[][] = [];
  for (const [claimId, list] of answers) {
    claims.set(claimId, claimConsensus(list, params));
    units.push(list.filter(isScaleValue));
  }
  return { claims, alpha: krippendorffAlpha(units, 'ordinal') };
}
