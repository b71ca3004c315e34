/** How a claim's consensus reads: shares of all votes and whether the board decided. */
import { describe, expect, it } from 'vitest';
import { claimConsensus, DEFAULT_CONSENSUS_PARAMS, type Answer } from '../../shared/consensus/index.js';
import { decisionOf, voteShares, votesInWords } from '../../client/src/lib/consensus-display.js';

const of = (answers: Answer[]) => claimConsensus(answers, DEFAULT_CONSENSUS_PARAMS);

describe('consensus display', () => {
  it('4 / U / U: not decided, and the two unverifiable votes are two thirds of the bar', () => {
    const c = of([4, 'unverifiable', 'unverifiable']);
    expect(decisionOf(c, DEFAULT_CONSENSUS_PARAMS)).toEqual({ decided: false, text: 'Not decided: 2 of 3 votes say unverifiable' });
    const shares = Object.fromEntries(voteShares(c).map((s) => [s.key, s.share]));
    expect(shares['4']).toBeCloseTo(1 / 3);
    expect(shares.u).toBeCloseTo(2 / 3);
    expect(votesInWords(c)).toBe('1 Mostly true, 2 Unverifiable');
  });

  it('says why a claim is not decided, and what decided one', () => {
    const p = DEFAULT_CONSENSUS_PARAMS;
    expect(decisionOf(of([]), p).text).toBe('Not decided: no votes yet');
    expect(decisionOf(of([4, 'unverifiable']), p).text).toBe('Not decided: 1 rating of the 3 needed, 1 unverifiable');
    expect(decisionOf(of([1, 5, 1, 5]), p).text).toBe('Not decided: agreement 0.00 is below 0.75');
    expect(decisionOf(of([4, 4, 4]), p)).toEqual({ decided: true, text: 'Decided by 3 ratings, agreement 1.00' });
    expect(decisionOf(of([3, 3, 3, 'unverifiable']), p).decided).toBe(true);
  });

  it('no votes: every share 0 (an empty bar, not a full one)', () => {
    expect(voteShares(of([])).every((s) => s.share === 0)).toBe(true);
    expect(votesInWords(of([]))).toBe('no votes yet');
  });
});
