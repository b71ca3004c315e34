/**
 * Flood generator for flood.bench.ts, in its own process: one named flood against a
 * Claimboard server for SECONDS, then a JSON summary on stdout. Bounded in count and time;
 * loopback only.
 *
 *   node --import tsx tests/bench/flood-generator.ts '<json FloodArgs>'
 *
 * Floods (issue 12's findings):
 * - frames: 10,000 awareness frames a second on one connection, plus 500 connection attempts
 * - awareness-ids: awareness updates, each with a fresh Yjs client id and a 1 KB state
 * - sync-open: `sync:open` frames naming 5,000 documents each, then as many as allowed
 * - heavy-updates: valid ~890 KB updates (16,500 map entries each) to the flooder's own doc
 * - sealed-writes: a ~4 MB reviewer doc, a sealed round, then tiny writes as fast as acked
 * - attachments: unauthenticated Socket.IO packets announcing 64 binary attachments, 63 sent
 * - deep-msgpack: unauthenticated frames of 1 MB of nested MessagePack arrays
 * - deep-json: 3.8 MB of nested JSON arrays to POST /api/users (unauthenticated)
 * - markdown: board imports of deeply nested Markdown blockquotes and lists
 */
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { wireParser } from '../../shared/protocol/wire.js';

import { awarenessFlood, deepPacket, pinningAttachments, syncOpenFlood } from './flood-frames.js';
import type { Flood, FloodArgs, FloodSummary } from './flood-kinds.js';

const args = JSON.parse(process.argv[2] ?? '{}') as FloodArgs;
if (!args.url || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(args.url)) throw new Error('loopback URLs only');
/** When the flood ends: set once its setup (if any) is done and it starts. */
let endAt = Date.now() + args.seconds * 1000;
/** Tells the bench that the flood proper starts now (after any setup). */
const started = () => {
  endAt = Date.now() + args.seconds * 1000;
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
};
const summary: FloodSummary = { sent: 0, answers: {}, drops: 0 };
const count = (k: string) => (summary.answers[k] = (summary.answers[k] ?? 0) + 1);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(boardId = args.boardId): Promise<Socket> {
  const s = io(args.url, { parser: wireParser, auth: { token: args.token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  s.once('disconnect', () => summary.drops++);
  await s.timeout(10_000).emitWithAck('board:join', { boardId, protocolVersion: PROTOCOL_VERSION });
  return s;
}

/** Emits with an ack, counting the answer's code; resolves when answered (or after 10 s). */
async function emitCounted(s: Socket, event: string, payload: unknown): Promise<void> {
  summary.sent++;
  try {
    const r = (await s.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; error?: { code: string } };
    count(r.ok ? 'ok' : (r.error?.code ?? 'error'));
  } catch {
    count('no answer');
  }
}

/** Repeats `once` on a fresh connection until the time is up (a dropped connection is replaced). */
async function onConnections(once: (s: Socket) => Promise<void>, boardId = args.boardId): Promise<void> {
  while (Date.now() < endAt) {
    let s: Socket;
    try {
      s = await connect(boardId);
    } catch {
      count('connect refused');
      await pause(200);
      continue;
    }
    while (s.connected && Date.now() < endAt) await once(s);
    s.close();
  }
}

/** A raw engine.io websocket to the Socket.IO endpoint, open and unauthenticated. */
async function rawEngine(): Promise<WebSocket> {
  const ws = new WebSocket(`${args.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  ws.on('error', () => undefined);
  ws.on('close', () => summary.drops++);
  await new Promise<void>((res, rej) => {
    ws.once('message', () => res()); // engine.io's open packet
    ws.once('error', rej);
  });
  return ws;
}

/** rawEngine, or null after counting a refusal and pausing (the server's connection limit). */
async function rawEngineOrPause(): Promise<WebSocket | null> {
  try {
    return await rawEngine();
  } catch {
    count('connect refused');
    await pause(200);
    return null;
  }
}

async function post(route: string, body: string, token?: string): Promise<void> {
  summary.sent++;
  try {
    const r = await fetch(args.url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    await r.arrayBuffer();
    count(String(r.status));
  } catch {
    count('no answer');
  }
}

/** A valid update of `entries` map entries from a fresh Yjs client (~45 bytes each). */
function heavyUpdate(entries: number): Uint8Array {
  const d = new Y.Doc();
  d.transact(() => {
    const votes = d.getMap('notes');
    for (let i = 0; i < entries; i++) votes.set(`n${i}-${d.clientID}`, { claimId: 'c', body: 'x', at: i });
  });
  return Y.encodeStateAsUpdate(d);
}

const floods: Record<Flood, () => Promise<void>> = {
  async frames() {
    const attempts = Promise.all(
      Array.from({ length: 500 }, () => new Promise<void>((res) => {
        const c = io(args.url, { parser: wireParser, auth: { token: args.token }, transports: ['websocket'], forceNew: true, reconnection: false });
        c.once('connect', () => { count('attempt accepted'); c.close(); res(); });
        c.once('connect_error', () => { count('attempt refused'); c.close(); res(); });
      })),
    );
    await onConnections(async (s) => {
      const tick = Date.now();
      for (let i = 0; i < 100 && s.connected; i++) {
        summary.sent++;
        s.emit('awareness:update', { boardId: args.boardId, update: new Uint8Array([0]) }, (r: { ok: boolean; error?: { code: string } }) => count(r.ok ? 'ok' : (r.error?.code ?? 'error')));
      }
      await pause(Math.max(0, 10 - (Date.now() - tick)));
    });
    await attempts;
  },

  async 'awareness-ids'() {
    // On the victim's board, where every state reaches the victim's peers.
    const updates = awarenessFlood({ frames: 1_000_000, firstClientId: 1 + Math.floor(Math.random() * 2 ** 30), stateBytes: 1000, clientIds: 1_000_000 });
    await onConnections(async (s) => {
      const tick = Date.now();
      for (let i = 0; i < 10 && s.connected; i++) {
        summary.sent++;
        s.emit('awareness:update', { boardId: args.victimBoardId, update: updates.next().value! }, (r: { ok: boolean; error?: { code: string } }) => count(r.ok ? 'ok' : (r.error?.code ?? 'error')));
      }
      await pause(Math.max(0, 10 - (Date.now() - tick)));
    }, args.victimBoardId);
  },

  async 'sync-open'() {
    // On the victim's board: 5,000 docs a frame (the limit is far lower), and when refused
    // for that, the limit's worth of distinct docs.
    const big = syncOpenFlood({ boardId: args.victimBoardId, docs: 5000, distinct: true });
    let seed = 0;
    await onConnections(async (s) => {
      await emitCounted(s, 'sync:open', big);
      await emitCounted(s, 'sync:open', syncOpenFlood({ boardId: args.victimBoardId, docs: 256, distinct: true, seed: seed++ }));
    }, args.victimBoardId);
  },

  async 'heavy-updates'() {
    const key = reviewerDocKey(args.boardId, args.userId);
    // Four in flight at a time, each from a fresh Yjs client.
    await onConnections((s) => Promise.all(Array.from({ length: 4 }, () => emitCounted(s, 'sync:message', { docKey: key, message: encodeSync(SyncType.Update, heavyUpdate(16_500)) }))).then(() => undefined));
  },

  async 'sealed-writes'() {
    const key = reviewerDocKey(args.boardId, args.userId);
    const s = await connect();
    const doc = new Y.Doc();
    // Setup, before the flood proper: a ~4 MB reviewer doc.
    for (let i = 0; i < 5; i++) {
      const u = heavyUpdate(16_500);
      Y.applyUpdate(doc, u);
      await s.timeout(30_000).emitWithAck('sync:message', { docKey: key, message: encodeSync(SyncType.Update, u) });
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${args.token}` };
    // The board's claims are still proposed (off the default agenda): name two of them.
    const exported = (await (await fetch(`${args.url}/api/boards/${args.boardId}/export?format=json`, { headers })).json()) as { claims: Array<{ id: string }> };
    const [sealed, other] = exported.claims.map((c) => c.id);
    await fetch(`${args.url}/api/boards/${args.boardId}/live`, { method: 'POST', headers, body: JSON.stringify({ agenda: [sealed, other] }) });
    await fetch(`${args.url}/api/boards/${args.boardId}/live/rounds`, { method: 'POST', headers, body: JSON.stringify({ claimId: sealed }) });
    started();
    let n = 0;
    // The update of each change as Yjs emits it (encoding a diff of a 4 MB doc would cost the
    // flooder more than the server).
    let last: Uint8Array = new Uint8Array(0);
    doc.on('update', (u: Uint8Array) => (last = u));
    while (s.connected && Date.now() < endAt) {
      doc.getMap('votes').set(other ?? 'c', { rating: 1 + (n++ % 5), confidence: 'low', at: n });
      await emitCounted(s, 'sync:message', { docKey: key, message: encodeSync(SyncType.Update, last) });
    }
    s.close();
  },

  async attachments() {
    const frames = pinningAttachments({ attachments: 64, frames: 63, frameBytes: 1024 * 1024 });
    const open: WebSocket[] = [];
    while (Date.now() < endAt && open.length < 3) {
      const ws = await rawEngineOrPause();
      if (!ws) continue;
      open.push(ws);
      summary.sent++;
      for (const f of frames) if (ws.readyState === ws.OPEN) ws.send(f);
    }
    while (Date.now() < endAt) await pause(100);
    for (const ws of open) ws.terminate();
  },

  async 'deep-msgpack'() {
    const frame = deepPacket(1024 * 1024);
    while (Date.now() < endAt) {
      const ws = await rawEngineOrPause();
      if (!ws) continue;
      summary.sent++;
      ws.send(frame);
      await new Promise<void>((res) => {
        ws.once('close', () => res());
        setTimeout(() => res(), 1000);
      });
      ws.terminate();
    }
  },

  async 'deep-json'() {
    const depth = 1_900_000;
    const body = '['.repeat(depth) + ']'.repeat(depth);
    while (Date.now() < endAt) await post('/api/users', body);
  },

  async markdown() {
    // 20,000 nested blockquotes (40 KB) and 1,000 nested list items (1 MB of indentation).
    const texts = ['> '.repeat(20_000) + 'The city spent $4 million.', Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n')];
    let i = 0;
    while (Date.now() < endAt) {
      await post('/api/boards', JSON.stringify({ title: 'Flood', text: texts[i++ % texts.length], format: 'markdown' }), args.token);
    }
  },
};

if (args.flood !== 'sealed-writes') started();
await floods[args.flood]();
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(0);
