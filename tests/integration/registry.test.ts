/** [R1–R6] DocRegistry over a real SQLite store and the real validator worker. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocRegistry } from '../../server/docs/registry.js';
import { UpdateValidator } from '../../server/docs/validator.js';
import { createLogger } from '../../server/logger.js';
import { SqliteStore } from '../../server/persistence/sqlite-store.js';
import type { Store } from '../../server/persistence/store.js';
import { tempDir } from '../helpers/server.js';

const logger = createLogger('silent');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(file = path.join(tempDir(), 'r.sqlite'), opts: { idleEvictMs?: number; compactEvery?: number } = {}) {
  const store = new SqliteStore(file);
  let loads = 0;
  // Counts loads; everything else goes to the real store.
  const counting = new Proxy(store, {
    get(target, prop) {
      if (prop === 'loadUpdates') {
        return (k: string) => {
          loads++;
          return target.loadUpdates(k);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Store;
  const validator = new UpdateValidator(500, logger);
  let validations = 0;
  const validate = validator.validate.bind(validator);
  validator.validate = (...args) => {
    validations++;
    return validate(...args);
  };
  const registry = new DocRegistry({ store: counting, validator, logger, idleEvictMs: opts.idleEvictMs ?? 60_000, compactEvery: opts.compactEvery ?? 1000, maxUpdateBytes: 1 << 20 });
  const close = async () => {
    await registry.close();
    await validator.close();
    await store.close();
  };
  cleanups.push(close);
  return { store, registry, loads: () => loads, validations: () => validations, file, close };
}

const origin = { kind: 'client' as const, connId: 'c1', userId: 'u1' };
const setUpdate = (doc: Y.Doc, key: string, value: unknown) => {
  let out: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => (out = u));
  doc.getMap('m').set(key, value);
  return out!;
};

describe('DocRegistry', () => {
  it('[R1] concurrent loads of one document share one load', async () => {
    const { registry, loads } = setup();
    const docs = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.acquire('board/x', `h${i}`)));
    expect(new Set(docs).size).toBe(1);
    expect(loads()).toBe(1);
  });

  it('[R2] a loaded document holds every stored update (never half-loaded)', async () => {
    const a = setup();
    const local = new Y.Doc();
    for (let i = 0; i < 50; i++) expect((await a.registry.applyUpdate('board/y', setUpdate(local, `k${i}`, i), origin)).ok).toBe(true);
    await a.close();
    cleanups.pop();
    const b = setup(a.file);
    // Readers racing the load all see the full state.
    const sizes = await Promise.all(Array.from({ length: 5 }, () => b.registry.read('board/y', (d) => d.getMap('m').size)));
    expect(sizes).toEqual([50, 50, 50, 50, 50]);
  });

  it('[R3] an idle document is evicted after a final flush, compacted, and loads again intact', async () => {
    const { registry, store, loads } = setup(undefined, { idleEvictMs: 50 });
    const local = new Y.Doc();
    await registry.acquire('board/z', 'h');
    for (let i = 0; i < 30; i++) await registry.applyUpdate('board/z', setUpdate(local, `k${i}`, i), origin);
    expect((await store.loadUpdates('board/z')).length).toBe(30);
    registry.release('board/z', 'h');
    await new Promise((r) => setTimeout(r, 300));
    expect(registry.isLoaded('board/z')).toBe(false);
    expect((await store.loadUpdates('board/z')).length).toBe(1); // compacted on eviction
    expect(await registry.read('board/z', (d) => d.getMap('m').size)).toBe(30);
    expect(loads()).toBe(2);
  });

  it('[R4] the log is compacted once it passes the bound, without losing content', async () => {
    const { registry, store } = setup(undefined, { compactEvery: 20 });
    const local = new Y.Doc();
    await registry.acquire('board/c', 'h');
    for (let i = 0; i < 45; i++) await registry.applyUpdate('board/c', setUpdate(local, `k${i}`, i), origin);
    await new Promise((r) => setTimeout(r, 100));
    const rows = await store.loadUpdates('board/c');
    expect(rows.length).toBeLessThan(45);
    const check = new Y.Doc();
    for (const r of rows) Y.applyUpdate(check, r.data);
    expect(check.getMap('m').size).toBe(45);
  });

  it('[R5] a stored row damaged on disk is checked again, quarantined, and the rest loads', async () => {
    const a = setup();
    const local = new Y.Doc();
    await a.registry.applyUpdate('board/q', setUpdate(local, 'good', 1), origin);
    const seq = await a.store.appendUpdate('board/q', setUpdate(local, 'soon damaged', 2));
    await a.close();
    cleanups.pop();
    // The bytes change behind the store's back (its checksum no longer matches).
    const raw = new Database(a.file);
    raw.prepare('UPDATE updates SET data = ? WHERE doc_key = ? AND seq = ?').run(Buffer.from([1, 2, 3, 250, 7]), 'board/q', seq);
    raw.close();
    const b = setup(a.file);
    expect(await b.registry.read('board/q', (d) => d.getMap('m').toJSON())).toEqual({ good: 1 });
    expect((await b.store.loadUpdates('board/q')).length).toBe(1);
    expect(b.validations()).toBe(1); // only the damaged row went to the validator
  });

  it('[R5] intact stored rows load without going through the validator again', async () => {
    const a = setup();
    const local = new Y.Doc();
    for (let i = 0; i < 5; i++) await a.registry.applyUpdate('board/t', setUpdate(local, `k${i}`, i), origin);
    expect(a.validations()).toBe(5);
    await a.close();
    cleanups.pop();
    const b = setup(a.file);
    expect(await b.registry.read('board/t', (d) => d.getMap('m').size)).toBe(5);
    expect(b.validations()).toBe(0);
  });

  it('[R5] a doc loaded from one intact row offers those bytes as its whole state until it changes', async () => {
    const a = setup();
    const local = new Y.Doc();
    for (let i = 0; i < 5; i++) await a.registry.applyUpdate('board/w', setUpdate(local, `k${i}`, i), origin);
    await a.registry.evictIdle(); // compacts into one row
    await a.close();
    cleanups.pop();
    const b = setup(a.file);
    const rows = await b.store.loadUpdates('board/w');
    expect(rows.length).toBe(1);
    const row = rows[0]!;
    const whole = (r: typeof b) => r.registry.read('board/w', (d) => r.registry.wholeState('board/w', d));
    const offered = await whole(b);
    expect(Buffer.from(offered).equals(Buffer.from(row.data))).toBe(true);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, offered);
    expect(fresh.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 });
    await b.registry.applyUpdate('board/w', setUpdate(local, 'k5', 5), origin);
    const after = await whole(b);
    expect(Buffer.from(after).equals(Buffer.from(row.data))).toBe(false);
    const again = new Y.Doc();
    Y.applyUpdate(again, after);
    expect(again.getMap('m').get('k5')).toBe(5);
  });

  it('[R6] updates to one document apply in arrival order even when they depend on each other', async () => {
    const { registry } = setup();
    const local = new Y.Doc();
    const updates = Array.from({ length: 100 }, (_, i) => setUpdate(local, `k${i}`, i));
    const results = await Promise.all(updates.map((u) => registry.applyUpdate('board/o', u, origin)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await registry.read('board/o', (d) => d.getMap('m').size)).toBe(100);
  });
});
