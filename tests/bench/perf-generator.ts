/**
 * Load generator of the performance benchmark (forked by perf.bench.ts with an IPC
 * channel, and kept for the whole run; `reset` closes every client between cells). Drives
 * real clients (perf-clients.ts) of the server under test:
 *
 * - vote (W1, W2): a share of the reviewers of one or more boards; each votes on an
 *   open-loop schedule and records when the other reviewers' votes arrive;
 * - storm (W3): many clients open at the same instant and load a large board;
 * - seed-bulk / seed-board (W3, W4): fill a board through the clients;
 * - cold (W4): one fresh client loads a whole board.
 *
 * Every websocket message in and out of this process is counted (perf-clients.ts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { boardDocKey, parseDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { bulkStep, fillClaimboard, initSharedBoard, writeSharedReviewer } from './board-fixture.js';
import { openDoc, pool } from './claimboard-api.js';
import { countWebSocketTraffic, openClient, trafficSince, type BenchClient, type ClientTarget, type Tap } from './perf-clients.js';
import { seededRandom as rng } from '../helpers/updates.js';
import {
  createClock,
  isClaimboard,
  type ColdRequest,
  type FromGenerator,
  type SeedBoardRequest,
  type SeedBulkRequest,
  type StormRequest,
  type Traffic,
  type ToGenerator,
  type VoteInit,
  type VoteResult,
} from './perf-common.js';

if (!process.send) {
  console.error('perf-generator.ts is started by perf.bench.ts (needs an IPC channel)');
  process.exit(2);
}

let clock = createClock();
const traffic = countWebSocketTraffic();
const send = (m: FromGenerator) => process.send!(m);
/** Sends `m` unless a reset happened since `since` (the caller's generation). */
const sendIfCurrent = (since: number, m: FromGenerator) => {
  if (since === generation) send(m);
};
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A WebsocketProvider registers a process 'exit' listener each; there are hundreds.
process.setMaxListeners(0);

/** Every client open in this process (closed by `reset`). */
let open: BenchClient[] = [];
/** Bumped by `reset`: work begun before it must not report (or open clients) after it. */
let generation = 0;
let errors: string[] = [];
let disconnects = 0;
/** Set once the measured part of a workload started (errors before it are connection set-up). */
let started = false;

function noteError(s: string): void {
  if (!started) s = `[while connecting] ${s}`;
  s = s.replace(/token=[^&\s]+/g, 'token=[redacted]');
  if (errors.length < 50) errors.push(s);
  else if (errors.length === 50) errors.push('… (more errors not recorded)');
}

// y-websocket reports "permission denied" (a refused frame) through console.warn.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const s = args.map(String).join(' ');
  if (/permission denied/i.test(s)) noteError(`y-websocket: ${s.replace(/\s+/g, ' ').slice(0, 300)}`);
  else warn(...args);
};
process.on('uncaughtException', (err) => noteError(`uncaught: ${String(err?.stack ?? err).slice(0, 400)}`));

const clientEvents = (label: string, extra: { onDoc?: (key: string, doc: Y.Doc) => void; onStatus?: () => void } = {}) => ({
  ...extra,
  onError: (m: string) => noteError(`${label}: ${m}`),
  onDisconnect: () => {
    if (started) disconnects++;
  },
});

/** Waits until `ok()` or the deadline (epoch ms, Date.now()); false when the deadline passed. */
async function waitFor(ok: () => boolean, deadline: number, stepMs = 5): Promise<boolean> {
  while (!ok()) {
    if (Date.now() > deadline) return false;
    await delay(stepMs);
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// W1, W2: votes on an open-loop schedule

const CONFIDENCE = ['low', 'medium', 'high'] as const;
/** Each reviewer cycles over this many claims, so two votes in flight never share a key. */
const CLAIMS = 20;

interface Voter {
  index: number;
  userId: string;
  client: BenchClient;
  /** Applies every peer's vote with its stock client; a light voter's tap reads arrivals off the wire. */
  full: boolean;
  /** Sets this reviewer's vote (number `seq`) where its layout keeps it. */
  write(seq: number, value: object): void;
  /** Votes of other reviewers that arrived here, warm-up included. */
  arrived: number;
  /** Reviewer indices whose votes this client receives. */
  peers: number[];
  /** Claimboard: peers' reviewer docs this client has attached. */
  peerDocs: number;
}

interface VoteState {
  init: VoteInit;
  voters: Voter[];
  /** Window start (bench clock); arrivals of votes sent before it are counted, not measured. */
  tm: number;
  latencies: number[];
  /** The same, at the full voters only. */
  latenciesFull: number[];
  agg: Map<number, { count: number; max: number }>;
  lastArrivalAt: number;
  expected: Record<number, number> | null;
  onArrival: (() => void) | null;
  windowTraffic: Traffic | null;
}
let vote: VoteState | null = null;

/**
 * A vote's rationale tags it, in text a light voter can find in any frame whatever the
 * protocol (Yjs keeps strings as UTF-8 bytes): `bench#<seq>:<sender>:<send time>;`.
 */
const benchTag = (seq: number, sender: number, at: number) => `bench#${seq}:${sender}:${at.toFixed(3)};`;
const BENCH_RATIONALE = /^bench#(\d+):\d+:[\d.]+;$/;
const TAG = Buffer.from('bench#');
const TAG_END = ';'.charCodeAt(0);
const COLON = ':'.charCodeAt(0);
const DOT = '.'.charCodeAt(0);
const ZERO = '0'.charCodeAt(0);

function recordArrival(v: VoteState, voter: Voter, sender: number, value: unknown, now: number): void {
  const o = value as { at?: unknown; rationale?: unknown } | undefined;
  if (!o || typeof o.at !== 'number' || typeof o.rationale !== 'string') return;
  const m = BENCH_RATIONALE.exec(o.rationale);
  if (m) recordVote(v, voter, sender, Number(m[1]), o.at, now);
}

/**
 * A light voter's tap: every tagged vote in a frame is an arrival (once per sender and
 * sequence number: each sender's votes reach a connection in order); the frame itself is
 * dropped, so the client library never applies peers' votes. Untagged frames go on.
 */
function lightTap(v: VoteState, voter: Voter, senders: number): Tap {
  const lastSeq = new Int32Array(senders).fill(-1);
  return (frame) => {
    let i = frame.indexOf(TAG);
    if (i < 0) return 'pass';
    const now = clock.now();
    while (i >= 0) {
      // `<seq>:<sender>:<send time>;`, read in place: at N=400 a generator reads some 80,000
      // of these a second, and strings per tag were a good part of its time and garbage.
      const n = frame.length;
      let j = i + TAG.length;
      let seq = 0;
      for (; j < n && frame[j] !== COLON; j++) seq = seq * 10 + frame[j]! - ZERO;
      let sender = 0;
      for (j++; j < n && frame[j] !== COLON; j++) sender = sender * 10 + frame[j]! - ZERO;
      let at = 0;
      let scale = 0;
      for (j++; j < n && frame[j] !== TAG_END; j++) {
        if (frame[j] === DOT) scale = 1;
        else {
          at = at * 10 + frame[j]! - ZERO;
          scale *= 10;
        }
      }
      if (j >= n) break;
      if (scale) at /= scale;
      if (sender !== voter.index && sender < senders && seq > lastSeq[sender]!) {
        lastSeq[sender] = seq;
        recordVote(v, voter, sender, seq, at, now);
      }
      i = frame.indexOf(TAG, j);
    }
    v.onArrival?.();
    return 'drop';
  };
}

function recordVote(v: VoteState, voter: Voter, sender: number, seq: number, at: number, now: number): void {
  voter.arrived++;
  if (at >= v.tm) {
    const latency = now - at;
    v.latencies.push(latency);
    if (voter.full) v.latenciesFull.push(latency);
    const key = sender * 1e6 + seq;
    const a = v.agg.get(key);
    if (a) {
      a.count++;
      if (latency > a.max) a.max = latency;
    } else v.agg.set(key, { count: 1, max: latency });
    if (now > v.lastArrivalAt) v.lastArrivalAt = now;
  }
}

function makeVoter(v: VoteState, me: number): Voter {
  const init = v.init;
  const board = init.boards.find((b) => b.reviewers.some((r) => r.index === me))!;
  const self = board.reviewers.find((r) => r.index === me)!;
  const byUser = new Map(board.reviewers.map((r) => [r.userId, r.index]));
  let ownDoc: Y.Doc | null = null;
  const voter: Voter = {
    index: me,
    userId: self.userId,
    client: null as unknown as BenchClient,
    full: board.reviewers.indexOf(self) < init.fullPerBoard,
    arrived: 0,
    peers: board.reviewers.filter((r) => r.index !== me).map((r) => r.index),
    peerDocs: 0,
    write: () => undefined,
  };
  const claimboard = isClaimboard(init.target);
  const onDoc = (key: string, doc: Y.Doc) => {
    const votes = doc.getMap<unknown>('votes');
    if (claimboard) {
      // One doc per reviewer: the doc says who the sender is.
      const parsed = parseDocKey(key);
      if (parsed?.kind !== 'reviewer') return;
      if (parsed.userId === self.userId) {
        ownDoc = doc;
        return;
      }
      const sender = byUser.get(parsed.userId);
      if (sender === undefined) return;
      voter.peerDocs++;
      votes.observe((ev) => {
        const now = clock.now();
        for (const k of ev.keysChanged) recordArrival(v, voter, sender, votes.get(k), now);
        v.onArrival?.();
      });
    } else {
      // One shared doc: the key says who the sender is ("<userId>/<claim>").
      ownDoc = doc;
      votes.observe((ev) => {
        const now = clock.now();
        for (const k of ev.keysChanged) {
          const sender = byUser.get(k.slice(0, k.indexOf('/')));
          if (sender === undefined || sender === me) continue;
          recordArrival(v, voter, sender, votes.get(k), now);
        }
        v.onArrival?.();
      });
    }
  };
  voter.write = (seq, value) => {
    if (!ownDoc) throw new Error(`reviewer ${me} has no doc to vote in`);
    const key = `claim-${seq % CLAIMS}`;
    ownDoc.getMap('votes').set(claimboard ? key : `${self.userId}/${key}`, value);
  };
  const target: ClientTarget = {
    target: init.target,
    baseUrl: init.baseUrl,
    boardId: board.boardId,
    room: board.room,
    docKeys: init.target === 'claimboard-yws' ? board.reviewers.map((r) => reviewerDocKey(board.boardId, r.userId)) : undefined,
  };
  voter.client = openClient(target, self.token, clientEvents(`reviewer ${me}`, { onDoc }));
  open.push(voter.client);
  return voter;
}

async function voteInit(init: VoteInit): Promise<number> {
  clock = createClock();
  const v: VoteState = {
    init,
    voters: [],
    tm: Infinity,
    latencies: [],
    latenciesFull: [],
    agg: new Map(),
    lastArrivalAt: 0,
    expected: null,
    onArrival: null,
    windowTraffic: null,
  };
  vote = v;
  const t = clock.now();
  const deadline = Date.now() + init.connectTimeoutMs;
  // A few clients at a time, each through its initial sync: a storm of simultaneous
  // upgrades and N² step-1 exchanges at once is W3's business, not this one's.
  await pool(init.mine, init.connectConcurrency, async (me) => {
    if (Date.now() > deadline || vote !== v) return;
    const voter = makeVoter(v, me);
    v.voters.push(voter);
    await waitFor(() => voter.client.synced(), deadline);
  });
  if (!(await waitFor(() => v.voters.length === init.mine.length && v.voters.every((c) => c.client.synced()), deadline, 20))) {
    const n = v.voters.filter((c) => c.client.synced()).length;
    throw new Error(`${n} of ${init.mine.length} clients synced after ${Math.round(init.connectTimeoutMs / 1000)} s; errors: ${errors.slice(0, 5).join(' | ')}`);
  }
  await voteOpen();
  return clock.now() - t;
}

/**
 * Every reviewer's opening vote, before the measured run: W1 and W2 measure reviewers who
 * change their votes on a board under review. (On Claimboard a reviewer doc is listed, and
 * attached by the peers, from its first content on [D3]; the opening votes carry no tag, so
 * they count as no arrival.) Resolves once every Claimboard client holds all its peers' docs.
 */
async function voteOpen(): Promise<void> {
  const v = vote!;
  for (const c of v.voters) c.write(0, { rating: 3, confidence: 'medium', at: 0 });
  const deadline = Date.now() + v.init.connectTimeoutMs;
  if (!isClaimboard(v.init.target)) return;
  if (!(await waitFor(() => v.voters.every((c) => c.peerDocs >= c.peers.length && c.client.synced()), deadline, 20))) {
    const short = v.voters.filter((c) => c.peerDocs < c.peers.length).length;
    throw new Error(`${short} of ${v.voters.length} clients lack peers' docs after the opening votes; errors: ${errors.slice(0, 5).join(' | ')}`);
  }
}

function voteRun(t0: number): void {
  const v = vote!;
  const init = v.init;
  started = true;
  const period = 1000 / init.ratePerSec;
  v.tm = t0 + init.warmupMs;
  const end = v.tm + init.durationMs;
  const random = rng(init.seed);
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = clock.now();
  setTimeout(() => (v.windowTraffic = { ...traffic }), Math.max(0, v.tm - clock.now()));
  const senders = 1 + Math.max(...init.boards.flatMap((b) => b.reviewers.map((r) => r.index)));
  for (const c of v.voters) if (!c.full) c.client.tap(lightTap(v, c, senders));
  const sends: VoteResult['sends'] = { sender: [], seq: [], at: [], late: [] };
  const sentBy: Record<number, number> = {};
  let running = v.voters.length;

  const finish = async () => {
    send({ type: 'sent', sent: sentBy });
    while (!v.expected) {
      if (vote !== v) return; // reset: the cell was abandoned
      await delay(10);
    }
    const exp = v.expected;
    const want = v.voters.map((c) => c.peers.reduce((s, p) => s + (exp[p] ?? 0), 0));
    const complete = () => v.voters.every((c, i) => c.arrived >= want[i]!);
    const deadline = Date.now() + drainTimeoutMs;
    let drained = complete();
    while (!drained && Date.now() < deadline && vote === v) {
      await Promise.race([delay(50), new Promise<void>((r) => (v.onArrival = r))]);
      v.onArrival = null;
      drained = complete();
    }
    loop.disable();
    if (vote !== v) return;
    const cpu = process.cpuUsage(cpu0);
    const keys = [...v.agg.keys()];
    send({
      type: 'result',
      sends,
      latencies: Float64Array.from(v.latencies),
      latenciesFull: Float64Array.from(v.latenciesFull),
      votes: {
        key: Float64Array.from(keys),
        count: Float64Array.from(keys, (k) => v.agg.get(k)!.count),
        max: Float64Array.from(keys, (k) => v.agg.get(k)!.max),
      },
      lastArrivalAt: v.lastArrivalAt,
      drained,
      errors,
      disconnects,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      wallSec: (clock.now() - wall0) / 1000,
      traffic: trafficSince(v.windowTraffic ?? traffic),
    });
  };

  for (const c of v.voters) {
    const me = c.index;
    const phase = random() * period;
    let seq = 0;
    sentBy[me] = 0;
    const next = () => {
      const slot = t0 + phase + seq * period + (random() * 2 - 1) * init.jitter * period;
      if (vote !== v) return;
      if (slot >= end) {
        if (--running === 0) void finish();
        return;
      }
      setTimeout(() => {
        const at = clock.now();
        try {
          c.write(seq, { rating: 1 + (seq % 5), confidence: CONFIDENCE[seq % 3], rationale: benchTag(seq, me, at), at });
        } catch (err) {
          noteError(String((err as Error).message ?? err));
        }
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

// ---------------------------------------------------------------------------------------
// W3: join storm; W4: cold load; and the seeds they need

/** Frames this large carry a join's whole state (the size at which Claimboard sends bytes as an attachment frame). */
const STATE_FRAME_MIN_BYTES = 64 * 1024;
const EMPTY_UPDATE = Uint8Array.of(0, 0);
/** y-protocols sync step 2 (message type 0 = sync, 1 = step 2) carrying the empty update. */
const EMPTY_STEP2 = Uint8Array.of(0, 1, EMPTY_UPDATE.length, ...EMPTY_UPDATE);

/**
 * The same answer to a join, with an empty update in place of the state: what a light
 * storm client's library gets instead of `frame` (null when `frame` is no such answer).
 */
function emptiedState(target: StormRequest['target'], frame: Buffer): Uint8Array | null {
  switch (target) {
    case 'claimboard':
      // The update is an attachment frame of its own: the frame is the bytes.
      return EMPTY_UPDATE;
    case 'reference':
    case 'claimboard-yws':
      return frame[0] === 0 && frame[1] === 1 ? EMPTY_STEP2 : null;
    case 'hocuspocus': {
      // Hocuspocus prefixes each y-protocols message with the document name (a varString).
      let len = 0;
      let p = 0;
      for (let shift = 0; p < frame.length; shift += 7) {
        const b = frame[p++]!;
        len += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
      }
      p += len;
      return frame[p] === 0 && frame[p + 1] === 1 ? Buffer.concat([frame.subarray(0, p), EMPTY_STEP2]) : null;
    }
  }
}

async function storm(m: StormRequest): Promise<void> {
  const since = generation;
  clock = createClock();
  const target: ClientTarget = { target: m.target, baseUrl: m.baseUrl, boardId: m.boardId, room: m.room };
  const syncedMs = new Array<number>(m.clients.length).fill(NaN);
  const full = m.clients.map((c) => m.full.includes(c.index));
  const stateFrameBytes = new Array<number>(m.clients.length).fill(NaN);
  const clients: BenchClient[] = [];
  await delay(Math.max(0, m.t0 - clock.now()));
  started = true;
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const tr0 = { ...traffic };
  const check = (i: number) => {
    if (Number.isNaN(syncedMs[i]!) && clients[i]?.synced()) syncedMs[i] = clock.now() - m.t0;
  };
  m.clients.forEach((spec, i) => {
    const c = openClient({ ...target, docKeys: m.docKeys?.[spec.index] }, spec.token, clientEvents(`storm client ${spec.index}`, { onStatus: () => check(i) }));
    if (!full[i]) {
      c.tap((frame) => {
        if (frame.length < STATE_FRAME_MIN_BYTES) return 'pass';
        const emptied = emptiedState(m.target, frame);
        if (!emptied) return 'pass';
        stateFrameBytes[i] = (Number.isNaN(stateFrameBytes[i]!) ? 0 : stateFrameBytes[i]!) + frame.length;
        return emptied;
      });
    }
    clients.push(c);
    open.push(c);
  });
  const deadline = Date.now() + m.timeoutMs;
  await waitFor(
    () => {
      clients.forEach((_, i) => check(i));
      return syncedMs.every((x) => !Number.isNaN(x));
    },
    deadline,
    10,
  );
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  sendIfCurrent(since, { type: 'storm-result', syncedMs, full, stateFrameBytes, errors, traffic: trafficSince(tr0), loopDelayP99Ms: loop.percentile(99) / 1e6, cpuSec: (cpu.user + cpu.system) / 1e6 });
}

/** A client of a reference server on the shared doc, synced; it stays open (a holder). */
async function openShared(target: ClientTarget, label: string, deadline: number): Promise<{ client: BenchClient; doc: Y.Doc }> {
  const client = openClient(target, '', clientEvents(label));
  open.push(client);
  if (!(await waitFor(() => client.synced(), deadline))) throw new Error(`${label}: not synced; errors: ${errors.slice(0, 3).join(' | ')}`);
  return { client, doc: client.docs.get(target.room)! };
}

/** Until a fresh client of the reference shows `doc`'s exact state (the server has all of it). */
async function confirmStored(target: ClientTarget, doc: Y.Doc, deadline: number): Promise<void> {
  const want = Buffer.from(Y.encodeStateVector(doc));
  const check = await openShared(target, 'seed check', deadline);
  const ok = await waitFor(() => want.equals(Buffer.from(Y.encodeStateVector(check.doc))), deadline, 20);
  check.client.close();
  open = open.filter((c) => c !== check.client);
  if (!ok) throw new Error('the server did not have the whole seed before the deadline');
}

async function seedBulk(m: SeedBulkRequest): Promise<void> {
  const since = generation;
  const t = Date.now();
  const deadline = t + m.timeoutMs;
  const target: ClientTarget = { target: m.target, baseUrl: m.baseUrl, boardId: m.boardId, room: m.room };
  let size = 0;
  if (isClaimboard(m.target)) {
    const owner = await openDoc(m.baseUrl, m.ownerToken, m.boardId, boardDocKey(m.boardId));
    try {
      for (let step = 0; size < m.bytes; step++) {
        bulkStep(owner.doc, step, m.ownerId);
        await owner.saved(Math.max(1000, deadline - Date.now()));
        size = Y.encodeStateAsUpdate(owner.doc).length;
      }
    } finally {
      owner.close();
    }
  } else {
    // The writer stays connected: these servers drop a document with its last connection.
    const { doc } = await openShared(target, 'seed writer', deadline);
    for (let step = 0; size < m.bytes; step++) {
      bulkStep(doc, step, m.ownerId);
      size = Y.encodeStateAsUpdate(doc).length;
      await delay(20);
    }
    await confirmStored(target, doc, deadline);
  }
  sendIfCurrent(since, { type: 'seeded', boardId: m.boardId, viewer: null, stateBytes: size, docs: 1, claims: 0, votes: 0, notes: 0, seedMs: Date.now() - t });
}

async function seedBoard(m: SeedBoardRequest): Promise<void> {
  const since = generation;
  const t = Date.now();
  const spec = { title: 'Cold load bench', claims: m.claims, reviewers: m.reviewers, notesPerReviewer: m.notesPerReviewer };
  if (isClaimboard(m.target)) {
    const fx = await fillClaimboard(m.baseUrl, spec);
    sendIfCurrent(since, {
      type: 'seeded',
      boardId: fx.boardId,
      viewer: { index: 0, userId: fx.viewer.id, token: fx.viewer.token },
      stateBytes: NaN,
      docs: 2 + fx.reviewers.length,
      claims: fx.claims,
      votes: fx.votes,
      notes: fx.notes,
      seedMs: Date.now() - t,
    });
    return;
  }
  const deadline = t + m.timeoutMs;
  const target: ClientTarget = { target: m.target, baseUrl: m.baseUrl, boardId: m.room, room: m.room };
  // The owner's client writes the board part and stays connected (memory-only servers drop
  // a document with its last connection); five writer clients add the reviewers' votes and
  // notes, one transaction per reviewer, as separate clients would.
  const holder = await openShared(target, 'seed owner', deadline);
  const claimIds = initSharedBoard(holder.doc, spec, 'owner');
  let votes = 0;
  let notes = 0;
  const writers = await Promise.all(Array.from({ length: Math.min(5, m.reviewers) }, (_, w) => openShared(target, `seed writer ${w}`, deadline)));
  writers.forEach((w, wi) => {
    for (let ri = wi; ri < m.reviewers; ri += writers.length) {
      const n = writeSharedReviewer(w.doc, `r${ri}`, ri, claimIds, m.notesPerReviewer);
      votes += n.votes;
      notes += n.notes;
    }
  });
  const hv = holder.doc.getMap('votes');
  const hn = holder.doc.getMap('notes');
  if (!(await waitFor(() => hv.size === votes && hn.size === notes, deadline, 20))) {
    throw new Error(`the seed owner saw ${hv.size} of ${votes} votes and ${hn.size} of ${notes} notes before the deadline`);
  }
  await confirmStored(target, holder.doc, deadline);
  for (const w of writers) w.client.close();
  open = open.filter((c) => !writers.some((w) => w.client === c));
  sendIfCurrent(since, {
    type: 'seeded',
    boardId: m.room,
    viewer: null,
    stateBytes: Y.encodeStateAsUpdate(holder.doc).length,
    docs: 1,
    claims: claimIds.length,
    votes,
    notes,
    seedMs: Date.now() - t,
  });
}

/** The last cold-load client: closed when the next load starts (or on reset). */
let coldClient: BenchClient | null = null;

async function cold(m: ColdRequest): Promise<void> {
  const since = generation;
  clock = createClock();
  started = true;
  errors = [];
  if (coldClient) {
    coldClient.close();
    open = open.filter((c) => c !== coldClient);
    coldClient = null;
    await delay(200);
  }
  const target: ClientTarget = { target: m.target, baseUrl: m.baseUrl, boardId: m.boardId, room: m.room, docKeys: m.docKeys };
  const tr0 = { ...traffic };
  const t = clock.now();
  const client = openClient(target, m.client.token, clientEvents('cold client'));
  coldClient = client;
  open.push(client);
  const ok = await waitFor(() => client.synced(), Date.now() + m.timeoutMs, 1);
  const syncedMs = ok ? clock.now() - t : NaN;
  const tr = trafficSince(tr0);
  let stateBytes = 0;
  for (const d of client.docs.values()) stateBytes += Y.encodeStateAsUpdate(d).length;
  sendIfCurrent(since, { type: 'cold-result', syncedMs, docs: client.docs.size, stateBytes, traffic: tr, errors });
}

// ---------------------------------------------------------------------------------------

function reset(): void {
  generation++;
  started = false;
  for (const c of open) {
    try {
      c.close();
    } catch {
      /* closing anyway */
    }
  }
  open = [];
  coldClient = null;
  vote = null;
  errors = [];
  disconnects = 0;
  setTimeout(() => send({ type: 'reset-done' }), 300);
}

/** Reports a failure of work begun in generation `since` (unless a reset made it moot). */
const fatal = (since: number) => (err: unknown) => sendIfCurrent(since, { type: 'fatal', message: String((err as Error)?.message ?? err) });

process.on('message', (raw: unknown) => {
  const m = raw as ToGenerator;
  switch (m.type) {
    case 'vote-init': {
      const since = generation;
      voteInit(m).then((connectMs) => sendIfCurrent(since, { type: 'ready', clockOffsetMs: clock.offsetMs, connectMs }), fatal(since));
      return;
    }
    case 'start':
      voteRun(m.t0);
      return;
    case 'expect':
      drainTimeoutMs = m.drainTimeoutMs;
      if (vote) vote.expected = m.sent;
      return;
    case 'storm':
      storm(m).catch(fatal(generation));
      return;
    case 'seed-bulk':
      seedBulk(m).catch(fatal(generation));
      return;
    case 'seed-board':
      seedBoard(m).catch(fatal(generation));
      return;
    case 'cold':
      cold(m).catch(fatal(generation));
      return;
    case 'reset':
      reset();
      return;
    case 'close':
      reset();
      setTimeout(() => process.exit(0), 400);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
