/**
 * Validates untrusted Yjs updates under a deadline [V1–V4]. Decoding happens in a worker
 * thread; requests are pipelined and answered in order. The requests of one event-loop
 * turn travel to the worker in one message and come back in one (a message costs more than
 * decoding a small update). The batch at the head of the queue gets `timeoutMs` from the
 * moment the worker could start it. Past that the worker is terminated: a lone request is
 * refused with UPDATE_TIMEOUT; a batch is re-sent one request per message, so only the
 * update that is slow on its own is refused. The rest go to a fresh worker, so one crafted
 * update never stalls the process or anyone else's updates.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ErrorCode, type ErrorBody } from '../../shared/protocol/errors.js';

/** What an update holds, as the worker read it (validate-worker.mjs `summarize` documents each field). */
export interface UpdateSummary {
  segs: number[];
  refs: number[];
  ds: number[];
  /** [rootName or '' for a nested map, key, ...]: map keys the update's items write. */
  keys: string[];
  /** [client, clock, ...]: items outside the update whose key the update's items inherit. */
  keyRefs: number[];
  /** False when `keys` could not be settled within the update (then nothing is known). */
  keysComplete: boolean;
}

export const EMPTY_SUMMARY: UpdateSummary = { segs: [], refs: [], ds: [], keys: [], keyRefs: [], keysComplete: true };

export type ValidationResult = { ok: true; summary: UpdateSummary } | { ok: false; error: ErrorBody };

interface Request {
  id: number;
  bytes: Uint8Array;
  timeoutMs: number;
  resolve: (r: ValidationResult) => void;
  /** The message it was sent in (requests of one batch are answered together). */
  batch: number;
  /** Sent alone from now on (its batch ran past the deadline). */
  solo: boolean;
}

type WorkerAnswer = { id: number; ok: boolean; summary?: UpdateSummary; message?: string };

/** The empty update ([0 structs, 0 delete clients]); no need to ask the worker about it. */
const isEmptyUpdate = (u: Uint8Array) => u.length === 2 && u[0] === 0 && u[1] === 0;

export class UpdateValidator {
  #worker: Worker | null = null;
  #queue: Request[] = [];
  #nextId = 1;
  #nextBatch = 1;
  /** Requests of this turn not yet handed to the worker. */
  #unsent: Request[] = [];
  #sendQueued = false;
  #timer: NodeJS.Timeout | null = null;
  /** The deadline runs only once the worker has loaded Yjs (booting takes tens of ms). */
  #online = false;
  #closed = false;
  /** How many workers were terminated for exceeding the deadline (for tests and metrics). */
  timeouts = 0;
  /** Settles once the first worker has loaded Yjs and warmed up (or failed trying). */
  readonly ready: Promise<void>;
  #markReady: () => void = () => undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.ready = new Promise((r) => (this.#markReady = r));
    this.#ensureWorker(); // boot now, not on the first update
  }

  /** `timeoutMs` overrides the deadline (stored rows get a generous one: see DocRegistry). */
  validate(bytes: Uint8Array, timeoutMs = this.timeoutMs): Promise<ValidationResult> {
    if (isEmptyUpdate(bytes)) return Promise.resolve({ ok: true, summary: EMPTY_SUMMARY });
    if (this.#closed) {
      return Promise.resolve({ ok: false, error: { code: ErrorCode.Internal, message: 'server is shutting down' } });
    }
    return new Promise((resolve) => {
      const req: Request = { id: this.#nextId++, bytes, timeoutMs, resolve, batch: 0, solo: false };
      this.#queue.push(req);
      this.#unsent.push(req);
      if (!this.#sendQueued) {
        // After this loop turn's I/O callbacks: the frames that arrived together (each in
        // its own socket's callback) go to the worker in one message.
        this.#sendQueued = true;
        setImmediate(this.#flushUnsent);
      }
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./validate-worker.mjs', import.meta.url));
    w.unref();
    this.#online = false;
    w.on('message', (m: { ready?: true; results?: WorkerAnswer[] }) => {
      if (m.ready) {
        // Modules loaded: from now on the deadline is the decoder's alone.
        if (this.#worker === w) {
          this.#online = true;
          this.#markReady();
          this.#arm();
        }
        return;
      }
      for (const r of m.results ?? []) {
        const head = this.#queue[0];
        if (!head || head.id !== r.id) continue; // answer from before a restart
        this.#queue.shift();
        head.resolve(
          r.ok
            ? { ok: true, summary: r.summary! }
            : { ok: false, error: { code: ErrorCode.UpdateMalformed, message: `malformed update: ${r.message}` } },
        );
      }
      this.#arm();
    });
    w.on('error', (err) => {
      this.#markReady(); // a restarted worker reports again; nobody waits on a dead one
      this.logger.error({ err }, 'validator worker failed');
      this.#restart(ErrorCode.UpdateMalformed, 'update crashed the decoder');
    });
    this.#worker = w;
    return w;
  }

  #flushUnsent = (): void => {
    this.#sendQueued = false;
    const reqs = this.#unsent;
    this.#unsent = [];
    if (reqs.length === 0 || this.#closed) return;
    const armNow = this.#queue[0] === reqs[0];
    this.#send(reqs);
    if (armNow) this.#arm();
  };

  /** Hands requests to the worker: solo ones one per message, the others in one. */
  #send(reqs: Request[]): void {
    const w = this.#ensureWorker();
    let batch: Request[] = [];
    const post = (group: Request[]) => {
      const id = this.#nextBatch++;
      for (const r of group) r.batch = id;
      w.postMessage({ batch: group.map((r) => ({ id: r.id, bytes: r.bytes })) });
    };
    for (const r of reqs) {
      if (!r.solo) {
        batch.push(r);
        continue;
      }
      if (batch.length) post(batch);
      batch = [];
      post([r]);
    }
    if (batch.length) post(batch);
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const head = this.#queue[0];
    if (!head || !this.#online) return;
    // A batch is answered as a whole: it gets the longest deadline among its requests.
    let deadline = head.timeoutMs;
    if (!head.solo && head.batch !== 0) {
      for (const r of this.#queue) if (r.batch === head.batch && r.timeoutMs > deadline) deadline = r.timeoutMs;
    }
    this.#timer = setTimeout(() => {
      this.timeouts++;
      this.logger.warn({ bytes: head.bytes.length }, 'update decoding exceeded its deadline; worker terminated');
      this.#restart(ErrorCode.UpdateTimeout, `update took longer than ${head.timeoutMs} ms to decode`);
    }, deadline);
  }

  /**
   * Replaces the worker. A lone head request fails; a head batch is split up (its requests
   * go alone from now on) so the one at fault fails by itself. Everything still queued is
   * re-sent to the fresh worker.
   */
  #restart(code: ErrorBody['code'], message: string): void {
    const w = this.#worker;
    this.#worker = null;
    void w?.terminate();
    const head = this.#queue[0];
    if (head) {
      const batchmates = this.#queue.filter((r) => r.batch === head.batch);
      if (head.solo || batchmates.length === 1) {
        this.#queue.shift();
        head.resolve({ ok: false, error: { code, message } });
      } else {
        for (const r of batchmates) r.solo = true;
      }
    }
    if (this.#closed) return;
    // Not-yet-sent requests stay with the pending flush; the rest go again now.
    const unsent = new Set(this.#unsent);
    this.#send(this.#queue.filter((r) => !unsent.has(r)));
    this.#arm();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const r of this.#queue) {
      r.resolve({ ok: false, error: { code: ErrorCode.Internal, message: 'server is shutting down' } });
    }
    this.#queue = [];
    this.#unsent = [];
    await this.#worker?.terminate();
    this.#worker = null;
  }
}
