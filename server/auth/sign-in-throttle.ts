/**
 * Sign-in back-off [AC4], per account and per address, in memory (per process: a restart
 * forgets it, and so would a second process; both are documented). A key's failures past its
 * threshold lock it for 1 s, doubling with every further failure up to 15 minutes; while
 * locked, an attempt is answered 429 TOO_MANY_ATTEMPTS with Retry-After and costs neither a
 * hash nor a failure. An unknown e-mail is keyed and answered exactly like a known one, so the
 * back-off says nothing about which addresses have accounts. A success clears the account's
 * failures but not the address's, so an attacker who holds one account cannot use it to
 * reset the address they guess others' passwords from. Failures are forgotten after an hour
 * without one.
 */
export interface ThrottleOptions {
  /** Failures of one account before it backs off. */
  accountFailures: number;
  /** Failures from one address before it backs off: higher, as a newsroom shares one. */
  addressFailures: number;
  firstLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
  /** Keys remembered at most (the oldest go first). */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  accountFailures: 5,
  addressFailures: 20,
  firstLockMs: 1000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxKeys: 100_000,
};

interface KeyState {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class SignInThrottle {
  readonly #keys = new Map<string, KeyState>();
  readonly #now: () => number;
  readonly #o: ThrottleOptions;

  constructor(now: () => number = Date.now, opts: ThrottleOptions = DEFAULT_THROTTLE) {
    this.#now = now;
    this.#o = opts;
  }

  /** How long (ms) before this account may be tried from this address; 0: now. */
  wait(account: string, address: string): number {
    const now = this.#now();
    const locked = (k: string) => Math.max(0, (this.#state(k, now)?.lockedUntil ?? 0) - now);
    return Math.max(locked(`a:${account}`), locked(`ip:${address}`));
  }

  failed(account: string, address: string): void {
    const now = this.#now();
    this.#fail(`a:${account}`, this.#o.accountFailures, now);
    this.#fail(`ip:${address}`, this.#o.addressFailures, now);
  }

  succeeded(account: string): void {
    this.#keys.delete(`a:${account}`);
  }

  #state(key: string, now: number): KeyState | undefined {
    const s = this.#keys.get(key);
    if (s && now - s.lastFailure > this.#o.forgetAfterMs && s.lockedUntil <= now) {
      this.#keys.delete(key);
      return undefined;
    }
    return s;
  }

  #fail(key: string, threshold: number, now: number): void {
    const s = this.#state(key, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    s.failures++;
    s.lastFailure = now;
    if (s.failures >= threshold) {
      const lock = Math.min(this.#o.firstLockMs * 2 ** Math.min(s.failures - threshold, 30), this.#o.maxLockMs);
      s.lockedUntil = now + lock;
    }
    // Re-inserted, so the map's order is the order of last failure: the oldest go first.
    this.#keys.delete(key);
    this.#keys.set(key, s);
    if (this.#keys.size > this.#o.maxKeys) this.#keys.delete(this.#keys.keys().next().value!);
  }
}
