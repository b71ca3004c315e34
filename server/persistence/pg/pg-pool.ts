/**
 * The PostgreSQL pool of one process (cluster mode): a small pool with connect, query and
 * statement timeouts and TCP keep-alive, so a cut network turns into an error in bounded time
 * instead of a hung acknowledgement. An idle client's error (the server restarted, the
 * connection was reset) is logged and the client dropped; it never crashes the process.
 */
import pg from 'pg';

export interface PgPoolOptions {
  /** Connections per process; the update log keeps one busy per batch, the rest read. */
  max?: number;
  connectTimeoutMs?: number;
  /** Client-side bound on one query, and the server-side statement_timeout. */
  queryTimeoutMs?: number;
  onIdleError?: (err: Error) => void;
}

export function createPgPool(connectionString: string, o: PgPoolOptions = {}): pg.Pool {
  const queryTimeoutMs = o.queryTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString,
    max: o.max ?? 4,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000,
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
    idle_in_transaction_session_timeout: queryTimeoutMs * 2,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'claimboard',
  });
  pool.on('error', (err) => (o.onIdleError ?? (() => undefined))(err));
  return pool;
}

/** An error PostgreSQL answered (it carries a SQLSTATE), as opposed to one of reaching it. */
export const isServerError = (err: unknown): boolean =>
  typeof (err as { code?: unknown } | null)?.code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code);

/** Runs `fn` in one transaction on one client; rolls back on error and releases the client. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    if (!isServerError(err)) {
      // A timeout or a broken connection: a ROLLBACK would wait out another timeout. The
      // connection is destroyed instead, and PostgreSQL rolls the transaction back itself.
      broken = true;
      throw err;
    }
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not hand it out again
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
