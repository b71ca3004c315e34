/**
 * This device's offline copies of boards: the Y.Docs in IndexedDB (y-indexeddb), board
 * metadata in localStorage and the service worker's Cache Storage.
 *
 * A session signed in with "This is a shared computer" makes none: `openOfflineCopy`
 * returns null and the board lives in memory only. Signing out removes every copy of every
 * board on this device (`wipeOfflineCopies`) unless the user chose to keep them.
 *
 * Copies are off until the session says otherwise, so nothing is written to a shared
 * computer in the moment before the session's kind is known.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

/** Names of the IndexedDB databases opened here, for browsers without `indexedDB.databases()`. */
const DB_NAMES_KEY = 'claimboard.offline-dbs';
/** localStorage keys that are not board data and survive a wipe. */
const KEPT_KEYS = new Set(['claimboard.signout-pending']);

let allowed = false;

export function setOfflineCopiesAllowed(on: boolean): void {
  allowed = on;
}

export function offlineCopiesAllowed(): boolean {
  return allowed;
}

function recordDbName(name: string): void {
  try {
    const names = new Set(JSON.parse(localStorage.getItem(DB_NAMES_KEY) ?? '[]') as string[]);
    if (names.has(name)) return;
    names.add(name);
    localStorage.setItem(DB_NAMES_KEY, JSON.stringify([...names]));
  } catch {
    localStorage.setItem(DB_NAMES_KEY, JSON.stringify([name]));
  }
}

/** Persists `doc` in IndexedDB under `name`, or returns null on a shared computer. */
export function openOfflineCopy(name: string, doc: Y.Doc): IndexeddbPersistence | null {
  if (!allowed) return null;
  recordDbName(name);
  return new IndexeddbPersistence(name, doc);
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    // 'blocked' only delays: the deletion goes ahead once open connections close (a board
    // being torn down closes its own).
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
  });
}

async function databaseNames(): Promise<string[]> {
  const names = new Set<string>();
  try {
    for (const n of JSON.parse(localStorage.getItem(DB_NAMES_KEY) ?? '[]') as unknown[]) if (typeof n === 'string') names.add(n);
  } catch {
    /* a damaged list: databases() below still finds them where it exists */
  }
  if (typeof indexedDB.databases === 'function') {
    for (const db of await indexedDB.databases()) if (db.name) names.add(db.name);
  }
  return [...names];
}

/**
 * Deletes this device's copies of every board, of every account that signed in here:
 * all of this origin's IndexedDB databases, its Cache Storage, and the board lists,
 * metadata and names kept in localStorage and sessionStorage.
 */
export async function wipeOfflineCopies(): Promise<void> {
  if (typeof indexedDB !== 'undefined') await Promise.all((await databaseNames()).map(deleteDatabase));
  if (typeof caches !== 'undefined') {
    for (const key of await caches.keys()) await caches.delete(key);
  }
  for (const store of [localStorage, sessionStorage]) {
    for (const key of Object.keys(store)) if (key.startsWith('claimboard.') && !KEPT_KEYS.has(key)) store.removeItem(key);
  }
}
