/**
 * How a claim's consensus reads on screen: every vote category (1–5 and "unverifiable") as
 * a share of all votes, and whether the board has decided. Only a scale verdict (quorum met,
 * agreement over the threshold) is "decided"; a claim whose votes are mostly "unverifiable",
 * too few or too far apart is not, and says why. Verdict colours are the palette's CSS
 * variables (tokens.css), so a verdict is never coloured by the share of one rating.
 */
import type { ClaimConsensus, ConsensusParams, Verdict } from '../../../shared/consensus/index.js';

export type VoteKey = '1' | '2' | '3' | '4' | '5' | 'u';

export const VOTE_KEYS: readonly VoteKey[] = ['1', '2', '3', '4', '5', 'u'];

export const VOTE_LABELS: Record<VoteKey, string> = {
  '1': 'False',
  '2': 'Mostly false',
  '3': 'Mixed',
  '4': 'Mostly true',
  '5': 'True',
  u: 'Unverifiable',
};

/** Background of a verdict chip or article highlight (dark text on each, AA). */
export const verdictColor = (v: Verdict): string => `var(--v-${v})`;

export interface VoteShare {
  key: VoteKey;
  label: string;
  count: number;
  /** Share of all votes, rated and unverifiable, 0–1. */
  share: number;
}

/** Every category's count and share of all votes (not of the rated ones only). */
export function voteShares(c: Pick<ClaimConsensus, 'distribution' | 'unverifiable'>): VoteShare[] {
  const counts: Record<VoteKey, number> = { ...c.distribution, u: c.unverifiable };
  const total = VOTE_KEYS.reduce((s, k) => s + counts[k], 0);
  return VOTE_KEYS.map((key) => ({ key, label: VOTE_LABELS[key], count: counts[key], share: total === 0 ? 0 : counts[key] / total }));
}

/** "1 Mostly true, 2 Unverifiable": the votes in words, for screen readers and tooltips. */
export function votesInWords(c: Pick<ClaimConsensus, 'distribution' | 'unverifiable'>): string {
  const parts = voteShares(c)
    .filter((s) => s.count > 0)
    .map((s) => `${s.count} ${s.label}`);
  return parts.length === 0 ? 'no votes yet' : parts.join(', ');
}

const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));

export interface Decision {
  decided: boolean;
  /** A sentence: what the board decided, or why it has not. */
  text: string;
}

export function decisionOf(c: ClaimConsensus, params: ConsensusParams): Decision {
  const total = c.n + c.unverifiable;
  const ratings = (n: number) => `${n} rating${n === 1 ? '' : 's'}`;
  switch (c.verdict) {
    case 'unverifiable':
      return { decided: false, text: `Not decided: ${c.unverifiable} of ${total} votes say unverifiable` };
    case 'insufficient':
      if (total === 0) return { decided: false, text: 'Not decided: no votes yet' };
      return {
        decided: false,
        text: `Not decided: ${ratings(c.n)} of the ${params.quorum} needed${c.unverifiable ? `, ${c.unverifiable} unverifiable` : ''}`,
      };
    case 'contested':
      return { decided: false, text: `Not decided: agreement ${fmt(c.consensus)} is below ${fmt(params.threshold)}` };
    default:
      return {
        decided: true,
        text: `Decided by ${ratings(c.n)}, agreement ${fmt(c.consensus)}${c.unverifiable ? ` (${c.unverifiable} unverifiable)` : ''}`,
      };
  }
}
