/**
 * Embedded store: one SQLite file under DATA_DIR through better-sqlite3, WAL journal with
 * synchronous=FULL (checked at start-up, since WAL defaults to NORMAL) so a committed
 * transaction survives power loss and kill -9 [S3].
 *
 * The update log is written by a worker thread (sqlite-writer.mjs) so that the fsync of a
 * commit never blocks the event loop. One batch is in flight at a time; everything that
 * arrives meanwhile goes into the next batch, one transaction (group commit) [S2]. The
 * main thread's own connection reads, and writes the small identity tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Role } from '../../shared/protocol/roles.js';
import type {
  AcceptInviteResult,
  AuditEntry,
  BoardRecord,
  InviteRecord,
  MemberRecord,
  Store,
  StoredUpdate,
  TokenUser,
  UserRecord,
} from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS updates (
  doc_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  crc INTEGER,
  PRIMARY KEY (doc_key, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
  doc_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_clients (
  doc_key TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (doc_key, client_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  board_id TEXT NOT NULL,
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_board ON audit(board_id, seq);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  board_id TEXT NOT NULL REFERENCES boards(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  PRIMARY KEY (board_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_by_user ON members(user_id);
CREATE TABLE IF NOT EXISTS invites (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id),
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER
);
`;

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
}

type WriterReply = { id: number; ok: boolean; seqs?: number[]; message?: string };

type Row = Record<string, unknown>;

const toInvite = (r: Row): InviteRecord => ({
  id: r.id as string,
  boardId: r.board_id as string,
  role: r.role as Role,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
  expiresAt: (r.expires_at as number | null) ?? null,
  maxUses: (r.max_uses as number | null) ?? null,
  uses: r.uses as number,
  revokedAt: (r.revoked_at as number | null) ?? null,
});

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  /** Counters for the regression guard (tests/integration/regression-guard.test.ts). */
  readonly stats = { appendTransactions: 0, appendedUpdates: 0 };
  readonly #writer: Worker;
  #nextId = 1;
  readonly #calls = new Map<number, (r: WriterReply) => void>();
  #pending: PendingAppend[] = [];
  #pendingSide: PendingSide[] = [];
  #scheduled = false;
  /** The batch being committed, if any; the next one waits for it. */
  #inFlight: Promise<void> | null = null;
  /** Settles when the newest append so far has (and so every earlier one has). */
  #lastAppend: Promise<unknown> = Promise.resolve();
  readonly #stmts;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    const sync = this.#db.pragma('synchronous', { simple: true });
    if (sync !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${String(sync)})`);
    this.#db.exec(SCHEMA);
    // Files from before rows kept a checksum: add the column (their rows stay NULL).
    const columns = this.#db.pragma('table_info(updates)') as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'crc')) this.#db.exec('ALTER TABLE updates ADD COLUMN crc INTEGER');
    this.#writer = new Worker(new URL('./sqlite-writer.mjs', import.meta.url), { workerData: { file } });
    this.#writer.on('message', (r: WriterReply) => {
      const cb = this.#calls.get(r.id);
      this.#calls.delete(r.id);
      cb?.(r);
    });
    this.#writer.on('error', (err) => {
      for (const cb of this.#calls.values()) cb({ id: 0, ok: false, message: String(err) });
      this.#calls.clear();
    });
    const db = this.#db;
    this.#stmts = {
      load: db.prepare('SELECT seq, data, crc FROM updates WHERE doc_key = ? ORDER BY seq'),
      // A range on the primary key (doc_key, seq), one index step per document.
      docKeysInRange: db.prepare('SELECT DISTINCT doc_key FROM updates WHERE doc_key >= ? AND doc_key < ? ORDER BY doc_key'),
      clientOwners: db.prepare('SELECT client_id, user_id FROM doc_clients WHERE doc_key = ?'),
      addAudit: db.prepare('INSERT INTO audit (board_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)'),
      listAudit: db.prepare('SELECT board_id, at, actor, action, detail FROM audit WHERE board_id = ? ORDER BY seq'),
      insertUser: db.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)'),
      insertToken: db.prepare(
        'INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      ),
      userByToken: db.prepare(
        `SELECT u.id, u.name, u.created_at, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`,
      ),
      revokeTokens: db.prepare(
        'UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      ),
      insertBoard: db.prepare(
        'INSERT INTO boards (id, title, created_by, created_at) VALUES (?, ?, ?, ?)',
      ),
      getBoard: db.prepare('SELECT id, title, created_by, created_at FROM boards WHERE id = ?'),
      boardsOf: db.prepare(
        `SELECT b.id, b.title, b.created_by, b.created_at, m.role FROM members m
         JOIN boards b ON b.id = m.board_id WHERE m.user_id = ? ORDER BY b.created_at DESC, b.id`,
      ),
      getRole: db.prepare('SELECT role FROM members WHERE board_id = ? AND user_id = ?'),
      listMembers: db.prepare(
        `SELECT m.board_id, m.user_id, u.name, m.role, m.joined_at, m.last_seen_at
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.board_id = ? ORDER BY m.joined_at, m.user_id`,
      ),
      upsertMember: db.prepare(
        `INSERT INTO members (board_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (board_id, user_id) DO UPDATE SET role = excluded.role`,
      ),
      removeMember: db.prepare('DELETE FROM members WHERE board_id = ? AND user_id = ?'),
      insertInvite: db.prepare(
        `INSERT INTO invites (id, board_id, token_hash, role, created_by, created_at, expires_at, max_uses)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listInvites: db.prepare(
        'SELECT * FROM invites WHERE board_id = ? ORDER BY created_at, id',
      ),
      revokeInvite: db.prepare(
        'UPDATE invites SET revoked_at = ? WHERE board_id = ? AND id = ? AND revoked_at IS NULL',
      ),
      inviteByHash: db.prepare('SELECT * FROM invites WHERE token_hash = ?'),
      useInvite: db.prepare('UPDATE invites SET uses = uses + 1 WHERE id = ?'),
    };
  }

  /** Reads back a pragma, for the start-up check and its test. */
  pragma(name: string): unknown {
    return this.#db.pragma(name, { simple: true });
  }

  async loadUpdates(docKey: string): Promise<StoredUpdate[]> {
    const rows = this.#stmts.load.all(docKey) as Array<{ seq: number; data: Buffer; crc: number | null }>;
    return rows.map((r) => ({ seq: r.seq, data: new Uint8Array(r.data), intact: r.crc !== null && zlib.crc32(r.data) === r.crc }));
  }

  #call(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#calls.set(id, resolve);
      this.#writer.postMessage({ ...msg, id }, transfer);
    });
  }

  appendUpdate(docKey: string, data: Uint8Array): Promise<number> {
    const p = new Promise<number>((resolve, reject) => {
      this.#pending.push({ docKey, data, resolve, reject });
      this.#schedule();
    });
    this.#lastAppend = p.catch(() => undefined);
    return p;
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn, so frames that arrived
    // together start in one batch; while it commits, the next batch fills up.
    setImmediate(() => {
      this.#scheduled = false;
      this.#commitNext();
    });
  }

  #commitNext(): void {
    const batch = this.#pending;
    const side = this.#pendingSide;
    if (batch.length === 0 && side.length === 0) return;
    this.#pending = [];
    this.#pendingSide = [];
    const items = batch.map((p) => ({ docKey: p.docKey, data: p.data }));
    this.stats.appendTransactions++;
    this.stats.appendedUpdates += items.length;
    this.#inFlight = this.#call({ type: 'append', items, side: side.map((p) => p.write) }).then((r) => {
      if (r.ok) {
        batch.forEach((p, i) => p.resolve(r.seqs![i]!));
        for (const p of side) p.resolve();
      } else {
        const err = new Error(`append failed: ${r.message}`);
        for (const p of batch) p.reject(err);
        for (const p of side) p.reject(err);
      }
      this.#inFlight = null;
      this.#commitNext();
    });
  }

  #sideWrite(write: SideWrite): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      this.#pendingSide.push({ write, resolve, reject });
      this.#schedule();
    });
    this.#lastAppend = p.catch(() => undefined);
    return p;
  }

  async flush(): Promise<void> {
    await this.#lastAppend;
  }

  /** Runs in the writer's order, after every batch already sent; later seqs are untouched. */
  async compact(docKey: string, merged: Uint8Array, uptoSeq: number): Promise<void> {
    const r = await this.#call({ type: 'compact', docKey, merged, uptoSeq });
    if (!r.ok) throw new Error(`compaction failed: ${r.message}`);
  }

  async quarantine(docKey: string, seq: number, reason: string): Promise<void> {
    const r = await this.#call({ type: 'quarantine', docKey, seq, reason });
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

  async createUser(user: UserRecord, tokenHash: string, expiresAt: number | null): Promise<void> {
    this.#db.transaction(() => {
      this.#stmts.insertUser.run(user.id, user.name, user.createdAt);
      this.#stmts.insertToken.run(tokenHash, user.id, user.createdAt, expiresAt);
    }).immediate();
  }

  async userByTokenHash(tokenHash: string, now: number): Promise<TokenUser | null> {
    const r = this.#stmts.userByToken.get(tokenHash, now) as Row | undefined;
    if (!r) return null;
    const user: TokenUser = { id: r.id as string, name: r.name as string, createdAt: r.created_at as number };
    if (r.expires_at !== null) user.tokenExpiresAt = r.expires_at as number;
    return user;
  }

  async addToken(userId: string, tokenHash: string, now: number, expiresAt: number | null): Promise<void> {
    this.#stmts.insertToken.run(tokenHash, userId, now, expiresAt);
  }

  async revokeTokensOf(userId: string, now: number): Promise<void> {
    this.#stmts.revokeTokens.run(now, userId);
  }

  async createBoard(board: BoardRecord): Promise<void> {
    this.#db.transaction(() => {
      this.#stmts.insertBoard.run(board.id, board.title, board.createdBy, board.createdAt);
      this.#stmts.upsertMember.run(board.id, board.createdBy, 'owner', board.createdAt);
    }).immediate();
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
    }));
  }

  async setMember(boardId: string, userId: string, role: Role, now: number): Promise<void> {
    this.#stmts.upsertMember.run(boardId, userId, role, now);
  }

  async removeMember(boardId: string, userId: string): Promise<void> {
    this.#stmts.removeMember.run(boardId, userId);
  }

  touchMember(boardId: string, userId: string, now: number): Promise<void> {
    return this.#sideWrite({ kind: 'touch', boardId, userId, at: now });
  }

  async createInvite(invite: InviteRecord, tokenHash: string): Promise<void> {
    this.#stmts.insertInvite.run(
      invite.id,
      invite.boardId,
      tokenHash,
      invite.role,
      invite.createdBy,
      invite.createdAt,
      invite.expiresAt,
      invite.maxUses,
    );
  }

  async listInvites(boardId: string): Promise<InviteRecord[]> {
    return (this.#stmts.listInvites.all(boardId) as Row[]).map(toInvite);
  }

  async revokeInvite(boardId: string, inviteId: string, now: number): Promise<boolean> {
    return this.#stmts.revokeInvite.run(now, boardId, inviteId).changes > 0;
  }

  async acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult> {
    return this.#db.transaction((): AcceptInviteResult => {
      const r = this.#stmts.inviteByHash.get(tokenHash) as Row | undefined;
      if (!r) return { ok: false, reason: 'not_found' };
      const inv = toInvite(r);
      if (inv.revokedAt !== null) return { ok: false, reason: 'revoked' };
      if (inv.expiresAt !== null && inv.expiresAt <= now) return { ok: false, reason: 'expired' };
      const existing = this.#stmts.getRole.get(inv.boardId, userId) as { role: Role } | undefined;
      // Accepting again is idempotent and never demotes: the current role stays.
      if (existing) return { ok: true, boardId: inv.boardId, role: existing.role, alreadyMember: true };
      if (inv.maxUses !== null && inv.uses >= inv.maxUses) return { ok: false, reason: 'used_up' };
      this.#stmts.useInvite.run(inv.id);
      this.#stmts.upsertMember.run(inv.boardId, userId, inv.role, now);
      return { ok: true, boardId: inv.boardId, role: inv.role, alreadyMember: false };
    }).immediate();
  }

  async addAudit(e: AuditEntry): Promise<void> {
    this.#stmts.addAudit.run(e.boardId, e.at, e.actor, e.action, JSON.stringify(e.detail));
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
    await this.#call({ type: 'close' });
    await this.#writer.terminate();
    this.#db.close();
  }
}

const toBoard = (r: Row): BoardRecord => ({
  id: r.id as string,
  title: r.title as string,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
});
