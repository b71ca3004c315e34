/**
 * Floods (issue 12): for each flood of flood-generator.ts, a fresh Claimboard server in its
 * own process with its default limits, a well-behaved reviewer writing a vote every 50 ms on
 * one board and a peer timing their arrival: first a baseline, then the same during the
 * flood (from another process and account, on its own board or, for awareness and `sync:open`, as a member of the victim's board). Reported per flood: the
 * victim's p50 and p99 against its baseline, the server's peak RSS against its baseline, its
 * event-loop delay, whether it survived, and how the limits answered the flood.
 *
 *   node --import tsx tests/bench/flood.bench.ts [--quick] [--only=flood,flood]
 *
 * Aim (issue 12): victim p99 ≤ 2× baseline, RSS ≤ 1.5× baseline, the server alive.
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
import { FLOODS, type Flood, type FloodArgs, type FloodSummary } from './flood-kinds.js';
import { api } from './claimboard-api.js';
import { percentile, writeResultsSection, type FromLauncher } from './perf-common.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const QUICK = process.argv.includes('--quick');
const BASELINE_S = QUICK ? 3 : 6;
const FLOOD_S = QUICK ? 4 : 10;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') as Flood[] | undefined;

interface Server {
  proc: ChildProcess;
  url: string;
  probe(): Promise<FromLauncher | null>;
}

async function startServer(): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-flood-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'sync-launch-claimboard.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((res) => {
    readline.createInterface({ input: proc.stdout! }).once('line', (l) => res((JSON.parse(l) as { port: number }).port));
  });
  proc.setMaxListeners(100); // overlapping RSS samples each wait for their answer
  const probe = () =>
    new Promise<FromLauncher | null>((res) => {
      if (proc.exitCode !== null || !proc.connected) return res(null);
      const timer = setTimeout(() => res(null), 5000);
      const on = (m: FromLauncher) => {
        if (m?.type !== 'probe') return;
        clearTimeout(timer);
        proc.off('message', on);
        res(m);
      };
      proc.on('message', on);
      proc.send({ type: 'probe', reset: true });
    });
  return { proc, url: `http://127.0.0.1:${port}`, probe };
}

const post = (url: string, route: string, body: unknown, token?: string) => api<any>(url, 'POST', route, { body, token });

let userSeq = 0;
const signUp = (url: string, name: string) =>
  post(url, '/api/users', { name, email: `flood-${userSeq}@example.test`, password: `flood-password-${userSeq++}-long` });

interface Phase {
  latencies: number[];
  peakRssMb: number;
  loopP99Ms: number;
}

interface Row {
  flood: Flood;
  baseline: Phase;
  during: Phase;
  alive: boolean;
  summary: FloodSummary | null;
}

async function runFlood(flood: Flood): Promise<Row> {
  const srv = await startServer();
  try {
    const a = await signUp(srv.url, 'Healthy');
    const b = await signUp(srv.url, 'Peer');
    const m = await signUp(srv.url, 'Flooder');
    const board = (await post(srv.url, '/api/boards', { title: 'Healthy', text: 'The city spent $4 million in 2023.' }, a.token)).board;
    const inv = (await post(srv.url, `/api/boards/${board.id}/invites`, { role: 'reviewer' }, a.token)).invite;
    await post(srv.url, `/api/invites/${inv.token}/accept`, {}, b.token);
    // The flooder is a member of the victim's board too: awareness and sync:open floods come from there.
    const invM = (await post(srv.url, `/api/boards/${board.id}/invites`, { role: 'reviewer' }, a.token)).invite;
    await post(srv.url, `/api/invites/${invM.token}/accept`, {}, m.token);
    const floodBoard = (await post(srv.url, '/api/boards', { title: 'Flood', text: 'The city spent $4 million in 2023. Rents rose 14% in 2022, the agency said.' }, m.token)).board;
    const key = reviewerDocKey(board.id, a.user.id);
    const mk = (token: string) => {
      const s = io(srv.url, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true }) as ClientSocket;
      const doc = new Y.Doc();
      const conn = new BoardConnection(s, board.id);
      conn.attach(key, doc);
      return { s, doc, conn };
    };
    const writer = mk(a.token);
    const reader = mk(b.token);
    while (!(writer.conn.synced && reader.conn.synced)) await new Promise((r) => setTimeout(r, 20));
    const sentAt = new Map<string, number>();
    let latencies: number[] = [];
    reader.doc.getMap('votes').observe((ev) => {
      for (const k of ev.keysChanged) {
        const t = sentAt.get(k);
        if (t !== undefined) latencies.push(performance.now() - t);
      }
    });
    let i = 0;
    /** The victim writes every 50 ms for `seconds`; RSS is sampled every 250 ms meanwhile. */
    const measure = async (seconds: number): Promise<Phase> => {
      latencies = [];
      await srv.probe(); // starts a fresh event-loop window
      let peakRssMb = 0;
      const sampler = setInterval(() => void srv.probe().then((p) => p && (peakRssMb = Math.max(peakRssMb, p.rssMb))), 250);
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        const k = `k${i++}`;
        sentAt.set(k, performance.now());
        writer.doc.getMap('votes').set(k, { rating: 3, confidence: 'low', at: Date.now() });
        await new Promise((r) => setTimeout(r, 50));
      }
      // Late arrivals count: wait until the last write arrived (or 10 s).
      const lastKey = `k${i - 1}`;
      const waitEnd = Date.now() + 10_000;
      while (!reader.doc.getMap('votes').has(lastKey) && Date.now() < waitEnd) await new Promise((r) => setTimeout(r, 20));
      clearInterval(sampler);
      const p = await srv.probe();
      return { latencies: latencies.slice(), peakRssMb: Math.max(peakRssMb, p?.rssMb ?? 0), loopP99Ms: p?.delay.p99Ms ?? NaN };
    };
    const baseline = await measure(BASELINE_S);
    const fargs: FloodArgs = { flood, url: srv.url, token: m.token, userId: m.user.id, boardId: floodBoard.id, victimBoardId: board.id, seconds: FLOOD_S };
    const flooder = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'flood-generator.ts'), JSON.stringify(fargs)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // The generator's first line says the flood starts (after any setup), its last what it did.
    const lines = readline.createInterface({ input: flooder.stdout! });
    let onLine: (l: string) => void = () => undefined;
    lines.on('line', (l) => onLine(l));
    await new Promise<void>((res) => {
      onLine = () => res();
      flooder.once('exit', () => res());
    });
    const out = new Promise<FloodSummary | null>((res) => {
      onLine = (l) => res(JSON.parse(l) as FloodSummary);
      flooder.once('exit', () => res(null));
    });
    await new Promise((r) => setTimeout(r, 500));
    const during = await measure(FLOOD_S - 1);
    const summary = await out;
    writer.conn.destroy();
    reader.conn.destroy();
    writer.s.close();
    reader.s.close();
    const alive = srv.proc.exitCode === null && (await fetch(`${srv.url}/health`).then((r) => r.status < 500, () => false));
    return { flood, baseline, during, alive, summary };
  } finally {
    srv.proc.kill('SIGTERM');
  }
}

const rows: Row[] = [];
for (const flood of FLOODS) {
  if (only && !only.includes(flood)) continue;
  const row = await runFlood(flood);
  rows.push(row);
  const s = (xs: number[]) => [...xs].sort((x, y) => x - y);
  console.log(
    `${flood}: victim p99 ${percentile(s(row.baseline.latencies), 99).toFixed(1)} → ${percentile(s(row.during.latencies), 99).toFixed(1)} ms, RSS ${row.baseline.peakRssMb.toFixed(0)} → ${row.during.peakRssMb.toFixed(0)} MB, alive ${row.alive}, ${JSON.stringify(row.summary)}`,
  );
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const lines = rows.map((r) => {
  const b = [...r.baseline.latencies].sort((x, y) => x - y);
  const d = [...r.during.latencies].sort((x, y) => x - y);
  const p99Ratio = percentile(d, 99) / percentile(b, 99);
  const rssRatio = r.during.peakRssMb / r.baseline.peakRssMb;
  const answers = r.summary ? Object.entries(r.summary.answers).map(([k, v]) => `${k} ${v}`).join(', ') : 'generator failed';
  const met = r.alive && p99Ratio <= 2 && rssRatio <= 1.5 ? 'yes' : 'no';
  return `| ${r.flood} | ${fmt(percentile(b, 50))} / ${fmt(percentile(b, 99))} | ${fmt(percentile(d, 50))} / ${fmt(percentile(d, 99))} | ${p99Ratio.toFixed(2)}× | ${r.baseline.peakRssMb.toFixed(0)} → ${r.during.peakRssMb.toFixed(0)} MB (${rssRatio.toFixed(2)}×) | ${fmt(r.during.loopP99Ms)} | ${r.alive ? 'yes' : '**no**'} | ${met} | ${r.summary?.sent ?? 0} sent, ${r.summary?.drops ?? 0} dropped; ${answers} |`;
});
const table = [
  '| flood | victim p50 / p99 baseline (ms) | during flood (ms) | p99 ratio | server peak RSS | server loop p99 during (ms) | alive | aim met | the flood and how it was answered |',
  '| --- | ---: | ---: | ---: | --- | ---: | --- | --- | --- |',
  ...lines,
].join('\n');
const section = [
  '## Floods',
  '',
  `- Command: \`node --import tsx tests/bench/flood.bench.ts${QUICK ? ' --quick' : ''}\` (part of \`npm run bench\`), default limits`,
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
  `- Workload: per flood a fresh server (own process); a healthy reviewer writes a vote every 50 ms on board A and its peer times the arrivals: ${BASELINE_S} s baseline, then ${FLOOD_S - 1} s during the flood, which runs ${FLOOD_S} s from another process, account and board. Peak RSS sampled every 250 ms. Aim: p99 ≤ 2× baseline, RSS ≤ 1.5× baseline, the server alive.`,
  '',
  table,
  '',
].join('\n');
console.log(section);
writeResultsSection('Floods', section);
process.exit(0);
