// Decodes untrusted Yjs updates off the main thread. The parent terminates this worker
// when one update takes longer than its deadline (a crafted update can make Yjs loop
// forever, yjs issue 687), so nothing here needs to guard against hangs itself.
// Plain JavaScript so it runs without a TypeScript loader in every environment.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';

const EMPTY = new Uint8Array([0, 0]);

/** Content kinds that only sequences (Y.Text) hold: never the value of a map key. */
const TEXT_ONLY = [Y.ContentString, Y.ContentFormat, Y.ContentEmbed];

/**
 * Returns { segs, refs, ds, keys, keyRefs }:
 *   segs:    [client, start, end, ...] — runs of real structs (Skip excluded), in update order
 *   refs:    [client, maxClock, ...]   — the highest clock each client is referenced at
 *   ds:      [client, clock, len, ...]  — every deleted range
 *   keys:    [root, key, ...]           — map keys this update writes: root is the root type's
 *            name, or '' when the map is nested (the key of every item that names its parent
 *            or follows one of this update's own items that does)
 *   keyRefs: [client, clock, ...]      — items that may write a map key but follow an item the
 *            update does not hold (a new value over an existing one): the server resolves the
 *            key from that existing item, which it has (refs guarantees it)
 * Yjs writes an item's parent and key only when it has neither origin nor right origin;
 * otherwise they are inherited from the origin, so a key is found by following origins.
 */
function summarize(bytes) {
  const { structs, ds } = Y.decodeUpdate(bytes);
  const segs = [];
  const refs = new Map();
  const ref = (id) => {
    if (id && typeof id === 'object' && typeof id.client === 'number') {
      const prev = refs.get(id.client);
      if (prev === undefined || id.clock > prev) refs.set(id.client, id.clock);
    }
  };
  /** client → this update's items of that client, in clock order (for resolving origins). */
  const own = new Map();
  const inherit = [];
  for (const s of structs) {
    if (s.length <= 0) throw new Error('struct of zero length');
    if (s instanceof Y.Skip) continue;
    const { client, clock } = s.id;
    const n = segs.length;
    if (n >= 3 && segs[n - 3] === client && segs[n - 1] === clock) segs[n - 1] = clock + s.length;
    else segs.push(client, clock, clock + s.length);
    if (s instanceof Y.Item) {
      ref(s.origin);
      ref(s.rightOrigin);
      ref(s.parent);
      const info = { clock, len: s.length, key: null, ext: false };
      if (s.parentSub !== null) info.key = [typeof s.parent === 'string' ? s.parent : '', s.parentSub];
      else if (s.parent === null && !TEXT_ONLY.some((C) => s.content instanceof C)) {
        // Yjs takes the parent and key from the right origin if there is one, else the
        // origin; a crafted item may have either, so both are followed.
        for (const o of [s.origin, s.rightOrigin]) if (o !== null) inherit.push([info, o]);
      }
      let list = own.get(client);
      if (!list) own.set(client, (list = []));
      list.push(info);
    }
  }
  const find = (id) => {
    const list = own.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const it = list[mid];
      if (id.clock < it.clock) hi = mid - 1;
      else if (id.clock >= it.clock + it.len) lo = mid + 1;
      else return it;
    }
    return null;
  };
  // Origins may point at items later in the update (another client's): settle in passes,
  // each linear. An origin outside the update goes to the server (keyRefs), and whatever
  // follows it inherits the key the server finds there; a chain that does not settle within
  // the passes makes the keys incomplete, which a guard that needs them treats as refusal.
  const keySet = new Set();
  const keyRefs = [];
  let open = [];
  for (const pair of inherit) {
    if (find(pair[1]) !== null) open.push(pair);
    else {
      keyRefs.push(pair[1].client, pair[1].clock);
      pair[0].ext = true;
    }
  }
  for (let pass = 0; pass < 8 && open.length > 0; pass++) {
    const next = [];
    for (const pair of open) {
      const o = find(pair[1]);
      if (o.key !== null) {
        if (pair[0].key === null) pair[0].key = o.key;
        else keySet.add(o.key[0] + '\u0000' + o.key[1]);
      } else if (o.ext) pair[0].ext = true;
      else next.push(pair);
    }
    if (next.length === open.length) break;
    open = next;
  }
  for (const list of own.values()) for (const it of list) if (it.key !== null) keySet.add(it.key[0] + '\u0000' + it.key[1]);
  const keys = [];
  for (const k of keySet) {
    const i = k.indexOf('\u0000');
    keys.push(k.slice(0, i), k.slice(i + 1));
  }
  const keysComplete = open.length === 0;
  const dsOut = [];
  for (const [client, items] of ds.clients) {
    for (const it of items) {
      if (it.len <= 0) throw new Error('empty delete range');
      dsOut.push(client, it.clock, it.len);
    }
  }
  const refsOut = [];
  for (const [c, k] of refs) refsOut.push(c, k);
  // Exercise the two other decoding paths on a scratch copy: applying (what the server
  // will do with these bytes) and merging (what y-websocket clients and tools may do).
  // A fixed guid: a fresh one (random.uuidv4) costs dozens of getRandomValues calls.
  Y.applyUpdate(new Y.Doc({ guid: 'validate' }), bytes);
  Y.mergeUpdates([bytes, EMPTY]);
  return { segs, refs: refsOut, ds: dsOut, keys, keyRefs, keysComplete };
}

// A batch in, a batch of answers out, in the same order (one message each way).
parentPort.on('message', (msg) => {
  if (!Array.isArray(msg?.batch)) return; // only the validator talks to this worker
  const results = msg.batch.map(({ id, bytes }) => {
    try {
      return { id, ok: true, summary: summarize(bytes) };
    } catch (err) {
      return { id, ok: false, message: String(err?.message ?? err) };
    }
  });
  parentPort.postMessage({ results });
});

// Warm up before saying ready: the first few hundred decodes run unoptimized and take
// milliseconds each, which right after a restart under load delays every acknowledgement.
{
  const doc = new Y.Doc({ guid: 'warm-up' });
  const updates = [];
  doc.on('update', (u) => updates.push(u));
  for (let i = 0; i < 200; i++) {
    if (i % 2) doc.getMap('votes').set(`claim-${i % 20}`, { rating: 1 + (i % 5), confidence: 'high', at: i });
    else doc.getText('notes').insert(0, `note ${i} `);
  }
  for (const u of updates) summarize(u);
}

parentPort.postMessage({ ready: true });
