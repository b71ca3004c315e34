import { describe, expect, it } from 'vitest';
import { krippendorffAlpha, type AlphaMetric } from '../../shared/consensus/index.js';

/**
 * Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four
 * observers, twelve units, missing values marked null. Published: nominal 0.743, ordinal
 * 0.815, interval 0.849, ratio 0.797.
 */
const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
const UNITS = A.map((_, i) => [A[i], B[i], C[i], D[i]]);

const PUBLISHED: Record<AlphaMetric, number> = { nominal: 0.743, ordinal: 0.815, interval: 0.849, ratio: 0.797 };

describe("Krippendorff's alpha", () => {
  for (const [metric, value] of Object.entries(PUBLISHED) as [AlphaMetric, number][]) {
    it(`matches the published ${metric} value ${value} on Krippendorff's (2011) example`, () => {
      const result = krippendorffAlpha(UNITS, metric);
      expect(Math.round(result.alpha! * 1000) / 1000).toBe(value);
      // unit 12 has a single value and is dropped; the other 11 hold 40 pairable values
      expect(result).toMatchObject({ units: 11, pairable: 40 });
    });
  }

  it('does not depend on the order of units or of coders', () => {
    const shuffled = [...UNITS].reverse().map((u) => [...u].reverse());
    expect(krippendorffAlpha(shuffled, 'ordinal').alpha).toBeCloseTo(krippendorffAlpha(UNITS, 'ordinal').alpha!, 12);
  });

  it('treats missing values as absent: adding empty coders or empty units changes nothing', () => {
    const padded = [...UNITS.map((u) => [...u, null, undefined]), [null, null, null], [4]];
    expect(krippendorffAlpha(padded, 'ordinal').alpha).toBeCloseTo(krippendorffAlpha(UNITS, 'ordinal').alpha!, 12);
  });

  it('is 1 for perfect agreement with variation between units', () => {
    expect(krippendorffAlpha([[1, 1], [3, 3, 3], [5, 5]], 'ordinal').alpha).toBe(1);
  });

  it('is undefined (null) without variation or without pairable values', () => {
    expect(krippendorffAlpha([[3, 3], [3, 3, 3]], 'ordinal').alpha).toBeNull();
    expect(krippendorffAlpha([[3], [4], [null, 5]], 'ordinal')).toMatchObject({ alpha: null, units: 0, pairable: 0 });
    expect(krippendorffAlpha([], 'ordinal').alpha).toBeNull();
  });

  it('goes below 0 for systematic disagreement', () => {
    expect(krippendorffAlpha([[1, 5], [5, 1], [1, 5]], 'ordinal').alpha!).toBeLessThan(0);
  });
});
