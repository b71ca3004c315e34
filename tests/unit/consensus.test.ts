import { describe, expect, it } from 'vitest';
import {
  boardConsensus,
  claimConsensus,
  countsTowardConsensus,
  medianOf,
  distributionOf,
  roundMedian,
  tastleWierman,
  type Answer,
} from '../../shared/consensus/index.js';

const cns = (answers: Answer[]) => claimConsensus(answers, { quorum: 3, threshold: 0.75 });

describe('claimConsensus (worked examples from shared/consensus/README.md)', () => {
  it('no votes: n 0, no mean, median or consensus, verdict insufficient', () => {
    expect(cns([])).toEqual({
      n: 0,
      unverifiable: 0,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      mean: null,
      median: null,
      consensus: null,
      verdict: 'insufficient',
      verdictRating: null,
      verdictLabel: 'Not enough votes',
    });
  });

  it('one vote: consensus 1, but below quorum', () => {
    expect(cns([4])).toMatchObject({ n: 1, mean: 4, median: 4, consensus: 1, verdict: 'insufficient' });
    expect(claimConsensus([4], { quorum: 1, threshold: 0.75 })).toMatchObject({ verdict: 'mostly-true', verdictRating: 4 });
  });

  it('every vote equal: consensus exactly 1 and the label of that rating', () => {
    for (const r of [1, 2, 3, 4, 5] as const) {
      const c = cns([r, r, r, r]);
      expect(c.consensus).toBe(1);
      expect(c.verdictRating).toBe(r);
    }
    expect(cns([1, 1, 1]).verdictLabel).toBe('False');
    expect(cns([5, 5, 5]).verdictLabel).toBe('True');
  });

  it('4, 4, 5, 3: μ 4, Cns = 1 + ½·log2(¾) ≈ 0.7925 ≥ 0.75, Mostly true', () => {
    const c = cns([4, 4, 5, 3]);
    expect(c.mean).toBe(4);
    expect(c.consensus).toBeCloseTo(1 + 0.5 * Math.log2(0.75), 12);
    expect(c.consensus).toBeCloseTo(0.792481, 6);
    expect(c).toMatchObject({ median: 4, verdict: 'mostly-true', verdictLabel: 'Mostly true' });
  });

  it('even counts with a .5 median round toward 3', () => {
    expect(cns([4, 5, 4, 5])).toMatchObject({ median: 4.5, verdict: 'mostly-true', verdictRating: 4 });
    expect(cns([1, 1, 2, 2])).toMatchObject({ median: 1.5, verdict: 'mostly-false', verdictRating: 2 });
    expect(cns([2, 2, 3, 3])).toMatchObject({ median: 2.5, verdict: 'mixed', verdictRating: 3 });
    expect(cns([3, 3, 4, 4])).toMatchObject({ median: 3.5, verdict: 'mixed', verdictRating: 3 });
    expect(cns([4, 5, 4, 5]).consensus).toBeCloseTo(1 + Math.log2(1 - 0.5 / 4), 12);
  });

  it('5, 5, 4, 3: Cns ≈ 0.6918 < 0.75, contested', () => {
    const c = cns([5, 5, 4, 3]);
    expect(c.mean).toBe(4.25);
    expect(c.consensus).toBeCloseTo(0.691800, 6);
    expect(c.verdict).toBe('contested');
    expect(c.verdictRating).toBeNull();
  });

  it('an even split between the ends has consensus 0; a uniform spread ≈ 0.434', () => {
    expect(cns([1, 5, 1, 5])).toMatchObject({ consensus: 0, verdict: 'contested', mean: 3, median: 3 });
    expect(cns([1, 2, 3, 4, 5]).consensus).toBeCloseTo(0.433985, 6);
  });

  it('unverifiable wins only when it outnumbers numeric votes', () => {
    expect(cns(['unverifiable', 'unverifiable', 3])).toMatchObject({ verdict: 'unverifiable', n: 1, unverifiable: 2 });
    expect(cns(['unverifiable', 'unverifiable', 'unverifiable'])).toMatchObject({ verdict: 'unverifiable', n: 0, consensus: null });
    // a tie goes on to the other rules
    expect(cns(['unverifiable', 'unverifiable', 3, 3])).toMatchObject({ verdict: 'insufficient' });
    expect(cns(['unverifiable', 3, 3, 3])).toMatchObject({ verdict: 'mixed', unverifiable: 1 });
  });

  it('a consensus equal to the threshold passes despite rounding', () => {
    // Cns of [4,4,5,3] is 1 + ½·log2(¾); use exactly that as the threshold.
    const threshold = 1 + 0.5 * Math.log2(0.75);
    expect(claimConsensus([3, 4, 4, 5], { quorum: 3, threshold }).verdict).toBe('mostly-true');
  });

  it('does not depend on the order of votes', () => {
    const a = cns([5, 1, 4, 'unverifiable', 4, 2]);
    const b = cns([4, 'unverifiable', 2, 4, 1, 5]);
    expect(a).toEqual(b);
  });
});

describe('helpers', () => {
  it('median of a distribution', () => {
    expect(medianOf(distributionOf([1, 2, 5]).distribution)).toBe(2);
    expect(medianOf(distributionOf([1, 2, 4, 5]).distribution)).toBe(3);
    expect(medianOf(distributionOf([]).distribution)).toBeNull();
  });

  it('roundMedian: integers stay, .5 goes toward 3', () => {
    expect([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5].map(roundMedian)).toEqual([1, 2, 2, 3, 3, 3, 4, 4, 5]);
  });

  it('tastleWierman of no votes is null', () => {
    expect(tastleWierman(distributionOf([]).distribution)).toBeNull();
  });
});

describe('boardConsensus', () => {
  it('computes each claim and the ordinal alpha, ignoring votes on unknown claims', () => {
    const result = boardConsensus(
      ['c1', 'c2', 'c3', 'c4'],
      [
        { votes: [{ claimId: 'c1', rating: 5 }, { claimId: 'c2', rating: 1 }, { claimId: 'c3', rating: 3 }, { claimId: 'c4', rating: 4 }, { claimId: 'gone', rating: 1 }] },
        { votes: [{ claimId: 'c1', rating: 5 }, { claimId: 'c2', rating: 2 }, { claimId: 'c3', rating: 'unverifiable' }, { claimId: 'c4', rating: 4 }] },
        { votes: [{ claimId: 'c1', rating: 4 }, { claimId: 'c2', rating: 1 }, { claimId: 'c3', rating: 3 }, { claimId: 'c4', rating: 5 }] },
      ],
      { quorum: 3, threshold: 0.75 },
    );
    expect([...result.claims.keys()]).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(result.claims.get('c3')).toMatchObject({ n: 2, unverifiable: 1, verdict: 'insufficient' });
    // README worked example: α = 1 − 10 · 40.5 / 2310
    expect(result.alpha.alpha).toBeCloseTo(1 - (10 * 40.5) / 2310, 12);
    expect(result.alpha).toMatchObject({ units: 4, pairable: 11, metric: 'ordinal' });
  });

  it('[M4] a former member\'s ballot counts only when the board says so, in the claims and in alpha', () => {
    const members = [
      { votes: [{ claimId: 'c1', rating: 4 as const }, { claimId: 'c2', rating: 2 as const }] },
      { votes: [{ claimId: 'c1', rating: 4 as const }, { claimId: 'c2', rating: 2 as const }] },
      { votes: [{ claimId: 'c1', rating: 5 as const }, { claimId: 'c2', rating: 1 as const }] },
    ];
    const former = { former: true, votes: [{ claimId: 'c1', rating: 1 as const }, { claimId: 'c2', rating: 5 as const }] };
    const params = { quorum: 3, threshold: 0.75 };
    const without = boardConsensus(['c1', 'c2'], [...members, former], params);
    // Exactly as if the former member had never voted…
    expect(without).toEqual(boardConsensus(['c1', 'c2'], members, params));
    expect(without.claims.get('c1')).toMatchObject({ n: 3, verdict: 'mostly-true' });
    // …unless the board counts former members: then as a member's ballot.
    const counted = boardConsensus(['c1', 'c2'], [...members, former], { ...params, countFormerMembers: true });
    expect(counted).toEqual(boardConsensus(['c1', 'c2'], [...members, { votes: former.votes }], params));
    expect(counted.claims.get('c1')).toMatchObject({ n: 4, verdict: 'contested' });
    expect(counted.alpha.pairable).toBe(8);
    expect(without.alpha.pairable).toBe(6);
    expect(countsTowardConsensus({}, {})).toBe(true);
    expect(countsTowardConsensus({ former: true })).toBe(false);
    expect(countsTowardConsensus({ former: true }, { countFormerMembers: true })).toBe(true);
  });

  it('has no alpha without pairable votes', () => {
    expect(boardConsensus(['c1'], [{ votes: [{ claimId: 'c1', rating: 3 }] }]).alpha.alpha).toBeNull();
    expect(boardConsensus([], []).alpha).toMatchObject({ alpha: null, units: 0, pairable: 0 });
  });
});
