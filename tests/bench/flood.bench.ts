/**
 * Floods (issue "Access control and abuse resistance", issue 12): the latency of a
 * well-behaved client on one board before and during each flood from another connection,
 * with the server's default limits: 10,000 frames a second plus 500 connection attempts
 * from the same address (from another board); awareness updates with fresh client ids,
 * `sync:open`s of 256 docs (both from a member of the same board); unauthenticated
 * connections pinning attachment frames. The server runs alone in a child process, each
 * flood in another (tests/bench/flood-generator.ts).
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
  // The flooder is a member of the victim's board too, for the floods that need one.
  const inv2 = (await post(url, `/api/boards/${board.id}/invites`, { role: 'reviewer' }, a.token)).invite;
  await post(url, `/api/invites/${inv2.token}/accept`, {}, m.token);
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
  type Summary = { kind: string; sent: number; limited: number; codes: Record<string, number>; drops: number; attempts: { accepted: number; refused: number } };
  const FLOODS = [
    { kind: 'frames', board: floodBoard.id, rate: 10_000, attempts: 500, what: '10,000 frames/s (another board) + 500 connection attempts' },
    { kind: 'awareness', board: board.id, rate: 300, attempts: 0, what: 'awareness, 12 KB, over 8 client ids, 300/s (same board)' },
    { kind: 'sync-open', board: board.id, rate: 300, attempts: 0, what: 'sync:open of 256 docs, 300/s (same board)' },
    { kind: 'pinning', board: board.id, rate: 0, attempts: 0, what: '3 unauthenticated connections announcing 64 attachments of 1 MiB' },
  ] as const;
  const phases: Array<{ what: string; during: number[]; flood: Summary }> = [];
  for (const f of FLOODS) {
    const flooder = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'flood-generator.ts'), url, m.token, f.board, String(f.rate), String(PHASE_S), String(f.attempts), f.kind], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const summary = new Promise<string>((res) => readline.createInterface({ input: flooder.stdout! }).once('line', res));
    await new Promise((r) => setTimeout(r, 300));
    const during = await measure(PHASE_S - 0.5);
    phases.push({ what: f.what, during, flood: JSON.parse(await summary) as Summary });
  }
  writer.conn.destroy();
  reader.conn.destroy();
  writer.s.close();
  reader.s.close();
  const row = (name: string, xs: number[]) =>
    `| ${name} | ${xs.length} | ${median(xs).toFixed(1)} | ${p99(xs).toFixed(1)} | ${(p99(xs) / p99(baseline)).toFixed(2)}× |`;
  const table = [
    '| phase | healthy updates | p50 (ms) | p99 (ms) | p99 vs baseline |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('baseline', baseline),
    ...phases.map((ph) => row(ph.what, ph.during)),
  ].join('\n');
  const floodLines = phases.map(({ flood: fl }) => {
    const codes = Object.entries(fl.codes).map(([c, n]) => `${n} ${c}`).join(', ') || 'none refused';
    const conns = fl.attempts.accepted + fl.attempts.refused > 0 ? `; connection attempts: ${fl.attempts.accepted} accepted, ${fl.attempts.refused} refused` : '';
    return `- ${fl.kind}: ${fl.sent} frames sent (${codes}); connection closed by the server ${fl.drops} time(s)${conns}.`;
  });
  console.log(table);
  console.log(floodLines.join('\n'));
  const section = [
    '## Floods',
    '',
    `- Command: \`node --import tsx tests/bench/flood.bench.ts${QUICK ? ' --quick' : ''}\` (default limits: 300 frames/s per connection, burst 600; 5 connection attempts/s per address, burst 120; awareness 32 KiB/s, 4 client ids per connection; 256 docs per sync:open, 256 opens/s; 16 KiB before authenticating)`,
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
    `- Workload: a healthy reviewer writes a vote every 50 ms on board A, its peer measures arrival; ${PHASE_S} s baseline, then ${PHASE_S} s per flood, each from a separate process.`,
    '',
    table,
    '',
    ...floodLines,
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
