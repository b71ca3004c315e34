/**
 * Cluster benchmark (issue 14, first pass): one writer at 20 Hz on a board, N stock
 * y-websocket readers spread over the processes, on the embedded single process and on
 * cluster mode with 1, 2 and 3 processes (PostgreSQL and a private Redis), interleaved in
 * one run. Reports delivery latency (readers on the writer's process and on the others),
 * acknowledgement latency (Socket.IO writer: committed), and the server processes' CPU per
 * 1,000 deliveries (PostgreSQL's and Redis's own CPU not counted).
 *
 *   npm run bench -- cluster [--readers=50] [--seconds=10] [--rounds=2]
 *
 * Loopback only; bounded in count and time. Writes the "Cluster mode" section of RESULTS.md.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { startTestCluster } from '../helpers/cluster.js';
import { createBoard, createUser, socketClient, tempDir, waitFor, wsProvider } from '../helpers/server.js';
import { median, percentile, writeResultsSection } from './perf-common.js';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const READERS = arg('readers', 50);
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 2);
const HZ = 20;
const TICK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

const ENV = {
  PASSWORD_HASH_COST: '10',
  RATE_FRAMES_PER_SEC: '100000',
  RATE_FRAMES_BURST: '100000',
  CONNECTIONS_PER_IP_PER_SEC: '10000',
  CONNECTIONS_PER_IP_BURST: '10000',
  REST_PER_IP_PER_SEC: '10000',
  REST_PER_IP_BURST: '10000',
};

type Config = { label: string; procs: number; cluster: boolean };
const CONFIGS: Config[] = [
  { label: 'embedded (SQLite), 1 process', procs: 1, cluster: false },
  { label: 'cluster, 1 process', procs: 1, cluster: true },
  { label: 'cluster, 2 processes', procs: 2, cluster: true },
  { label: 'cluster, 3 processes', procs: 3, cluster: true },
];

interface Result {
  same: number[];
  other: number[];
  acks: number[];
  cpuMsPer1000: number;
  delivered: number;
  expected: number;
}

const cpuMs = (pids: number[]): number =>
  pids.reduce((sum, pid) => {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + ((Number(f[11]) + Number(f[12])) * 1000) / TICK;
  }, 0);

async function run(c: Config): Promise<Result> {
  let servers: ChildServer[];
  let stop: () => Promise<void>;
  if (c.cluster) {
    const cl = await startTestCluster(c.procs, ENV);
    servers = cl.servers;
    stop = () => cl.close();
  } else {
    const s = await startChildServer(tempDir('claimboard-bench-'), ENV);
    servers = [s];
    stop = () => s.kill('SIGTERM');
  }
  try {
    const urls = servers.map((s) => s.url);
    const owner = await createUser(urls[0]!, 'Bench owner');
    const board = await createBoard(urls[0]!, owner);
    const key = boardDocKey(board.id);
    const sentAt = new Map<string, number>();
    const res: Result = { same: [], other: [], acks: [], cpuMsPer1000: 0, delivered: 0, expected: 0 };
    const readers = Array.from({ length: READERS }, (_, i) => {
      const onWriter = i % c.procs === 0;
      const r = wsProvider(urls[i % c.procs]!, owner.token, key);
      r.doc.getMap('bench').observe((ev) => {
        const now = performance.now();
        for (const k of ev.keysChanged) {
          const t = sentAt.get(k);
          if (t === undefined) continue;
          (onWriter ? res.same : res.other).push(now - t);
          res.delivered++;
        }
      });
      return r;
    });
    const writer = socketClient(urls[0]!, owner.token, board.id, [key]);
    await waitFor(() => writer.conn.saved && readers.every((r) => r.provider.synced), 'everyone synced', 60_000);
    const pids = servers.map((s) => s.proc.pid!);
    const cpu0 = cpuMs(pids);
    const writes = SECONDS * HZ;
    const start = performance.now();
    for (let i = 0; i < writes; i++) {
      const k = `w${i}`;
      const t = performance.now();
      sentAt.set(k, t);
      writer.docs.get(key)!.getMap('bench').set(k, i);
      void writer.conn.whenSaved().then(() => res.acks.push(performance.now() - t));
      const next = start + (i + 1) * (1000 / HZ);
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now()))); // the 20 Hz pace of the load
    }
    res.expected = writes * READERS;
    await waitFor(() => res.delivered >= res.expected, 'every delivery', 30_000).catch(() => undefined);
    res.cpuMsPer1000 = ((cpuMs(pids) - cpu0) / Math.max(1, res.delivered)) * 1000;
    writer.close();
    for (const r of readers) r.close();
    return res;
  } finally {
    await stop();
  }
}

const rows = new Map<string, Result[]>(CONFIGS.map((c) => [c.label, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CONFIGS) {
    process.stdout.write(`round ${round + 1}: ${c.label}… `);
    const r = await run(c);
    rows.get(c.label)!.push(r);
    const sorted = (xs: number[]) => Float64Array.from(xs).sort();
    console.log(`delivery p99 ${percentile(sorted([...r.same, ...r.other]), 99).toFixed(1)} ms, ${r.delivered}/${r.expected} delivered`);
  }
}

const lines = CONFIGS.map((c) => {
  const rs = rows.get(c.label)!;
  const p = (pick: (r: Result) => number[], q: number) => median(rs.filter((r) => pick(r).length).map((r) => percentile(Float64Array.from(pick(r)).sort(), q)));
  const same = p((r) => r.same, 50), same99 = p((r) => r.same, 99);
  const other = c.procs > 1 ? `${p((r) => r.other, 50).toFixed(1)} / ${p((r) => r.other, 99).toFixed(1)}` : '–';
  const ack = `${p((r) => r.acks, 50).toFixed(1)} / ${p((r) => r.acks, 99).toFixed(1)}`;
  const cpu = median(rs.map((r) => r.cpuMsPer1000));
  const lost = rs.reduce((n, r) => n + (r.expected - Math.min(r.delivered, r.expected)), 0);
  return `| ${c.label} | ${same.toFixed(1)} / ${same99.toFixed(1)} | ${other} | ${ack} | ${cpu.toFixed(0)} | ${lost} |`;
});
const section = `## Cluster mode, N = ${READERS}

\`npm run bench -- cluster --readers=${READERS} --seconds=${SECONDS} --rounds=${ROUNDS}\`, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), the machine shared with other work.
One writer (Socket.IO) at ${HZ} Hz on one board for ${SECONDS} s, ${READERS} stock y-websocket readers spread round-robin over the processes (the writer on process 0); PostgreSQL and a private redis-server on the same 2 cores. The configurations are interleaved, ${ROUNDS} rounds; medians over rounds of each round's p50 / p99. CPU: the Claimboard processes' user + system time per 1,000 deliveries (PostgreSQL and Redis not counted).

| configuration | delivery, readers on the writer's process, p50 / p99 ms | delivery, readers on other processes, p50 / p99 ms | acknowledgement p50 / p99 ms | CPU ms per 1,000 deliveries | deliveries missing |
| --- | --- | --- | --- | --- | --- |
${lines.join('\n')}

Not measured yet (issue 14 asks for them): N = 200, the W1/W2 workloads on 1–3 processes, staleness while Redis is down (the fault tests log it: p99 542 ms with Redis paused) and resync after \`kill -9\` (the kill test logs writing resumed about 2 s after the kill).
`;
writeResultsSection(`Cluster mode, N = ${READERS}`, section);
console.log(section);
process.exit(0);
