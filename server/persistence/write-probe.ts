/**
 * The store's health for GET /health [S11]: a real committed write, not a ping. A load
 * balancer polls often, so one result serves every check for `cacheMs` (no fsync per hit),
 * checks arriving while a probe runs share it, and a probe that has not answered within
 * `timeoutMs` counts as a failure (a hung store must not hang /health).
 */
import type { Logger } from 'pino';
import type { Store } from './store.js';

export const HEALTH_PROBE_CACHE_MS = 1000;
export const HEALTH_PROBE_TIMEOUT_MS = 3000;

export interface ProbeResult {
  writable: boolean;
  /** When the probe that produced this result started (epoch ms). */
  checkedAt: number;
  /** Why it failed (for the log, not for the answer). */
  error?: string;
}

export class WriteProbe {
  #last: ProbeResult | null = null;
  #running: Promise<ProbeResult> | null = null;

  readonly #store: Pick<Store, 'probeWrite'>;
  readonly #logger: Logger;
  readonly #cacheMs: number;
  readonly #timeoutMs: number;

  /** Wall-clock time, not the app's injectable clock: the cache must expire under a frozen test clock too. */
  readonly #now = Date.now;

  constructor(store: Pick<Store, 'probeWrite'>, logger: Logger, opts: { cacheMs?: number; timeoutMs?: number } = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#cacheMs = opts.cacheMs ?? HEALTH_PROBE_CACHE_MS;
    this.#timeoutMs = opts.timeoutMs ?? HEALTH_PROBE_TIMEOUT_MS;
  }

  check(): Promise<ProbeResult> {
    const last = this.#last;
    if (last && this.#now() - last.checkedAt < this.#cacheMs) return Promise.resolve(last);
    return (this.#running ??= this.#probe().finally(() => (this.#running = null)));
  }

  async #probe(): Promise<ProbeResult> {
    const checkedAt = this.#now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    let result: ProbeResult;
    try {
      await Promise.race([this.#store.probeWrite(checkedAt), deadline]);
      result = { writable: true, checkedAt };
    } catch (err) {
      result = { writable: false, checkedAt, error: String((err as Error)?.message ?? err) };
      this.#logger.error({ error: result.error }, 'health: the store cannot commit a write');
    } finally {
      clearTimeout(timer);
    }
    this.#last = result;
    return result;
  }
}
