/**
 * Imports articles and suggests their claims in a worker thread under a deadline [H7],
 * following the validator's pattern (server/docs/validator.ts): the main thread never runs
 * a parser on untrusted text, so a pathological article (deeply nested Markdown, huge
 * single lines, long runs of emphasis) costs the importing caller a 422 and nobody else
 * anything. Imports run one at a time in arrival order; each gets `timeoutMs` from the
 * moment the worker starts it. Past that the worker is terminated and replaced, and the
 * import refused with IMPORT_FAILED; a worker that crashes (out of memory) is replaced the
 * same way. At most `maxQueued` imports wait; more are refused with RATE_LIMITED.
 *
 * The same worker explains suggestions (`explain`, [SUG-EXPLAIN]): why one sentence of a
 * board's article was or was not suggested. That loads the NLP model (0.6 s) and parses a
 * paragraph, so it shares the imports' queue, bound and deadline, and fails the same way.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ErrorCode, type ErrorBody } from '../../shared/protocol/errors.js';
import type { ImportedArticle, ImportFormat } from '../../shared/import/index.js';
import type { SentenceExplanation, SuggestedClaim } from '../../shared/suggest/index.js';

export type ImportOutcome =
  | { ok: true; article: ImportedArticle; claims: SuggestedClaim[] }
  | { ok: false; error: ErrorBody };

/** `explanation` is null when no sentence of the text overlaps the span. */
export type ExplainOutcome =
  | { ok: true; explanation: SentenceExplanation | null }
  | { ok: false; error: ErrorBody };

type Failure = { ok: false; error: ErrorBody };

/** Imports that may wait for the worker; a burst past this is told to retry. */
export const IMPORT_QUEUE_MAX = 16;
/** Heap of one import worker: a 2M-character page parses in far less; a runaway one dies alone. */
const WORKER_HEAP_MB = 1024;

/** What the worker is sent: an import, or an explanation of one span of a text. */
type JobRequest =
  | { kind: 'import'; text: string; format: ImportFormat }
  | { kind: 'explain'; text: string; start: number; end: number; threshold: number };

interface Job {
  id: number;
  request: JobRequest;
  /** Gets the worker's answer (without its id), or a failure made here. */
  settle: (answer: WorkerResult | Failure) => void;
}

type WorkerResult =
  | { ok: true; article: ImportedArticle; claims: SuggestedClaim[] }
  | { ok: true; explanation: SentenceExplanation | null }
  | { ok: false; code: ErrorBody['code']; message: string };

type WorkerAnswer = { ready: true } | ({ id: number } & WorkerResult);

export class ImportRunner {
  #worker: Worker | null = null;
  #online = false;
  #queue: Job[] = [];
  #running: Job | null = null;
  #timer: NodeJS.Timeout | null = null;
  #nextId = 1;
  #closed = false;
  /** How many workers were terminated for exceeding the deadline (for tests and metrics). */
  timeouts = 0;
  /** Settles once the first worker has loaded its modules (or failed trying); see warm(). */
  readonly ready: Promise<void>;
  #markReady: () => void = () => undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly maxQueued = IMPORT_QUEUE_MAX,
  ) {
    this.ready = new Promise((r) => (this.#markReady = r));
  }

  /**
   * Boots the worker now rather than on the first import. The server leaves it to the first
   * import (a few hundred ms, outside the deadline), so starting up, restarts and CLI exports
   * never pay for it. Resolves with `ready`.
   */
  warm(): Promise<void> {
    if (!this.#closed) this.#ensureWorker();
    return this.ready;
  }

  run(text: string, format: ImportFormat): Promise<ImportOutcome> {
    return this.#enqueue({ kind: 'import', text, format }, (a): ImportOutcome =>
      !a.ok ? asFailure(a) : 'article' in a ? { ok: true, article: a.article, claims: a.claims } : unexpected(),
    );
  }

  /** Why the sentence of `text` at [start, end) was or was not suggested at `threshold`. */
  explain(text: string, start: number, end: number, threshold: number): Promise<ExplainOutcome> {
    return this.#enqueue({ kind: 'explain', text, start, end, threshold }, (a): ExplainOutcome =>
      !a.ok ? asFailure(a) : 'explanation' in a ? { ok: true, explanation: a.explanation } : unexpected(),
    );
  }

  #enqueue<T>(request: JobRequest, toOutcome: (answer: WorkerResult | Failure) => T | Failure): Promise<T | Failure> {
    if (this.#closed) return Promise.resolve(failure(ErrorCode.Internal, 'server is shutting down'));
    if (this.#queue.length >= this.maxQueued) {
      return Promise.resolve(failure(ErrorCode.RateLimited, 'too many imports at once; retry in a moment'));
    }
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, request, settle: (answer) => resolve(toOutcome(answer)) });
      this.#pump();
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./import-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.unref();
    this.#online = false;
    w.on('message', (m: WorkerAnswer) => {
      if (this.#worker !== w) return;
      if ('ready' in m) {
        this.#online = true;
        this.#markReady();
        this.#pump();
        return;
      }
      const job = this.#running;
      if (!job || job.id !== m.id) return;
      const { id: _id, ...answer } = m;
      this.#finish(answer);
    });
    w.on('error', (err) => {
      if (this.#worker !== w) return;
      this.#markReady(); // a replacement reports again; nobody waits on a dead one
      this.logger.error({ err }, 'import worker failed');
      if (!this.#online) return this.#bootFailed();
      this.#replace(failure(ErrorCode.ImportFailed, 'the article could not be read: the importer ran out of resources'));
    });
    w.on('exit', (code) => {
      if (this.#worker !== w || this.#closed) return;
      this.logger.error({ code }, 'import worker exited');
      if (!this.#online) return this.#bootFailed();
      this.#replace(failure(ErrorCode.ImportFailed, 'the article could not be read: the importer stopped'));
    });
    this.#worker = w;
    return w;
  }

  /** Starts the next import when the worker is up and idle. */
  #pump(): void {
    if (this.#closed || this.#running || this.#queue.length === 0) return;
    const w = this.#ensureWorker();
    if (!this.#online) return; // the worker's ready message pumps again
    const job = this.#queue.shift()!;
    this.#running = job;
    w.postMessage({ id: job.id, ...job.request });
    this.#timer = setTimeout(() => {
      this.timeouts++;
      const { kind, text } = job.request;
      this.logger.warn({ kind, chars: text.length, ...(kind === 'import' ? { format: job.request.format } : {}) }, `${kind} exceeded its deadline; worker terminated`);
      this.#replace(failure(ErrorCode.ImportFailed, kind === 'import'
        ? `the article took longer than ${this.timeoutMs} ms to import; simplify it or send it as plain text`
        : `explaining the sentence took longer than ${this.timeoutMs} ms; retry in a moment`));
    }, this.timeoutMs);
  }

  #finish(outcome: WorkerResult | Failure): void {
    const job = this.#running;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#running = null;
    job?.settle(outcome);
    this.#pump();
  }

  /** Fails the running import, terminates the worker and boots a fresh one for the queue. */
  #replace(outcome: Failure): void {
    const w = this.#worker;
    this.#worker = null;
    this.#online = false;
    void w?.terminate();
    this.#finish(outcome);
    if (!this.#closed) this.#ensureWorker();
  }

  /**
   * The worker died before it was ready (a broken install, not an article): everything
   * waiting fails, and the next import boots a worker again rather than looping here.
   */
  #bootFailed(): void {
    const w = this.#worker;
    this.#worker = null;
    void w?.terminate();
    const waiting = this.#queue;
    this.#queue = [];
    for (const job of waiting) job.settle(failure(ErrorCode.Internal, 'the importer is unavailable'));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const pending = [...(this.#running ? [this.#running] : []), ...this.#queue];
    this.#running = null;
    this.#queue = [];
    for (const job of pending) job.settle(failure(ErrorCode.Internal, 'server is shutting down'));
    const w = this.#worker;
    this.#worker = null;
    await w?.terminate();
  }
}

function failure(code: ErrorBody['code'], message: string): Failure {
  return { ok: false, error: { code, message } };
}

/** A failure from the worker (code and message) or one made here (already an ErrorBody). */
function asFailure(a: Failure | { ok: false; code: ErrorBody['code']; message: string }): Failure {
  return 'error' in a ? a : failure(a.code, a.message);
}

/** The worker answered a job with the other kind's result: a bug, never the input's fault. */
function unexpected(): Failure {
  return failure(ErrorCode.Internal, 'the importer answered with the wrong kind of result');
}
