/**
 * What an untrusted update would do to a loaded document, read from its summary (the
 * validator worker's decoding) and the document's struct store, never by applying it to a
 * copy: each check is linear in the update and in the document ranges it names [V6].
 */
import * as Y from 'yjs';
import type { UpdateSummary } from './validator.js';

/**
 * Document structs one check walks at most for the delete ranges of one update: a range of
 * a few bytes can name every struct of a client, so the walk is bounded; past it the answer
 * is "unknown" and callers refuse rather than guess.
 */
const MAX_STRUCTS_WALKED = 200_000;

/**
 * Would applying an update with this summary to `doc` leave pending structs or deletes?
 * Returns a reason, or null when every struct follows what the doc (or the update itself)
 * already has and every reference and deletion points at known content.
 */
export function missingDependencies(doc: Y.Doc, s: UpdateSummary): string | null {
  const known = new Map<number, number>();
  const stateOf = (c: number) => known.get(c) ?? Y.getState(doc.store, c);
  for (let i = 0; i < s.segs.length; i += 3) {
    const client = s.segs[i]!;
    const start = s.segs[i + 1]!;
    const end = s.segs[i + 2]!;
    const have = stateOf(client);
    if (start > have) return `client ${client} jumps from clock ${have} to ${start}`;
    known.set(client, Math.max(have, end));
  }
  for (let i = 0; i < s.refs.length; i += 2) {
    const client = s.refs[i]!;
    const clock = s.refs[i + 1]!;
    if (clock >= stateOf(client)) return `reference to unknown content ${client}:${clock}`;
  }
  for (let i = 0; i < s.ds.length; i += 3) {
    const client = s.ds[i]!;
    const end = s.ds[i + 1]! + s.ds[i + 2]!;
    if (end > stateOf(client)) return `deletion of unknown content of client ${client}`;
  }
  return null;
}

/**
 * Calls `visit` for each of the doc's structs that overlaps one of the update's delete
 * ranges (content the update does not hold itself). False when the walk hit its bound.
 */
function walkDeleted(doc: Y.Doc, s: UpdateSummary, visit: (struct: Y.Item | Y.GC) => boolean | void): boolean {
  let walked = 0;
  for (let i = 0; i < s.ds.length; i += 3) {
    const structs = doc.store.clients.get(s.ds[i]!);
    if (!structs) continue;
    const start = s.ds[i + 1]!;
    const end = start + s.ds[i + 2]!;
    if (start >= Y.getState(doc.store, s.ds[i]!)) continue;
    for (let j = Y.findIndexSS(structs, start); j < structs.length && structs[j]!.id.clock < end; j++) {
      if (++walked > MAX_STRUCTS_WALKED) return false;
      if (visit(structs[j] as Y.Item | Y.GC) === false) return true;
    }
  }
  return true;
}

/**
 * True when applying the update would change nothing: every struct is already known and
 * every deleted range is already deleted. Stock y-websocket clients answer the server's
 * step 1 with their whole delete set, so read-only connections send such updates all the
 * time; they are accepted silently rather than refused.
 */
export function changesNothing(doc: Y.Doc, s: UpdateSummary): boolean {
  for (let i = 0; i < s.segs.length; i += 3) {
    if (s.segs[i + 2]! > Y.getState(doc.store, s.segs[i]!)) return false;
  }
  for (let i = 0; i < s.ds.length; i += 3) {
    if (s.ds[i + 1]! + s.ds[i + 2]! > Y.getState(doc.store, s.ds[i]!)) return false;
  }
  let alive = false;
  const complete = walkDeleted(doc, s, (struct) => {
    if (struct instanceof Y.Item && !struct.deleted) {
      alive = true;
      return false;
    }
  });
  return complete && !alive;
}

/**
 * The keys of root map `root` that the update would set or delete, or null when that
 * cannot be told within the bounds (the caller then treats the update as touching any key).
 * Sets come from the worker's reading of the update's items (`keys`, plus `keyRefs` for
 * new values that follow a value the doc holds); deletions from the doc's items under the
 * update's delete ranges.
 */
export function touchedKeys(doc: Y.Doc, s: UpdateSummary, root: string): Set<string> | null {
  if (!s.keysComplete) return null;
  const out = new Set<string>();
  for (let i = 0; i < s.keys.length; i += 2) if (s.keys[i] === root) out.add(s.keys[i + 1]!);
  const type = doc.share.get(root);
  for (let i = 0; i < s.keyRefs.length; i += 2) {
    const id = Y.createID(s.keyRefs[i]!, s.keyRefs[i + 1]!);
    if (id.clock >= Y.getState(doc.store, id.client)) return null;
    const item = Y.getItem(doc.store, id);
    if (item instanceof Y.Item && item.parentSub !== null && type !== undefined && item.parent === type) out.add(item.parentSub);
  }
  const complete = walkDeleted(doc, s, (struct) => {
    if (struct instanceof Y.Item && !struct.deleted && struct.parentSub !== null && type !== undefined && struct.parent === type) {
      out.add(struct.parentSub);
    }
  });
  return complete ? out : null;
}
