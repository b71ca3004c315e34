/**
 * Embedded store: one SQLite file under DATA_DIR through better-sqlite3, WAL journal with
 * synchronous=FULL (checked at start-up, since WAL defaults to NORMAL) so a committed
 * transaction survives power loss and kill -9 [S3].
 *
 * Every write — the update log and the directory alike — is made by a worker thread
 * (sqlite-writer.mjs), so neither the fsync of a commit nor the wait for a lock ever blocks
 * the event loop [S9]. One append batch is in flight at a time; everything that arrives
 * meanwhile goes into the next batch, one transaction (group commit) [S2]. The main
 * thread's own connection only reads (WAL readers never wait for the writer).
 *
 * The writer is supervised (sqlite-writer-thread.ts) [S10]: when it dies or stalls, the
 * appends of the batch it held fail (their outcome is unknown, so they are never
 * acknowledged), queued appends of the same documents fail too (they may depend on the
 * lost ones), and every other queued write goes to the fresh writer.
 */
import { TurnBatcher } from './turn-batcher.js';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import type { Role } from '../../shared/protocol/roles.js';
import type {
  AuditEntry,
  BoardRecord,
  MemberRecord,
  Store,
  StoredUpdate,
} from './store.js';
import { SqliteAccounts } from './sqlite-accounts.js';
import { migrate } from './sqlite-migrations.js';
import { SqliteMembership } from './sqlite-membership.js';
import { DEFAULT_WRITER_SUPERVISION, WriterLostError, WriterThread, type WriterSupervision } from './sqlite-writer-thread.js';

export interface SqliteStoreOptions {
  /** Writer supervision; `onGiveUp` defaults to exiting the process (status 1). */
  writer?: Partial<WriterSupervision>;
}


interface PendingAppend {
  docKey: string;
  data: Uint8Array;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/**
 * A small write that rides along with the next append batch, in the same transaction, so
 * its fsync happens in the writer thread and never blocks the event loop: a Yjs client's
 * owner (committed with, or before, that client's first update) and a member's last-seen time.
 */
type SideWrite =
  | { kind: 'owner'; docKey: string; clientId: number; userId: string }
  | { kind: 'touch'; boardId: string; userId: string; at: number };

interface PendingSide {
  write: SideWrite;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Sent once to a writer that was lost; side writes are idempotent, so they go again once. */
  retried?: boolean;
}

type Row = Record<string, unknown>;
type RawRow = { seq: number; data: Buffer; crc: number | null };

const toStored = (rows: RawRow[]): StoredUpdate[] =>
  rows.map((r) => ({ seq: r.seq, data: new Uint8Array(r.data), intact: r.crc !== null && zlib.crc32(r.data) === r.crc }));

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  /** Counters for the regression guard (tests/integration/regression-guard.test.ts). */
  readonly stats = { appendTransactions: 0, appendedUpdates: 0 };
  readonly #writer: WriterThread;
  #pending: PendingAppend[] = [];
  #pendingSide: PendingSide[] = [];
  /** One batch per loop turn, one in flight at a time [S2]. */
  readonly #batches = new TurnBatcher(() => this.#commitNext());
  readonly #stmts;
  readonly accounts: SqliteAccounts;
  readonly membership: SqliteMembership;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    const sync = this.#db.pragma('synchronous', { simple: true });
    if (sync !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${String(sync)})`);
    migrate(this.#db);
    this.#writer = new WriterThread(file, {
      ...DEFAULT_WRITER_SUPERVISION,
      onRestart: () => undefined,
      onGiveUp: (reason) => {
        // The file cannot be written: exit so the process supervisor starts a fresh server.
        process.stderr.write(`claimboard: SQLite writer keeps failing (${reason}); exiting\n`);
        process.exit(1);
      },
      ...opts.writer,
    });
    const db = this.#db;
    this.accounts = new SqliteAccounts(db, (op, ...args) => this.#dir(op, ...args));
    this.#stmts = {
      load: db.prepare('SELECT seq, data, crc FROM updates WHERE doc_key = ? ORDER BY seq'),
      loadAfter: db.prepare('SELECT seq, data, crc FROM updates WHERE doc_key = ? AND seq > ? ORDER BY seq'),
      // A range on the primary key (doc_key, seq), one index step per document.
      docKeysInRange: db.prepare('SELECT DISTINCT doc_key FROM updates WHERE doc_key >= ? AND doc_key < ? ORDER BY doc_key'),
      clientOwners: db.prepare('SELECT client_id, user_id FROM doc_clients WHERE doc_key = ?'),
      listAudit: db.prepare('SELECT board_id, at, actor, action, detail FROM audit WHERE board_id = ? ORDER BY seq'),
      getBoard: db.prepare('SELECT id, title, created_by, created_at, archived_at FROM boards WHERE id = ?'),
      boardsOf: db.prepare(
        `SELECT b.id, b.title, b.created_by, b.created_at, b.archived_at, m.role FROM members m
         JOIN boards b ON b.id = m.board_id WHERE m.user_id = ? ORDER BY b.created_at DESC, b.id`,
      ),
      getRole: db.prepare('SELECT role FROM members WHERE board_id = ? AND user_id = ?'),
      listMembers: db.prepare(
        `SELECT m.board_id, m.user_id, u.name, u.email, u.avatar_color, m.role, m.joined_at, m.last_seen_at
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.board_id = ? ORDER BY m.joined_at, m.user_id`,
      ),
    };
    this.membership = new SqliteMembership(db, (op, ...args) => this.#dir(op, ...args));
  }

  /** Reads back a pragma, for the start-up check and its test. */
  pragma(name: string): unknown {
    return this.#db.pragma(name, { simple: true });
  }

  async loadUpdates(docKey: string): Promise<StoredUpdate[]> {
    return toStored(this.#stmts.load.all(docKey) as RawRow[]);
  }

  async loadUpdatesAfter(docKey: string, afterSeq: number): Promise<StoredUpdate[]> {
    return toStored(this.#stmts.loadAfter.all(docKey, afterSeq) as RawRow[]);
  }

  /** How many times the writer thread was replaced (for /health and tests). */
  get writerRestarts(): number {
    return this.#writer.restarts;
  }

  /** Test hook: kills the writer thread the way a crash would. */
  killWriterForTest(): Promise<number> {
    return this.#writer.kill();
  }

  /** Runs one directory write in the writer thread and returns its result [S9]. */
  async #dir<T>(op: string, ...args: unknown[]): Promise<T> {
    const r = await this.#writer.call({ type: 'dir', op, args });
    if (!r.ok) throw new Error(`${op} failed: ${r.message}`);
    return r.value as T;
  }

  probeWrite(now: number): Promise<void> {
    return this.#dir('probeWrite', now);
  }

  appendUpdate(docKey: string, data: Uint8Array): Promise<number> {
    return this.#batches.enqueue<number>((resolve, reject) => this.#pending.push({ docKey, data, resolve, reject }));
  }

  #commitNext(): Promise<void> | null {
    const batch = this.#pending;
    const side = this.#pendingSide;
    if (batch.length === 0 && side.length === 0) return null;
    this.#pending = [];
    this.#pendingSide = [];
    const items = batch.map((p) => ({ docKey: p.docKey, data: p.data }));
    this.stats.appendTransactions++;
    this.stats.appendedUpdates += items.length;
    return this.#writer.call({ type: 'append', items, side: side.map((p) => p.write) }).then(
      (r) => {
        if (r.ok) {
          batch.forEach((p, i) => p.resolve(r.seqs![i]!));
          for (const p of side) p.resolve();
        } else {
          // The transaction rolled back: nothing of it committed.
          const err = new Error(`append failed: ${r.message}`);
          for (const p of batch) p.reject(err);
          for (const p of side) p.reject(err);
        }
      },
      (err: unknown) => this.#writerLost(batch, side, err),
    );
  }

  /**
   * The writer was lost with this batch in flight: it may or may not have committed, so
   * its appends fail (never acknowledged). Queued appends of the same documents fail as
   * well, since a Yjs update may depend on one just lost; the rest stay queued for the
   * new writer, as they were certainly never attempted. Side writes are idempotent and go
   * again once.
   */
  #writerLost(batch: PendingAppend[], side: PendingSide[], err: unknown): void {
    const unknown = err instanceof WriterLostError && err.outcome === 'unknown';
    for (const p of batch) p.reject(err);
    const lostDocs = new Set(batch.map((p) => p.docKey));
    const keep: PendingAppend[] = [];
    for (const p of this.#pending) {
      if (lostDocs.has(p.docKey)) p.reject(new Error(`append not attempted: an earlier write of ${p.docKey} has an unknown outcome`));
      else keep.push(p);
    }
    this.#pending = keep;
    const again = unknown ? side.filter((p) => !p.retried) : [];
    for (const p of side) {
      if (again.includes(p)) p.retried = true;
      else p.reject(err);
    }
    this.#pendingSide = [...again, ...this.#pendingSide];
  }

  #sideWrite(write: SideWrite): Promise<void> {
    return this.#batches.enqueue<void>((resolve, reject) => this.#pendingSide.push({ write, resolve, reject }));
  }

  flush(): Promise<void> {
    return this.#batches.flushed();
  }

  /** Runs in the writer's order, after every batch already sent; later seqs are untouched. */
  async compact(docKey: string, merged: Uint8Array, uptoSeq: number): Promise<void> {
    const r = await this.#writer.call({ type: 'compact', docKey, merged, uptoSeq });
    if (!r.ok) throw new Error(`compaction failed: ${r.message}`);
  }

  async quarantine(docKey: string, seq: number, reason: string): Promise<void> {
    const r = await this.#writer.call({ type: 'quarantine', docKey, seq, reason });
    if (!r.ok) throw new Error(`quarantine failed: ${r.message}`);
  }

  async docKeysWithPrefix(prefix: string): Promise<string[]> {
    if (prefix === '') throw new Error('docKeysWithPrefix needs a prefix');
    // Every key with the prefix sorts at or after it and before the prefix with its last
    // character incremented (doc keys are ASCII; SQLite compares TEXT by code unit here).
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const rows = this.#stmts.docKeysInRange.all(prefix, upper) as Array<{ doc_key: string }>;
    return rows.map((r) => r.doc_key);
  }

  async loadClientOwners(docKey: string): Promise<Map<number, string>> {
    const rows = this.#stmts.clientOwners.all(docKey) as Array<{ client_id: number; user_id: string }>;
    return new Map(rows.map((r) => [r.client_id, r.user_id]));
  }

  addClientOwner(docKey: string, clientId: number, userId: string): Promise<void> {
    return this.#sideWrite({ kind: 'owner', docKey, clientId, userId });
  }

  createBoard(board: Omit<BoardRecord, 'archivedAt'>): Promise<void> {
    return this.#dir('createBoard', board);
  }

  async getBoard(boardId: string): Promise<BoardRecord | null> {
    const r = this.#stmts.getBoard.get(boardId) as Row | undefined;
    return r ? toBoard(r) : null;
  }

  async boardsOf(userId: string): Promise<Array<BoardRecord & { role: Role }>> {
    return (this.#stmts.boardsOf.all(userId) as Row[]).map((r) => ({
      ...toBoard(r),
      role: r.role as Role,
    }));
  }

  updateBoard(boardId: string, patch: { title?: string; archivedAt?: number | null }): Promise<boolean> {
    return this.#dir('updateBoard', boardId, patch);
  }

  deleteBoard(boardId: string): Promise<void> {
    return this.#dir('deleteBoard', boardId);
  }

  async getRole(boardId: string, userId: string): Promise<Role | null> {
    const r = this.#stmts.getRole.get(boardId, userId) as { role: Role } | undefined;
    return r?.role ?? null;
  }

  async listMembers(boardId: string): Promise<MemberRecord[]> {
    return (this.#stmts.listMembers.all(boardId) as Row[]).map((r) => ({
      boardId: r.board_id as string,
      userId: r.user_id as string,
      name: r.name as string,
      role: r.role as Role,
      joinedAt: r.joined_at as number,
      lastSeenAt: (r.last_seen_at as number | null) ?? null,
      email: (r.email as string | null) ?? null,
      avatarColor: (r.avatar_color as string | null) ?? null,
    }));
  }

  setMember(boardId: string, userId: string, role: Role, now: number): Promise<void> {
    return this.#dir('setMember', boardId, userId, role, now);
  }

  touchMember(boardId: string, userId: string, now: number): Promise<void> {
    return this.#sideWrite({ kind: 'touch', boardId, userId, at: now });
  }

  addAudit(e: AuditEntry): Promise<void> {
    return this.#dir('addAudit', e);
  }

  async listAudit(boardId: string): Promise<AuditEntry[]> {
    return (this.#stmts.listAudit.all(boardId) as Row[]).map((r) => ({
      boardId: r.board_id as string,
      at: r.at as number,
      actor: r.actor as string,
      action: r.action as string,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#writer.close();
    this.#db.close();
  }
}

const toBoard = (r: Row): BoardRecord => ({
  id: r.id as string,
  title: r.title as string,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
  archivedAt: (r.archived_at as number | null) ?? null,
});
