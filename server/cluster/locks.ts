/**
 * Named locks for read-check-write sequences that must happen once, whichever process
 * handles the request [K8] (a live review's steering: two reveals of one round must not both
 * copy the votes). In one process a promise chain per name; in cluster mode that chain plus a
 * PostgreSQL advisory lock held on one connection for the duration (released by PostgreSQL
 * itself if the process dies), and `fresh` runs first so the holder reads what the previous
 * holder committed.
 */
import type pg from 'pg';

export interface Locks {
  /** Runs `fn` alone for `name` across every process; `fresh` (catch-up) runs once the lock is held. */
  run<T>(name: string, fn: () => Promise<T>, fresh?: () => Promise<void>): Promise<T>;
}

export class LocalLocks implements Locks {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(name: string, fn: () => Promise<T>, fresh?: () => Promise<void>): Promise<T> {
    const prev = this.#tails.get(name) ?? Promise.resolve();
    const run = prev.then(async () => {
      await fresh?.();
      return fn();
    });
    const tail = run.catch(() => undefined);
    this.#tails.set(name, tail);
    void tail.then(() => {
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    });
    return run;
  }
}

export class PgLocks implements Locks {
  readonly #local = new LocalLocks();
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  run<T>(name: string, fn: () => Promise<T>, fresh?: () => Promise<void>): Promise<T> {
    return this.#local.run(name, async () => {
      const client = await this.#pool.connect();
      let broken = false;
      try {
        // Waits at most the pool's statement timeout; the request then fails and can be retried.
        await client.query("SELECT pg_advisory_lock(hashtextextended('lock:' || $1, 0))", [name]);
        try {
          await fresh?.();
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtextextended('lock:' || $1, 0))", [name]).catch(() => {
            broken = true; // releasing the connection ends the session, and with it the lock
          });
        }
      } catch (err) {
        broken ||= typeof (err as { code?: unknown }).code !== 'string';
        throw err;
      } finally {
        client.release(broken);
      }
    });
  }
}
