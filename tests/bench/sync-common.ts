/**
 * Shared by the sync-latency benchmark's orchestrator (sync-latency.bench.ts) and its
 * load generators (sync-generator.ts): the clock, the IPC message shapes, a seeded RNG
 * and percentiles. No server code is imported here.
 */
import { performance } from 'node:perf_hooks';

/** Which server (and, for Claimboard, which transport) a run drives. */
export type Target = 'claimboard' | 'claimboard-yws' | 'reference';

export const TARGET_LABEL: Record<Target, string> = {
  claimboard: 'Claimboard (Socket.IO)',
  'claimboard-yws': 'Claimboard (y-websocket)',
  reference: 'reference @y/websocket-server',
};

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

/** A small seeded PRNG (the tests' one). */
export { seededRandom as rng } from '../helpers/updates.js';

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

/** One reviewer as the generators see it. */
export interface ReviewerSpec {
  index: number;
  /** Claimboard user id (the reference has none). */
  userId: string;
  token: string;
  /** The reviewer's own doc: a Claimboard reviewer doc key, or a room name on the reference. */
  docKey: string;
}

export interface GeneratorInit {
  type: 'init';
  target: Target;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  boardId: string;
  reviewers: ReviewerSpec[];
  /** Indices (into reviewers) this generator drives. */
  mine: number[];
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
  /** Each send is moved by up to ±jitter × period from its slot. */
  jitter: number;
  seed: number;
  /** Deadline for connecting and the initial sync of every doc. */
  connectTimeoutMs: number;
}

export interface GeneratorStart {
  type: 'start';
  /** Bench-clock epoch ms at which the schedule (warm-up first) begins. */
  t0: number;
}

export interface GeneratorExpect {
  type: 'expect';
  /** Votes sent per reviewer index, by every generator. */
  sent: Record<number, number>;
  drainTimeoutMs: number;
}

export type ToGenerator = GeneratorInit | GeneratorStart | GeneratorExpect | { type: 'close' };

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

export interface GeneratorResult {
  type: 'result';
  /** Each vote this generator sent: reviewer index, sequence number, send time (bench clock). */
  sends: { sender: number[]; seq: number[]; at: number[]; late: number[] };
  /** Each arrival at one of this generator's clients. */
  arrivals: { receiver: number[]; sender: number[]; seq: number[]; latency: number[]; arrivedAt: number[] };
  drained: boolean;
  /** Refused frames / errors reported by the client libraries. */
  errors: string[];
  disconnects: number;
  /** Event-loop delay over the schedule (ms). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** CPU seconds this generator used from t0 to the end of the drain. */
  cpuSec: number;
  wallSec: number;
}

export type FromGenerator = GeneratorReady | GeneratorSent | GeneratorResult | { type: 'fatal'; message: string };
