/**
 * Consensus of one claim's votes (DESIGN "Consensus"; worked examples in README.md).
 * Everything is computed from the distribution (counts per scale point), so the result
 * depends only on the multiset of votes, never on their order.
 */
import { SCALE_MAX, SCALE_MIN, SCALE_WIDTH, isScaleValue, scaleEntry, type ScaleValue, type Verdict, VERDICT_LABELS } from './scale.js';

export type Answer = ScaleValue | 'unverifiable';

export interface ConsensusParams {
  /** Minimum numeric votes for a verdict. */
  quorum: number;
  /** Minimum consensus (0–1) for a verdict; below it the claim is contested. */
  threshold: number;
}

export const DEFAULT_CONSENSUS_PARAMS: ConsensusParams = { quorum: 3, threshold: 0.75 };

export type Distribution = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface ClaimConsensus {
  /** Numeric (1–5) votes. */
  n: number;
  /** "unverifiable" answers. */
  unverifiable: number;
  /** Count of numeric votes per scale point. */
  distribution: Distribution;
  /** Null when n = 0. */
  mean: number | null;
  /** Null when n = 0; may end in .5 for an even n. */
  median: number | null;
  /** Tastle–Wierman consensus in [0, 1]; null when n = 0 (nothing to agree on). */
  consensus: number | null;
  verdict: Verdict;
  /** The scale point of a scale verdict, else null. */
  verdictRating: ScaleValue | null;
  verdictLabel: string;
}

/** Tolerance for comparing a computed consensus with the threshold: a value that is
 * mathematically equal to the threshold must not fall below it by rounding. */
const EPSILON = 1e-12;

export function distributionOf(answers: readonly Answer[]): { distribution: Distribution; unverifiable: number } {
  const distribution: Distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let unverifiable = 0;
  for (const a of answers) {
    if (isScaleValue(a)) distribution[a] += 1;
    else if (a === 'unverifiable') unverifiable += 1;
  }
  return { distribution, unverifiable };
}

const countOf = (d: Distribution): number => d[1] + d[2] + d[3] + d[4] + d[5];

export function meanOf(d: Distribution): number | null {
  const n = countOf(d);
  if (n === 0) return null;
  return (1 * d[1] + 2 * d[2] + 3 * d[3] + 4 * d[4] + 5 * d[5]) / n;
}

/** The median of the numeric votes: the middle value, or the midpoint of the two middle
 * values when n is even. */
export function medianOf(d: Distribution): number | null {
  const n = countOf(d);
  if (n === 0) return null;
  const valueAt = (index: number): number => {
    let seen = 0;
    for (let v = SCALE_MIN; v <= SCALE_MAX; v++) {
      seen += d[v as ScaleValue];
      if (index < seen) return v;
    }
    return SCALE_MAX;
  };
  return n % 2 === 1 ? valueAt((n - 1) / 2) : (valueAt(n / 2 - 1) + valueAt(n / 2)) / 2;
}

/**
 * Tastle–Wierman ordinal consensus: Cns = 1 + Σ p_i · log2(1 − |X_i − μ| / (max − min)).
 * 1 when every vote is equal (so also for a single vote), 0 when the votes split evenly
 * between the two ends of the scale. Null for no votes: the formula has no terms then,
 * and "1 = full agreement" would be a claim about nobody.
 */
export function tastleWierman(d: Distribution): number | null {
  const n = countOf(d);
  const mu = meanOf(d);
  if (n === 0 || mu === null) return null;
  let sum = 0;
  for (let v = SCALE_MIN; v <= SCALE_MAX; v++) {
    const count = d[v as ScaleValue];
    if (count === 0) continue;
    // |v − μ| < width whenever count > 0 (μ cannot sit at the far end while v has votes).
    sum += (count / n) * Math.log2(1 - Math.abs(v - mu) / SCALE_WIDTH);
  }
  return Math.min(1, Math.max(0, 1 + sum));
}

/** A median on the scale: a .5 median rounds toward the middle (3), the cautious side. */
export function roundMedian(median: number): ScaleValue {
  const mid = (SCALE_MIN + SCALE_MAX) / 2;
  const rounded = Number.isInteger(median) ? median : median < mid ? Math.ceil(median) : Math.floor(median);
  return Math.min(SCALE_MAX, Math.max(SCALE_MIN, rounded)) as ScaleValue;
}

/**
 * The consensus and verdict of one claim:
 * - `unverifiable` if "unverifiable" answers outnumber numeric votes (a tie goes on);
 * - else `insufficient` if fewer than `quorum` numeric votes;
 * - else the label of the (rounded) median if consensus ≥ `threshold`;
 * - else `contested`.
 */
export function claimConsensus(answers: readonly Answer[], params: ConsensusParams = DEFAULT_CONSENSUS_PARAMS): ClaimConsensus {
  const { distribution, unverifiable } = distributionOf(answers);
  const n = countOf(distribution);
  const mean = meanOf(distribution);
  const median = medianOf(distribution);
  const consensus = tastleWierman(distribution);
  let verdict: Verdict;
  let verdictRating: ScaleValue | null = null;
  if (unverifiable > n) verdict = 'unverifiable';
  else if (n < params.quorum || median === null || consensus === null) verdict = 'insufficient';
  else if (consensus + EPSILON >= params.threshold) {
    verdictRating = roundMedian(median);
    verdict = scaleEntry(verdictRating).verdict;
  } else verdict = 'contested';
  return {
    n,
    unverifiable,
    distribution,
    mean,
    median,
    consensus,
    verdict,
    verdictRating,
    verdictLabel: VERDICT_LABELS[verdict],
  };
}
