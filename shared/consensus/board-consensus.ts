/**
 * Consensus of a whole board: every claim's consensus, and Krippendorff's ordinal alpha
 * with claims as units and reviewers as coders ("unverifiable" and missing votes are
 * missing values). Input is plain data, so the client's live view and the server's export
 * compute exactly the same numbers.
 */
import { claimConsensus, DEFAULT_CONSENSUS_PARAMS, type Answer, type ClaimConsensus, type ConsensusParams } from './claim-consensus.js';
import { krippendorffAlpha, type AlphaResult } from './krippendorff.js';
import { isScaleValue } from './scale.js';

export interface BallotSet {
  /** One reviewer's votes; a claim id appearing twice counts once (the last). */
  votes: ReadonlyArray<{ claimId: string; rating: Answer }>;
}

export interface BoardConsensus {
  /** Keyed by claim id, in the order of the `claimIds` given. */
  claims: Map<string, ClaimConsensus>;
  alpha: AlphaResult;
}

/** Votes on ids not in `claimIds` (deleted or unknown claims) are ignored. */
export function boardConsensus(
  claimIds: readonly string[],
  reviewers: readonly BallotSet[],
  params: ConsensusParams = DEFAULT_CONSENSUS_PARAMS,
): BoardConsensus {
  const answers = new Map<string, Answer[]>(claimIds.map((id) => [id, []]));
  for (const reviewer of reviewers) {
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
