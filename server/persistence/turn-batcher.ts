/**
 * Group commit's rhythm, shared by both update logs [S2, K1]: whatever work arrives in one
 * event-loop turn goes into one batch (started by setImmediate, after the turn's I/O
 * callbacks), one batch is in flight at a time, and whatever arrives meanwhile forms the next.
 * The store supplies `next`: take the pending work and commit it, settling every caller
 * itself (the promise it returns must handle its own failures), or return null when nothing
 * is pending.
 */
export class TurnBatcher {
  readonly #next: () => Promise<unknown> | null;
  #scheduled = false;
  #inFlight: Promise<void> | null = null;
  /** Settles when the newest queued work has (and so every earlier one has). */
  #last: Promise<unknown> = Promise.resolve();

  constructor(next: () => Promise<unknown> | null) {
    this.#next = next;
  }

  /**
   * Queues one piece of work: `push` stores it with the caller's settle functions where
   * `next` will take it; it goes with this turn's batch, or after the one in flight.
   */
  enqueue<T>(push: (resolve: (value: T) => void, reject: (err: unknown) => void) => void): Promise<T> {
    const p = new Promise<T>((resolve, reject) => {
      push(resolve, reject);
      this.schedule();
    });
    this.#last = p.catch(() => undefined);
    return p;
  }

  /** Resolves when everything queued so far has settled (committed or failed). */
  async flushed(): Promise<void> {
    await this.#last;
  }

  /** Work was queued: commit it with this turn's batch, or after the one in flight. */
  schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  /** Resolves once no batch is in flight (what is queued meanwhile is started first). */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  #run(): void {
    const batch = this.#next();
    if (!batch) return;
    const done = () => {
      this.#inFlight = null;
      this.#run();
    };
    this.#inFlight = batch.then(done, done);
  }
}
