/**
 * Soak (issue 12): 50 reviewers on 10 boards voting and writing notes for 30 minutes, against
 * one Claimboard server in its own process. Every minute: the server's RSS and live heap
 * (after a forced GC), its event-loop delay, and the p99 of the minute's write-to-peer
 * latency. The report gives the growth after warm-up per 10 minutes and whether p99 stays
 * flat; it is written into tests/bench/RESULTS.md ("## Soak").
 *
 *   npm run bench -- soak [--minutes=30] [--warmup=5]      (the full run)
 *   node --import tsx tests/bench/soak.bench.ts --minutes=3 --warmup=1   (a short look)
 *
 * Each reviewer (a real BoardConnection over Socket.IO) votes every 2 s on one of the board's
 * claims, changing earlier votes, and every 10 s writes or rewrites one of 20 notes of its
 * own, so the work is steady and the data stays bounded: growth of the heap is the server
 * keeping what it should not. One watcher per board (a viewer holding every reviewer doc of
 * the board) times each write from the writer's send to its arrival. Loopback only.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { BoardConnection, type ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { wireParser } from '../../shared/protocol/wire.js';
import { api } from './claimboard-api.js';
import { percentile, writeResultsSection, type FromLauncher } from './perf-common.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const arg = (name: string, def: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const MINUTES = arg('minutes', 30);
const WARMUP_MIN = arg('warmup', Math.min(5, Math.max(1, Math.floor(MINUTES / 6))));
const BOARDS = 10;
const PER_BOARD = 5;
const VOTE_EVERY_MS = 2000;
const NOTE_EVERY_MS = 10_000;
const NOTES_PER_REVIEWER = 20;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-soak-'));
const server = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(HERE, 'sync-launch-claimboard.ts')], {
  cwd: ROOT,
  // Every client comes from 127.0.0.1: the per-address limits are for many people, not one bench.
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, CONNECTIONS_PER_IP_BURST: '1000', REST_PER_IP_BURST: '10000' },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const port = await new Promise<number>((res) => {
  readline.createInterface({ input: server.stdout! }).once('line', (l) => res((JSON.parse(l) as { port: number }).port));
});
const url = `http://127.0.0.1:${port}`;

function probe(): Promise<FromLauncher> {
  return new Promise((res) => {
    const on = (m: FromLauncher) => {
      if (m?.type !== 'probe') return;
      server.off('message', on);
      res(m);
    };
    server.on('message', on);
    server.send({ type: 'probe', reset: true, gc: true });
  });
}

const post = (route: string, body: unknown, token?: string) => api<any>(url, 'POST', route, { body, token });

// Accounts: the signup route takes `name` today and `email` + `password` with accounts; both work.
let userSeq = 0;
async function user(name: string): Promise<{ id: string; token: string }> {
  const n = userSeq++;
  const r = await post('/api/users', { name, email: `soak-${n}-${Date.now()}@example.test`, password: `soak-password-${n}-long-enough` });
  return { id: r.user.id, token: r.token };
}

const ARTICLE = Array.from({ length: 12 }, (_, i) => `In ${2000 + i} the city spent $${i + 2}.${i} million on roads, the mayor said.`).join(' ');

interface Client {
  socket: ClientSocket;
  conn: BoardConnection;
  docs: Map<string, Y.Doc>;
}
function client(token: string, boardId: string, keys: string[]): Client {
  const socket = io(url, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true }) as ClientSocket;
  const conn = new BoardConnection(socket, boardId);
  const docs = new Map<string, Y.Doc>();
  for (const k of keys) {
    const d = new Y.Doc();
    docs.set(k, d);
    conn.attach(k, d);
  }
  return { socket, conn, docs };
}

/** Send time of each write by its tag; the watcher takes it out when the write arrives. */
const sentAt = new Map<string, number>();
let latencies: number[] = [];
let lost = 0;
const writers: Array<{ doc: Y.Doc; claims: string[]; n: number }> = [];
const clients: Client[] = [];

for (let b = 0; b < BOARDS; b++) {
  const owner = await user(`Owner ${b}`);
  const board = (await post('/api/boards', { title: `Soak ${b}`, text: ARTICLE }, owner.token)).board;
  const reviewers = [];
  for (let r = 0; r < PER_BOARD; r++) {
    const u = await user(`Reviewer ${b}.${r}`);
    const inv = (await post(`/api/boards/${board.id}/invites`, { role: 'reviewer' }, owner.token)).invite;
    await post(`/api/invites/${inv.token}/accept`, {}, u.token);
    reviewers.push(u);
  }
  const keys = reviewers.map((u) => reviewerDocKey(board.id, u.id));
  // The owner watches every reviewer doc of the board.
  const watcher = client(owner.token, board.id, keys);
  clients.push(watcher);
  for (const d of watcher.docs.values()) {
    d.on('update', () => undefined);
    const seen = (v: unknown) => {
      const tag = (v as { rationale?: string; body?: string } | undefined);
      const t = tag?.rationale ?? tag?.body?.split(' ', 1)[0];
      const at = t ? sentAt.get(t) : undefined;
      if (t && at !== undefined) {
        sentAt.delete(t);
        latencies.push(performance.now() - at);
      }
    };
    d.getMap('votes').observe((ev) => ev.keysChanged.forEach((k) => seen(d.getMap('votes').get(k))));
    d.getMap('notes').observe((ev) => ev.keysChanged.forEach((k) => seen(d.getMap('notes').get(k))));
  }
  const claimIds = await new Promise<string[]>((res) => {
    const c = client(owner.token, board.id, [`board/${board.id}`]);
    const check = () => {
      const ids = [...c.docs.get(`board/${board.id}`)!.getMap('claims').keys()];
      if (c.conn.synced && ids.length > 0) {
        c.conn.destroy();
        c.socket.close();
        res(ids);
      } else setTimeout(check, 20);
    };
    check();
  });
  reviewers.forEach((u, r) => {
    const c = client(u.token, board.id, [keys[r]!]);
    clients.push(c);
    writers.push({ doc: c.docs.get(keys[r]!)!, claims: claimIds, n: 0 });
  });
}
while (!clients.every((c) => c.conn.synced)) await new Promise((r) => setTimeout(r, 50));
console.log(`soak: ${BOARDS} boards × ${PER_BOARD} reviewers connected; ${MINUTES} min, warm-up ${WARMUP_MIN} min`);

let tagSeq = 0;
const tag = () => `t${(tagSeq++).toString(36).padStart(8, '0')}`;
const timers: NodeJS.Timeout[] = [];
writers.forEach((w, i) => {
  // Spread the writers over the period so the load is even.
  timers.push(setTimeout(() => timers.push(setInterval(() => {
    const t = tag();
    sentAt.set(t, performance.now());
    w.doc.getMap('votes').set(w.claims[w.n++ % w.claims.length]!, { rating: 1 + (w.n % 5), confidence: 'medium', rationale: t, at: Date.now() });
  }, VOTE_EVERY_MS)), (i * VOTE_EVERY_MS) / writers.length));
  timers.push(setTimeout(() => timers.push(setInterval(() => {
    const t = tag();
    sentAt.set(t, performance.now());
    w.doc.getMap('notes').set(`note-${w.n % NOTES_PER_REVIEWER}`, { claimId: w.claims[0], body: `${t} ${'evidence '.repeat(20)}`, at: Date.now() });
  }, NOTE_EVERY_MS)), (i * NOTE_EVERY_MS) / writers.length));
});

interface Minute { minute: number; rssMb: number; heapMb: number; loopP99Ms: number; p50Ms: number; p99Ms: number; writes: number }
const minutes: Minute[] = [];
await probe();
for (let m = 1; m <= MINUTES; m++) {
  await new Promise((r) => setTimeout(r, 60_000));
  const lat = latencies.sort((a, b) => a - b);
  latencies = [];
  // A write not seen within 10 s is counted lost (there should be none).
  const now = performance.now();
  for (const [t, at] of sentAt) if (now - at > 10_000) { sentAt.delete(t); lost++; }
  const p = await probe();
  const row: Minute = { minute: m, rssMb: p.rssMb, heapMb: p.heapMb, loopP99Ms: p.delay.p99Ms, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), writes: lat.length };
  minutes.push(row);
  console.log(JSON.stringify(row));
}
timers.forEach((t) => clearTimeout(t));
for (const c of clients) {
  c.conn.destroy();
  c.socket.close();
}
server.kill('SIGTERM');

// The documents' own history: what a Y.Doc alone keeps for the same writes (ydoc-growth.ts,
// in its own process), to tell the growth the data explains from what the server keeps.
const reference = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(HERE, 'ydoc-growth.ts'), '100000'], { cwd: ROOT, encoding: 'utf8' });
const ydocBytesPerK = (JSON.parse(reference.stdout.trim().split('\n').pop() ?? '{}') as { bytesPerThousandWrites?: number }).bytesPerThousandWrites ?? NaN;
const after = minutes.filter((r) => r.minute >= WARMUP_MIN);
const first = after[0]!;
const last = after[after.length - 1]!;
const span = Math.max(1, last.minute - first.minute);
const per10 = (a: number, b: number) => ((b - a) / span) * 10;
const p99s = after.map((r) => r.p99Ms).sort((a, b) => a - b);
const writesAfter = after.slice(1).reduce((n, r) => n + r.writes, 0);
const expectedMb = (writesAfter / 1000) * ydocBytesPerK / 2 ** 20;
const beyondPer10 = per10(first.heapMb, last.heapMb) - (expectedMb / span) * 10;
const verdict = [
  `- Heap growth after warm-up: ${per10(first.heapMb, last.heapMb).toFixed(2)} MB per 10 minutes (live heap after GC, minute ${first.minute} → ${last.minute}: ${first.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB; aim < 1 MB per 10 minutes).`,
  `- Of that, the documents' own history (Yjs keeps a tombstone for every value a key held; a Y.Doc alone keeps ${(ydocBytesPerK / 1024).toFixed(0)} KB per 1,000 writes of this mix, tests/bench/ydoc-growth.ts): ${((expectedMb / span) * 10).toFixed(2)} MB per 10 minutes for the ${writesAfter} writes; growth beyond it: **${beyondPer10.toFixed(2)} MB per 10 minutes** (aim < 1).`,
  `- RSS after warm-up: ${first.rssMb.toFixed(0)} → ${last.rssMb.toFixed(0)} MB (${per10(first.rssMb, last.rssMb).toFixed(1)} MB per 10 minutes).`,
  `- Latency p99 per minute after warm-up: median ${percentile(p99s, 50).toFixed(1)} ms, lowest ${p99s[0]!.toFixed(1)}, highest ${p99s[p99s.length - 1]!.toFixed(1)} ms; first minute ${first.p99Ms.toFixed(1)}, last ${last.p99Ms.toFixed(1)} ms.`,
  `- Writes measured: ${minutes.reduce((s, r) => s + r.writes, 0)}, lost (not seen within 10 s): ${lost}.`,
];
const table = [
  '| minute | RSS (MB) | heap after GC (MB) | server loop delay p99 (ms) | write→peer p50 (ms) | p99 (ms) | writes |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...minutes.map((r) => `| ${r.minute} | ${r.rssMb.toFixed(0)} | ${r.heapMb.toFixed(1)} | ${r.loopP99Ms.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.writes} |`),
].join('\n');
const section = [
  '## Soak',
  '',
  `- Command: \`node --import tsx tests/bench/soak.bench.ts --minutes=${MINUTES} --warmup=${WARMUP_MIN}\` (\`npm run bench -- soak\` runs 30 minutes)`,
  `- Date: ${new Date().toISOString()}; commit ${process.env.GIT_COMMIT ?? 'see git log'}`,
  `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
  `- Workload: ${BOARDS} boards × ${PER_BOARD} reviewers (Socket.IO BoardConnection each) and one watcher per board; each reviewer votes every ${VOTE_EVERY_MS / 1000} s (over earlier votes) and writes or rewrites one of ${NOTES_PER_REVIEWER} notes every ${NOTE_EVERY_MS / 1000} s: ${((BOARDS * PER_BOARD * 1000) / VOTE_EVERY_MS + (BOARDS * PER_BOARD * 1000) / NOTE_EVERY_MS).toFixed(0)} writes a second. Server alone in its own process (--expose-gc, probed once a minute).`,
  '',
  ...verdict,
  '',
  table,
  '',
].join('\n');
console.log(section);
writeResultsSection('Soak', section);
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
