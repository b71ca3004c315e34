/**
 * Floods (issue "Access control and abuse resistance"): the latency of a well-behaved
 * client on one board before and during a flood from another connection (10,000 frames a
 * second) plus 500 connection attempts from the same address, with the server's default
 * limits. The server runs alone in a child process, the flood in another.
 *
 *   node --import tsx tests/bench/flood.bench.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { BoardConnection, type ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { wireParser } from '../../shared/protocol/wire.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const QUICK = process.argv.includes('--quick');
const PHASE_S = QUICK ? 4 : 8;

async function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-flood-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'sync-launch-claimboard.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((res) => {
    readline.createInterface({ input: proc.stdout! }).once('line', (l) => res((JSON.parse(l) as { port: number }).port));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

async function post(url: string, route: string, body: unknown, token?: string) {
  const r = await fetch(url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await r.json()) as any;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! : NaN;
};

const { proc, url } = await startServer();
try {
  const a = await post(url, '/api/users', { name: 'Healthy' });
  const b = await post(url, '/api/users', { name: 'Peer' });
  const m = await post(url, '/api/users', { name: 'Flooder' });
  const board = (await post(url, '/api/boards', { title: 'Healthy', text: 'The city spent $4 million in 2023.' }, a.token)).board;
  const inv = (await post(url, `/api/boards/${board.id}/invites`, { role: 'reviewer' }, a.token)).invite;
  await post(url, `/api/invites/${inv.token}/accept`, {}, b.token);
  const floodBoard = (await post(url, '/api/boards', { title: 'Flood', text: 'Text.' }, m.token)).board;
  const key = reviewerDocKey(board.id, a.user.id);
  const mk = (token: string) => {
    const s = io(url, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true }) as ClientSocket;
    const doc = new Y.Doc();
    const conn = new BoardConnection(s, board.id);
    conn.attach(key, doc);
    return { s, doc, conn };
  };
  const writer = mk(a.token);
  const reader = mk(b.token);
  while (!(writer.conn.synced && reader.conn.synced)) await new Promise((r) => setTimeout(r, 20));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  reader.doc.getMap('votes').observe((ev) => {
    for (const k of ev.keysChanged) {
      const t = sentAt.get(k);
      if (t !== undefined) latencies.push(performance.now() - t);
    }
  });
  let i = 0;
  const measure = async (seconds: number) => {
    const start = latencies.length;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const k = `k${i++}`;
      sentAt.set(k, performance.now());
      writer.doc.getMap('votes').set(k, { rating: 3, confidence: 'low', at: Date.now() });
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    return latencies.slice(start);
  };
  const baseline = await measure(PHASE_S);
  const flooder = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'flood-generator.ts'), url, m.token, floodBoard.id, '10000', String(PHASE_S), '500'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const summary = new Promise<string>((res) => readline.createInterface({ input: flooder.stdout! }).once('line', res));
  await new Promise((r) => setTimeout(r, 300));
  const during = await measure(PHASE_S - 0.5);
  const flood = JSON.parse(await summary) as { sent: number; limited: number; drops: number; attempts: { accepted: number; refused: number } };
  writer.conn.destroy();
  reader.conn.destroy();
  writer.s.close();
  reader.s.close();
  const rows = [
    ['healthy latency p50 (ms)', median(baseline), median(during)],
    ['healthy latency p99 (ms)', p99(baseline), p99(during)],
    ['healthy updates measured', baseline.length, during.length],
  ] as const;
  const table = [
    '| metric | baseline | during flood | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(([n, x, y]) => `| ${n} | ${x.toFixed(1)} | ${y.toFixed(1)} | ${(y / x).toFixed(2)}× |`),
  ].join('\n');
  const floodLine = `Flood: ${flood.sent} frames sent at 10,000/s, ${flood.limited} answered RATE_LIMITED, connection dropped ${flood.drops} time(s) for flooding; connection attempts: ${flood.attempts.accepted} accepted, ${flood.attempts.refused} refused.`;
  console.log(table);
  console.log(floodLine);
  const section = [
    '## Floods',
    '',
    `- Command: \`node --import tsx tests/bench/flood.bench.ts${QUICK ? ' --quick' : ''}\` (default limits: 300 frames/s per connection, burst 600; 5 connection attempts/s per address, burst 120)`,
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
    `- Workload: a healthy reviewer writes a vote every 50 ms on board A, its peer measures arrival; ${PHASE_S} s baseline, then ${PHASE_S} s with a flooder (separate process) on board B.`,
    '',
    table,
    '',
    floodLine,
    '',
  ].join('\n');
  const resultsFile = path.join(HERE, 'RESULTS.md');
  const old = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
  const re = /## Floods\n[\s\S]*?(?=\n## |$)/;
  fs.writeFileSync(resultsFile, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}`);
} finally {
  proc.kill('SIGTERM');
}
process.exit(0);
