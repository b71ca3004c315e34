/**
 * What one realtime connection may cost the server, whichever transport carries it
 * [T14, W6]: documents subscribed at once, document opens per second (each is a read check
 * and a diff of the document), and awareness bytes per second (each is decoded, applied
 * and sent to every peer on the board). Each refusal names its code, and the connection
 * stays open: a legitimate client that hits one backs off; the frame limit deals with one
 * that does not.
 */
import { ErrorCode, fail, type Ack } from '../../shared/protocol/errors.js';
import type { RealtimeLimits } from '../config.js';
import { TokenBucket } from '../limits.js';

export class ConnLimits {
  readonly #opens: TokenBucket;
  readonly #awareness: TokenBucket;

  constructor(
    private readonly limits: RealtimeLimits,
    now: () => number = Date.now,
  ) {
    this.#opens = new TokenBucket(limits.docOpensPerSec, limits.docOpensBurst, now);
    this.#awareness = new TokenBucket(limits.awarenessBytesPerSec, limits.awarenessBytesBurst, now);
  }

  /**
   * May the connection, subscribed to `subscribed` docs, open `fresh` more of them and
   * answer `opens` open requests now? Takes the opens from the budget when it may.
   */
  open(opens: number, subscribed: number, fresh: number): Ack<never> | null {
    if (subscribed + fresh > this.limits.maxDocsPerConnection) {
      return fail(ErrorCode.TooManyDocs, `at most ${this.limits.maxDocsPerConnection} docs on one connection`);
    }
    if (!this.#opens.take(opens)) {
      return fail(ErrorCode.RateLimited, `more than ${this.limits.docOpensPerSec} document opens per second`);
    }
    return null;
  }

  /** Takes an awareness update's bytes from the budget, or refuses it. */
  awareness(bytes: number): Ack<never> | null {
    if (this.#awareness.take(bytes)) return null;
    return fail(ErrorCode.AwarenessRateLimited, `more than ${this.limits.awarenessBytesPerSec} awareness bytes per second`);
  }
}
