/**
 * Pending content of a loaded document: structs Yjs holds back because an update they
 * depend on is missing, and deletions of content not yet present [R7]. After a stored row
 * was quarantined, the later updates of the same Yjs client (and anything built on them)
 * wait here until the client that still has the lost update sends it again; they are
 * kept, never dropped, and integrate on their own once it arrives.
 */
import * as Y from 'yjs';

export interface PendingSnapshot {
  structs: { missing: Map<number, number>; update: Uint8Array } | null;
  ds: Uint8Array | null;
}

export function hasPending(doc: Y.Doc): boolean {
  return !!(doc.store.pendingStructs || doc.store.pendingDs);
}

/** A copy: Yjs changes the pending record in place when it merges more into it. */
export function snapshotPending(doc: Y.Doc): PendingSnapshot {
  const p = doc.store.pendingStructs;
  return { structs: p ? { missing: new Map(p.missing), update: p.update } : null, ds: doc.store.pendingDs };
}

export function restorePending(doc: Y.Doc, s: PendingSnapshot): void {
  doc.store.pendingStructs = s.structs ? { missing: new Map(s.structs.missing), update: s.structs.update } : null;
  doc.store.pendingDs = s.ds;
}

/**
 * True when the pending content now holds something it did not hold in `before`: an
 * update just applied left content of its own waiting (pending content that integrated
 * meanwhile does not count).
 */
export function pendingGrew(before: PendingSnapshot, doc: Y.Doc): boolean {
  const now = doc.store.pendingStructs;
  if (now) {
    if (!before.structs) return true;
    // Pending bytes were produced by Yjs from structs it already decoded: safe to parse.
    const was = Y.parseUpdateMetaV2(before.structs.update);
    const is = Y.parseUpdateMetaV2(now.update);
    for (const [client, to] of is.to) {
      const wasTo = was.to.get(client);
      if (wasTo === undefined || to > wasTo || is.from.get(client)! < was.from.get(client)!) return true;
    }
  }
  const ds = doc.store.pendingDs;
  if (ds && (!before.ds || ds.length > before.ds.length)) return true;
  return false;
}

/** Per Yjs client, the first clock the pending content waits for. */
export function waitingFor(doc: Y.Doc): Array<{ client: number; clock: number }> {
  const p = doc.store.pendingStructs;
  return p ? [...p.missing].map(([client, clock]) => ({ client, clock })) : [];
}
