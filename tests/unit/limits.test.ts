import { describe, expect, it } from 'vitest';
import { FrameLimiter, KeyedBuckets, TokenBucket } from '../../server/limits.js';

describe('[L1] token buckets', () => {
  it('allows a burst, then the sustained rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 5, () => t);
    expect(Array.from({ length: 7 }, () => b.take())).toEqual([true, true, true, true, true, false, false]);
    t += 100; // one token refilled
    expect([b.take(), b.take()]).toEqual([true, false]);
    t += 10_000;
    expect(b.idle).toBe(true);
  });

  it('keys are independent', () => {
    const k = new KeyedBuckets(1, 2, () => 0);
    expect([k.take('a'), k.take('a'), k.take('a'), k.take('b')]).toEqual([true, true, false, true]);
  });

  it('[L2] a connection far over its rate becomes abusive; one slightly over is only limited', () => {
    let t = 0;
    const slightly = new FrameLimiter(10, 10, () => t);
    const verdicts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      t += 80; // 12.5 frames/s against 10 allowed
      verdicts.add(slightly.take());
    }
    expect(verdicts).toEqual(new Set(['ok', 'limited']));
    const flood = new FrameLimiter(10, 10, () => t);
    let v = 'ok';
    for (let i = 0; i < 100 && v !== 'abusive'; i++) v = flood.take();
    expect(v).toBe('abusive');
  });
});
