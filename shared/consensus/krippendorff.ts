/**
 * Krippendorff's alpha, following Krippendorff, "Computing Krippendorff's Alpha-Reliability"
 * (2011): build the coincidence matrix from every unit with at least two pairable values,
 * then α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
 * Missing values are simply absent; units with fewer than two values are dropped.
 */

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface AlphaResult {
  /** Null when undefined: fewer than two pairable values, or no variation at all (every
   * pairable value equal, so expected disagreement is 0 and α would be 0/0). */
  alpha: number | null;
  /** Pairable values n (the sum of the coincidence matrix). */
  pairable: number;
  /** Units with at least two values. */
  units: number;
  metric: AlphaMetric;
}

/**
 * α over a reliability data matrix given as units, each the list of values the coders gave
 * it (null or undefined = missing; coder identity does not enter α).
 */
export function krippendorffAlpha(
  units: ReadonlyArray<ReadonlyArray<number | null | undefined>>,
  metric: AlphaMetric,
): AlphaResult {
  // Distinct values, sorted: the ordinal metric needs their rank order.
  const valueSet = new Set<number>();
  const pairableUnits: number[][] = [];
  for (const unit of units) {
    const values = unit.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length < 2) continue;
    pairableUnits.push(values);
    for (const v of values) valueSet.add(v);
  }
  const values = [...valueSet].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const V = values.length;

  // Coincidence matrix o[c][k]: each ordered pair of values within a unit, weighted 1/(m_u − 1).
  const o: number[][] = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (const unit of pairableUnits) {
    const counts = new Array<number>(V).fill(0);
    for (const v of unit) counts[index.get(v)!]! += 1;
    const weight = 1 / (unit.length - 1);
    for (let c = 0; c < V; c++) {
      const nc = counts[c]!;
      if (nc === 0) continue;
      for (let k = 0; k < V; k++) {
        const nk = counts[k]!;
        if (nk === 0) continue;
        o[c]![k]! += (nc * (c === k ? nk - 1 : nk)) * weight;
      }
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  const result = { pairable: round(n), units: pairableUnits.length, metric };
  if (n <= 1) return { alpha: null, ...result };

  const delta = differenceFunction(metric, values, nc);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      if (c === k) continue;
      const d2 = delta(c, k);
      observed += o[c]![k]! * d2;
      expected += nc[c]! * nc[k]! * d2;
    }
  }
  if (expected === 0) return { alpha: null, ...result };
  return { alpha: 1 - ((n - 1) * observed) / expected, ...result };
}

/** δ²(c, k) between the values at sorted indices c and k. */
function differenceFunction(
  metric: AlphaMetric,
  values: readonly number[],
  nc: readonly number[],
): (c: number, k: number) => number {
  switch (metric) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case 'ratio':
      return (c, k) => {
        const sum = values[c]! + values[k]!;
        return sum === 0 ? 0 : ((values[c]! - values[k]!) / sum) ** 2;
      };
    case 'ordinal': {
      // δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², with prefix sums over the sorted values.
      const prefix = [0];
      for (const x of nc) prefix.push(prefix[prefix.length - 1]! + x);
      return (c, k) => {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        const between = prefix[hi + 1]! - prefix[lo]!;
        return (between - (nc[lo]! + nc[hi]!) / 2) ** 2;
      };
    }
  }
}

/** Pairable counts are sums of fractions 1/(m−1); round away float noise for display. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
