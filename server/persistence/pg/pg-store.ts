/**
 * Cluster mode's store: the update log and the directory on one PostgreSQL database, over one
 * small pool per process, with the schema migrated on open [K3].
 */
import type pg from 'pg';
import type { Directory, Store, UpdateLog } from '../store.js';
import { PgDirectory } from './pg-directory.js';
import { migratePg } from './pg-migrations.js';
import { createPgPool, type PgPoolOptions } from './pg-pool.js';
import { PgUpdateLog } from './pg-update-log.js';

export interface PgStore extends Store {
  readonly pool: pg.Pool;
  readonly log: PgUpdateLog;
  heads(docKeys: string[]): Promise<Map<string, number>>;
}

/** Every method of `o`'s interface, bound to it, as own properties (so they can be spread). */
function bound<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const v = (o as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof v === 'function' && !(name in out)) out[name] = v.bind(o);
    }
  }
  return out as T;
}

export async function openPgStore(url: string, o: PgPoolOptions = {}): Promise<PgStore> {
  const pool = createPgPool(url, o);
  try {
    await migratePg(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const log = new PgUpdateLog(pool);
  const directory = new PgDirectory(pool);
  return {
    ...bound<Directory>(directory),
    accounts: directory.accounts,
    ...bound<UpdateLog>(log),
    pool,
    log,
    heads: (keys) => log.heads(keys),
    async close() {
      await log.close();
      await pool.end();
    },
  };
}
