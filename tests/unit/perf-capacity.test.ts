/**
 * The benchmark report's verdict on issue 6's capacity ratio: a capacity that is only a lower
 * bound (the next N up was not decisive, or was the largest N run) may be anything up to the
 * largest N run, so it decides only when even that extreme keeps or breaks the inequality.
 */
import { describe, expect, it } from 'vitest';
import { atLeast, type Capacity } from '../bench/perf-report.js';

const NS = [25, 50, 100, 200, 400];
const exact = (n: number | null): Capacity => ({ n, lowerBound: false, why: '' });
const atLeastN = (n: number | null): Capacity => ({ n, lowerBound: true, why: '' });

describe('capacity verdict (largest N at p99 ≤ 50 ms)', () => {
  it('is met when the lower bound already covers the factor times the other exact value', () => {
    expect(atLeast(atLeastN(400), exact(200), 1.5, NS).verdict).toBe('met');
    expect(atLeast(exact(400), exact(200), 2, NS).verdict).toBe('met');
    // Passing every N run is at least any capacity the other can have on those N.
    expect(atLeast(atLeastN(400), atLeastN(200), 1, NS).verdict).toBe('met');
  });

  it('is not met when even the upper extreme falls short', () => {
    expect(atLeast(exact(200), exact(200), 1.5, NS).verdict).toBe('not met');
    expect(atLeast(exact(100), atLeastN(200), 1, NS).verdict).toBe('not met');
    expect(atLeast(exact(null), exact(25), 1, NS).verdict).toBe('not met');
  });

  it('is left open when a lower bound could fall on either side', () => {
    // The other server might manage 400 as well: 1.5 × that is out of reach.
    expect(atLeast(atLeastN(400), atLeastN(200), 1.5, NS).verdict).toBe('undecided');
    // Ours might be anything from 200 to 400, against 200 × 1.5 = 300.
    expect(atLeast(atLeastN(200), exact(200), 1.5, NS).verdict).toBe('undecided');
    expect(atLeast(undefined, exact(200), 1.5, NS).verdict).toBe('undecided');
    // Both passed every N of a short run: the run did not reach far enough to tell.
    expect(atLeast(atLeastN(100), atLeastN(100), 1.5, [25, 50, 100]).verdict).toBe('undecided');
    expect(atLeast(atLeastN(200), exact(200), 1.5, NS).verdict).toBe('undecided');
  });
});
