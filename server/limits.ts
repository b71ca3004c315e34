/**
 * Token buckets for rate limits [L1–L4]. A bucket holds up to `burst` tokens and refills at
 * `perSecond`; taking from an empty bucket fails. Kept synchronous and allocation-free
 * because it sits on the path of every frame.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes `n` tokens if there are enough; false means the caller is over its rate. */
  take(n = 1): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
    this.#last = t;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Full again (nothing taken for long enough): the keyed map may forget it. */
  get idle(): boolean {
    const t = this.now();
    return this.#tokens + ((t - this.#last) / 1000) * this.perSecond >= this.burst;
  }
}

/** One bucket per key (an IP address), forgotten once full again. */
export class KeyedBuckets {
  readonly #buckets = new Map<string, TokenBucket>();
  #sweeps = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, n = 1): boolean {
    let b = this.#buckets.get(key);
    if (!b) this.#buckets.set(key, (b = new TokenBucket(this.perSecond, this.burst, this.now)));
    const ok = b.take(n);
    // Sweep now and then so a scan of many addresses cannot grow the map without bound.
    if (++this.#sweeps % 1024 === 0) for (const [k, v] of this.#buckets) if (v.idle) this.#buckets.delete(k);
    return ok;
  }
}

/**
 * Per-connection frame limit: frames over the rate are refused; a connection that keeps
 * sending regardless (more refusals in one second than twice its allowed rate) is abusive
 * and gets disconnected, so a flood costs the server as little as possible.
 */
export class FrameLimiter {
  readonly #bucket: TokenBucket;
  #windowStart = 0;
  #refusedInWindow = 0;

  constructor(
    private readonly perSecond: number,
    burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#bucket = new TokenBucket(perSecond, burst, now);
  }

  take(): 'ok' | 'limited' | 'abusive' {
    if (this.#bucket.take()) return 'ok';
    const t = this.now();
    if (t - this.#windowStart >= 1000) {
      this.#windowStart = t;
      this.#refusedInWindow = 0;
    }
    return ++this.#refusedInWindow > 2 * this.perSecond ? 'abusive' : 'limited';
  }
}
