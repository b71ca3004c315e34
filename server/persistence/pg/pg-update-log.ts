/**
 * The update log on PostgreSQL (cluster mode) [S1, S2, S4, S5, S7, S8, K1, K2]. Per document a
 * gapless sequence kept in `docs.head_seq`: appends that arrive in one event-loop turn share
 * one transaction (group commit) that locks the documents' rows in key order (so two
 * processes never deadlock), moves each head by its count with `UPDATE … RETURNING`, and
 * inserts every row in one multi-row INSERT. An append resolves only after COMMIT returned;
 * a batch whose COMMIT outcome is unknown (the connection broke) is never acknowledged.
 *
 * One batch is in flight at a time per process, so a document's rows commit in the order
 * its appends were made; what arrives meanwhile forms the next batch.
 */
import { TurnBatcher } from '../turn-batcher.js';
import zlib from 'node:zlib';
import type pg from 'pg';
import type { StoredUpdate, UpdateLog } from '../store.js';
import { inTransaction, isServerError } from './pg-pool.js';

interface PendingAppend {
  docKey: string;
  data: Uint8Array;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

interface PendingOwner {
  docKey: string;
  clientId: number;
  userId: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A compaction lock per document: PostgreSQL's 64-bit hash of the key names the advisory lock. */
const COMPACT_LOCK_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended('compact:' || $1, 0)) AS ok";

export class PgUpdateLog implements UpdateLog {
  readonly #pool: pg.Pool;
  #pending: PendingAppend[] = [];
  #owners: PendingOwner[] = [];
  /** One batch per loop turn, one in flight at a time [S2]. */
  readonly #batches = new TurnBatcher(() => this.#commitNext());
  readonly stats = { appendTransactions: 0, appendedUpdates: 0, compactionsSkipped: 0 };

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async loadUpdates(docKey: string): Promise<StoredUpdate[]> {
    const { rows } = await this.#pool.query<{ seq: string; data: Buffer; crc: string }>(
      'SELECT seq, data, crc FROM updates WHERE doc_key = $1 ORDER BY seq',
      [docKey],
    );
    return rows.map((r) => {
      const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
      return { seq: Number(r.seq), data, intact: zlib.crc32(data) === Number(r.crc) };
    });
  }

  /** Rows after `afterSeq`, for catching up with other processes' commits. */
  async loadUpdatesAfter(docKey: string, afterSeq: number): Promise<StoredUpdate[]> {
    const { rows } = await this.#pool.query<{ seq: string; data: Buffer; crc: string }>(
      'SELECT seq, data, crc FROM updates WHERE doc_key = $1 AND seq > $2 ORDER BY seq',
      [docKey, afterSeq],
    );
    return rows.map((r) => {
      const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
      return { seq: Number(r.seq), data, intact: zlib.crc32(data) === Number(r.crc) };
    });
  }

  /** The committed head of each document (0 for one nobody wrote to). */
  async heads(docKeys: string[]): Promise<Map<string, number>> {
    const { rows } = await this.#pool.query<{ doc_key: string; head_seq: string }>(
      'SELECT doc_key, head_seq FROM docs WHERE doc_key = ANY($1::text[])',
      [docKeys],
    );
    const out = new Map(docKeys.map((k) => [k, 0]));
    for (const r of rows) out.set(r.doc_key, Number(r.head_seq));
    return out;
  }

  appendUpdate(docKey: string, data: Uint8Array): Promise<number> {
    return this.#batches.enqueue<number>((resolve, reject) => this.#pending.push({ docKey, data, resolve, reject }));
  }

  addClientOwner(docKey: string, clientId: number, userId: string): Promise<void> {
    return this.#batches.enqueue<void>((resolve, reject) => this.#owners.push({ docKey, clientId, userId, resolve, reject }));
  }

  #commitNext(): Promise<void> | null {
    const batch = this.#pending;
    const owners = this.#owners;
    if (batch.length === 0 && owners.length === 0) return null;
    this.#pending = [];
    this.#owners = [];
    this.stats.appendTransactions++;
    this.stats.appendedUpdates += batch.length;
    return this.#commit(batch, owners).then(
      (seqs) => {
        batch.forEach((p, i) => p.resolve(seqs[i]!));
        for (const o of owners) o.resolve();
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
        for (const o of owners) o.reject(err);
        // A later append of the same document may depend on one whose outcome is now
        // unknown: it fails too rather than commit after a gap the client cannot see. When
        // PostgreSQL itself is out of reach (no SQLSTATE: a timeout, a reset), everything
        // queued fails at once instead of waiting out its own timeout in turn [K7].
        const lost = new Set(batch.map((p) => p.docKey));
        const unreachable = !isServerError(err);
        this.#pending = this.#pending.filter((p) => {
          if (!unreachable && !lost.has(p.docKey)) return true;
          p.reject(new Error(`append not attempted: an earlier write ${unreachable ? 'found PostgreSQL unreachable' : `of ${p.docKey} failed`}`));
          return false;
        });
      },
    );
  }

  async #commit(batch: PendingAppend[], owners: PendingOwner[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const p of batch) counts.set(p.docKey, (counts.get(p.docKey) ?? 0) + 1);
    const keys = [...counts.keys()].sort();
    return inTransaction(this.#pool, async (c) => {
      if (owners.length > 0) {
        // Owners first: a Yjs client's owner commits no later than its first update.
        await c.query(
          `INSERT INTO doc_clients (doc_key, client_id, user_id)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING`,
          [owners.map((o) => o.docKey), owners.map((o) => o.clientId), owners.map((o) => o.userId)],
        );
      }
      if (keys.length === 0) return [];
      await c.query('INSERT INTO docs (doc_key) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING', [keys]);
      // Row locks in key order, then the heads move; the returned head is the last seq.
      await c.query('SELECT 1 FROM docs WHERE doc_key = ANY($1::text[]) ORDER BY doc_key FOR UPDATE', [keys]);
      const { rows } = await c.query<{ doc_key: string; head_seq: string }>(
        `UPDATE docs d SET head_seq = d.head_seq + v.k
         FROM unnest($1::text[], $2::bigint[]) AS v(key, k) WHERE d.doc_key = v.key
         RETURNING d.doc_key, d.head_seq`,
        [keys, keys.map((k) => counts.get(k)!)],
      );
      const next = new Map<string, number>();
      for (const r of rows) next.set(r.doc_key, Number(r.head_seq) - counts.get(r.doc_key)!);
      const seqs = batch.map((p) => {
        const s = next.get(p.docKey)! + 1;
        next.set(p.docKey, s);
        return s;
      });
      await c.query(
        `INSERT INTO updates (doc_key, seq, data, crc)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bigint[])`,
        [batch.map((p) => p.docKey), seqs, batch.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)), batch.map((p) => zlib.crc32(p.data))],
      );
      return seqs;
    });
  }

  flush(): Promise<void> {
    return this.#batches.flushed();
  }

  /**
   * Replaces the rows up to `uptoSeq` by one merged row [S4]. Never two at once on a document
   * (a transaction-scoped advisory lock; a process that finds it taken skips, since the other
   * compaction does the same work), and never backwards: a compaction to a seq at or below
   * the document's last one is a no-op (optimistic check on `docs.compacted_to`).
   */
  async compact(docKey: string, merged: Uint8Array, uptoSeq: number): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      const lock = await c.query<{ ok: boolean }>(COMPACT_LOCK_SQL, [docKey]);
      if (!lock.rows[0]?.ok) {
        this.stats.compactionsSkipped++;
        return;
      }
      const moved = await c.query(
        'UPDATE docs SET compacted_to = $2 WHERE doc_key = $1 AND compacted_to < $2 AND head_seq >= $2',
        [docKey, uptoSeq],
      );
      if (moved.rowCount !== 1) {
        this.stats.compactionsSkipped++;
        return;
      }
      await c.query('DELETE FROM updates WHERE doc_key = $1 AND seq <= $2', [docKey, uptoSeq]);
      await c.query('INSERT INTO updates (doc_key, seq, data, crc) VALUES ($1, $2, $3, $4)', [
        docKey,
        uptoSeq,
        Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength),
        zlib.crc32(merged),
      ]);
    });
  }

  async quarantine(docKey: string, seq: number, reason: string): Promise<void> {
    await this.#pool.query(
      `WITH moved AS (DELETE FROM updates WHERE doc_key = $1 AND seq = $2 RETURNING doc_key, seq, data)
       INSERT INTO quarantine (doc_key, seq, data, reason, at) SELECT doc_key, seq, data, $3, $4 FROM moved`,
      [docKey, seq, reason, Date.now()],
    );
  }

  async docKeysWithPrefix(prefix: string): Promise<string[]> {
    if (prefix === '') throw new Error('docKeysWithPrefix needs a prefix');
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    // COLLATE "C": byte order, so the key range is exactly the prefix whatever the database's collation.
    const { rows } = await this.#pool.query<{ doc_key: string }>(
      `SELECT d.doc_key FROM docs d
       WHERE d.doc_key COLLATE "C" >= $1 AND d.doc_key COLLATE "C" < $2
         AND EXISTS (SELECT 1 FROM updates u WHERE u.doc_key = d.doc_key)
       ORDER BY d.doc_key COLLATE "C"`,
      [prefix, upper],
    );
    return rows.map((r) => r.doc_key);
  }

  async loadClientOwners(docKey: string): Promise<Map<number, string>> {
    const { rows } = await this.#pool.query<{ client_id: string; user_id: string }>(
      'SELECT client_id, user_id FROM doc_clients WHERE doc_key = $1',
      [docKey],
    );
    return new Map(rows.map((r) => [Number(r.client_id), r.user_id]));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#batches.idle();
  }
}
