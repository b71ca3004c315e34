/**
 * DocRegistry: one Y.Doc per doc key in memory [R1–R6].
 * - Loaded on demand; concurrent loads share one promise; nobody sees a half-loaded doc.
 * - Client updates are validated (worker, deadline), checked for missing dependencies,
 *   applied in arrival order per document, committed to the Store, and only then
 *   acknowledged and handed to the `onCommitted` listeners (the transports broadcast them).
 * - Idle documents (no holder, nothing in flight) are evicted after a final flush, with a
 *   compaction when their log grew.
 * - A stored row that cannot be applied is quarantined and reported (`onQuarantine`); what
 *   depended on it stays pending until its author sends it again [R7].
 */
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { AppError, fail, ok, ErrorCode, type Ack } from '../../shared/protocol/errors.js';
import { parseDocKey } from '../../shared/protocol/doc-keys.js';
import type { UpdateLog } from '../persistence/store.js';
import { persists, type TxOrigin } from './origins.js';
import { hasPending, pendingGrew, restorePending, snapshotPending, waitingFor } from './pending.js';
import { applyStoredRows, type QuarantinedRow } from './stored-rows.js';
import { changesNothing, missingDependencies } from './update-effects.js';
import type { UpdateSummary } from './validator.js';
import type { Validator } from './validator-lanes.js';
import { DocSequence } from './doc-sequence.js';

export interface CommittedUpdate {
  docKey: string;
  update: Uint8Array;
  origin: TxOrigin;
  /** The row's sequence number in the update log (absent for updates that are not stored). */
  seq?: number;
}

export interface RegistryOptions {
  store: UpdateLog;
  validator: Validator;
  logger: Logger;
  idleEvictMs: number;
  compactEvery: number;
  maxUpdateBytes: number;
}

/** Smaller docs encode in microseconds: not worth keeping a copy of their whole state. */
const WHOLE_STATE_CACHE_MIN_BYTES = 16 * 1024;

/**
 * What a load lost, or what later arrived: `quarantined` when rows of a document could not
 * be applied (`waitingFor`: per Yjs client, the first clock its held-back content needs);
 * `recovered` when everything held back has since integrated.
 */
export type QuarantineEvent =
  | { kind: 'quarantined'; docKey: string; rows: QuarantinedRow[]; waitingFor: Array<{ client: number; clock: number }> }
  | { kind: 'recovered'; docKey: string };

interface Applied {
  refused: Ack<null> | null;
  committed: Promise<void> | null;
}

interface Entry {
  docKey: string;
  doc: Y.Doc;
  holders: Set<string>;
  /** Per-document pipeline: updates are checked and applied strictly in arrival order. */
  chain: Promise<unknown>;
  inflight: number;
  /** The update produced by the transaction currently being applied, if any. */
  captured: Uint8Array | null;
  capturing: boolean;
  /** Which committed rows the copy holds [K4]. */
  seq: DocSequence;
  sinceCompact: number;
  compacting: boolean;
  evictTimer: NodeJS.Timeout | null;
  eviction: Promise<void> | null;
  /** Yjs client id → the user who introduced it; nobody else may add structs under it. */
  owners: Map<number, string>;
}

/** A store failure as the transports report it [K7]; an AppError (a refusal) passes through. */
const unavailable = (err: unknown): AppError =>
  err instanceof AppError ? err : new AppError(ErrorCode.StoreUnavailable, 'the store is unavailable: nothing was saved; your change is kept and sent again');

/** The owner recorded for the server's own transactions. */
const SERVER_OWNER = 'server';

/**
 * A check on a client update before it applies: `summary` is what the update holds (read it
 * with update-effects.ts); the doc must not be changed or copied.
 */
export type WriteGuard = (docKey: string, doc: Y.Doc, summary: UpdateSummary) => Ack<null> | null | Promise<Ack<null> | null>;

export class DocRegistry {
  readonly #opts: RegistryOptions;
  readonly #entries = new Map<string, Promise<Entry>>();
  readonly #evicting = new Map<string, Promise<void>>();
  readonly #listeners: Array<(u: CommittedUpdate) => void> = [];
  readonly #afterLoad: Array<(docKey: string, doc: Y.Doc) => void> = [];
  readonly #beforeLoad: Array<(docKey: string) => Promise<void>> = [];
  readonly #afterEvict: Array<(docKey: string) => void> = [];
  readonly #guards: WriteGuard[] = [];
  readonly #quarantineListeners: Array<(q: QuarantineEvent) => void> = [];
  #quarantinedRows = 0;
  /**
   * Loaded docs' whole state as one update, kept until the doc changes: what every fresh
   * join gets, encoded once per version of the doc (or, right after a load from one intact
   * stored row, those bytes) rather than once per client.
   */
  readonly #wholeStates = new Map<string, { doc: Y.Doc; update: Uint8Array }>();
  #closed = false;
  /** Boards deleted in this process: their docs are never loaded again [B3]. */
  readonly #droppedBoards = new Set<string>();

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  /** Called once per load, before anyone sees the doc (attach observers here). */
  afterLoad(hook: (docKey: string, doc: Y.Doc) => void): void {
    this.#afterLoad.push(hook);
  }

  /**
   * Called before a load reads the store, and awaited (cluster mode subscribes to the
   * document's peer channel here, so nothing committed elsewhere after the read is missed).
   */
  beforeLoad(hook: (docKey: string) => Promise<void>): void {
    this.#beforeLoad.push(hook);
  }

  /** Called once a document has left memory. */
  afterEvict(hook: (docKey: string) => void): void {
    this.#afterEvict.push(hook);
  }

  /**
   * Adds a check that every client update passes after validation and before it applies,
   * in the doc's order; a refusal (an Ack) leaves the doc untouched. Guards must be cheap
   * when they do not apply: they run for every client write.
   */
  guardWrites(guard: WriteGuard): void {
    this.#guards.push(guard);
  }

  /** Called when a load quarantines rows, and when what they held back has integrated. */
  onQuarantine(listener: (q: QuarantineEvent) => void): void {
    this.#quarantineListeners.push(listener);
  }

  /** Stored rows quarantined by loads since this registry started. */
  get quarantinedRows(): number {
    return this.#quarantinedRows;
  }

  #emitQuarantine(q: QuarantineEvent): void {
    for (const l of this.#quarantineListeners) {
      try {
        l(q);
      } catch (err) {
        this.#opts.logger.error({ err }, 'quarantine listener threw');
      }
    }
  }

  /** Called for every update after it committed (or, for peer updates, after it applied). */
  onCommitted(listener: (u: CommittedUpdate) => void): void {
    this.#listeners.push(listener);
  }

  /** The loaded doc's whole state as one update (kept for large docs until it changes). */
  wholeState(docKey: string, doc: Y.Doc): Uint8Array {
    const s = this.#wholeStates.get(docKey);
    if (s && s.doc === doc) return s.update;
    const update = Y.encodeStateAsUpdate(doc);
    if (update.length >= WHOLE_STATE_CACHE_MIN_BYTES) this.#wholeStates.set(docKey, { doc, update });
    return update;
  }

  /** The largest client update accepted (V4). */
  get maxUpdateBytes(): number {
    return this.#opts.maxUpdateBytes;
  }

  /** Number of documents in memory (loaded or loading). */
  get size(): number {
    return this.#entries.size;
  }

  isLoaded(docKey: string): boolean {
    return this.#entries.has(docKey);
  }

  /** Marks `holderId` as using the doc (keeps it from eviction) and returns it loaded. */
  async acquire(docKey: string, holderId: string): Promise<Y.Doc> {
    return this.#use(docKey, (e) => {
      e.holders.add(holderId);
      return e.doc;
    });
  }

  release(docKey: string, holderId: string): void {
    void this.#entries.get(docKey)?.then((e) => {
      e.holders.delete(holderId);
      this.#maybeScheduleEvict(e);
    }, () => undefined);
  }

  /** Runs `fn` on the loaded doc; the doc cannot be evicted while `fn` runs. */
  read<T>(docKey: string, fn: (doc: Y.Doc) => T): Promise<T> {
    return this.#use(docKey, (e) => fn(e.doc));
  }

  /**
   * Applies an untrusted update from a client (or a peer node). Resolves once it is
   * committed, or with the reason it was refused; a refused update changes nothing.
   */
  applyUpdate(docKey: string, update: Uint8Array, origin: TxOrigin): Promise<Ack<null>> {
    if (update.length > this.#opts.maxUpdateBytes) {
      return Promise.resolve(
        fail(ErrorCode.UpdateTooLarge, `update of ${update.length} bytes exceeds ${this.#opts.maxUpdateBytes}`),
      );
    }
    // Decoding starts at once; the per-document chain only waits for its answer in order.
    const validated = this.#opts.validator.validate(update);
    return this.#use(docKey, async (e) => {
      // The chain step checks and applies in order; waiting for the commit happens outside
      // it so that updates arriving together share one store transaction.
      const step = e.chain.then(async (): Promise<Applied> => {
        const v = await validated;
        if (!v.ok) return { refused: { ok: false, error: v.error }, committed: null };
        const missing = missingDependencies(e.doc, v.summary);
        if (missing) {
          return {
            refused: fail(ErrorCode.UpdateMissingDeps, `update depends on missing content: ${missing}`),
            committed: null,
          };
        }
        if (origin.kind === 'client') {
          for (const guard of this.#guards) {
            let refused = guard(e.docKey, e.doc, v.summary);
            if (refused instanceof Promise) refused = await refused;
            if (refused) return { refused, committed: null };
          }
        }
        const forged = origin.kind === 'client' ? this.#claimClients(e, v.summary, origin.userId) : null;
        if (forged) return { refused: forged, committed: null };
        const before = snapshotPending(e.doc);
        const produced = this.#applyCaptured(e, () => Y.applyUpdate(e.doc, update, origin));
        let refused: Ack<null> | null = null;
        if (pendingGrew(before, e.doc)) {
          // The summary check missed a dependency (e.g. a crafted cycle): drop what this
          // update left waiting, keep what a load left waiting [R7]; whatever did integrate
          // is stored below so memory and store agree.
          restorePending(e.doc, before);
          refused = fail(ErrorCode.UpdateMissingDeps, 'update depends on missing content');
        } else if ((before.structs || before.ds) && !hasPending(e.doc)) {
          this.#opts.logger.warn({ docKey: e.docKey }, 'the updates a quarantine held back have all arrived');
          this.#emitQuarantine({ kind: 'recovered', docKey: e.docKey });
        }
        // Nothing new (a repeat): acknowledge once whatever may hold the same content has committed.
        const committed = produced ? this.#commit(e, produced, origin) : this.#opts.store.flush();
        return { refused, committed };
      });
      e.chain = step.catch(() => undefined);
      const { refused, committed } = await step;
      if (committed) await committed;
      return refused ?? ok(null);
    });
  }

  /**
   * For a connection that may not write: true when the update would change nothing (it
   * is then acknowledged and dropped), false when it carries anything new.
   */
  async wouldChangeNothing(docKey: string, update: Uint8Array): Promise<boolean> {
    if (update.length > this.#opts.maxUpdateBytes) return false;
    const v = await this.#opts.validator.validate(update);
    if (!v.ok) return false;
    return this.#use(docKey, (e) => changesNothing(e.doc, v.summary));
  }

  /** A trusted server-side change (board creation, reveal): persisted, then broadcast to all. */
  transact(docKey: string, fn: (doc: Y.Doc) => void, reason: string): Promise<void> {
    const origin: TxOrigin = { kind: 'server', reason };
    return this.#use(docKey, (e) => {
      const step = e.chain.then(() => {
        if (!e.owners.has(e.doc.clientID)) {
          e.owners.set(e.doc.clientID, SERVER_OWNER);
          void this.#opts.store.addClientOwner(e.docKey, e.doc.clientID, SERVER_OWNER);
        }
        const produced = this.#applyCaptured(e, () => e.doc.transact(() => fn(e.doc), origin));
        return produced ? this.#commit(e, produced, origin) : undefined;
      });
      e.chain = step.catch(() => undefined);
      return step;
    });
  }

  /**
   * Every Yjs client id whose new structs the update carries must belong to this user, or
   * be new (then it becomes theirs). Structs under another user's client id would forge
   * their edits, and identical ids with different content would corrupt every replica.
   */
  #claimClients(e: Entry, s: UpdateSummary, userId: string): Ack<null> | null {
    const fresh: number[] = [];
    for (let i = 0; i < s.segs.length; i += 3) {
      const client = s.segs[i]!;
      if (s.segs[i + 2]! <= Y.getState(e.doc.store, client)) continue; // nothing new from it
      const owner = e.owners.get(client);
      if (owner === undefined) fresh.push(client);
      else if (owner !== userId) return fail(ErrorCode.Forbidden, `Yjs client ${client} belongs to another user`);
    }
    for (const c of fresh) {
      e.owners.set(c, userId);
      void this.#opts.store.addClientOwner(e.docKey, c, userId).catch((err: unknown) =>
        this.#opts.logger.error({ err, docKey: e.docKey }, 'could not record a client owner'),
      );
    }
    return null;
  }

  #applyCaptured(e: Entry, run: () => void): Uint8Array | null {
    // The doc may change now: its kept whole state no longer stands for it.
    this.#wholeStates.delete(e.docKey);
    e.capturing = true;
    e.captured = null;
    try {
      run();
    } finally {
      e.capturing = false;
    }
    const u = e.captured;
    e.captured = null;
    return u;
  }

  #commit(e: Entry, update: Uint8Array, origin: TxOrigin): Promise<void> {
    if (!persists(origin)) {
      this.#emit({ docKey: e.docKey, update, origin });
      return Promise.resolve();
    }
    return this.#opts.store.appendUpdate(e.docKey, update).then(
      (seq) => {
        e.seq.mark(seq);
        e.sinceCompact++;
        this.#emit({ docKey: e.docKey, update, origin, seq });
        this.#maybeCompact(e);
      },
      (err: unknown) => {
        this.#opts.logger.error({ err, docKey: e.docKey }, 'store append failed; reloading the document');
        // Memory now holds what the store does not: drop the copy so it reloads from the store.
        this.#forceEvict(e);
        throw unavailable(err);
      },
    );
  }

  #emit(u: CommittedUpdate): void {
    for (const l of this.#listeners) {
      try {
        l(u);
      } catch (err) {
        this.#opts.logger.error({ err }, 'committed-update listener threw');
      }
    }
  }

  #maybeCompact(e: Entry): void {
    if (e.compacting || e.sinceCompact < this.#opts.compactEvery || hasPending(e.doc)) return;
    e.compacting = true;
    setImmediate(() => {
      void this.#compact(e).finally(() => {
        e.compacting = false;
      });
    });
  }

  /**
   * Replaces the stored log up to the last committed seq by the doc's full state. Every
   * committed update was applied to the doc before it committed, so the state covers them;
   * it may also cover updates still committing, whose rows then merely repeat content.
   */
  async #compact(e: Entry): Promise<void> {
    // Every row up to the watermark is in the doc; rows beyond a gap are not all there yet.
    const uptoSeq = e.seq.watermark;
    // While content is pending the rows holding it stay as stored: the doc's state would
    // carry it only through a merge of those bytes, and stored bytes are never merged [R7].
    if (uptoSeq === 0 || hasPending(e.doc)) return;
    const merged = Y.encodeStateAsUpdate(e.doc);
    const before = e.sinceCompact;
    try {
      await this.#opts.store.compact(e.docKey, merged, uptoSeq);
      e.sinceCompact = Math.max(0, e.sinceCompact - before);
      this.#opts.logger.debug({ docKey: e.docKey, uptoSeq, bytes: merged.length }, 'compacted');
    } catch (err) {
      this.#opts.logger.error({ err, docKey: e.docKey }, 'compaction failed');
    }
  }

  async #use<T>(docKey: string, fn: (e: Entry) => T | Promise<T>): Promise<T> {
    for (;;) {
      if (this.#closed) throw new Error('registry closed');
      // Checked on every turn: a caller that waited for an eviction must not reload the doc.
      if (this.#droppedBoards.size > 0 && this.#droppedBoards.has(parseDocKey(docKey)?.boardId ?? '')) {
        throw new AppError(ErrorCode.NotFound, 'no such document');
      }
      const evicting = this.#evicting.get(docKey);
      if (evicting) {
        await evicting;
        continue;
      }
      let p = this.#entries.get(docKey);
      if (!p) {
        p = this.#load(docKey).catch((err: unknown) => {
          throw unavailable(err);
        });
        this.#entries.set(docKey, p);
        p.catch(() => this.#entries.delete(docKey));
      }
      const e = await p;
      if (e.eviction) {
        await e.eviction;
        continue;
      }
      e.inflight++;
      if (e.evictTimer) {
        clearTimeout(e.evictTimer);
        e.evictTimer = null;
      }
      try {
        return await fn(e);
      } finally {
        e.inflight--;
        this.#maybeScheduleEvict(e);
      }
    }
  }

  async #load(docKey: string): Promise<Entry> {
    const { store, validator, logger } = this.#opts;
    for (const hook of this.#beforeLoad) await hook(docKey);
    const [rows, owners] = await Promise.all([store.loadUpdates(docKey), store.loadClientOwners(docKey)]);
    // The doc key as guid: a random one (uuidv4) costs dozens of getRandomValues calls.
    const doc = new Y.Doc({ guid: docKey });
    const e: Entry = {
      docKey,
      doc,
      holders: new Set(),
      chain: Promise.resolve(),
      inflight: 0,
      captured: null,
      capturing: false,
      seq: new DocSequence(0),
      sinceCompact: 0,
      compacting: false,
      evictTimer: null,
      eviction: null,
      owners,
    };
    const { lastSeq, quarantined } = await applyStoredRows(doc, docKey, rows, { store, validator, logger });
    e.seq = new DocSequence(lastSeq);
    this.#quarantinedRows += quarantined.length;
    const pending = hasPending(doc);
    const whole = rows.length === 1 && rows[0]!.intact && quarantined.length === 0 && !pending;
    if (pending) {
      // Kept, not dropped: the server's state vector lacks the missing range, so the next
      // client that has it sends it when it syncs, and the held-back content integrates.
      logger.error({ docKey, waitingFor: waitingFor(doc) }, 'stored updates wait for content that is missing (quarantined or never stored)');
    }
    if (quarantined.length > 0) this.#emitQuarantine({ kind: 'quarantined', docKey, rows: quarantined, waitingFor: waitingFor(doc) });
    // One intact row that applied cleanly holds exactly the doc's state.
    if (whole) this.#wholeStates.set(docKey, { doc, update: rows[0]!.data });
    // Listening only now: with a listener, Yjs encodes every applied row's update again.
    doc.on('update', (update: Uint8Array) => {
      if (e.capturing) e.captured = update;
    });
    e.sinceCompact = rows.length > 1 ? rows.length : 0;
    for (const hook of this.#afterLoad) hook(docKey, doc);
    return e;
  }

  #maybeScheduleEvict(e: Entry): void {
    if (this.#closed || e.eviction || e.evictTimer || e.holders.size > 0 || e.inflight > 0) return;
    e.evictTimer = setTimeout(() => {
      e.evictTimer = null;
      if (e.holders.size === 0 && e.inflight === 0) this.#evict(e, true);
    }, this.#opts.idleEvictMs);
    e.evictTimer.unref();
  }

  #forceEvict(e: Entry): void {
    if (!e.eviction) this.#evict(e, false);
  }

  #evict(e: Entry, compact: boolean): Promise<void> {
    const run = (async () => {
      await e.chain;
      await this.#opts.store.flush();
      if (compact && e.sinceCompact > 1) await this.#compact(e);
      this.#entries.delete(e.docKey);
      this.#wholeStates.delete(e.docKey);
      e.doc.destroy();
      for (const hook of this.#afterEvict) hook(e.docKey);
    })()
      .catch((err: unknown) => this.#opts.logger.error({ err, docKey: e.docKey }, 'eviction failed'))
      .finally(() => this.#evicting.delete(e.docKey));
    e.eviction = run;
    this.#evicting.set(e.docKey, run);
    return run;
  }

  /**
   * A row another process committed [K4], as published on Redis (`update` null when only a
   * pointer was published: the row is read from the store). Applies it in the doc's order if
   * it is the next one; a duplicate is dropped; a row beyond a gap makes the doc catch up
   * from the store. Documents not in memory ignore it (they read the store when they load).
   */
  applyPeer(docKey: string, seq: number, update: Uint8Array | null, nodeId: string): void {
    const p = this.#entries.get(docKey);
    if (!p) return;
    void p.then((e) => {
      const step = e.chain.then(async () => {
        if (e.eviction || e.seq.has(seq)) return;
        if (update && seq === e.seq.watermark + 1) {
          this.#applyPeerRow(e, seq, update, nodeId);
          e.seq.mark(seq);
        } else {
          await this.#catchUpEntry(e, nodeId);
        }
      });
      e.chain = step.catch((err: unknown) => this.#opts.logger.error({ err, docKey }, 'peer update failed'));
    }, () => undefined);
  }

  /**
   * Reads every row above the doc's watermark from the store and applies the ones it lacks
   * [K5]: the periodic catch-up of cluster mode (and after Redis reconnects). Resolves when done.
   */
  catchUp(docKey: string, nodeId = 'store'): Promise<void> {
    const p = this.#entries.get(docKey);
    if (!p) return Promise.resolve();
    return p.then((e) => {
      const step = e.chain.then(() => (e.eviction ? undefined : this.#catchUpEntry(e, nodeId)));
      e.chain = step.catch((err: unknown) => this.#opts.logger.error({ err, docKey }, 'catch-up failed'));
      return e.chain.then(() => undefined);
    }, () => undefined);
  }

  /** Loaded documents and their watermarks, for the catch-up tick to compare with the store's heads. */
  async watermarks(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const entries = await Promise.all([...this.#entries.values()].map((p) => p.catch(() => null)));
    for (const e of entries) if (e && !e.eviction) out.set(e.docKey, e.seq.watermark);
    return out;
  }

  async #catchUpEntry(e: Entry, nodeId: string): Promise<void> {
    const rows = await this.#opts.store.loadUpdatesAfter(e.docKey, e.seq.watermark);
    let upTo = e.seq.watermark;
    for (const row of rows) {
      upTo = row.seq;
      if (e.seq.has(row.seq)) continue;
      if (!row.intact) {
        // Never apply bytes that changed on disk; the load path quarantines them [R5].
        this.#opts.logger.error({ docKey: e.docKey, seq: row.seq }, 'a row read back damaged during catch-up was skipped');
        continue;
      }
      this.#applyPeerRow(e, row.seq, row.data, nodeId);
    }
    e.seq.caughtUp(upTo);
  }

  /** Applies a committed row of another process: not stored again, broadcast to local subscribers. */
  #applyPeerRow(e: Entry, seq: number, update: Uint8Array, nodeId: string): void {
    const origin: TxOrigin = { kind: 'peer', nodeId };
    let produced: Uint8Array | null = null;
    try {
      produced = this.#applyCaptured(e, () => Y.applyUpdate(e.doc, update, origin));
    } catch (err) {
      this.#opts.logger.error({ err, docKey: e.docKey, seq }, 'a peer row could not be applied');
      return;
    }
    if (produced) this.#emit({ docKey: e.docKey, update: produced, origin, seq });
  }

  /**
   * Drops every loaded doc of a board that is being deleted [B3], whoever holds it, without
   * compacting (its rows are about to go), and refuses to load any of its docs again
   * (`NOT_FOUND`). Resolves once writes already under way have committed and the docs are
   * out of memory, so the store's deletion that follows leaves no row behind.
   */
  async dropBoard(boardId: string): Promise<void> {
    this.#droppedBoards.add(boardId);
    const mine = [...this.#entries].filter(([k]) => parseDocKey(k)?.boardId === boardId).map(([, p]) => p.catch(() => null));
    const entries = await Promise.all(mine);
    await Promise.all(
      entries.filter((e): e is Entry => e !== null).map((e) => {
        if (e.evictTimer) clearTimeout(e.evictTimer);
        return e.eviction ?? this.#evict(e, false);
      }),
    );
    await this.#opts.store.flush();
  }

  /** Evicts every idle document now (tests and shutdown). */
  async evictIdle(): Promise<void> {
    const entries = await Promise.all([...this.#entries.values()].map((p) => p.catch(() => null)));
    await Promise.all(
      entries
        .filter((e): e is Entry => !!e && !e.eviction && e.holders.size === 0 && e.inflight === 0)
        .map((e) => {
          if (e.evictTimer) clearTimeout(e.evictTimer);
          return this.#evict(e, true);
        }),
    );
  }

  /** Flushes everything and drops every document. */
  async close(): Promise<void> {
    const entries = await Promise.all([...this.#entries.values()].map((p) => p.catch(() => null)));
    for (const e of entries) {
      if (!e) continue;
      if (e.evictTimer) clearTimeout(e.evictTimer);
      await e.chain;
    }
    await Promise.all([...this.#evicting.values()]);
    await this.#opts.store.flush();
    this.#closed = true;
    for (const e of entries) e?.doc.destroy();
    this.#entries.clear();
    this.#wholeStates.clear();
  }
}
