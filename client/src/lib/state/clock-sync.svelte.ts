/**
 * ClockSync: the server's clock as this device estimates it (sync/server-clock.ts), kept
 * fresh while a live review runs — its timers count in server time. Estimated when a review
 * starts, when the connection comes back (the clock may have jumped meanwhile), and again
 * every CLOCK_RESYNC_MS while the review runs (clocks drift and sleep).
 */
import { ServerClock, type FetchServerNow } from '../sync/server-clock.js';

/** How often the estimate is refreshed while a review runs. */
export const CLOCK_RESYNC_MS = 60_000;

export class ClockSync {
  readonly #clock: ServerClock;
  readonly #wanted: () => boolean;
  #offset = $state(0);
  #rtt = $state<number | null>(null);
  #timer: ReturnType<typeof setInterval> | null = null;

  /** `wanted`: whether an estimate is worth a request now (a review runs and we are online). */
  constructor(fetchNow: FetchServerNow, wanted: () => boolean) {
    this.#wanted = wanted;
    this.#clock = new ServerClock(fetchNow, (e) => {
      this.#offset = e.offset;
      this.#rtt = e.rtt;
    });
    this.#timer = setInterval(() => {
      if (this.#wanted()) void this.#clock.sync(3);
    }, CLOCK_RESYNC_MS);
  }

  /** Server epoch ms minus this device's, estimated NTP-style (0 until the first estimate). */
  get offset(): number {
    return this.#offset;
  }
  /** Round trip of the sample behind the offset; null before the first estimate. */
  get rtt(): number | null {
    return this.#rtt;
  }
  /** Server epoch ms now (not reactive: read it from a ticking view). */
  serverNow(): number {
    return Date.now() + this.#offset;
  }

  /** A fresh estimate (a review starts, or the connection came back during one). */
  sync(): Promise<unknown> {
    return this.#clock.sync();
  }
  /** A fresh estimate if the last one is older than the resync period and one is wanted. */
  syncIfStale(): void {
    if (this.#wanted() && this.#clock.stale(CLOCK_RESYNC_MS)) void this.#clock.sync();
  }

  destroy(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
