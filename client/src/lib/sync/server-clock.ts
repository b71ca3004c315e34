/**
 * ServerClock: the offset between this device's clock and the server's, so live-review
 * timers show the same remaining time on every client whatever their clocks say.
 *
 * NTP-style: each sample asks the server for its time; the answer was made somewhere
 * within the round trip, so the server's `now` is matched with the local midpoint
 * (t0 + t1) / 2. The sample with the smallest round trip bounds the error best (±rtt/2),
 * so it wins. Round trips are measured with `performance.now()` (monotonic, sub-ms);
 * the local epoch is `Date.now()`, the clock the rest of the client uses.
 */

export interface ClockSample {
  /** serverNow − local midpoint, ms. */
  offset: number;
  /** Round trip, ms. */
  rtt: number;
}

export interface ClockEstimate extends ClockSample {
  /** Local epoch ms when it was made. */
  at: number;
  samples: number;
}

export type FetchServerNow = () => Promise<number>;

/** The best (smallest round trip) of the samples; null when there are none. */
export function bestSample(samples: ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (best === null || s.rtt < best.rtt) best = s;
  return best;
}

export class ServerClock {
  #fetchNow: FetchServerNow;
  #estimate: ClockEstimate | null = null;
  #running: Promise<ClockEstimate | null> | null = null;
  #onChange: (e: ClockEstimate) => void;

  constructor(fetchNow: FetchServerNow, onChange: (e: ClockEstimate) => void) {
    this.#fetchNow = fetchNow;
    this.#onChange = onChange;
  }

  /** The latest estimate (null before the first one succeeded). */
  get estimate(): ClockEstimate | null {
    return this.#estimate;
  }

  /** Server epoch ms now, as well as this device can tell (its own clock before any estimate). */
  now(): number {
    return Date.now() + (this.#estimate?.offset ?? 0);
  }

  /** Whether the estimate is missing or older than `maxAgeMs`. */
  stale(maxAgeMs: number): boolean {
    return this.#estimate === null || Date.now() - this.#estimate.at > maxAgeMs;
  }

  /**
   * Takes `count` samples one after another and keeps the best; one estimate runs at a
   * time (a second call shares it). Failed samples are skipped; with none, the previous
   * estimate stays.
   */
  sync(count = 5): Promise<ClockEstimate | null> {
    this.#running ??= this.#sample(count).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #sample(count: number): Promise<ClockEstimate | null> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = Date.now();
      const p0 = performance.now();
      let serverNow: number;
      try {
        serverNow = await this.#fetchNow();
      } catch {
        continue;
      }
      const rtt = performance.now() - p0;
      if (!Number.isFinite(serverNow)) continue;
      samples.push({ offset: serverNow - (t0 + rtt / 2), rtt });
    }
    const best = bestSample(samples);
    if (best === null) return this.#estimate;
    this.#estimate = { ...best, at: Date.now(), samples: samples.length };
    this.#onChange(this.#estimate);
    return this.#estimate;
  }
}
