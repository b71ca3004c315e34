/**
 * Token buckets for rate limits [P6, T14, T16, W6]. A bucket holds up to `burst` tokens and refills at
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

/**
 * Users whose connection was closed for flooding, refused new connections for a while [P6]:
 * without it a flooder reconnects at once and floods again, up to the connection-attempt
 * limit. Keyed by user, not address: behind one proxy or office NAT, one user's flood must
 * not lock out their colleagues.
 */
export class FloodCooldown {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(userId: string): void {
    if (this.ms <= 0) return;
    const t = this.now();
    // Forget expired entries now and then, so the map stays as small as the current floods.
    if (this.#until.size > 1024) for (const [k, until] of this.#until) if (until <= t) this.#until.delete(k);
    this.#until.set(userId, t + this.ms);
  }

  /** Milliseconds the user must still wait (0: they may connect). */
  remaining(userId: string): number {
    const until = this.#until.get(userId);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.#until.delete(userId);
    return 0;
  }
}
