/**
 * Supervises the SQLite writer thread (sqlite-writer.mjs) [S10]. Every call ends: with the
 * writer's reply, or with a `WriterLostError` when the thread died or stalled while the
 * call was in flight (its outcome is then unknown: it may or may not have committed) or
 * when the supervisor gave up (nothing was attempted). A dead or stalled writer is
 * replaced by a fresh one at once; one that dies more than `maxRestarts` times within
 * `restartWindowMs` is given up on and `onGiveUp` runs (the app exits so that its own
 * supervisor restarts the process).
 */
import { Worker } from 'node:worker_threads';

export type WriterReply = { id: number; ok: boolean; seqs?: number[]; value?: unknown; message?: string };

/** `unknown`: the writer was lost with the call in flight; `not_committed`: never attempted. */
export type WriteOutcome = 'unknown' | 'not_committed';

export class WriterLostError extends Error {
  constructor(
    message: string,
    readonly outcome: WriteOutcome,
  ) {
    super(message);
    this.name = 'WriterLostError';
  }
}

export interface WriterSupervision {
  /** Restarts allowed within the window; one more and the supervisor gives up. */
  maxRestarts: number;
  restartWindowMs: number;
  /**
   * With calls outstanding, a writer that answers none of them for this long is stalled
   * and replaced. Generous: each statement waits at most busy_timeout (5 s) for a lock,
   * and a large compaction on a loaded machine is slow, not stuck.
   */
  stallMs: number;
  onRestart: (reason: string) => void;
  onGiveUp: (reason: string) => void;
}

/**
 * A fresh writer (a thread loading better-sqlite3 and opening the file) gets this long
 * before the stall bound starts to apply: booting on a loaded machine is slow, not stuck.
 */
const WRITER_BOOT_MS = 30_000;

export const DEFAULT_WRITER_SUPERVISION: Omit<WriterSupervision, 'onRestart' | 'onGiveUp'> = {
  maxRestarts: 5,
  restartWindowMs: 60_000,
  stallMs: 30_000,
};

interface Outstanding {
  resolve: (r: WriterReply) => void;
  reject: (err: WriterLostError) => void;
}

export class WriterThread {
  readonly #file: string;
  readonly #opts: WriterSupervision;
  #worker!: Worker;
  #nextId = 1;
  /** Calls posted to the current worker and not answered yet, by id. */
  #outstanding = new Map<number, Outstanding>();
  #restartTimes: number[] = [];
  #stallTimer: NodeJS.Timeout | null = null;
  /** The current writer's thread is running (its 'online' event came). */
  #online = false;
  #givenUp: string | null = null;
  #closing = false;
  /** How many times a writer was replaced. */
  restarts = 0;

  constructor(file: string, opts: WriterSupervision) {
    this.#file = file;
    this.#opts = opts;
    this.#spawn();
  }

  /** Null while a writer is serving; the reason once the supervisor gave up. */
  get givenUp(): string | null {
    return this.#givenUp;
  }

  #spawn(): void {
    const w = new Worker(new URL('./sqlite-writer.mjs', import.meta.url), { workerData: { file: this.#file } });
    this.#worker = w;
    this.#online = false;
    let lastError = '';
    w.on('online', () => {
      if (w !== this.#worker) return;
      this.#online = true;
      this.#armStallTimer(true);
    });
    w.on('message', (r: WriterReply) => {
      if (w !== this.#worker) return;
      const c = this.#outstanding.get(r.id);
      this.#outstanding.delete(r.id);
      this.#armStallTimer(true);
      c?.resolve(r);
    });
    w.on('error', (err) => {
      lastError = String(err?.message ?? err);
    });
    w.on('exit', (code) => {
      if (w !== this.#worker) return;
      if (this.#closing) {
        const err = new WriterLostError('store closed', 'unknown');
        for (const c of this.#outstanding.values()) c.reject(err);
        this.#outstanding.clear();
        this.#armStallTimer(false);
        return;
      }
      this.#lost(`writer thread exited (code ${code}${lastError ? `: ${lastError}` : ''})`);
    });
  }

  /** The current writer is gone or stuck: fail what it held, and replace it (or give up). */
  #lost(reason: string): void {
    const old = this.#worker;
    const failed = this.#outstanding;
    this.#outstanding = new Map();
    this.#armStallTimer(false);
    // A stalled writer is still running: stop it before a new one takes over.
    void old.terminate().catch(() => undefined);
    const now = Date.now();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < this.#opts.restartWindowMs);
    this.#restartTimes.push(now);
    if (this.#restartTimes.length > this.#opts.maxRestarts) {
      this.#givenUp = `${reason}; ${this.#restartTimes.length} writer failures within ${this.#opts.restartWindowMs} ms`;
      this.#opts.onGiveUp(this.#givenUp);
    } else {
      this.restarts++;
      this.#spawn();
      this.#opts.onRestart(reason);
    }
    const err = new WriterLostError(`${reason}; the write's outcome is unknown`, 'unknown');
    for (const c of failed.values()) c.reject(err);
  }

  #armStallTimer(progress: boolean): void {
    if (progress || this.#outstanding.size === 0) {
      if (this.#stallTimer) clearTimeout(this.#stallTimer);
      this.#stallTimer = null;
    }
    if (this.#outstanding.size === 0 || this.#stallTimer) return;
    const bound = this.#online ? this.#opts.stallMs : Math.max(this.#opts.stallMs, WRITER_BOOT_MS);
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = null;
      if (this.#outstanding.size > 0) this.#lost(`writer thread answered nothing for ${bound} ms`);
    }, bound);
    this.#stallTimer.unref();
  }

  /** Posts one message; see the class comment for how it ends. */
  call(msg: Record<string, unknown>): Promise<WriterReply> {
    if (this.#givenUp) return Promise.reject(new WriterLostError(`store unwritable: ${this.#givenUp}`, 'not_committed'));
    if (this.#closing) return Promise.reject(new WriterLostError('store closed', 'not_committed'));
    return this.#post(msg);
  }

  #post(msg: Record<string, unknown>): Promise<WriterReply> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#outstanding.set(id, { resolve, reject });
      this.#armStallTimer(false);
      this.#worker.postMessage({ ...msg, id });
    });
  }

  /** Test hook: kills the current writer as a crash would (terminate, no goodbye). */
  kill(): Promise<number> {
    return this.#worker.terminate();
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    if (!this.#givenUp) await this.#post({ type: 'close' }).catch(() => undefined);
    this.#armStallTimer(false);
    await this.#worker.terminate();
  }
}
