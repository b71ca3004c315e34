/**
 * Validates untrusted Yjs updates under a deadline [V1–V4]. Decoding happens in a worker
 * thread; requests are pipelined and answered in order, and the request at the head of the
 * queue gets `timeoutMs` from the moment the worker could start it. Past that the worker is
 * terminated, the request is refused with UPDATE_TIMEOUT, and the rest are re-sent to a
 * fresh worker, so one crafted update never stalls the process or anyone else's updates.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { ErrorCode, type ErrorBody } from '../../shared/protocol/errors.js';

export interface UpdateSummary {
  segs: number[];
  refs: number[];
  ds: number[];
}

export type ValidationResult = { ok: true; summary: UpdateSummary } | { ok: false; error: ErrorBody };

interface Request {
  id: number;
  bytes: Uint8Array;
  timeoutMs: number;
  resolve: (r: ValidationResult) => void;
}

/** The empty update ([0 structs, 0 delete clients]); no need to ask the worker about it. */
const isEmptyUpdate = (u: Uint8Array) => u.length === 2 && u[0] === 0 && u[1] === 0;

export class UpdateValidator {
  #worker: Worker | null = null;
  #queue: Request[] = [];
  #nextId = 1;
  #timer: NodeJS.Timeout | null = null;
  /** The deadline runs only once the worker has loaded Yjs (booting takes tens of ms). */
  #online = false;
  #closed = false;
  /** How many workers were terminated for exceeding the deadline (for tests and metrics). */
  timeouts = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.#ensureWorker(); // boot now, not on the first update
  }

  /** `timeoutMs` overrides the deadline (stored rows get a generous one: see DocRegistry). */
  validate(bytes: Uint8Array, timeoutMs = this.timeoutMs): Promise<ValidationResult> {
    if (isEmptyUpdate(bytes)) return Promise.resolve({ ok: true, summary: { segs: [], refs: [], ds: [] } });
    if (this.#closed) {
      return Promise.resolve({ ok: false, error: { code: ErrorCode.Internal, message: 'server is shutting down' } });
    }
    return new Promise((resolve) => {
      const req: Request = { id: this.#nextId++, bytes, timeoutMs, resolve };
      this.#queue.push(req);
      this.#send(req);
      if (this.#queue.length === 1) this.#arm();
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./validate-worker.mjs', import.meta.url));
    w.unref();
    this.#online = false;
    w.on('message', (m: { id: number; ok: boolean; summary?: UpdateSummary; message?: string; ready?: true }) => {
      if (m.ready) {
        // Modules loaded: from now on the deadline is the decoder's alone.
        if (this.#worker === w) {
          this.#online = true;
          this.#arm();
        }
        return;
      }
      const head = this.#queue[0];
      if (!head || head.id !== m.id) return; // answer from before a restart
      this.#queue.shift();
      head.resolve(
        m.ok
          ? { ok: true, summary: m.summary! }
          : { ok: false, error: { code: ErrorCode.UpdateMalformed, message: `malformed update: ${m.message}` } },
      );
      this.#arm();
    });
    w.on('error', (err) => {
      this.logger.error({ err }, 'validator worker failed');
      this.#restart(ErrorCode.UpdateMalformed, 'update crashed the decoder');
    });
    this.#worker = w;
    return w;
  }

  #send(req: Request): void {
    this.#ensureWorker().postMessage({ id: req.id, bytes: req.bytes });
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const head = this.#queue[0];
    if (!head || !this.#online) return;
    this.#timer = setTimeout(() => {
      this.timeouts++;
      this.logger.warn({ bytes: head.bytes.length }, 'update decoding exceeded its deadline; worker terminated');
      this.#restart(ErrorCode.UpdateTimeout, `update took longer than ${head.timeoutMs} ms to decode`);
    }, head.timeoutMs);
  }

  /** Fails the head request, replaces the worker and re-sends the others. */
  #restart(code: ErrorBody['code'], message: string): void {
    const w = this.#worker;
    this.#worker = null;
    void w?.terminate();
    const head = this.#queue.shift();
    head?.resolve({ ok: false, error: { code, message } });
    if (this.#closed) return;
    for (const r of this.#queue) this.#send(r);
    this.#arm();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const r of this.#queue) {
      r.resolve({ ok: false, error: { code: ErrorCode.Internal, message: 'server is shutting down' } });
    }
    this.#queue = [];
    await this.#worker?.terminate();
    this.#worker = null;
  }
}

/**
 * Would applying an update with this summary to `doc` leave pending structs or deletes?
 * Returns a reason, or null when every struct follows what the doc (or the update itself)
 * already has and every reference and deletion points at known content.
 */
export function missingDependencies(doc: Y.Doc, s: UpdateSummary): string | null {
  const known = new Map<number, number>();
  const stateOf = (c: number) => known.get(c) ?? Y.getState(doc.store, c);
  for (let i = 0; i < s.segs.length; i += 3) {
    const client = s.segs[i]!;
    const start = s.segs[i + 1]!;
    const end = s.segs[i + 2]!;
    const have = stateOf(client);
    if (start > have) return `client ${client} jumps from clock ${have} to ${start}`;
    known.set(client, Math.max(have, end));
  }
  for (let i = 0; i < s.refs.length; i += 2) {
    const client = s.refs[i]!;
    const clock = s.refs[i + 1]!;
    if (clock >= stateOf(client)) return `reference to unknown content ${client}:${clock}`;
  }
  for (let i = 0; i < s.ds.length; i += 3) {
    const client = s.ds[i]!;
    const end = s.ds[i + 1]! + s.ds[i + 2]!;
    if (end > stateOf(client)) return `deletion of unknown content of client ${client}`;
  }
  return null;
}

/**
 * True when applying the update would change nothing: every struct is already known and
 * every deleted range is already deleted. Stock y-websocket clients answer the server's
 * step 1 with their whole delete set, so read-only connections send such updates all the
 * time; they are accepted silently rather than refused.
 */
export function changesNothing(doc: Y.Doc, s: UpdateSummary): boolean {
  for (let i = 0; i < s.segs.length; i += 3) {
    if (s.segs[i + 2]! > Y.getState(doc.store, s.segs[i]!)) return false;
  }
  if (s.ds.length === 0) return true;
  const have = Y.createDeleteSetFromStructStore(doc.store);
  for (let i = 0; i < s.ds.length; i += 3) {
    const ranges = have.clients.get(s.ds[i]!);
    const start = s.ds[i + 1]!;
    const end = start + s.ds[i + 2]!;
    // Ranges are sorted and merged: find the last one starting at or before `start`.
    let lo = 0;
    let hi = (ranges?.length ?? 0) - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges![mid]!.clock <= start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || ranges![found]!.clock + ranges![found]!.len < end) return false;
  }
  return true;
}
