// Decodes untrusted Yjs updates off the main thread. The parent terminates this worker
// when one update takes longer than its deadline (a crafted update can make Yjs loop
// forever, yjs issue 687), so nothing here needs to guard against hangs itself.
// Plain JavaScript so it runs without a TypeScript loader in every environment.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';

const EMPTY = new Uint8Array([0, 0]);

/**
 * Returns { segs, refs, ds } as flat number arrays:
 *   segs: [client, start, end, ...] — runs of real structs (Skip excluded), in update order
 *   refs: [client, maxClock, ...]   — the highest clock each client is referenced at
 *   ds:   [client, clock, len, ...]  — every deleted range
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
    }
  }
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
  return { segs, refs: refsOut, ds: dsOut };
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
