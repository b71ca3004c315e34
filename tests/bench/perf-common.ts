/**
 * Shared by the performance benchmark's orchestrator (perf.bench.ts), its load generators
 * (perf-generator.ts) and its server launchers (sync-launch-*.ts): the targets, the clock,
 * the IPC message shapes, percentiles, and the launchers' probe (event-loop delay, CPU).
 * Nothing here imports server, client or Yjs code: the launchers load it too.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** Send lateness or event-loop delay (p99, ms) of a load generator past which its cell counts as overloaded. */
export const OVERLOAD_MS = 50;

/** Which server (and, for Claimboard, which transport) a run drives. */
export type Target = 'claimboard' | 'reference' | 'hocuspocus' | 'claimboard-yws';

export const TARGET_LABEL: Record<Target, string> = {
  claimboard: 'Claimboard (Socket.IO)',
  reference: '@y/websocket-server',
  hocuspocus: 'Hocuspocus',
  'claimboard-yws': 'Claimboard (y-websocket)',
};

/** The servers a run compares unless --servers says otherwise. */
export const DEFAULT_TARGETS: Target[] = ['claimboard', 'reference', 'hocuspocus'];
export const ALL_TARGETS: Target[] = ['claimboard', 'reference', 'hocuspocus', 'claimboard-yws'];

/** Claimboard's own model: one doc per reviewer. The references: one shared doc per board. */
export const isClaimboard = (t: Target): t is 'claimboard' | 'claimboard-yws' => t === 'claimboard' || t === 'claimboard-yws';

/**
 * Epoch milliseconds with sub-millisecond resolution: performance.timeOrigin +
 * performance.now(), corrected by this process's measured offset from the system's
 * realtime clock (the same clock in every process of the machine), so that a timestamp
 * taken in one process can be compared with one taken in another.
 */
export interface BenchClock {
  now(): number;
  /** timeOrigin + now() minus realtime, as measured at start-up (ms). */
  offsetMs: number;
}

export function createClock(samples = 15): BenchClock {
  let best = Infinity;
  for (let i = 0; i < samples; i++) {
    // Spin to a millisecond edge of Date.now(); the high-resolution time read right after
    // the edge is at least the edge, so the smallest difference estimates the offset.
    const start = Date.now();
    let e = start;
    while (e === start) e = Date.now();
    const p = performance.timeOrigin + performance.now();
    if (p - e < best) best = p - e;
  }
  const offsetMs = Number.isFinite(best) ? best : 0;
  return { now: () => performance.timeOrigin + performance.now() - offsetMs, offsetMs };
}

/** Nearest-rank percentile of an ascending-sorted array (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

// ---------------------------------------------------------------------------------------
// Server launchers: event-loop delay on request over the IPC channel

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
/**
 * `reset`: start a new event-loop window after answering. `gc`: collect garbage first (the
 * launcher must run with --expose-gc), so `heapMb` is what is live rather than what waits.
 */
export type ToLauncher = { type: 'probe'; reset: boolean; gc?: boolean };
/**
 * The event-loop delay since the last reset, the process's CPU time so far (all threads),
 * and its memory now (resident set and V8 heap in use, MiB).
 */
export type FromLauncher = { type: 'probe'; delay: LoopDelay; cpuSec: number; rssMb: number; heapMb: number };

/**
 * The end of every launcher, once its server listens: answers probes over IPC, prints
 * `{"port":<n>,"pid":<n>}` on stdout for the benchmark, and on SIGTERM, SIGINT or the
 * parent's IPC channel closing runs `close` once, exiting when it settles (or after
 * `forceMs` if it hangs).
 */
export function launched(port: number, close: () => Promise<unknown>, forceMs = 3000): void {
  serveProbeOverIpc();
  process.stdout.write(JSON.stringify({ port, pid: process.pid }) + '\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), forceMs).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

/**
 * Called by each launcher: samples its event-loop delay (perf_hooks, every 5 ms) and answers
 * the benchmark's probes with it and with its CPU time (process.cpuUsage: every thread,
 * microseconds, finer than /proc's clock ticks).
 */
function serveProbeOverIpc(): void {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  process.on('message', (raw: unknown) => {
    const m = raw as ToLauncher;
    if (m?.type !== 'probe') return;
    const cpu = process.cpuUsage();
    const delay: LoopDelay = { p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
    if (m.reset) h.reset();
    const gc = (globalThis as { gc?: () => void }).gc;
    if (m.gc && gc) gc();
    const mem = process.memoryUsage();
    const mb = (b: number) => b / 2 ** 20;
    process.send?.({ type: 'probe', delay, cpuSec: (cpu.user + cpu.system) / 1e6, rssMb: mb(mem.rss), heapMb: mb(mem.heapUsed) } satisfies FromLauncher);
  });
}

// ---------------------------------------------------------------------------------------
// Load generators: IPC messages

/** One reviewer as the generators see it (global index across the boards of a run). */
export interface ReviewerSpec {
  index: number;
  /** Claimboard user id (on the references: a made-up name that keys its votes). */
  userId: string;
  /** Claimboard bearer token ('' on the references). */
  token: string;
}

export interface BoardSpec {
  boardId: string;
  /** The references' shared doc (room) name; on Claimboard the board doc key. */
  room: string;
  reviewers: ReviewerSpec[];
}

/** Websocket messages seen by a generator's clients (every websocket library copy in it). */
export interface Traffic {
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
}

export interface VoteInit {
  type: 'vote-init';
  target: Target;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  boards: BoardSpec[];
  /** Reviewer indices this generator drives. */
  mine: number[];
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
  /** Each send is moved by up to ±jitter × period from its slot. */
  jitter: number;
  seed: number;
  /** Deadline for connecting and the initial sync of every client. */
  connectTimeoutMs: number;
  /** Clients connecting at once in this generator. */
  connectConcurrency: number;
  /** The first this many reviewers of each board apply every vote (full); the rest are light (perf-clients.ts). */
  fullPerBoard: number;
}

export interface VoteStart {
  type: 'start';
  /** Bench-clock epoch ms at which the schedule (warm-up first) begins. */
  t0: number;
}

export interface VoteExpect {
  type: 'expect';
  /** Votes sent per reviewer index, by every generator (warm-up included). */
  sent: Record<number, number>;
  drainTimeoutMs: number;
}

export interface StormRequest {
  type: 'storm';
  target: Target;
  baseUrl: string;
  boardId: string;
  room: string;
  clients: ReviewerSpec[];
  /** claimboard-yws: per client index, the doc keys it reads (it has no join to list them). */
  docKeys?: Record<number, string[]>;
  /** Bench-clock epoch ms at which every client of every generator opens its connection. */
  t0: number;
  timeoutMs: number;
  /** Indices of the clients that apply the state they join with; the rest are light. */
  full: number[];
}

/** W3 seed: ~`bytes` of article text and claims in the board doc, written by the owner. */
export interface SeedBulkRequest {
  type: 'seed-bulk';
  target: Target;
  baseUrl: string;
  boardId: string;
  room: string;
  ownerToken: string;
  ownerId: string;
  bytes: number;
  timeoutMs: number;
}

/** W4 seed: a board of `claims` claims, `reviewers` reviewers voting on each, and notes. */
export interface SeedBoardRequest {
  type: 'seed-board';
  target: Target;
  baseUrl: string;
  room: string;
  claims: number;
  reviewers: number;
  notesPerReviewer: number;
  timeoutMs: number;
}

/** W4 measurement: one fresh client loads the whole board. */
export interface ColdRequest {
  type: 'cold';
  target: Target;
  baseUrl: string;
  boardId: string;
  room: string;
  client: ReviewerSpec;
  /** claimboard-yws: the board's doc keys (its clients have no join to list them). */
  docKeys?: string[];
  timeoutMs: number;
}

export type ToGenerator =
  | VoteInit
  | VoteStart
  | VoteExpect
  | StormRequest
  | SeedBulkRequest
  | SeedBoardRequest
  | ColdRequest
  | { type: 'reset' }
  | { type: 'close' };

export interface GeneratorReady {
  type: 'ready';
  clockOffsetMs: number;
  connectMs: number;
}

export interface GeneratorSent {
  type: 'sent';
  /** Per reviewer index this generator drives: how many votes it sent. */
  sent: Record<number, number>;
}

export interface VoteResult {
  type: 'result';
  /** Each vote this generator sent: reviewer index, sequence number, send time (bench clock), lateness (ms). */
  sends: { sender: number[]; seq: number[]; at: number[]; late: number[] };
  /** Latency (ms) of each arrival, at one of this generator's clients, of a vote sent in the measured window. */
  latencies: Float64Array;
  /** The same, at this generator's full clients only. */
  latenciesFull: Float64Array;
  /** Per measured vote seen here: key sender·1e6+seq, arrivals at this generator's clients, their largest latency. */
  votes: { key: Float64Array; count: Float64Array; max: Float64Array };
  /** Bench-clock time of the last arrival of a measured vote. */
  lastArrivalAt: number;
  drained: boolean;
  /** Refused frames, errors and disconnects reported by the client libraries. */
  errors: string[];
  disconnects: number;
  /** Event-loop delay of this generator over the schedule and drain (ms). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** CPU seconds this generator used from t0 to the end of the drain, and the wall time. */
  cpuSec: number;
  wallSec: number;
  /** Websocket traffic from the start of the measured window to the end of the drain. */
  traffic: Traffic;
}

export interface StormResult {
  type: 'storm-result';
  /** Per client: ms from t0 until synced (NaN: not within the timeout). */
  syncedMs: number[];
  /** Per client: whether it applied the state (full) or was light. */
  full: boolean[];
  /** Per light client: bytes of the state frame its tap took over (NaN for full clients). */
  stateFrameBytes: number[];
  errors: string[];
  traffic: Traffic;
  loopDelayP99Ms: number;
  cpuSec: number;
}

export interface Seeded {
  type: 'seeded';
  /** Claimboard: the board made by the seed (W4); the references: the room. */
  boardId: string;
  /** A member who did not write anything, to load the board afterwards (W4; Claimboard only). */
  viewer: ReviewerSpec | null;
  /** Size of the seeded state as one Yjs update, summed over the board's docs. */
  stateBytes: number;
  docs: number;
  claims: number;
  votes: number;
  notes: number;
  seedMs: number;
}

export interface ColdResult {
  type: 'cold-result';
  /** ms from opening the connection until every doc is synced (NaN: timed out). */
  syncedMs: number;
  docs: number;
  /** The loaded state as Yjs updates (encodeStateAsUpdate), summed over the docs. */
  stateBytes: number;
  traffic: Traffic;
  errors: string[];
}

export type FromGenerator =
  | GeneratorReady
  | GeneratorSent
  | VoteResult
  | StormResult
  | Seeded
  | ColdResult
  | { type: 'reset-done' }
  | { type: 'fatal'; message: string };

// ---------------------------------------------------------------------------------------
// Reports

/**
 * Replaces the section headed `## <title>` of tests/bench/RESULTS.md with `section` (which
 * starts with that heading), or appends it when the file has none yet.
 */
export function writeResultsSection(title: string, section: string): void {
  const file = new URL('./RESULTS.md', import.meta.url);
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const re = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`);
  fs.writeFileSync(file, re.test(old) ? old.replace(re, () => section) : `${old.trimEnd()}\n\n${section}`);
}
