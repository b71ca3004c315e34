/**
 * Fractional ordering of claims. Each claim stores a number `order`; the board lists claims
 * by (order, id). Inserting between two claims picks a number between theirs, so no other
 * claim is rewritten and concurrent inserts by two editors merge without conflict: if both
 * pick the same number, the id breaks the tie identically on every replica.
 */

export interface Ordered {
  id: string;
  order: number;
}

/** Total order of claims: by order, then by id (code-unit order, as every replica sorts). */
export function compareByOrder(a: Ordered, b: Ordered): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Gap between consecutive orders after a rebalance and when appending. */
export const ORDER_STEP = 1;

/**
 * A number strictly between `before` and `after` (either may be absent: start or end of
 * the list). Returns null when doubles can no longer split the gap (about 50 inserts at
 * the same spot); the caller then rebalances with `rebalancedOrders`.
 */
export function orderBetween(before: number | undefined, after: number | undefined): number | null {
  if (before === undefined && after === undefined) return ORDER_STEP;
  if (before === undefined) return (after as number) - ORDER_STEP;
  if (after === undefined) return before + ORDER_STEP;
  if (!(before < after)) return null;
  const mid = before + (after - before) / 2;
  return mid > before && mid < after ? mid : null;
}

/** Evenly spaced orders for a list already in display order: 1, 2, 3… */
export function rebalancedOrders(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + 1) * ORDER_STEP);
}
