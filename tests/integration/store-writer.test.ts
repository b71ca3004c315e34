/**
 * [S9, S10] The SQLite store's writer thread: directory writes never block the event loop,
 * and a writer that dies or stalls never leaves a write waiting.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, type SqliteStoreOptions } from '../../server/persistence/sqlite-store.js';
import { WriterLostError } from '../../server/persistence/sqlite-writer-thread.js';
import { tempDir, waitFor } from '../helpers/server.js';
import { addUser, userOf } from '../helpers/store-contract.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function open(opts: SqliteStoreOptions = {}, file = path.join(tempDir(), 'w.sqlite')) {
  const store = new SqliteStore(file, { writer: { onGiveUp: () => undefined, ...opts.writer } });
  cleanups.push(() => store.close());
  return { store, file };
}

/** Holds SQLite's write lock from another connection until `release()`. */
function holdWriteLock(file: string) {
  const raw = new Database(file);
  raw.exec('BEGIN IMMEDIATE');
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    raw.exec('COMMIT');
    raw.close();
  };
  cleanups.push(release);
  return release;
}

/** Settles with the outcome of `p`, or rejects once a (generous) bound has passed. */
async function within<T>(p: Promise<T>, boundMs: number, what: string): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${boundMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([Promise.allSettled([p]).then((r) => r[0]!), bound]);
  } finally {
    clearTimeout(timer);
  }
}

const bytes = (...n: number[]) => new Uint8Array(n);
const now = 1_700_000_000_000;

describe('SQLite writer thread', () => {
  it('[S9] a directory write waiting for the write lock leaves the event loop free', async () => {
    const { store, file } = open();
    const release = holdWriteLock(file);
    const started = performance.now();
    const created = addUser(store, 'u1', 'Ann', now, 'h1', null);
    const callMs = performance.now() - started;
    let settled = false;
    created.then(() => (settled = true), () => (settled = true));
    // A timer fires while the lock is still held: the loop was not blocked, and the write
    // is still waiting for the lock rather than failing with SQLITE_BUSY.
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    release();
    await created;
    expect((await userOf(store, 'h1', now))?.name).toBe('Ann');
    console.info(`[S9] createUser returned after ${callMs.toFixed(2)} ms while another connection held the lock`);
  });

  it('[S10] a killed writer is replaced: in-flight appends fail or commit, none waits, later writes commit', async () => {
    const { store, file } = open();
    await store.appendUpdate('board/k', bytes(0));
    const inFlight = Array.from({ length: 50 }, (_, i) => store.appendUpdate(`board/k${i % 3}`, bytes(i)));
    // The batch is posted on the next turn; kill the writer while it holds it.
    await new Promise((r) => setImmediate(r));
    await store.killWriterForTest();
    const queued = Array.from({ length: 20 }, (_, i) => store.appendUpdate('board/other', bytes(i)));
    const started = performance.now();
    const results = await within(Promise.allSettled([...inFlight, ...queued]), 20_000, 'appends after a writer kill');
    console.info(`[S10] ${inFlight.length + queued.length} appends settled ${(performance.now() - started).toFixed(0)} ms after the kill`);
    expect(results.status).toBe('fulfilled');
    const settled = (results as PromiseFulfilledResult<PromiseSettledResult<number>[]>).value;
    for (const r of settled) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Error);
    }
    // Appends queued behind the lost batch, for another document, were never attempted: they commit.
    expect(settled.slice(inFlight.length).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(store.writerRestarts).toBe(1);
    expect(await store.appendUpdate('board/k', bytes(99))).toBeGreaterThan(1);
    await addUser(store, 'u2', 'Ben', now, 'h2', null);
    // Everything acknowledged is in the file.
    await store.close();
    cleanups.pop();
    const again = new SqliteStore(file);
    cleanups.push(() => again.close());
    const acked = settled.filter((r) => r.status === 'fulfilled').length;
    let rows = 0;
    for (const k of ['board/k0', 'board/k1', 'board/k2', 'board/other']) rows += (await again.loadUpdates(k)).length;
    expect(rows).toBeGreaterThanOrEqual(acked);
    expect((await userOf(again, 'h2', now))?.id).toBe('u2');
  });

  it('[S10] a lost batch fails the queued appends of its documents, which may depend on it', async () => {
    const { store } = open();
    const lost = store.appendUpdate('board/dep', bytes(1));
    await new Promise((r) => setImmediate(r)); // posted: in flight
    const later = store.appendUpdate('board/dep', bytes(2)); // queued behind it
    await store.killWriterForTest();
    const both = await within(Promise.allSettled([lost, later]), 20_000, 'appends after a writer kill');
    const [a, b] = (both as PromiseFulfilledResult<PromiseSettledResult<number>[]>).value;
    // The in-flight one may have committed before the kill; if it was lost, the later one fails too.
    if (a!.status === 'rejected') {
      expect(a!.reason).toBeInstanceOf(WriterLostError);
      expect((a!.reason as WriterLostError).outcome).toBe('unknown');
      expect(b!.status).toBe('rejected');
    }
    expect(await store.appendUpdate('board/dep', bytes(3))).toBeGreaterThan(0);
  });

  it('[S10] a stalled writer (no answer within the stall bound) is replaced and its write fails', async () => {
    // The bound applies once a writer runs; the follow-up write below must commit within it.
    const { store, file } = open({ writer: { stallMs: 1000 } });
    const release = holdWriteLock(file);
    // The writer waits for the lock (busy_timeout 5 s); the lock stays held until the
    // supervisor has given up on it.
    const r = await within(addUser(store, 'u1', 'Ann', now, 'h1', null), 20_000, 'stalled write');
    expect(r.status).toBe('rejected');
    expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WriterLostError);
    release();
    expect(store.writerRestarts).toBe(1);
    await addUser(store, 'u3', 'Cy', now, 'h3', null);
    expect((await userOf(store, 'h3', now))?.id).toBe('u3');
  });

  it('[S10] a writer that keeps dying is given up on: onGiveUp runs once and writes fail at once', async () => {
    const reasons: string[] = [];
    const { store } = open({ writer: { maxRestarts: 2, onGiveUp: (reason) => reasons.push(reason) } });
    for (let i = 1; i <= 2; i++) {
      await store.killWriterForTest();
      await waitFor(() => store.writerRestarts === i, `restart ${i}`, 10_000);
    }
    await store.killWriterForTest();
    await waitFor(() => reasons.length === 1, 'give-up', 10_000);
    const r = await within(store.appendUpdate('board/g', bytes(1)), 10_000, 'append after give-up');
    expect(r.status).toBe('rejected');
    expect(((r as PromiseRejectedResult).reason as WriterLostError).outcome).toBe('not_committed');
    await expect(store.probeWrite(now)).rejects.toBeInstanceOf(WriterLostError);
    expect(reasons).toHaveLength(1);
  });
});
