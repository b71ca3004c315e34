/**
 * [V3] The validator batches the requests of one turn into one worker message; a batch
 * that runs past the deadline is split so that only the slow update is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { UpdateValidator } from '../../server/docs/validator.js';
import { heavyUpdate } from '../helpers/updates.js';
import { mapSetUpdate } from '../helpers/raw.js';

const validator = new UpdateValidator(150, pino({ level: 'silent' }));
afterAll(() => validator.close());

describe('[V3] validator batches', () => {
  it('a batch of good updates is answered in order', async () => {
    const goods = Array.from({ length: 50 }, (_, i) => mapSetUpdate('votes', `k${i}`, { rating: 3, confidence: 'low', at: i }));
    const results = await Promise.all(goods.map((u) => validator.validate(u)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? r.summary.segs.length : -1))).toEqual(goods.map(() => 3));
  });

  it('a slow update in a batch fails alone; its batchmates and later requests pass', async () => {
    const before = validator.timeouts;
    const good = (i: number) => mapSetUpdate('votes', `g${i}`, { rating: 4, confidence: 'high', at: i });
    const batch = [good(1), heavyUpdate(512 * 1024), good(2), good(3)];
    const results = await Promise.all(batch.map((u) => validator.validate(u)));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'UPDATE_TIMEOUT', 'ok', 'ok']);
    expect(validator.timeouts).toBeGreaterThan(before);
    expect((await validator.validate(good(4))).ok).toBe(true);
  });

  it('malformed updates in a batch are refused one by one', async () => {
    const results = await Promise.all([new Uint8Array([1, 2, 3]), mapSetUpdate('votes', 'x', 1), new Uint8Array([255, 255, 255, 255])].map((u) => validator.validate(u)));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['UPDATE_MALFORMED', 'ok', 'UPDATE_MALFORMED']);
  });
});
