/**
 * [V7] Small updates are validated by a worker of their own: a vote is not kept waiting
 * behind a large update (here ~900 KB, which takes a worker a good part of a second to
 * decode, apply and merge). Asserted by the order the answers come in, not by time: one
 * worker answers in arrival order, so there the large update's answer comes first.
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LanedValidator, SMALL_UPDATE_MAX_BYTES } from '../../server/docs/validator-lanes.js';

const validator = new LanedValidator(30_000, pino({ level: 'silent' }));
afterAll(() => validator.close());

describe('validator lanes [V7]', () => {
  it('a small update asked after a large one is answered first', async () => {
    await validator.ready;
    const big = new Y.Doc();
    big.transact(() => {
      for (let i = 0; i < 20_000; i++) big.getMap('notes').set(`n${i}`, { claimId: 'c', body: 'x', at: i });
    });
    const bigUpdate = Y.encodeStateAsUpdate(big);
    expect(bigUpdate.length).toBeGreaterThan(800_000);
    const small = new Y.Doc();
    small.getMap('votes').set('c1', { rating: 4, confidence: 'high', at: 1 });
    const smallUpdate = Y.encodeStateAsUpdate(small);
    expect(smallUpdate.length).toBeLessThanOrEqual(SMALL_UPDATE_MAX_BYTES);

    const order: string[] = [];
    const large = validator.validate(bigUpdate).then((r) => (order.push('large'), r));
    const smallAnswer = validator.validate(smallUpdate).then((r) => (order.push('small'), r));
    expect((await smallAnswer).ok).toBe(true);
    expect((await large).ok).toBe(true);
    expect(order).toEqual(['small', 'large']);
    expect(validator.timeouts).toBe(0);
  });
});
