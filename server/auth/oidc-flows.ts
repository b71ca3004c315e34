/**
 * Sign-in attempts under way: what the callback must check (state, nonce, the PKCE
 * verifier) and where to go afterwards, kept on the server under a random id that the
 * browser holds in a short-lived cookie. Each attempt is taken once (a replayed or second
 * callback finds nothing), expires after `ttlMs`, and at most `max` are kept: a new one
 * beyond that pushes out the oldest. Per process (a cluster needs sticky sessions for the
 * two requests of one sign-in, or a shared store here).
 */
import { randomBytes } from 'node:crypto';

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A same-site path (checked by safeNextPath). */
  next: string;
}

/** 32 random bytes, base64url: the cookie's value. */
export const FLOW_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class PendingSignIns {
  /** Insertion order is age order: the first entry is the oldest. */
  readonly #flows = new Map<string, PendingSignIn & { expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.#flows.size;
  }

  /** Keeps the attempt and answers the id to hand the browser. */
  add(flow: PendingSignIn): string {
    this.#sweep();
    while (this.#flows.size >= this.max) {
      const oldest = this.#flows.keys().next().value;
      if (oldest === undefined) break;
      this.#flows.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.#flows.set(id, { ...flow, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The attempt under `id`, removed (single use); null if unknown or expired. */
  take(id: string): PendingSignIn | null {
    if (!FLOW_ID_PATTERN.test(id)) return null;
    const flow = this.#flows.get(id);
    if (!flow) return null;
    this.#flows.delete(id);
    if (flow.expiresAt <= this.now()) return null;
    const { expiresAt: _, ...rest } = flow;
    return rest;
  }

  /** Drops expired attempts from the old end; stops at the first live one. */
  #sweep(): void {
    const t = this.now();
    for (const [id, flow] of this.#flows) {
      if (flow.expiresAt > t) break;
      this.#flows.delete(id);
    }
  }
}
