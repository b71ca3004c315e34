import { describe, expect, it } from 'vitest';
import { compareByOrder, fromBase64, orderBetween, randomId, rebalancedOrders, toBase64, ENTITY_ID_PATTERN } from '../../shared/model/index.js';

describe('orderBetween', () => {
  it('picks a number strictly between neighbours, or past the only neighbour', () => {
    expect(orderBetween(undefined, undefined)).toBe(1);
    expect(orderBetween(3, undefined)).toBe(4);
    expect(orderBetween(undefined, 3)).toBe(2);
    expect(orderBetween(1, 2)).toBe(1.5);
  });

  it('returns null when the gap cannot be split or the neighbours are out of order', () => {
    expect(orderBetween(1, 1 + Number.EPSILON)).toBeNull();
    expect(orderBetween(2, 2)).toBeNull();
    expect(orderBetween(3, 1)).toBeNull();
  });

  it('sorts by order and breaks ties by id', () => {
    const list = [
      { id: 'b', order: 1 },
      { id: 'a', order: 1 },
      { id: 'c', order: 0.5 },
    ].sort(compareByOrder);
    expect(list.map((c) => c.id)).toEqual(['c', 'a', 'b']);
    expect(rebalancedOrders(3)).toEqual([1, 2, 3]);
  });
});

describe('base64', () => {
  it('matches Node for every length mod 3 and round-trips', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
      const encoded = toBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(encoded)).toEqual(bytes);
    }
    expect(fromBase64('not base64!')).toBeNull();
  });
});

describe('randomId', () => {
  it('makes valid, distinct entity ids', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(ENTITY_ID_PATTERN);
  });
});
