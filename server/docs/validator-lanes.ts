/**
 * Two validator workers, one for small updates and one for large ones [V7]. One worker
 * answers in order, so behind a few ~1 MB updates (a second or more each to decode, apply
 * and merge) every vote of every board waited: a member sending heavy updates stalled
 * everyone else's writes for seconds (flood.bench.ts, heavy-updates). Small updates, which
 * are nearly all of them, now have a worker of their own and never wait behind a large one.
 */
import type { Logger } from 'pino';
import { UpdateValidator, type ValidationResult } from './validator.js';

/** Updates up to this size go to the small-update worker. */
export const SMALL_UPDATE_MAX_BYTES = 64 * 1024;

/** What the registry and the stored-row check need of a validator. */
export interface Validator {
  /** `timeoutMs` overrides the deadline (stored rows get a generous one). */
  validate(bytes: Uint8Array, timeoutMs?: number): Promise<ValidationResult>;
  /** Settles once the workers have loaded Yjs and warmed up. */
  readonly ready: Promise<void>;
  /** Workers terminated for exceeding the deadline, so far. */
  readonly timeouts: number;
  close(): Promise<void>;
}

export class LanedValidator implements Validator {
  readonly #small: UpdateValidator;
  readonly #large: UpdateValidator;
  readonly ready: Promise<void>;

  constructor(timeoutMs: number, logger: Logger) {
    this.#small = new UpdateValidator(timeoutMs, logger.child({ lane: 'small' }));
    this.#large = new UpdateValidator(timeoutMs, logger.child({ lane: 'large' }));
    this.ready = Promise.all([this.#small.ready, this.#large.ready]).then(() => undefined);
  }

  validate(bytes: Uint8Array, timeoutMs?: number): Promise<ValidationResult> {
    return (bytes.length <= SMALL_UPDATE_MAX_BYTES ? this.#small : this.#large).validate(bytes, timeoutMs);
  }

  get timeouts(): number {
    return this.#small.timeouts + this.#large.timeouts;
  }

  async close(): Promise<void> {
    await Promise.all([this.#small.close(), this.#large.close()]);
  }
}
