import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Deterministic PRNG (mulberry32) for seeded tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A valid update of at most `bytes` that is slow to decode and apply: one map entry from
 * each of many Yjs client ids, so nothing merges. Written directly in the update v1
 * format (Yjs would take quadratic time to produce it through a doc): per client
 * [1 struct, client id, clock 0, info = ContentAny(8) | parentSub(BIT6), parent is a root
 * key ("votes"), the key, one `any` value], then an empty delete set.
 */
export function heavyUpdate(bytes: number): Uint8Array {
  const entry = (client: number) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, 0);
    encoding.writeUint8(e, 8 | 0b0010_0000);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, 'votes');
    encoding.writeVarString(e, `k${client}`);
    encoding.writeVarUint(e, 1);
    encoding.writeAny(e, client);
    return encoding.toUint8Array(e);
  };
  const parts: Uint8Array[] = [];
  let size = 16;
  for (let client = 1_000_000; size + 40 < bytes; client++) {
    const p = entry(client);
    parts.push(p);
    size += p.length;
  }
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, parts.length);
  for (const p of parts.reverse()) encoding.writeUint8Array(out, p);
  encoding.writeVarUint(out, 0);
  return encoding.toUint8Array(out);
}
