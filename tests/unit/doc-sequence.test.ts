import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocSequence } from '../../server/docs/doc-sequence.js';

describe('[K4] DocSequence', () => {
  it('advances over contiguous rows and holds rows beyond a gap', () => {
    const s = new DocSequence(3);
    s.mark(5);
    expect([s.watermark, s.highest, s.hasGap, s.has(5), s.has(4)]).toEqual([3, 5, true, true, false]);
    s.mark(4);
    expect([s.watermark, s.hasGap]).toEqual([5, false]);
    s.mark(2); // a duplicate below the watermark changes nothing
    expect(s.watermark).toBe(5);
  });

  it('a catch-up through a compacted range covers everything up to the last row read', () => {
    const s = new DocSequence(1);
    s.mark(7);
    s.mark(9);
    s.caughtUp(8); // rows 2..8 read (compacted into one at 8 elsewhere): 9 is contiguous now
    expect([s.watermark, s.hasGap]).toEqual([9, false]);
  });

  it('in any arrival order, marking every row 1..n ends at watermark n with no gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }).chain((n) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n })), (order) => {
        const s = new DocSequence(0);
        let prev = 0;
        for (const seq of order) {
          s.mark(seq);
          expect(s.watermark).toBeGreaterThanOrEqual(prev); // never moves back
          prev = s.watermark;
        }
        expect([s.watermark, s.hasGap]).toEqual([order.length, false]);
      }),
    );
  });
});
