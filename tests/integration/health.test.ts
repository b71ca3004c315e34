/** [S11] GET /health runs a real write through the store, cached for a second. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { SqliteStore } from '../../server/persistence/sqlite-store.js';
import { api, startServer, tempDir, waitFor } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('GET /health', () => {
  it('[S11] answers 200 with the store writable and the quarantine counter; concurrent checks share one probe', async () => {
    const srv = await startServer();
    cleanups.push(() => srv.close());
    const answers = await Promise.all(Array.from({ length: 5 }, () => api(srv.url, 'GET', '/health')));
    for (const a of answers) expect(a).toMatchObject({ status: 200, body: { ok: true, store: 'writable', quarantined: 0 } });
    // One probe (one fsync) served all five.
    expect(new Set(answers.map((a) => a.body.checkedAt)).size).toBe(1);
  });

  it('[S11] answers 503 store "unwritable" while another process holds the write lock, and 200 again after', async () => {
    const srv = await startServer();
    cleanups.push(() => srv.close());
    const raw = new Database(path.join(srv.dataDir, 'claimboard.sqlite'));
    raw.exec('BEGIN IMMEDIATE');
    let locked = true;
    cleanups.push(() => {
      if (locked) raw.exec('COMMIT');
      raw.close();
    });
    const started = performance.now();
    const r = await api(srv.url, 'GET', '/health');
    console.info(`[S11] /health answered ${r.status} after ${(performance.now() - started).toFixed(0)} ms with the lock held`);
    expect(r).toMatchObject({ status: 503, body: { ok: false, store: 'unwritable' } });
    raw.exec('COMMIT');
    locked = false;
    await waitFor(async () => (await api(srv.url, 'GET', '/health')).status === 200, 'healthy again', 20_000);
  });

  it('[S11][S10] answers 503 once the writer thread was given up on', async () => {
    const dir = tempDir();
    let gaveUp = false;
    const store = new SqliteStore(path.join(dir, 'claimboard.sqlite'), { writer: { maxRestarts: 0, onGiveUp: () => (gaveUp = true) } });
    const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'silent' as const };
    const app = createApp(config, { store, logger: createLogger('silent') });
    const port = await app.listen();
    cleanups.push(() => app.close());
    const url = `http://127.0.0.1:${port}`;
    expect((await api(url, 'GET', '/health')).status).toBe(200);
    await store.killWriterForTest();
    await waitFor(() => gaveUp, 'give-up', 10_000);
    await waitFor(async () => (await api(url, 'GET', '/health')).status === 503, '503 after the cached answer expires', 10_000);
    expect((await api(url, 'GET', '/health')).body).toMatchObject({ ok: false, store: 'unwritable', quarantined: 0 });
  });
});
