/// <reference types="svelte" />
/**
 * Helpers for unit tests of the client's rune classes (tests/**\/*.svelte.test.ts, compiled
 * for the browser by vitest.config.ts's `runes` project): a reactive reader that records
 * what a view would see, a Map-backed localStorage, and in-memory doc stores that stand in
 * for IndexedDB (the browser suite runs the real one).
 */
import { flushSync } from 'svelte';
import * as Y from 'yjs';
import type { KeyValueStore } from '../../client/src/lib/state/board-storage.js';
import type { LocalStore, OpenLocalStore } from '../../client/src/lib/state/board-docs.svelte.js';

export interface Watched<T> {
  /** Every value the reader produced, one per re-run. */
  readonly values: T[];
  readonly last: T;
  stop(): void;
}

/**
 * Reads `read()` inside an effect, as a component would, and records it each time it
 * re-runs; pending effects run before it returns and on every `flush()`.
 */
export function watch<T>(read: () => T): Watched<T> {
  const values: T[] = [];
  const stop = $effect.root(() => {
    $effect(() => {
      values.push(read());
    });
  });
  flushSync();
  return {
    values,
    get last() {
      return values[values.length - 1]!;
    },
    stop,
  };
}

export const flush = (): void => flushSync();

export function memoryStorage(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/**
 * Doc stores that keep each doc's updates in memory under its name, as y-indexeddb keeps
 * them in IndexedDB: opening a name again (a reload) loads what was stored. `hold()` makes
 * the next stores wait until `release()`, to see what happens while a store loads.
 */
export function memoryStores() {
  const saved = new Map<string, Uint8Array[]>();
  let held: Array<() => void> | null = null;
  const open: OpenLocalStore = (name, doc): LocalStore => {
    const list = saved.get(name) ?? [];
    saved.set(name, list);
    const origin = Symbol('store');
    const keep = (u: Uint8Array, o: unknown) => {
      if (o !== origin) list.push(u);
    };
    const load = () => {
      for (const u of list) Y.applyUpdate(doc, u, origin);
      doc.on('update', keep);
    };
    let whenSynced: Promise<void>;
    if (held) {
      const gate = held;
      whenSynced = new Promise<void>((r) => gate.push(() => (load(), r())));
    } else {
      load();
      whenSynced = Promise.resolve();
    }
    return { whenSynced, destroy: () => doc.off('update', keep) };
  };
  return {
    open,
    saved,
    hold() {
      held = [];
    },
    release() {
      const gate = held ?? [];
      held = null;
      for (const r of gate) r();
    },
  };
}
