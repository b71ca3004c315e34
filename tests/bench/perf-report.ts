/**
 * The performance benchmark's results: the cells a run produces (one server × one workload
 * × one size), the side-by-side tables printed at the end of a run, the "Performance"
 * section of tests/bench/RESULTS.md, and the SVG chart of W1's p99 latency against N.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, OVERLOAD_MS, TARGET_LABEL, type LoopDelay, type Target } from './perf-common.js';
import type { MachineInfo, Options, Workload } from './perf.bench.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
/** PERF_BENCH_RESULTS points the report (and the charts beside it) elsewhere, e.g. to try the benchmark out. */
const RESULTS_FILE = path.resolve(process.env.PERF_BENCH_RESULTS ?? path.join(HERE, 'RESULTS.md'));
const SECTION = 'Performance';
/** The section this one replaces (the sync-latency benchmark it grew out of). */
const OLD_SECTIONS = ['Sync latency'];
/** The latency target of the issue: the largest N with p99 at most this is reported. */
export const TARGET_P99_MS = 50;
/** A p99 over the target decides the largest N only if the generators' lag p99 stayed below this (ms). */
const LAG_DECISIVE_MS = 25;

// ---------------------------------------------------------------------------------------
// Cells

/**
 * ok; overloaded: a load generator lagged (its numbers include client-side queueing);
 * server-overloaded: the server's own event loop was late by more than the latency target
 * (p99), which no client can cause (they run at a lower priority); incomplete: arrivals or syncs missing at the deadline; setup-failed: the clients could
 * not be connected (or the board seeded) within the cap; failed: something else broke;
 * skipped: not run for lack of time.
 */
export type CellStatus = 'ok' | 'overloaded' | 'server-overloaded' | 'incomplete' | 'setup-failed' | 'failed' | 'skipped';

interface CellBase {
  workload: Workload;
  target: Target;
  /** W1: reviewers on the board; W2: clients in all; W3: storm clients; W4: reviewers. */
  n: number;
  rep: number;
  status: CellStatus;
  note: string;
  /** Hash of server/, shared/ and the sync client when the cell started. */
  code: string;
  errors: string[];
  /** Cores' worth of CPU used by other processes of the machine (vote cells' window). */
  backgroundCores: number;
  waitedSec: number;
  elapsedSec: number;
}

export interface Pcts {
  p50: number;
  p99: number;
  p999: number;
}

const noPcts = (): Pcts => ({ p50: NaN, p99: NaN, p999: NaN });
const noLoop = (): LoopDelay => ({ p50Ms: NaN, p99Ms: NaN, maxMs: NaN });

export interface VoteCell extends CellBase {
  kind: 'vote';
  workload: 'w1' | 'w2';
  boards: number;
  perBoard: number;
  setupSec: number;
  /** Of which connecting every client through its initial sync (the slowest generator). */
  connectSec: number;
  /** Votes sent in the measured window (the "updates"). */
  sent: number;
  arrivals: number;
  lost: number;
  /** Send-to-arrival latency of each arrival (ms). */
  lat: Pcts;
  /** The same, at the full clients only (they apply every vote with the stock client). */
  latFull: Pcts;
  /** Full clients per board; the others are light. */
  fullPerBoard: number;
  /** Until the last of a vote's perBoard − 1 arrivals (ms). */
  all: Pcts;
  deliveredPerSec: number;
  offeredPerSec: number;
  serverCpuSec: number;
  cpuPer1kUpdates: number;
  peakRssMb: number;
  endRssMb: number;
  serverLoop: LoopDelay;
  framesInPerUpdatePerRecipient: number;
  bytesInPerUpdatePerRecipient: number;
  framesOutPerUpdate: number;
  genLoopP99Ms: number;
  genLoopMaxMs: number;
  genLateP99Ms: number;
  genCpuMax: number;
  clockOffsetsMs: number[];
  disconnects: number;
  drained: boolean;
}

export interface StormCell extends CellBase {
  kind: 'storm';
  workload: 'w3';
  stateBytes: number;
  seedSec: number;
  synced: number;
  syncedP50Ms: number;
  syncedP99Ms: number;
  syncedMaxMs: number;
  /** Until the last client synced (NaN unless all did). */
  totalMs: number;
  /** Clients that applied the state (the rest are light), and their times. */
  fullClients: number;
  fullSyncedP50Ms: number;
  fullSyncedMaxMs: number;
  /** The smallest state frame a light client received (bytes). */
  lightMinStateBytes: number;
  serverCpuSec: number;
  rssBeforeMb: number;
  peakRssMb: number;
  serverLoop: LoopDelay;
  bytesInPerClient: number;
  framesInPerClient: number;
  genCpuMax: number;
}

export interface ColdLoad {
  syncedMs: number;
  bytesIn: number;
  framesIn: number;
  framesOut: number;
  serverCpuSec: number;
  rssAfterMb: number;
  peakRssMb: number;
  serverLoopP99Ms: number;
  stateBytes: number;
}

export interface ColdCell extends CellBase {
  kind: 'cold';
  workload: 'w4';
  /** Where the server loaded the board from. */
  from: string;
  claims: number;
  votes: number;
  notes: number;
  docs: number;
  seedSec: number;
  stateBytes: number;
  loads: ColdLoad[];
}

export type Cell = VoteCell | StormCell | ColdCell;

const base = (workload: Workload, target: Target, n: number, rep: number): CellBase => ({
  workload,
  target,
  n,
  rep,
  status: 'ok',
  note: '',
  code: '',
  errors: [],
  backgroundCores: NaN,
  waitedSec: 0,
  elapsedSec: 0,
});

export function newVoteCell(workload: 'w1' | 'w2', target: Target, boards: number, perBoard: number, rep: number, rate: number): VoteCell {
  const n = boards * perBoard;
  return {
    kind: 'vote',
    ...base(workload, target, workload === 'w1' ? perBoard : n, rep),
    workload,
    boards,
    perBoard,
    setupSec: NaN,
    connectSec: NaN,
    sent: NaN,
    arrivals: NaN,
    lost: NaN,
    lat: noPcts(),
    latFull: noPcts(),
    fullPerBoard: NaN,
    all: noPcts(),
    deliveredPerSec: NaN,
    offeredPerSec: n * (perBoard - 1) * rate,
    serverCpuSec: NaN,
    cpuPer1kUpdates: NaN,
    peakRssMb: NaN,
    endRssMb: NaN,
    serverLoop: noLoop(),
    framesInPerUpdatePerRecipient: NaN,
    bytesInPerUpdatePerRecipient: NaN,
    framesOutPerUpdate: NaN,
    genLoopP99Ms: NaN,
    genLoopMaxMs: NaN,
    genLateP99Ms: NaN,
    genCpuMax: NaN,
    clockOffsetsMs: [],
    disconnects: 0,
    drained: false,
  };
}

export function newStormCell(target: Target, clients: number): StormCell {
  return {
    kind: 'storm',
    ...base('w3', target, clients, 0),
    workload: 'w3',
    stateBytes: NaN,
    seedSec: NaN,
    synced: 0,
    syncedP50Ms: NaN,
    syncedP99Ms: NaN,
    syncedMaxMs: NaN,
    totalMs: NaN,
    fullClients: 0,
    fullSyncedP50Ms: NaN,
    fullSyncedMaxMs: NaN,
    lightMinStateBytes: NaN,
    serverCpuSec: NaN,
    rssBeforeMb: NaN,
    peakRssMb: NaN,
    serverLoop: noLoop(),
    bytesInPerClient: NaN,
    framesInPerClient: NaN,
    genCpuMax: NaN,
  };
}

export function newColdCell(target: Target, reviewers: number, claimboard: boolean): ColdCell {
  return {
    kind: 'cold',
    ...base('w4', target, reviewers, 0),
    workload: 'w4',
    from: claimboard ? 'SQLite, after a restart' : 'memory (kept nothing across a restart, so not restarted)',
    claims: 0,
    votes: 0,
    notes: 0,
    docs: 0,
    seedSec: NaN,
    stateBytes: NaN,
    loads: [],
  };
}

export interface RunInfo {
  startedAt: Date;
  loadAvgAtStart: number[];
  elapsedSec: number;
  codeVersion: string;
  perIpLimits: Record<string, string>;
  options: Options;
}

// ---------------------------------------------------------------------------------------
// Aggregation (medians over repeated runs of a cell)

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const fmtInt = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const MEASURED: CellStatus[] = ['ok', 'overloaded', 'server-overloaded', 'incomplete'];
const STATUS_RANK: CellStatus[] = ['ok', 'incomplete', 'overloaded', 'server-overloaded', 'setup-failed', 'failed', 'skipped'];

function group<C extends Cell>(cells: C[], target: Target, n?: number): C[] {
  return cells.filter((c) => c.target === target && (n === undefined || c.n === n));
}

/** The median over the measured runs of a cell. */
function val<C extends Cell>(cs: C[], get: (c: C) => number): number {
  return median(cs.filter((c) => MEASURED.includes(c.status)).map(get));
}

/**
 * The status of a cell: that of most of its runs (its medians are those runs' too), else
 * the worst one. With one run, that run's.
 */
function statusOf(cs: Cell[]): CellStatus {
  if (cs.length === 0) return 'skipped';
  const counts = new Map<CellStatus, number>();
  for (const c of cs) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  for (const [st, k] of counts) if (k * 2 > cs.length) return st;
  return cs.map((c) => c.status).sort((a, b) => STATUS_RANK.indexOf(b) - STATUS_RANK.indexOf(a))[0]!;
}

/** A cell's status, with how many of its runs had it when they did not all agree. */
function statusText(cs: Cell[]): string {
  const st = statusOf(cs);
  const k = cs.filter((c) => c.status === st).length;
  return k < cs.length ? `${STATUS_TEXT[st]} (${k} of ${cs.length} runs)` : STATUS_TEXT[st];
}

const STATUS_TEXT: Record<CellStatus, string> = {
  ok: 'ok',
  overloaded: 'generators overloaded',
  'server-overloaded': 'server overloaded',
  incomplete: 'incomplete',
  'setup-failed': 'set-up failed',
  failed: 'failed',
  skipped: 'not run',
};

// ---------------------------------------------------------------------------------------
// Tables

interface Row<C extends Cell> {
  label: string;
  get: (c: C) => number;
  digits: number;
  /** Claimboard ÷ reference makes sense (a cost or a time); not for counts that should be zero. */
  ratio: boolean;
  int?: boolean;
}

const VOTE_ROWS: Row<VoteCell>[] = [
  { label: 'latency p50 (ms), each arrival', get: (c) => c.lat.p50, digits: 1, ratio: true },
  { label: 'latency p99 (ms), each arrival', get: (c) => c.lat.p99, digits: 1, ratio: true },
  { label: 'latency p99.9 (ms), each arrival', get: (c) => c.lat.p999, digits: 1, ratio: true },
  { label: 'latency p99 (ms), arrivals at the full clients', get: (c) => c.latFull.p99, digits: 1, ratio: true },
  { label: 'reached all peers p50 (ms)', get: (c) => c.all.p50, digits: 1, ratio: true },
  { label: 'reached all peers p99 (ms)', get: (c) => c.all.p99, digits: 1, ratio: true },
  { label: 'reached all peers p99.9 (ms)', get: (c) => c.all.p999, digits: 1, ratio: true },
  { label: 'server CPU s per 1,000 updates', get: (c) => c.cpuPer1kUpdates, digits: 3, ratio: true },
  { label: 'server event-loop delay p99 (ms)', get: (c) => c.serverLoop.p99Ms, digits: 1, ratio: true },
  { label: 'server peak RSS (MB)', get: (c) => c.peakRssMb, digits: 0, ratio: true },
  { label: 'server RSS at end (MB)', get: (c) => c.endRssMb, digits: 0, ratio: true },
  { label: 'ws frames received per update per recipient', get: (c) => c.framesInPerUpdatePerRecipient, digits: 2, ratio: true },
  { label: 'ws bytes received per update per recipient', get: (c) => c.bytesInPerUpdatePerRecipient, digits: 0, ratio: true },
  { label: 'ws frames sent by clients per update', get: (c) => c.framesOutPerUpdate, digits: 2, ratio: true },
  { label: 'arrivals/s delivered', get: (c) => c.deliveredPerSec, digits: 0, ratio: false, int: true },
  // Unknown (not zero) when the generators could not finish the cell.
  { label: 'updates sent in the window', get: (c) => (Number.isFinite(c.lat.p50) ? c.sent : NaN), digits: 0, ratio: false, int: true },
  { label: 'lost arrivals', get: (c) => (Number.isFinite(c.lat.p50) ? c.lost : NaN), digits: 0, ratio: false, int: true },
  { label: 'generator lag p99 (ms): send lateness / event loop', get: (c) => Math.max(c.genLateP99Ms, c.genLoopP99Ms), digits: 1, ratio: false },
  { label: 'set-up: REST + connecting all clients (s)', get: (c) => c.setupSec, digits: 1, ratio: false },
  { label: "other processes' CPU (cores)", get: (c) => c.backgroundCores, digits: 2, ratio: false },
];

const STORM_ROWS: Row<StormCell>[] = [
  { label: 'clients synced', get: (c) => c.synced, digits: 0, ratio: false, int: true },
  { label: 'time to synced p50 (ms)', get: (c) => c.syncedP50Ms, digits: 0, ratio: true },
  { label: 'time to synced p99 (ms)', get: (c) => c.syncedP99Ms, digits: 0, ratio: true },
  { label: 'time to synced max = total (ms)', get: (c) => c.syncedMaxMs, digits: 0, ratio: true },
  { label: 'full clients (apply the state): time to synced p50 (ms)', get: (c) => c.fullSyncedP50Ms, digits: 0, ratio: true },
  { label: 'full clients: time to synced max (ms)', get: (c) => c.fullSyncedMaxMs, digits: 0, ratio: true },
  { label: 'light clients: smallest state frame received (KB)', get: (c) => c.lightMinStateBytes / 1024, digits: 0, ratio: false },
  { label: 'server CPU s (storm)', get: (c) => c.serverCpuSec, digits: 2, ratio: true },
  { label: 'server RSS before (MB)', get: (c) => c.rssBeforeMb, digits: 0, ratio: true },
  { label: 'server peak RSS during the storm (MB)', get: (c) => c.peakRssMb, digits: 0, ratio: true },
  { label: 'server event-loop delay p99 (ms)', get: (c) => c.serverLoop.p99Ms, digits: 0, ratio: true },
  { label: 'ws bytes received per client (KB)', get: (c) => c.bytesInPerClient / 1024, digits: 0, ratio: true },
  { label: 'ws frames received per client', get: (c) => c.framesInPerClient, digits: 0, ratio: true },
  { label: 'load generators: busiest, % of a core', get: (c) => c.genCpuMax * 100, digits: 0, ratio: false },
  { label: 'board state (Yjs update, KB)', get: (c) => c.stateBytes / 1024, digits: 0, ratio: false },
  { label: 'seeding (s)', get: (c) => c.seedSec, digits: 1, ratio: false },
];

const loadMedian = (c: ColdCell, get: (l: ColdLoad) => number) => median(c.loads.map(get));

const COLD_ROWS: Row<ColdCell>[] = [
  { label: 'time to synced, one fresh client (ms, median of loads)', get: (c) => loadMedian(c, (l) => l.syncedMs), digits: 0, ratio: true },
  { label: 'ws bytes received (KB)', get: (c) => loadMedian(c, (l) => l.bytesIn / 1024), digits: 0, ratio: true },
  { label: 'ws frames received', get: (c) => loadMedian(c, (l) => l.framesIn), digits: 0, ratio: true },
  { label: 'state loaded (Yjs updates, KB)', get: (c) => loadMedian(c, (l) => l.stateBytes / 1024), digits: 0, ratio: true },
  { label: 'server CPU s for the load', get: (c) => loadMedian(c, (l) => l.serverCpuSec), digits: 2, ratio: true },
  { label: 'server RSS after the load (MB)', get: (c) => loadMedian(c, (l) => l.rssAfterMb), digits: 0, ratio: true },
  { label: 'server peak RSS during the load (MB)', get: (c) => loadMedian(c, (l) => l.peakRssMb), digits: 0, ratio: true },
  { label: 'server event-loop delay p99 (ms)', get: (c) => loadMedian(c, (l) => l.serverLoopP99Ms), digits: 0, ratio: true },
  { label: 'docs loaded', get: (c) => c.docs, digits: 0, ratio: false, int: true },
  { label: 'loads measured', get: (c) => c.loads.length, digits: 0, ratio: false, int: true },
  { label: 'seeding through the clients (s)', get: (c) => c.seedSec, digits: 1, ratio: false },
];

function cellText<C extends Cell>(cs: C[], row: Row<C>): string {
  const v = val(cs, row.get);
  if (!Number.isFinite(v) && cs.length && !cs.some((c) => MEASURED.includes(c.status))) return STATUS_TEXT[statusOf(cs)];
  return row.int ? fmtInt(v) : fmt(v, row.digits);
}

/** Claimboard columns are compared with each reference column. */
function columns(targets: Target[]): { cols: Target[]; pairs: Array<[Target, Target]> } {
  const mine = targets.filter((t) => t === 'claimboard' || t === 'claimboard-yws');
  const refs = targets.filter((t) => t === 'reference' || t === 'hocuspocus');
  return { cols: targets, pairs: mine.flatMap((m) => refs.map((r) => [m, r] as [Target, Target])) };
}

const short = (t: Target) => ({ claimboard: 'Claimboard', 'claimboard-yws': 'Claimboard yws', reference: 'y-ws', hocuspocus: 'Hocuspocus' })[t];

function table<C extends Cell>(cells: C[], targets: Target[], rows: Row<C>[], ns: number[] | null): string {
  const { cols, pairs } = columns(targets);
  const head = [...(ns ? ['N'] : []), 'metric', ...cols.map((t) => TARGET_LABEL[t]), ...pairs.map(([a, b]) => `${short(a)} ÷ ${short(b)}`)];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < (ns ? 2 : 1) ? '---' : '---:')).join(' | ')} |`];
  // Ratios are Claimboard's value ÷ the reference's, between cells whose status is ok.
  for (const n of ns ?? [undefined]) {
    const at = (t: Target) => group(cells, t, n);
    const statusCells = cols.map((t) => statusText(at(t)));
    lines.push(`| ${[...(n !== undefined ? [String(n)] : []), '**status**', ...statusCells, ...pairs.map(() => '')].join(' | ')} |`);
    for (const row of rows) {
      const cellsText = cols.map((t) => cellText(at(t), row));
      // A ratio only between clean cells: an overloaded generator's numbers are its own.
      const clean = (x: Target) => statusOf(at(x)) === 'ok';
      const ratios = pairs.map(([a, b]) => (!row.ratio ? '' : clean(a) && clean(b) ? ratio(val(at(a), row.get), val(at(b), row.get)) : '–'));
      lines.push(`| ${[...(n !== undefined ? [String(n)] : []), row.label, ...cellsText, ...ratios].join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Largest N with p99 ≤ 50 ms

export interface Capacity {
  /** Largest N measured with p99 ≤ target (and every smaller N too); null: not even the smallest. */
  n: number | null;
  /** True when the next N up could not tell (overloaded, failed, skipped, or not in the run). */
  lowerBound: boolean;
  why: string;
}

function capacity(cells: VoteCell[], target: Target, ns: number[], get: (c: VoteCell) => number): Capacity {
  let best: number | null = null;
  /** Cells that passed with some runs left out (see below), said with the verdict. */
  const passedWithout: string[] = [];
  const result = (lowerBound: boolean, why: string, aside = ''): Capacity => ({ n: best, lowerBound, why: [why + aside, ...passedWithout].join('; ') });
  for (const n of ns) {
    const all = group(cells, target, n);
    // A run whose load generators fell behind measured them, not the server (it may not even
    // have received the load): the other runs of the cell decide, when there are any.
    const valid = all.filter((c) => c.status !== 'overloaded');
    const cs = valid.length ? valid : all;
    const left = all.length - cs.length;
    const aside = left ? ` (${left} of ${all.length} runs left out: generators overloaded)` : '';
    const status = statusOf(cs);
    const p99 = val(cs, get);
    if (status === 'ok' && p99 <= TARGET_P99_MS) {
      best = n;
      if (left) passedWithout.push(`N=${n}: p99 ${fmt(p99)} ms${aside}`);
      continue;
    }
    // Over the target, but with the generators lagging enough to be part of it: not decisive.
    const lag = val(cs, (c) => Math.max(c.genLateP99Ms, c.genLoopP99Ms));
    if (status === 'ok' && lag > LAG_DECISIVE_MS) {
      return result(true, `p99 at N=${n}: ${fmt(p99)} ms, but the load generators lagged ${fmt(lag)} ms (p99)`, aside);
    }
    if (status === 'ok') return result(false, `p99 at N=${n}: ${fmt(p99)} ms`, aside);
    // The server's own loop ran later than the target: that decides it, whatever the clients did.
    if (status === 'server-overloaded' && p99 > TARGET_P99_MS) {
      const loop = val(cs, (c) => c.serverLoop.p99Ms);
      return result(false, `p99 at N=${n}: ${fmt(p99)} ms, with the server's own event loop late by ${fmt(loop, 0)} ms (p99)`, aside);
    }
    if (status === 'incomplete' && p99 > TARGET_P99_MS) return result(false, `p99 at N=${n}: ${fmt(p99)} ms, with arrivals missing`, aside);
    return result(true, `N=${n}: ${STATUS_TEXT[status]}${Number.isFinite(p99) ? ` (p99 ${fmt(p99)} ms as measured)` : ''}`, aside);
  }
  return result(true, `the largest N run was ${ns[ns.length - 1]}`);
}

const capText = (c: Capacity, smallest: number) =>
  c.n === null ? (c.lowerBound ? `– (${c.why})` : `< ${smallest} (${c.why})`) : `${c.lowerBound ? '≥ ' : ''}${c.n} (${c.why})`;

function capRatio(a: Capacity, b: Capacity, top: number): string {
  if (a.n === null || b.n === null) return '–';
  const r = (a.n / b.n).toFixed(2) + '×';
  if (a.lowerBound && b.lowerBound) return a.n === top && b.n === top ? 'both met the target at every N run' : 'undetermined (both are lower bounds)';
  if (a.lowerBound) return `≥ ${r}`;
  if (b.lowerBound) return `≤ ${r}`;
  return r;
}

function capacityTable(cells: VoteCell[], targets: Target[], ns: number[]): string {
  const lines = [`| server | largest N with p99 ≤ ${TARGET_P99_MS} ms, each arrival | largest N with p99 ≤ ${TARGET_P99_MS} ms, reached all peers |`, '| --- | --- | --- |'];
  const caps = new Map<Target, [Capacity, Capacity]>();
  for (const t of targets) {
    const c: [Capacity, Capacity] = [capacity(cells, t, ns, (c) => c.lat.p99), capacity(cells, t, ns, (c) => c.all.p99)];
    caps.set(t, c);
    lines.push(`| ${TARGET_LABEL[t]} | ${capText(c[0], ns[0]!)} | ${capText(c[1], ns[0]!)} |`);
  }
  for (const [a, b] of columns(targets).pairs) {
    const ca = caps.get(a)!;
    const cb = caps.get(b)!;
    const top = ns[ns.length - 1]!;
    lines.push(`| ${short(a)} ÷ ${short(b)} | ${capRatio(ca[0], cb[0], top)} | ${capRatio(ca[1], cb[1], top)} |`);
  }
  const mine = caps.get('claimboard');
  const verdicts = ISSUE_CAPACITY_FACTORS.filter(([t]) => caps.has(t)).map(([t, f]) => {
    const v = atLeast(mine?.[0], caps.get(t)![0], f, ns);
    return `at least ${f === 1 ? '' : `${f} × `}${TARGET_LABEL[t]}'s: **${v.verdict}** (${v.why})`;
  });
  if (mine && verdicts.length) {
    lines.push('', `Issue 6, must-show 2, on the N of this run (each arrival): Claimboard's largest N is ${verdicts.join('; ')}.`);
  }
  return lines.join('\n');
}

/** Issue 6, must-show 2: Claimboard's largest N against each reference's, times this factor. */
const ISSUE_CAPACITY_FACTORS: Array<[Target, number]> = [
  ['reference', 1.5],
  ['hocuspocus', 1],
];

/**
 * Whether `a`'s largest N is at least `factor` times `b`'s, over the N this run measured: a
 * lower bound may be anything up to the largest N run, so it decides only when even that
 * extreme keeps the inequality; it is broken only by an exact `a` (a lower bound may lie
 * beyond the largest N run).
 */
export function atLeast(a: Capacity | undefined, b: Capacity, factor: number, ns: number[]): { verdict: 'met' | 'not met' | 'undecided'; why: string } {
  if (!a) return { verdict: 'undecided', why: 'Claimboard not run' };
  const top = ns[ns.length - 1]!;
  const range = (c: Capacity) => [c.n ?? 0, c.lowerBound ? top : (c.n ?? 0)] as const;
  const [aLo, aHi] = range(a);
  const [bLo, bHi] = range(b);
  const show = (c: Capacity) => (c.n === null ? (c.lowerBound ? 'undecided' : `< ${ns[0]}`) : `${c.lowerBound ? '≥ ' : ''}${c.n}`);
  const why = `${show(a)} against ${show(b)}`;
  if (aLo >= factor * bHi && aLo > 0) return { verdict: 'met', why };
  // Not met only when ours is exact: a lower bound may lie beyond the N this run reached.
  if (!a.lowerBound && aHi < factor * bLo) return { verdict: 'not met', why };
  return { verdict: 'undecided', why: `${why}: a lower bound leaves it open` };
}

// ---------------------------------------------------------------------------------------
// Chart

const COLOURS: Record<Target, string> = {
  claimboard: '#c0392b',
  'claimboard-yws': '#8e44ad',
  reference: '#1f5fa8',
  hocuspocus: '#1e8449',
};
const DASH: Record<Target, string> = { claimboard: '', 'claimboard-yws': '2 3', reference: '8 4', hocuspocus: '3 3' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** p99 latency (each arrival, log scale) against N for each server; hollow markers mark cells
 * whose numbers are not clean (generators overloaded, arrivals missing). */
export function chartSvg(cells: VoteCell[], targets: Target[], ns: number[], title: string, subtitle: string): string {
  const W = 760;
  const H = 460;
  const m = { l: 74, r: 200, t: 62, b: 62 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const points = targets.flatMap((t) => ns.map((n) => ({ t, n, cs: group(cells, t, n) })));
  const values = points.map((p) => val(p.cs, (c) => c.lat.p99)).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(TARGET_P99_MS / 5, ...values))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(TARGET_P99_MS * 2, ...values))));
  const y = (v: number) => m.t + ph - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;
  const lx = ns.map((n) => Math.log2(n));
  const x = (n: number) => (ns.length === 1 ? m.l + pw / 2 : m.l + ((Math.log2(n) - lx[0]!) / (lx[lx.length - 1]! - lx[0]!)) * pw);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.l}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${m.l}" y="40" fill="#444">${esc(subtitle)}</text>`);
  // Grid and y axis (1-2-5 steps).
  for (let d = lo; d <= hi; d *= 10) {
    for (const k of [1, 2, 5]) {
      const v = d * k;
      if (v < lo || v > hi) continue;
      out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${k === 1 ? '#cccccc' : '#eeeeee'}"/>`);
      out.push(`<text x="${m.l - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#333">${v >= 1000 ? `${v / 1000} s` : `${v}`}</text>`);
    }
  }
  for (const n of ns) {
    out.push(`<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${m.t}" y2="${m.t + ph}" stroke="#eeeeee"/>`);
    out.push(`<text x="${x(n).toFixed(1)}" y="${m.t + ph + 18}" text-anchor="middle" fill="#333">${n}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  // The target.
  out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(TARGET_P99_MS).toFixed(1)}" y2="${y(TARGET_P99_MS).toFixed(1)}" stroke="#d35400" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${m.l + 6}" y="${(y(TARGET_P99_MS) - 6).toFixed(1)}" fill="#d35400">p99 target ${TARGET_P99_MS} ms</text>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 18}" text-anchor="middle" fill="#111">N — reviewers on one board, each voting once a second (log scale)</text>`);
  out.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#111">p99 send-to-arrival latency, ms (log scale)</text>`);
  targets.forEach((t, ti) => {
    const pts = ns
      .map((n) => ({ n, cs: group(cells, t, n) }))
      .map((p) => ({ ...p, v: val(p.cs, (c) => c.lat.p99), status: statusOf(p.cs) }))
      .filter((p) => Number.isFinite(p.v) && p.v > 0);
    if (pts.length > 1) {
      const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.n).toFixed(1)} ${y(Math.min(hi, p.v)).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${COLOURS[t]}" stroke-width="2"${DASH[t] ? ` stroke-dasharray="${DASH[t]}"` : ''}/>`);
    }
    // Run, but no latency to show (the generators could not finish): a cross at the top.
    for (const n of ns) {
      const cs = group(cells, t, n);
      const st = statusOf(cs);
      if (st === 'skipped' || cs.length === 0 || Number.isFinite(val(cs, (c) => c.lat.p99))) continue;
      const cx = x(n) + (ti - (targets.length - 1) / 2) * 9;
      out.push(
        `<path d="M${(cx - 4).toFixed(1)} ${m.t + 6} l8 8 m0 -8 l-8 8" stroke="${COLOURS[t]}" stroke-width="2"><title>${esc(`${TARGET_LABEL[t]}, N=${n}: no latency (${STATUS_TEXT[st]}; see the table)`)}</title></path>`,
      );
    }
    for (const p of pts) {
      const clean = p.status === 'ok';
      out.push(
        `<circle cx="${x(p.n).toFixed(1)}" cy="${y(Math.min(hi, p.v)).toFixed(1)}" r="${clean ? 4.5 : 5.5}" fill="${clean ? COLOURS[t] : '#ffffff'}" stroke="${COLOURS[t]}" stroke-width="2"><title>${esc(`${TARGET_LABEL[t]}, N=${p.n}: p99 ${fmt(p.v)} ms (${STATUS_TEXT[p.status]})`)}</title></circle>`,
      );
    }
    // Legend.
    const ly = m.t + 14 + ti * 22;
    const lx0 = m.l + pw + 16;
    out.push(`<line x1="${lx0}" x2="${lx0 + 28}" y1="${ly}" y2="${ly}" stroke="${COLOURS[t]}" stroke-width="2"${DASH[t] ? ` stroke-dasharray="${DASH[t]}"` : ''}/>`);
    out.push(`<circle cx="${lx0 + 14}" cy="${ly}" r="4" fill="${COLOURS[t]}"/>`);
    out.push(`<text x="${lx0 + 36}" y="${ly + 4}">${esc(TARGET_LABEL[t])}</text>`);
  });
  const ny = m.t + 14 + targets.length * 22 + 8;
  const lx0 = m.l + pw + 16;
  out.push(`<circle cx="${lx0 + 14}" cy="${ny}" r="5" fill="#ffffff" stroke="#555" stroke-width="2"/>`);
  out.push(`<text x="${lx0 + 36}" y="${ny + 4}">not clean: generators</text>`);
  out.push(`<text x="${lx0 + 36}" y="${ny + 18}">overloaded or arrivals</text>`);
  out.push(`<text x="${lx0 + 36}" y="${ny + 32}">missing (see the table)</text>`);
  out.push(`<path d="M${lx0 + 10} ${ny + 46} l8 8 m0 -8 l-8 8" stroke="#555" stroke-width="2"/>`);
  out.push(`<text x="${lx0 + 36}" y="${ny + 54}">no latency: generators</text>`);
  out.push(`<text x="${lx0 + 36}" y="${ny + 68}">could not finish</text>`);
  out.push(`<text x="${lx0}" y="${ny + 96}" fill="#444">Claimboard: durable SQLite;</text>`);
  out.push(`<text x="${lx0}" y="${ny + 110}" fill="#444">the others: memory only.</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// The report

function warnings(cells: Cell[]): string[] {
  const out: string[] = [];
  for (const c of cells) {
    const size = c.kind === 'vote' && c.workload === 'w2' ? `${c.boards}×${c.perBoard}` : c.kind === 'storm' ? `${c.n} clients` : c.kind === 'cold' ? `${c.n} reviewers` : `N=${c.n}`;
    const id = `${c.workload.toUpperCase()} ${c.target} ${size}${c.rep ? ` run ${c.rep + 1}` : ''}`;
    if (c.status !== 'ok') out.push(`${id}: ${STATUS_TEXT[c.status]}${c.note ? ` — ${c.note}` : ''}`);
    if (c.kind === 'vote' && MEASURED.includes(c.status)) {
      if (c.status === 'ok' && (c.genLoopP99Ms > 25 || c.genLateP99Ms > 25)) {
        out.push(`${id}: load generator lag (event-loop delay p99 ${fmt(c.genLoopP99Ms)} ms, max ${fmt(c.genLoopMaxMs)} ms; send lateness p99 ${fmt(c.genLateP99Ms)} ms) — latencies include some client-side queueing`);
      }
      if (c.backgroundCores > 0.5) out.push(`${id}: other processes on the machine used ${fmt(c.backgroundCores, 2)} cores during the window`);
      if (c.disconnects > 0) out.push(`${id}: ${c.disconnects} client disconnects during the run`);
      const spread = c.clockOffsetsMs.length ? Math.max(...c.clockOffsetsMs) - Math.min(...c.clockOffsetsMs) : 0;
      if (spread > 5) out.push(`${id}: process clocks (timeOrigin + now vs realtime) disagreed by ${fmt(spread, 2)} ms before correction (corrected)`);
    }
    const errs = c.errors.filter((e) => !e.startsWith('[while connecting] ') || c.status !== 'ok');
    if (errs.length) out.push(`${id}: ${c.errors.length} client errors, first: ${errs.slice(0, 3).join(' | ').slice(0, 400)}`);
  }
  return out;
}

function command(o: Options): string {
  return ['node --import tsx tests/bench/perf.bench.ts', ...o.argv].join(' ');
}

function chartFile(o: Options): string {
  return path.join(path.dirname(RESULTS_FILE), o.quick ? 'perf-w1-p99-quick.svg' : 'perf-w1-p99.svg');
}

const DURABILITY =
  '**Not like for like on durability**: the references (`@y/websocket-server` without YPERSISTENCE, Hocuspocus without extensions) keep state in memory only and broadcast an update as soon as they have applied it; Claimboard validates each update in a worker thread and commits it to SQLite (WAL, `synchronous=FULL`) before acknowledging and broadcasting it. The ratios include the price of that durability and checking.';

interface Rendered {
  tables: string;
  subsection: string;
}

function render(info: RunInfo, mc: MachineInfo, cells: Cell[]): Rendered {
  const o = info.options;
  const votes1 = cells.filter((c): c is VoteCell => c.kind === 'vote' && c.workload === 'w1');
  const votes2 = cells.filter((c): c is VoteCell => c.kind === 'vote' && c.workload === 'w2');
  const storms = cells.filter((c): c is StormCell => c.kind === 'storm');
  const colds = cells.filter((c): c is ColdCell => c.kind === 'cold');
  const t = o.targets;
  const codes = [...new Set(cells.filter((c) => c.code && c.target !== 'reference' && c.target !== 'hocuspocus').map((c) => c.code))];
  const parts: string[] = [];
  if (o.workloads.includes('w1')) {
    parts.push(
      `#### W1 — one board, N reviewers, ${o.rate} vote/s each`,
      '',
      `${o.warmupSec} s warm-up + ${o.durationSec} s measured per cell, open loop with ±${Math.round(o.jitter * 100)}% jitter; ${o.repeat} run(s) per cell${o.repeatAt?.length ? `, ${o.repeatAtRuns} at N=${o.repeatAt.join(', ')}` : ''} (medians; a repeated cell's status is that of most of its runs). Five clients per board apply every vote; the rest read arrivals off the wire (see above). A cell whose generators fell behind measures them as well (its status says so; ratios are given only between clean cells). A p99 over ${TARGET_P99_MS} ms decides the largest N below only where the generators lagged less than ${LAG_DECISIVE_MS} ms (p99), or where the server's own event loop was late by more than ${OVERLOAD_MS} ms (p99; "server overloaded"): the generators run at a lower priority, so that lateness is the server's, and every message that reaches it then waits as long. Runs whose generators were overloaded are left out of the largest N when the cell has other runs: they measured the generators, and may not even have delivered the load to the server.`,
      '',
      table(votes1, t, VOTE_ROWS, o.ns),
      '',
      capacityTable(votes1, t, o.ns),
      '',
    );
    if (o.write) parts.push(`![p99 latency against N](${path.basename(chartFile(o))})`, '');
  }
  if (o.workloads.includes('w2')) {
    parts.push(`#### W2 — ${o.w2Boards} boards × ${o.w2Reviewers} reviewers, ${o.rate} vote/s each`, '', table(votes2, t, VOTE_ROWS, null), '');
  }
  if (o.workloads.includes('w3')) {
    parts.push(
      `#### W3 — join storm: ${o.w3Clients} clients open a board holding ~${Math.round(o.w3Bytes / 1000)} kB at once`,
      '',
      'Claimboard: the owner wrote article text and claims into the board doc through BoardConnection; the members were made through the REST API beforehand; each storm client joins and attaches every doc the join lists, as the app does. The references: the same content in the shared doc, written by one client that stays connected (they drop a document with its last connection). Time to synced is from the common start instant to the client\'s own "synced". Light clients do not apply the 1 MB state. The storm members have not voted, so a Claimboard join lists the board doc, the live doc and the client\'s own reviewer and sealed docs (protocol 3: a reviewer doc is listed once it has content; before, every member\'s doc was listed, 202 docs per client here).',
      '',
      table(storms, t, STORM_ROWS, null),
      '',
    );
  }
  if (o.workloads.includes('w4')) {
    parts.push(
      `#### W4 — cold load of a board with ${o.w4Claims} claims, ${o.w4Reviewers} reviewers × ${o.w4Claims} votes and ${o.w4Notes} notes each`,
      '',
      `Seeded through the clients (Claimboard: REST + one BoardConnection per reviewer, one transaction each; the references: the same content in the shared doc from six clients). Claimboard is then restarted before each of ${o.w4Loads} load(s): a new server process loads the board from SQLite. **The references keep nothing across a restart**, so they were not restarted: their fresh client loads the board from the server's memory.`,
      '',
      table(colds, t, COLD_ROWS, null),
      '',
      ...t.map((x) => `- ${TARGET_LABEL[x]}: loaded from ${group(colds, x)[0]?.from ?? '–'}; seeded ${fmtInt(group(colds, x)[0]?.votes ?? NaN)} votes and ${fmtInt(group(colds, x)[0]?.notes ?? NaN)} notes on ${fmtInt(group(colds, x)[0]?.claims ?? NaN)} claims.`),
      '',
    );
  }
  const tables = parts.join('\n');
  const warns = warnings(cells);
  const heading = o.quick ? '### Quick run' : '### Full run';
  const avg = info.loadAvgAtStart.map((x) => x.toFixed(2)).join(' / ');
  const subsection = [
    heading,
    '',
    `- Command: \`${command(o)}\`${o.argv.filter((a) => a !== '--quick').length === 0 ? ` (what \`npm run bench${o.quick ? ' -- --quick' : ''}\` runs${o.quick ? '' : ', before the other benchmarks'})` : ''}`,
    `- Date: ${info.startedAt.toISOString()} (took ${Math.round(info.elapsedSec)} s)`,
    `- Machine: ${mc.nproc} × ${mc.cpu}, ${mc.memGb} GiB RAM, Linux ${mc.kernel}, Node ${mc.node}; DATA_DIR under ${os.tmpdir()}; load average at the start ${avg}`,
    `- Code measured: ${info.codeVersion}, working-tree hash ${codes.join(', ') || '–'}${codes.length > 1 ? ' (**the code changed during the run**: the cells mix these versions)' : ''}; Claimboard started with ${Object.entries(info.perIpLimits).map(([k, v]) => `${k}=${v}`).join(', ')} (all clients share 127.0.0.1), otherwise its defaults`,
    `- ${o.generators} load-generator processes; before each cell the run waited up to ${o.quietWaitSec} s for other processes to use ≤ ${o.maxBackground} cores; budget ${o.budgetSec} s. A cell is "generators overloaded" when a generator's send lateness or event-loop delay p99 passed ${OVERLOAD_MS} ms or it used > 90% of a core: its latencies then include client-side queueing.`,
    `- ${DURABILITY}`,
    '',
    tables,
    warns.length ? ['Warnings:', '', ...warns.map((w) => `- ${w}`)].join('\n') : 'No warnings.',
    '',
  ].join('\n');
  return { tables, subsection };
}

function renderSection(subsections: string[]): string {
  return [
    `## ${SECTION}`,
    '',
    '`tests/bench/perf.bench.ts` (issue 6): Claimboard against `@y/websocket-server` 0.1.1 and Hocuspocus 4,',
    'the same workloads against all three in one run. The server under test runs alone in a child process',
    '(`sync-launch-*.ts`); the clients run in two load-generator processes (`perf-generator.ts`); all on',
    '127.0.0.1. Each server is driven by its stock client: Claimboard by the real `BoardConnection` over',
    'Socket.IO, the reference by y-websocket `WebsocketProvider`s (`disableBc: true`), Hocuspocus by',
    '`HocuspocusProvider`s (awareness off). Presence is off everywhere.',
    '',
    '**Full and light clients.** On one machine the clients\' own work (applying N·(N−1) votes a second,',
    'or 200 × 1 MB on join) would share the two cores with the server and be what is measured. So per',
    'board the first `--full-clients` (5) reviewers are full stock clients that apply everything; the',
    'others are light: their stock client does the handshake, the initial sync and their own sends, and',
    'after that a tap in the load generator reads each arriving vote off the websocket frame (a vote\'s',
    'rationale carries sender, sequence number and send time) and drops the frame instead of applying it.',
    'In W3 all but 5 storm clients are light: the frame holding the whole state reaches their client',
    'library with an empty update in its place (the smallest such frame is reported, so every light',
    'client is seen to have received the full state). The latency at the full clients only has a row of',
    'its own. The load generators run at nice 10: they stand in for the reviewers\' own machines, so they',
    'yield the cores to the server under test, whichever it is.',
    '',
    '**Document layout.** Claimboard keeps each reviewer\'s votes in that reviewer\'s own doc',
    '(`board/<id>/reviewer/<userId>`), and each client holds every doc of the board, multiplexed on its one',
    'connection. The references have no per-document authority, so a team would build this on them as ONE',
    'shared doc per board: each reviewer sets its vote under its own key of a shared `votes` map, one',
    'websocket per reviewer. (The sync-latency benchmark this replaces gave the reference one provider per',
    '(reviewer, doc), N² websockets, which cannot reach N = 400 on one machine.)',
    '',
    '**Metrics.** A vote carries its send time `at` (`performance.timeOrigin + performance.now()`, each',
    'process corrected to the realtime clock) and a sequence tag; in every other reviewer\'s client an',
    'observer (full clients) or the tap (light clients) records its arrival. Latency = arrival − `at`, for each arrival; "reached all peers" = the last',
    'of a vote\'s N−1 arrivals. Updates = votes sent in the measured window; arrivals/s delivered = their',
    'arrivals ÷ the longer of the window and the time until the last of them arrived. Server CPU = user +',
    'system CPU time of the server process, all threads (`process.cpuUsage()` in the launcher, asked over',
    'IPC), from the start of the window to the end of the drain. Peak RSS = VmHWM of the server process (W1/W2: including connection set-up; W3/W4: reset just',
    'before the storm or the load); RSS at end = VmRSS after the drain. Event-loop delay: the launcher\'s',
    '`monitorEventLoopDelay` over the window, reported over IPC. Websocket frames: every message the',
    'generators\' `ws` sockets received (or sent) in the window ÷ (updates × (N−1)) (or ÷ updates); it',
    'includes acknowledgements to the sender and, on the references, the echo of each update to its',
    'sender, so one frame per update per peer shows as N/(N−1).',
    '',
    '**Warm-up and opening votes.** Each cell starts its server afresh. In the warm-up every reviewer has',
    'cast one untagged opening vote (a board under review; on Claimboard that also lists each reviewer\'s',
    'doc, which a board lists from its first content on, so every client holds all of them before the',
    'window), and the votes run on schedule, unmeasured: the full run warms up 10 s because V8 keeps',
    'compiling hot code on background threads for the first 10–20 s of load, which is not the steady',
    'state of a server that stays up.',
    '',
    'These are noisy, shared 2-core machines: compare servers within one run (their cells are',
    'interleaved), not across runs. The load generators share the two cores with the server, which caps',
    'the N that can be measured here: a server that sends one frame per update per peer has the',
    'generators read N·(N−1) frames a second, which at N = 300–400 overloads them (their cells then say',
    'so, and decide nothing about the server).',
    '',
    ...subsections,
  ].join('\n');
}

/** Replaces (or appends) this benchmark's section of RESULTS.md, keeping every other section
 * and the other mode's subsection; drops the section this one replaces. */
function writeResults(o: Options, sub: string): void {
  const existing = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '# Benchmark results\n';
  let lines = existing.split('\n');
  const sectionRange = (name: string): [number, number] | null => {
    const start = lines.findIndex((l) => l.trim() === `## ${name}`);
    if (start < 0) return null;
    const rel = lines.slice(start + 1).findIndex((l) => /^## /.test(l));
    return [start, rel >= 0 ? start + 1 + rel : lines.length];
  };
  let insertAt = -1;
  for (const old of OLD_SECTIONS) {
    const r = sectionRange(old);
    if (r) {
      lines = [...lines.slice(0, r[0]), ...lines.slice(r[1])];
      if (insertAt < 0) insertAt = r[0];
    }
  }
  const kept: string[] = [];
  const r = sectionRange(SECTION);
  if (r) {
    const body = lines.slice(r[0] + 1, r[1]).join('\n');
    const mine = o.quick ? '### Quick run' : '### Full run';
    for (const part of body.split(/^(?=### )/m)) {
      if (part.startsWith('### ') && !part.startsWith(mine)) kept.push(part.trimEnd() + '\n');
    }
    lines = [...lines.slice(0, r[0]), ...lines.slice(r[1])];
    insertAt = r[0];
  }
  const subs = [...kept, sub].sort((a, b) => (a.startsWith('### Full') ? -1 : b.startsWith('### Full') ? 1 : 0));
  const section = renderSection(subs).trimEnd().split('\n');
  if (insertAt < 0) {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    insertAt = lines.length;
    lines.push('');
  }
  const out = [...lines.slice(0, insertAt), ...section, '', ...lines.slice(insertAt)];
  fs.writeFileSync(RESULTS_FILE, out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n'));
}

/** Prints the side-by-side tables; unless --no-write, writes RESULTS.md's section and the chart. */
export function printAndWrite(info: RunInfo, mc: MachineInfo, cells: Cell[]): void {
  const o = info.options;
  const r = render(info, mc, cells);
  console.log('\n' + r.tables);
  for (const w of warnings(cells)) console.log(`WARN ${w}`);
  if (!o.write) return;
  writeResults(o, r.subsection);
  console.log(`\nwrote the "${SECTION}" section of ${path.relative(ROOT, RESULTS_FILE)}`);
  if (o.workloads.includes('w1')) {
    const votes1 = cells.filter((c): c is VoteCell => c.kind === 'vote' && c.workload === 'w1');
    const svg = chartSvg(
      votes1,
      o.targets,
      o.ns,
      `W1: p99 latency against N (${o.quick ? 'quick' : 'full'} run)`,
      `one board, N reviewers, ${o.rate} vote/s each; ${o.durationSec} s window; ${info.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${mc.nproc} cores`,
    );
    fs.writeFileSync(chartFile(o), svg);
    console.log(`wrote ${path.relative(ROOT, chartFile(o))}`);
  }
}
