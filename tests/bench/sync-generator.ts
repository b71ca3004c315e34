/**
 * Load generator of the sync-latency benchmark (forked by sync-latency.bench.ts with an
 * IPC channel). Drives a share of the board's reviewers: each one holds its own reviewer
 * doc and every other reviewer's doc, votes on its own doc on an open-loop schedule, and
 * records when every other reviewer's votes arrive.
 *
 * - claimboard:     one Socket.IO connection per reviewer, a BoardConnection with N docs.
 * - claimboard-yws: one stock WebsocketProvider per (reviewer, doc) at /yjs/<docKey>?token=.
 * - reference:      one stock WebsocketProvider per (reviewer, doc) on @y/websocket-server.
 * Presence (awareness) is switched off everywhere: only document updates are measured.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { BoardConnection, type ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import {
  createClock,
  rng,
  type FromGenerator,
  type GeneratorInit,
  type GeneratorResult,
  type ToGenerator,
} from './sync-common.js';
import { wireParser } from '../../shared/protocol/wire.js';

const clock = createClock();
const send = (m: FromGenerator) => process.send!(m);

if (!process.send) {
  console.error('sync-generator.ts is started by sync-latency.bench.ts (needs an IPC channel)');
  process.exit(2);
}

// One WebsocketProvider registers a process 'exit' listener each; there are N² of them.
process.setMaxListeners(0);

interface Client {
  index: number;
  /** reviewer index → that reviewer's doc as this client holds it */
  docs: Map<number, Y.Doc>;
  synced(): boolean;
  close(): void;
}

let init: GeneratorInit;
const clients: Client[] = [];
const errors: string[] = [];
let disconnects = 0;
let started = false;
const noteError = (s: string) => {
  if (!started) s = `[while connecting] ${s}`;
  s = s.replace(/token=[^&\s]+/g, 'token=[redacted]');
  if (errors.length < 50) errors.push(s);
  else if (errors.length === 50) errors.push('… (more errors not recorded)');
};

// y-websocket reports "permission denied" (a refused frame) through console.warn.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const s = args.map(String).join(' ');
  if (/permission denied/i.test(s)) noteError(`y-websocket: ${s.replace(/\s+/g, ' ').slice(0, 300)}`);
  else warn(...args);
};

// Records: flat arrays keep 40k+ arrivals cheap.
const sends: GeneratorResult['sends'] = { sender: [], seq: [], at: [], late: [] };
const arrivals: GeneratorResult['arrivals'] = { receiver: [], sender: [], seq: [], latency: [], arrivedAt: [] };
/** receiver index → sender index → arrivals counted */
const arrivedCount = new Map<number, Map<number, number>>();
let expected: Record<number, number> | null = null;
let onArrival: (() => void) | null = null;

function observe(receiver: number, sender: number, doc: Y.Doc): void {
  const votes = doc.getMap<{ at?: unknown; rationale?: unknown }>('votes');
  let counts = arrivedCount.get(receiver);
  if (!counts) arrivedCount.set(receiver, (counts = new Map()));
  const c = counts;
  votes.observe((ev) => {
    const now = clock.now();
    for (const key of ev.keysChanged) {
      const v = votes.get(key);
      if (!v || typeof v.at !== 'number' || typeof v.rationale !== 'string') continue;
      const m = /^bench#(\d+)$/.exec(v.rationale);
      if (!m) continue;
      arrivals.receiver.push(receiver);
      arrivals.sender.push(sender);
      arrivals.seq.push(Number(m[1]));
      arrivals.latency.push(now - v.at);
      arrivals.arrivedAt.push(now);
      c.set(sender, (c.get(sender) ?? 0) + 1);
    }
    onArrival?.();
  });
}

function socketIoClient(me: number): Client {
  const r = init.reviewers[me]!;
  const socket = io(init.baseUrl, {
    parser: wireParser,
    auth: { token: r.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  }) as ClientSocket;
  const conn = new BoardConnection(socket, init.boardId, {
    onError: (e) => noteError(`socket.io reviewer ${me}: ${e.code} ${e.message}${e.docKey ? ` (${e.docKey})` : ''}`),
  });
  // No presence: set before the join so none is ever sent.
  conn.awareness.setLocalState(null);
  socket.on('disconnect', (reason) => {
    if (started) disconnects++;
    noteError(`socket.io reviewer ${me} disconnected: ${reason}`);
  });
  socket.on('connect_error', (err) => noteError(`socket.io reviewer ${me} connect_error: ${err.message}`));
  socket.on('protocol:error', (e) => noteError(`socket.io reviewer ${me} protocol:error ${e.code} ${e.message}`));
  const docs = new Map<number, Y.Doc>();
  for (const other of init.reviewers) {
    const d = new Y.Doc();
    docs.set(other.index, d);
    if (other.index !== me) observe(me, other.index, d);
    conn.attach(other.docKey, d);
  }
  return {
    index: me,
    docs,
    synced: () => conn.synced,
    close: () => {
      conn.destroy();
      socket.close();
    },
  };
}

function wsClient(me: number): Client {
  const r = init.reviewers[me]!;
  const base = init.target === 'reference' ? init.baseUrl.replace(/^http/, 'ws') : init.baseUrl.replace(/^http/, 'ws') + '/yjs';
  const docs = new Map<number, Y.Doc>();
  const providers: WebsocketProvider[] = [];
  for (const other of init.reviewers) {
    const d = new Y.Doc();
    docs.set(other.index, d);
    if (other.index !== me) observe(me, other.index, d);
    const awareness = new Awareness(d);
    awareness.setLocalState(null); // no presence
    const p = new WebsocketProvider(base, other.docKey, d, {
      params: init.target === 'reference' ? {} : { token: r.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      awareness,
    });
    p.on('connection-close', (ev) => {
      if (started) disconnects++;
      noteError(`y-websocket reviewer ${me} ${other.docKey}: connection closed${ev ? ` (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})` : ''}`);
    });
    p.on('connection-error', (ev) => {
      noteError(`y-websocket reviewer ${me} ${other.docKey}: ${String((ev as unknown as { message?: string }).message ?? 'connection error')}`);
    });
    providers.push(p);
  }
  return {
    index: me,
    docs,
    synced: () => providers.every((p) => p.synced),
    close: () => {
      for (const p of providers) p.destroy();
    },
  };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connectAll(): Promise<number> {
  const t = clock.now();
  // One reviewer at a time (its N websockets, or its one Socket.IO connection, together):
  // a storm of N² simultaneous upgrades overflows the listen backlog, which is not what
  // this benchmark measures.
  for (const i of init.mine) {
    const c = init.target === 'claimboard' ? socketIoClient(i) : wsClient(i);
    clients.push(c);
    const until = Date.now() + 5000;
    while (!c.synced() && Date.now() < until) await delay(5);
  }
  const end = Date.now() + init.connectTimeoutMs;
  while (!clients.every((c) => c.synced())) {
    if (Date.now() > end) {
      const n = clients.filter((c) => !c.synced()).length;
      throw new Error(`${n} of ${clients.length} clients not synced after ${init.connectTimeoutMs} ms; errors: ${errors.slice(0, 5).join(' | ')}`);
    }
    await delay(20);
  }
  return clock.now() - t;
}

const CONFIDENCE = ['low', 'medium', 'high'] as const;
const CLAIMS = 20;

function run(t0: number): void {
  const period = 1000 / init.ratePerSec;
  const end = t0 + init.warmupMs + init.durationMs;
  const random = rng(init.seed);
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = clock.now();
  const sentBy: Record<number, number> = {};
  let running = clients.length;

  const finish = () => {
    send({ type: 'sent', sent: sentBy });
    const waitDrain = async () => {
      while (!expected) await delay(10);
      const exp = expected;
      const complete = () =>
        clients.every((c) =>
          Object.entries(exp).every(([s, n]) => Number(s) === c.index || (arrivedCount.get(c.index)?.get(Number(s)) ?? 0) >= n),
        );
      const deadline = Date.now() + drainTimeoutMs;
      let drained = complete();
      while (!drained && Date.now() < deadline) {
        await Promise.race([delay(50), new Promise<void>((r) => (onArrival = r))]);
        onArrival = null;
        drained = complete();
      }
      loop.disable();
      const cpu = process.cpuUsage(cpu0);
      const result: GeneratorResult = {
        type: 'result',
        sends,
        arrivals,
        drained,
        errors,
        disconnects,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
        cpuSec: (cpu.user + cpu.system) / 1e6,
        wallSec: (clock.now() - wall0) / 1000,
      };
      send(result);
    };
    void waitDrain();
  };

  for (const c of clients) {
    const me = c.index;
    const doc = c.docs.get(me)!;
    const votes = doc.getMap('votes');
    const phase = random() * period;
    let seq = 0;
    sentBy[me] = 0;
    const next = () => {
      const slot = t0 + phase + seq * period + (random() * 2 - 1) * init.jitter * period;
      if (slot >= end) {
        if (--running === 0) finish();
        return;
      }
      setTimeout(() => {
        const at = clock.now();
        votes.set(`claim-${seq % CLAIMS}`, {
          rating: 1 + (seq % 5),
          confidence: CONFIDENCE[seq % 3],
          rationale: `bench#${seq}`,
          at,
        });
        sends.sender.push(me);
        sends.seq.push(seq);
        sends.at.push(at);
        sends.late.push(Math.max(0, at - slot));
        sentBy[me]!++;
        seq++;
        next();
      }, Math.max(0, slot - clock.now()));
    };
    next();
  }
}

let drainTimeoutMs = 15_000;

process.on('message', (raw: unknown) => {
  const m = raw as ToGenerator;
  switch (m.type) {
    case 'init':
      init = m;
      connectAll().then(
        (connectMs) => send({ type: 'ready', clockOffsetMs: clock.offsetMs, connectMs }),
        (err: unknown) => send({ type: 'fatal', message: String((err as Error).message ?? err) }),
      );
      return;
    case 'start':
      started = true;
      run(m.t0);
      return;
    case 'expect':
      drainTimeoutMs = m.drainTimeoutMs;
      expected = m.sent;
      return;
    case 'close':
      started = false;
      for (const c of clients) {
        try {
          c.close();
        } catch {
          /* closing anyway */
        }
      }
      setTimeout(() => process.exit(0), 200);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
