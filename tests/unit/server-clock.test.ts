/**
 * [L6] ServerClock: the offset estimate that lets every client show a live-review timer in
 * server time. A fake server whose clock is ahead by a known amount answers after
 * asymmetric delays; the estimate must land within half the best round trip.
 */
import { describe, expect, it } from 'vitest';
import { bestSample, ServerClock } from '../../client/src/lib/sync/server-clock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('[L6] server clock', () => {
  it('keeps the sample with the smallest round trip', () => {
    expect(bestSample([])).toBeNull();
    expect(bestSample([{ offset: 10, rtt: 40 }, { offset: 3, rtt: 4 }, { offset: 7, rtt: 9 }])).toEqual({ offset: 3, rtt: 4 });
  });

  it('estimates a server clock 90 s ahead within half the best round trip, whatever the delays', async () => {
    const SKEW = 90_000;
    const delays = [[30, 5], [2, 2], [5, 40], [1, 1], [20, 3]] as const;
    let i = 0;
    const fetchNow = async () => {
      const [before, after] = delays[i++ % delays.length]!;
      await sleep(before);
      const now = Date.now() + SKEW;
      await sleep(after);
      return now;
    };
    const seen: number[] = [];
    const clock = new ServerClock(fetchNow, (e) => seen.push(e.offset));
    const e = await clock.sync(5);
    expect(e).not.toBeNull();
    expect(e!.samples).toBe(5);
    expect(Math.abs(e!.offset - SKEW)).toBeLessThanOrEqual(e!.rtt / 2 + 2);
    expect(e!.rtt).toBeLessThan(30);
    expect(seen).toEqual([e!.offset]);
    expect(Math.abs(clock.now() - (Date.now() + SKEW))).toBeLessThan(e!.rtt / 2 + 5);
  });

  it('skips failed samples and keeps the previous estimate when all fail; one sync runs at a time', async () => {
    let fail = false;
    let calls = 0;
    const clock = new ServerClock(async () => {
      calls++;
      if (fail) throw new Error('offline');
      return Date.now() + 5_000;
    }, () => undefined);
    const [x, y] = await Promise.all([clock.sync(2), clock.sync(2)]);
    expect(x).toBe(y);
    expect(calls).toBe(2);
    fail = true;
    const again = await clock.sync(3);
    expect(again).toBe(x);
    expect(clock.stale(60_000)).toBe(false);
  });
});
