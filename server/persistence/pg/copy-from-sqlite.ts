/**
 * `claimboard migrate --to $DATABASE_URL` [K11]: copies an embedded data dir (its SQLite file,
 * first brought to the newest schema) into PostgreSQL, table by table, rows keeping their
 * keys, so running it again changes nothing (rows already there are left as they are).
 * Columns are matched by name; the PostgreSQL-only `docs` heads are derived from the copied
 * update log. What is checked afterwards (every board's export content hash) is the CLI's.
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import { inTransaction } from './pg-pool.js';

/** In foreign-key order. Tables missing on either side are skipped (a file from before a feature). */
const TABLES = [
  'users',
  'credentials',
  'password_resets',
  'user_audit',
  'boards',
  'members',
  'member_removals',
  'invites',
  'audit',
  'updates',
  'doc_clients',
  'quarantine',
] as const;

/** Tables without a key of their own: replaced whole for the documents they hold, so a second run does not double them. */
const REPLACED = new Set(['quarantine']);
const BATCH = 500;

export interface CopyReport {
  tables: Record<string, number>;
  docs: number;
}

async function pgColumns(pool: pg.Pool, table: string): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    [table],
  );
  return new Map(rows.map((r) => [r.column_name, r.data_type]));
}

function convert(value: unknown, pgType: string): unknown {
  if (value === null || value === undefined) return null;
  if (pgType === 'boolean') return value === 1 || value === true;
  if (pgType === 'jsonb' && typeof value !== 'string') return JSON.stringify(value);
  return value;
}

export async function copySqliteToPg(sqliteFile: string, pool: pg.Pool): Promise<CopyReport> {
  const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const report: CopyReport = { tables: {}, docs: 0 };
  try {
    for (const table of TABLES) {
      const sqliteCols = (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
      const pgCols = await pgColumns(pool, table);
      if (sqliteCols.length === 0 || pgCols.size === 0) continue;
      const cols = sqliteCols.filter((c) => pgCols.has(c));
      const rows = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM ${table}`).raw().all() as unknown[][];
      await inTransaction(pool, async (c) => {
        if (REPLACED.has(table)) {
          const keys = [...new Set(rows.map((r) => r[cols.indexOf('doc_key')] as string))];
          await c.query(`DELETE FROM ${table} WHERE doc_key = ANY($1::text[])`, [keys]);
        }
        for (let i = 0; i < rows.length; i += BATCH) {
          const chunk = rows.slice(i, i + BATCH);
          const params: unknown[] = [];
          const tuples = chunk.map((row) => `(${row.map((v, j) => {
            params.push(convert(v, pgCols.get(cols[j]!)!));
            return `$${params.length}`;
          }).join(', ')})`);
          await c.query(`INSERT INTO ${table} (${cols.map((col) => `"${col}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, params);
        }
        // Serial keys copied as they were: the sequence must continue after them.
        if (pgCols.has('seq') && table !== 'updates' && table !== 'quarantine') {
          await c.query(`SELECT setval(pg_get_serial_sequence('${table}', 'seq'), GREATEST((SELECT max(seq) FROM ${table}), 1))`);
        }
      });
      report.tables[table] = rows.length;
    }
    const { rowCount } = await pool.query(
      `INSERT INTO docs (doc_key, head_seq)
       SELECT doc_key, max(seq) FROM updates GROUP BY doc_key
       ON CONFLICT (doc_key) DO UPDATE SET head_seq = GREATEST(docs.head_seq, excluded.head_seq)`,
    );
    report.docs = rowCount ?? 0;
    return report;
  } finally {
    db.close();
  }
}
