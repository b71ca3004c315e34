/**
 * Sync latency benchmark: Claimboard against the reference y-websocket server.
 *
 *   node --import tsx tests/bench/sync-latency.bench.ts [--quick] [options]
 *
 * One board, N reviewers. Every reviewer holds its own reviewer doc and every other
 * reviewer's doc (N² subscriptions) and sets a vote ({rating, confidence, rationale, at})
 * on its own doc at R votes/s on an open-loop schedule with jitter, for a warm-up and then
 * D measured seconds. The send time (performance.timeOrigin + performance.now(), corrected
 * per process to the machine's realtime clock) travels inside the vote; every other
 * reviewer's doc observer records the arrival.
 *
 * Processes: the server under test runs alone in a child process (tests/bench/
 * sync-launch-*.ts), so its CPU (/proc/<pid>/stat) and peak RSS (/proc/<pid>/status VmHWM)
 * are its own; the clients run in `--generators` other child processes
 * (tests/bench/sync-generator.ts). All traffic goes to 127.0.0.1.
 *
 * Targets (--servers, comma-separated, default all three):
 *   claimboard      Claimboard over Socket.IO with BoardConnection (the real client)
 *   claimboard-yws  Claimboard's y-websocket endpoint with stock WebsocketProviders
 *   reference       @y/websocket-server 0.1.1 with stock WebsocketProviders (memory only)
 *
 * Options: --quick, --n=10,25,50, --rate=1, --duration=15, --warmup=2, --repeat=3,
 * --generators=2, --jitter=0.25, --seed=1, --no-write (leave RESULTS.md alone),
 * --max-background=0.5 --quiet-wait=30 --retries=0 (before each run, wait up to 30 s for the
 * machine's other processes to use at most 0.5 cores; with --retries=k, a run during which they
 * used more is run again, at most k times; the last attempt counts),
 * --server-log=<level> (Claimboard's LOG_LEVEL instead of silent; its log goes to a file in
 * the temp dir, named in the output), --json=<file> (every run's raw metrics and errors),
 * --cpu-prof=<dir> (run the server and the generators under `node --cpu-prof`; profiles go to
 * <dir>/<target>-n<N>-run<k>/{server,generators}/).
 * Writes the "Sync latency" section of tests/bench/RESULTS.md (only that section).
 */
import { fork, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import {
  createClock,
  median,
  percentile,
  TARGET_LABEL,
  type FromGenerator,
  type GeneratorResult,
  type ReviewerSpec,
  type Target,
  type ToGenerator,
} from './sync-common.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
/** SYNC_BENCH_RESULTS points the report elsewhere (e.g. to try the benchmark out). */
const RESULTS_FILE = path.resolve(process.env.SYNC_BENCH_RESULTS ?? path.join(HERE, 'RESULTS.md'));
const SECTION = 'Sync latency';
const ALL_TARGETS: Target[] = ['claimboard', 'claimboard-yws', 'reference'];

interface Options {
  quick: boolean;
  ns: number[];
  rate: number;
  durationSec: number;
  warmupSec: number;
  repeat: number;
  generators: number;
  jitter: number;
  seed: number;
  targets: Target[];
  write: boolean;
  /** A run during which other processes used more cores than this is run again… */
  maxBackground: number;
  /** …at most this many times. */
  retries: number;
  /** Seconds to wait, before each run, for other processes to calm down. */
  quietWaitSec: number;
  cpuProfDir: string | null;
  serverLog: string | null;
  json: string | null;
  argv: string[];
}

function parseArgs(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  const known = ['quick', 'n', 'rate', 'duration', 'warmup', 'repeat', 'generators', 'jitter', 'seed', 'servers', 'no-write', 'cpu-prof', 'max-background', 'retries', 'quiet-wait', 'server-log', 'json'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k} (known: ${known.join(', ')})`);
  const quick = flags.has('quick');
  const num = (k: string, def: number, min: number, max: number) => {
    const v = flags.has(k) ? Number(flags.get(k)) : def;
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${k} must be a number in [${min}, ${max}]`);
    return v;
  };
  const ns = (flags.get('n') ?? (quick ? '10,25' : '10,25,50')).split(',').map(Number);
  if (ns.some((n) => !Number.isInteger(n) || n < 2 || n > 80)) throw new Error('--n: integers in [2, 80]');
  const targets = (flags.get('servers') ?? ALL_TARGETS.join(',')).split(',') as Target[];
  for (const t of targets) if (!ALL_TARGETS.includes(t)) throw new Error(`--servers: unknown ${t} (known: ${ALL_TARGETS.join(', ')})`);
  return {
    quick,
    ns,
    rate: num('rate', 1, 0.1, 20),
    durationSec: num('duration', quick ? 6 : 15, 1, 120),
    warmupSec: num('warmup', quick ? 1 : 2, 0, 30),
    repeat: Math.round(num('repeat', quick ? 1 : 3, 1, 10)),
    generators: Math.round(num('generators', 2, 1, 4)),
    jitter: num('jitter', 0.25, 0, 0.5),
    seed: Math.round(num('seed', 1, 0, 2 ** 31)),
    targets,
    write: !flags.has('no-write'),
    maxBackground: num('max-background', 0.5, 0, 64),
    retries: Math.round(num('retries', 0, 0, 10)),
    quietWaitSec: num('quiet-wait', 30, 0, 600),
    cpuProfDir: flags.has('cpu-prof') ? path.resolve(flags.get('cpu-prof')!) : null,
    serverLog: flags.get('server-log') ?? null,
    json: flags.has('json') ? path.resolve(flags.get('json')!) : null,
    argv,
  };
}

// ---------------------------------------------------------------------------------------
// Processes

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads), in seconds. */
function procCpuSec(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

/** Busy CPU seconds of the whole machine (every core), from /proc/stat. */
function machineBusySec(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …
  // irq/softirq are left out: loopback networking of our own processes may be counted there.
  const busy = f[0]! + f[1]! + f[2]! + f[7]!;
  return busy / CLK_TCK;
}

/** Waits until the machine's busy CPU (nothing of ours runs now) is at most `max` cores. */
async function waitForQuiet(max: number, maxWaitSec: number): Promise<{ waitedSec: number; cores: number }> {
  const start = Date.now();
  for (;;) {
    const a = machineBusySec();
    await sleep(1000);
    const cores = machineBusySec() - a;
    const waitedSec = (Date.now() - start) / 1000;
    if (cores <= max || waitedSec >= maxWaitSec) return { waitedSec, cores };
  }
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Children and temp dirs of the run in progress, for cleanup on Ctrl-C. */
const live = { children: new Set<ChildProcess>(), dirs: new Set<string>() };

function onInterrupt(): void {
  for (const c of live.children) c.kill('SIGTERM');
  for (const d of live.dirs) fs.rmSync(d, { recursive: true, force: true });
  process.exit(130);
}

const PER_IP_LIMITS = {
  CONNECTIONS_PER_IP_PER_SEC: '100000',
  CONNECTIONS_PER_IP_BURST: '100000',
  REST_PER_IP_PER_SEC: '100000',
  REST_PER_IP_BURST: '100000',
};

/** Which server code was measured (read-only git queries). */
function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'client/src/lib/sync'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `commit ${head} plus uncommitted changes to server/, shared/ or the sync client` : `commit ${head}`;
  } catch {
    return 'unknown (no git)';
  }
}

/**
 * A hash of the code a Claimboard server process loads (server/, shared/, the sync client),
 * taken at each launch: others may edit the working tree while the benchmark runs.
 */
function codeHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs|js|json)$/.test(e.name)) h.update(path.relative(ROOT, p)).update('\0').update(fs.readFileSync(p));
    }
  };
  for (const d of ['server', 'shared', 'client/src/lib/sync']) walk(path.join(ROOT, d));
  return h.digest('hex').slice(0, 10);
}

interface ServerProc {
  child: ChildProcess;
  pid: number;
  port: number;
  dataDir: string | null;
}

async function startServer(target: Target, cpuProfDir: string | null, logLevel: string | null, runId: string): Promise<ServerProc> {
  const claimboard = target !== 'reference';
  const dataDir = claimboard ? fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-bench-')) : null;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.YPERSISTENCE;
  delete env.CALLBACK_URL;
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  Object.assign(env, { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  // Every client of the benchmark comes from 127.0.0.1: lift the per-IP limits on websocket
  // connections and REST requests (N² y-websocket connections would take minutes at the
  // defaults). Per-connection frame limits stay as configured.
  if (claimboard) Object.assign(env, PER_IP_LIMITS);
  let logFile: fs.WriteStream | null = null;
  if (claimboard && logLevel) {
    env.LOG_LEVEL = logLevel;
    const file = path.join(os.tmpdir(), `sync-bench-${runId}.log`);
    logFile = fs.createWriteStream(file);
    console.log(`\n    server log: ${file}`);
  }
  if (dataDir) env.DATA_DIR = dataDir;
  const launcher = path.join(HERE, claimboard ? 'sync-launch-claimboard.ts' : 'sync-launch-reference.ts');
  // Node writes one profile per thread (main, validator worker, tsx loader).
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfDir, 'server')}`] : [];
  if (dataDir) live.dirs.add(dataDir);
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', launcher], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  live.children.add(child);
  child.once('exit', () => live.children.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${target} server did not print its port within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${target} server exited early (code ${code})`)));
    let found = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (found) {
        logFile?.write(d);
        return;
      }
      buf += d.toString('utf8');
      let nl: number;
      while (!found && (nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: { port?: unknown; pid?: unknown } | null = null;
        try {
          msg = JSON.parse(line) as { port?: unknown; pid?: unknown };
        } catch {
          /* a log line */
        }
        if (msg && typeof msg.port === 'number' && typeof msg.pid === 'number') {
          found = true;
          clearTimeout(timer);
          resolve(msg.port);
          logFile?.write(buf);
        } else if (logFile) {
          logFile.write(line + '\n');
        } else {
          clearTimeout(timer);
          reject(new Error(`${target} server printed ${JSON.stringify(line.slice(0, 200))} instead of its port`));
        }
      }
    });
  });
  child.once('exit', () => logFile?.end());
  return { child, pid: child.pid!, port, dataDir };
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 5000);
  }
}

/** A forked load generator with a typed mailbox. */
class Generator {
  readonly child: ChildProcess;
  readonly #queue: FromGenerator[] = [];
  #waiter: (() => void) | null = null;
  #exited = false;

  constructor(cpuProfDir: string | null) {
    const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    this.child = fork(path.join(HERE, 'sync-generator.ts'), [], {
      cwd: ROOT,
      execArgv: [...prof, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    live.children.add(this.child);
    this.child.on('message', (m) => {
      this.#queue.push(m as FromGenerator);
      this.#waiter?.();
    });
    this.child.on('exit', () => {
      live.children.delete(this.child);
      this.#exited = true;
      this.#waiter?.();
    });
  }

  send(m: ToGenerator): void {
    if (!this.#exited) this.child.send(m);
  }

  async next<T extends FromGenerator['type']>(type: T, timeoutMs: number): Promise<Extract<FromGenerator, { type: T }>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#queue.findIndex((m) => m.type === type || m.type === 'fatal');
      if (i >= 0) {
        const m = this.#queue.splice(i, 1)[0]!;
        if (m.type === 'fatal') throw new Error(`generator ${this.child.pid}: ${m.message}`);
        return m as Extract<FromGenerator, { type: T }>;
      }
      if (this.#exited) throw new Error(`generator ${this.child.pid} exited while waiting for "${type}"`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`generator ${this.child.pid}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#waiter = null;
    }
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    if (!(await waitExit(this.child, 5000))) await stopChild(this.child, 2000);
  }
}

// ---------------------------------------------------------------------------------------
// Setup through the REST API (Claimboard) or plain room names (reference)

async function api<T>(base: string, method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const ARTICLE = [
  'The city spent $4.2 million on road repairs in 2023, the mayor said on Tuesday.',
  'According to the transport department, 37 percent of potholes were fixed within a week.',
  'Council member Ana Ruiz said the budget "doubled since 2019".',
  'Traffic deaths fell by 12 percent last year, police reported.',
].join(' ');

async function setupClaimboard(base: string, n: number): Promise<{ boardId: string; reviewers: ReviewerSpec[] }> {
  type UserRes = { user: { id: string; name: string }; token: string };
  const owner = await api<UserRes>(base, 'POST', '/api/users', undefined, { name: 'Bench owner' });
  const { board } = await api<{ board: { id: string } }>(base, 'POST', '/api/boards', owner.token, {
    title: 'Sync latency bench',
    text: ARTICLE,
  });
  const reviewers: ReviewerSpec[] = [];
  for (let i = 0; i < n; i++) {
    const u = await api<UserRes>(base, 'POST', '/api/users', undefined, { name: `Reviewer ${i}` });
    const { invite } = await api<{ invite: { token: string } }>(base, 'POST', `/api/boards/${board.id}/invites`, owner.token, {
      role: 'reviewer',
    });
    await api(base, 'POST', `/api/invites/${invite.token}/accept`, u.token);
    reviewers.push({ index: i, userId: u.user.id, token: u.token, docKey: reviewerDocKey(board.id, u.user.id) });
  }
  return { boardId: board.id, reviewers };
}

function setupReference(n: number, seed: number): { boardId: string; reviewers: ReviewerSpec[] } {
  const boardId = `bench-${seed}-${Date.now().toString(36)}`;
  const reviewers = Array.from({ length: n }, (_, i) => ({
    index: i,
    userId: `r${i}`,
    token: '',
    docKey: reviewerDocKey(boardId, `r${i}`),
  }));
  return { boardId, reviewers };
}

// ---------------------------------------------------------------------------------------
// One run

interface RunMetrics {
  target: Target;
  n: number;
  rep: number;
  sent: number;
  arrivals: number;
  lost: number;
  latP50: number;
  latP99: number;
  allP50: number;
  allP99: number;
  deliveredPerSec: number;
  offeredPerSec: number;
  serverCpuSec: number;
  cpuPer1kUpdates: number;
  peakRssMb: number;
  genLoopP99Ms: number;
  genLoopMaxMs: number;
  genLateP99Ms: number;
  genCpuMax: number;
  /** Cores' worth of CPU used by processes other than the server and the generators. */
  backgroundCores: number;
  clockOffsetsMs: number[];
  errors: string[];
  disconnects: number;
  drained: boolean;
  /** Runs discarded before this one because the machine was busy. */
  retried: number;
  /** Seconds spent waiting for a quiet machine before this run. */
  waitedSec: number;
  /** codeHash() when the server started (the reference: of Claimboard's tree, for the record). */
  code: string;
}

let clock = createClock();

async function runOne(o: Options, target: Target, n: number, rep: number): Promise<RunMetrics> {
  // Realtime may be slewed while we run: measure this process's offset afresh for each run.
  clock = createClock();
  const profDir = o.cpuProfDir ? path.join(o.cpuProfDir, `${target}-n${n}-run${rep + 1}`) : null;
  const code = codeHash();
  const server = await startServer(target, profDir, o.serverLog, `${target}-n${n}-run${rep + 1}-${process.pid}`);
  const base = `http://127.0.0.1:${server.port}`;
  const gens: Generator[] = [];
  let rssTimer: NodeJS.Timeout | null = null;
  try {
    const seed = o.seed * 1000 + rep * 100 + n;
    const { boardId, reviewers } = target === 'reference' ? setupReference(n, seed) : await setupClaimboard(base, n);
    const g = Math.min(o.generators, n);
    for (let i = 0; i < g; i++) gens.push(new Generator(profDir && path.join(profDir, 'generators')));
    gens.forEach((gen, gi) =>
      gen.send({
        type: 'init',
        target,
        baseUrl: base,
        boardId,
        reviewers,
        mine: reviewers.filter((r) => r.index % g === gi).map((r) => r.index),
        ratePerSec: o.rate,
        warmupMs: o.warmupSec * 1000,
        durationMs: o.durationSec * 1000,
        jitter: o.jitter,
        seed: seed * 10 + gi,
        connectTimeoutMs: 90_000,
      }),
    );
    const ready = await Promise.all(gens.map((gen) => gen.next('ready', 120_000)));
    await sleep(500); // let the connection storm settle
    let peakRssKb = 0;
    rssTimer = setInterval(() => {
      try {
        peakRssKb = Math.max(peakRssKb, procStatusKb(server.pid, 'VmRSS'));
      } catch {
        /* exited */
      }
    }, 250);

    const t0 = clock.now() + 300;
    const tm = t0 + o.warmupSec * 1000;
    for (const gen of gens) gen.send({ type: 'start', t0 });
    await sleep(Math.max(0, tm - clock.now()));
    const cpuA = procCpuSec(server.pid);
    const busyA = machineBusySec();
    const wallA = clock.now();

    const sentMsgs = await Promise.all(gens.map((gen) => gen.next('sent', (o.warmupSec + o.durationSec) * 1000 + 60_000)));
    const sent: Record<number, number> = {};
    for (const s of sentMsgs) Object.assign(sent, s.sent);
    const drainTimeoutMs = 15_000;
    for (const gen of gens) gen.send({ type: 'expect', sent, drainTimeoutMs });
    const results: GeneratorResult[] = await Promise.all(gens.map((gen) => gen.next('result', drainTimeoutMs + 30_000)));
    const cpuB = procCpuSec(server.pid);
    const busyB = machineBusySec();
    const wallB = clock.now();
    const hwmKb = procStatusKb(server.pid, 'VmHWM');
    peakRssKb = Math.max(peakRssKb, hwmKb);

    // --- statistics over the measured window (sends at or after tm) ---
    const key = (sender: number, seq: number) => sender * 1_000_000 + seq;
    const measured = new Map<number, { at: number; count: number; max: number }>();
    const late: number[] = [];
    for (const r of results) {
      for (let i = 0; i < r.sends.at.length; i++) {
        if (r.sends.at[i]! < tm) continue;
        measured.set(key(r.sends.sender[i]!, r.sends.seq[i]!), { at: r.sends.at[i]!, count: 0, max: 0 });
        late.push(r.sends.late[i]!);
      }
    }
    const lat: number[] = [];
    let lastArrival = tm;
    for (const r of results) {
      const a = r.arrivals;
      for (let i = 0; i < a.latency.length; i++) {
        const m = measured.get(key(a.sender[i]!, a.seq[i]!));
        if (!m) continue;
        m.count++;
        m.max = Math.max(m.max, a.latency[i]!);
        lat.push(a.latency[i]!);
        if (a.arrivedAt[i]! > lastArrival) lastArrival = a.arrivedAt[i]!;
      }
    }
    lat.sort((x, y) => x - y);
    const all: number[] = [];
    let lost = 0;
    for (const m of measured.values()) {
      if (m.count >= n - 1) all.push(m.max);
      else lost += n - 1 - m.count;
    }
    all.sort((x, y) => x - y);
    late.sort((x, y) => x - y);
    const windowSec = Math.max(1e-3, (lastArrival - tm) / 1000);
    const serverCpuSec = cpuB - cpuA;
    // Generators measured themselves from t0 (warm-up included): scale to the window.
    const genCpuSec = results.reduce((s, r) => s + (r.cpuSec / Math.max(1e-3, r.wallSec)) * ((wallB - wallA) / 1000), 0);
    const backgroundCores = Math.max(0, (busyB - busyA - serverCpuSec - genCpuSec) / ((wallB - wallA) / 1000));
    return {
      target,
      n,
      rep,
      sent: measured.size,
      arrivals: lat.length,
      lost,
      latP50: percentile(lat, 50),
      latP99: percentile(lat, 99),
      allP50: percentile(all, 50),
      allP99: percentile(all, 99),
      deliveredPerSec: lat.length / windowSec,
      offeredPerSec: n * (n - 1) * o.rate,
      serverCpuSec,
      cpuPer1kUpdates: measured.size ? (serverCpuSec / measured.size) * 1000 : NaN,
      peakRssMb: peakRssKb / 1024,
      genLoopP99Ms: Math.max(...results.map((r) => r.loopDelayP99Ms)),
      genLoopMaxMs: Math.max(...results.map((r) => r.loopDelayMaxMs)),
      genLateP99Ms: percentile(late, 99),
      genCpuMax: Math.max(...results.map((r) => r.cpuSec / Math.max(1e-3, r.wallSec))),
      backgroundCores,
      clockOffsetsMs: [clock.offsetMs, ...ready.map((r) => r.clockOffsetMs)],
      errors: results.flatMap((r) => r.errors),
      disconnects: results.reduce((s, r) => s + r.disconnects, 0),
      drained: results.every((r) => r.drained),
      retried: 0,
      waitedSec: 0,
      code,
    };
  } finally {
    if (rssTimer) clearInterval(rssTimer);
    await Promise.all(gens.map((gen) => gen.close().catch(() => undefined)));
    await stopChild(server.child, 10_000);
    if (server.dataDir) {
      fs.rmSync(server.dataDir, { recursive: true, force: true });
      live.dirs.delete(server.dataDir);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Reporting

function machine(): { nproc: number; cpu: string; memGb: string; node: string; kernel: string } {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return {
    nproc: os.availableParallelism(),
    cpu,
    memGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    kernel: os.release(),
  };
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

interface Row {
  label: string;
  get: (m: RunMetrics) => number;
  digits: number;
  /** Ratios make sense (a cost or a time); not for counts that should be zero. */
  ratio: boolean;
}

const ROWS: Row[] = [
  { label: 'latency p50 (ms), each arrival', get: (m) => m.latP50, digits: 1, ratio: true },
  { label: 'latency p99 (ms), each arrival', get: (m) => m.latP99, digits: 1, ratio: true },
  { label: 'reached all peers p50 (ms)', get: (m) => m.allP50, digits: 1, ratio: true },
  { label: 'reached all peers p99 (ms)', get: (m) => m.allP99, digits: 1, ratio: true },
  { label: 'delivered updates/s', get: (m) => m.deliveredPerSec, digits: 0, ratio: true },
  { label: 'server CPU s (measured window)', get: (m) => m.serverCpuSec, digits: 2, ratio: true },
  { label: 'server CPU s per 1,000 updates', get: (m) => m.cpuPer1kUpdates, digits: 3, ratio: true },
  { label: 'server peak RSS (MB)', get: (m) => m.peakRssMb, digits: 0, ratio: true },
  { label: 'updates sent (measured)', get: (m) => m.sent, digits: 0, ratio: false },
  { label: 'lost arrivals', get: (m) => m.lost, digits: 0, ratio: false },
  { label: 'other processes\' CPU (cores)', get: (m) => m.backgroundCores, digits: 2, ratio: false },
];

function table(o: Options, runs: RunMetrics[]): string {
  const targets = o.targets;
  const ref = targets.includes('reference') ? 'reference' : null;
  const others = targets.filter((t) => t !== 'reference');
  const head = ['N', 'metric', ...targets.map((t) => TARGET_LABEL[t]), ...(ref ? others.map((t) => `${TARGET_LABEL[t].replace(/^Claimboard \((.*)\)$/, '$1')} ÷ ref`) : [])];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const n of o.ns) {
    for (const row of ROWS) {
      const val = (t: Target) => median(runs.filter((r) => r.target === t && r.n === n).map(row.get));
      const cells = targets.map((t) => fmt(val(t), row.digits));
      const ratios = ref ? others.map((t) => (row.ratio ? ratio(val(t), val(ref)) : '')) : [];
      lines.push(`| ${n} | ${row.label} | ${[...cells, ...ratios].join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

function warnings(o: Options, runs: RunMetrics[]): string[] {
  const out: string[] = [];
  for (const r of runs) {
    const id = `${r.target} N=${r.n} run ${r.rep + 1}`;
    if (r.genLoopP99Ms > 25 || r.genLateP99Ms > 25) {
      out.push(`${id}: load generator lag (event-loop delay p99 ${fmt(r.genLoopP99Ms)} ms, max ${fmt(r.genLoopMaxMs)} ms; send lateness p99 ${fmt(r.genLateP99Ms)} ms) — latencies include client-side queueing`);
    }
    if (r.backgroundCores > o.maxBackground) {
      out.push(`${id}: other processes on the machine used ${fmt(r.backgroundCores, 2)} cores during the window${r.retried ? ` (after ${r.retried} retries)` : ''}`);
    }
    if (r.genCpuMax > 0.85) out.push(`${id}: a load generator used ${(r.genCpuMax * 100).toFixed(0)}% of a core`);
    if (r.lost > 0) out.push(`${id}: ${r.lost} arrivals missing after the drain`);
    if (!r.drained) out.push(`${id}: drain timed out`);
    if (r.disconnects > 0) out.push(`${id}: ${r.disconnects} client disconnects during the run`);
    if (r.errors.length) out.push(`${id}: ${r.errors.length} client errors, first: ${r.errors.slice(0, 3).join(' | ')}`);
    const spread = Math.max(...r.clockOffsetsMs) - Math.min(...r.clockOffsetsMs);
    if (spread > 5) out.push(`${id}: process clocks (timeOrigin + now vs realtime) disagreed by ${fmt(spread, 2)} ms before correction (corrected)`);
  }
  return out;
}

function command(o: Options): string {
  return ['node --import tsx tests/bench/sync-latency.bench.ts', ...o.argv].join(' ');
}

function renderSubsection(o: Options, runs: RunMetrics[], warns: string[], startedAt: Date, elapsedSec: number): string {
  const mc = machine();
  const heading = o.quick ? '### Quick run' : '### Default run';
  const genLine = (t: Target) => {
    const rs = runs.filter((r) => r.target === t);
    return `${TARGET_LABEL[t]} ≤ ${fmt(Math.max(...rs.map((r) => r.genLoopP99Ms)))} ms / ≤ ${fmt(Math.max(...rs.map((r) => r.genLateP99Ms)))} ms / ≤ ${(Math.max(...rs.map((r) => r.genCpuMax)) * 100).toFixed(0)}%`;
  };
  return [
    heading,
    '',
    `- Command: \`${command(o)}\``,
    `- Date: ${startedAt.toISOString()} (took ${Math.round(elapsedSec)} s)`,
    `- Machine: ${mc.nproc} × ${mc.cpu}, ${mc.memGb} GiB RAM, Linux ${mc.kernel}, Node ${mc.node}; DATA_DIR under ${os.tmpdir()}; load average at the start ${loadAvgAtStart}`,
    `- Code measured: ${codeVersion()}, working-tree hash ${[...new Set(runs.filter((r) => r.target !== 'reference').map((r) => r.code))].join(', ')}${new Set(runs.filter((r) => r.target !== 'reference').map((r) => r.code)).size > 1 ? ' (**the code changed during the run**: the runs mix these versions)' : ''}; Claimboard started with ${Object.entries(PER_IP_LIMITS).map(([k, v]) => `${k}=${v}`).join(', ')} (all clients share 127.0.0.1), otherwise its defaults`,
    `- Workload: N reviewers ∈ {${o.ns.join(', ')}}, ${o.rate} vote/s each (open loop, ±${Math.round(o.jitter * 100)}% jitter), ${o.warmupSec} s warm-up + ${o.durationSec} s measured, ${o.repeat} run(s) per cell (cells are medians over runs; runs interleave the servers, order alternating), ${o.generators} load-generator processes`,
    `- Busy machine (other sessions share it): before each run the benchmark waited up to ${o.quietWaitSec} s for other processes to use ≤ ${o.maxBackground} cores (${Math.round(runs.reduce((s, r) => s + r.waitedSec, 0))} s waited in all), ${o.retries > 0 ? `and a run during which they used more was run again (at most ${o.retries}×; the last attempt counts): ${runs.reduce((s, r) => s + r.retried, 0)} repeat(s) this time` : 'and no run was repeated (--retries=0)'}. The "other processes' CPU" row shows what remained.`,
    `- Load generators (event-loop delay p99 / send lateness p99 / CPU of a core, worst run): ${o.targets.map(genLine).join('; ')}`,
    '',
    table(o, runs),
    '',
    warns.length ? ['Warnings:', '', ...warns.map((w) => `- ${w}`)].join('\n') : 'No warnings: no lost arrivals, no disconnects, no refused frames, no generator lag over 25 ms.',
    '',
  ].join('\n');
}

function renderSection(subsections: string[]): string {
  return [
    `## ${SECTION}`,
    '',
    '`tests/bench/sync-latency.bench.ts` (processes: the server alone in one child, clients in two',
    'load-generator children, all on 127.0.0.1). One board, N reviewers; each reviewer holds its',
    'own reviewer doc plus every other reviewer\'s (N² subscriptions) and sets a vote',
    '`{rating, confidence, rationale, at}` in its `votes` map; `at` is the send time',
    '(`performance.timeOrigin + performance.now()`, each process corrected to the realtime clock).',
    'Latency = arrival in another reviewer\'s doc observer − `at`; "reached all peers" = the last of',
    'the N−1 arrivals. Delivered updates/s = arrivals in the measured window ÷ (last arrival − window',
    'start); offered load is N·(N−1)·rate. Server CPU = utime+stime of the server process',
    '(/proc/<pid>/stat, all threads, including Claimboard\'s validator worker) from the start of the',
    'measured window to the end of the drain; per 1,000 updates = per 1,000 votes sent. Peak RSS =',
    'VmHWM of the server process (includes connection setup). Presence (awareness) is off everywhere.',
    '',
    '- **Claimboard (Socket.IO)**: one Socket.IO connection per reviewer with the real',
    '  `BoardConnection`, N docs multiplexed on it; users, board and invites made through the REST API.',
    '- **Claimboard (y-websocket)**: the same server\'s `/yjs/<docKey>` endpoint, one stock',
    '  `WebsocketProvider` per (reviewer, doc): N² websockets.',
    '- **reference**: `@y/websocket-server` 0.1.1 (`setupWSConnection` on an http server), stock',
    '  `WebsocketProvider`s as above.',
    '',
    '**Not like for like on durability**: the reference keeps every document in memory only (no',
    'YPERSISTENCE) and broadcasts as soon as it has applied an update (echoing it to the sender too);',
    'Claimboard validates each update in a worker thread, commits it to SQLite (WAL,',
    '`synchronous=FULL`, group commit) and only then acknowledges and broadcasts it. The ratios are',
    'the price of that durability and checking, plus the transport. These are noisy 2-core machines:',
    'compare servers within one run (they are interleaved), not across runs.',
    '',
    ...subsections,
  ].join('\n');
}

/** Replaces (or appends) this benchmark's section of RESULTS.md, keeping every other section. */
function writeResults(o: Options, sub: string): void {
  const existing = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '# Benchmark results\n';
  const lines = existing.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${SECTION}`);
  let end = lines.length;
  if (start >= 0) {
    const rel = lines.slice(start + 1).findIndex((l) => /^## /.test(l));
    if (rel >= 0) end = start + 1 + rel;
  }
  // Keep the other mode's subsection (quick vs default) from an earlier run.
  const kept: string[] = [];
  if (start >= 0) {
    const body = lines.slice(start + 1, end).join('\n');
    const mine = o.quick ? '### Quick run' : '### Default run';
    for (const part of body.split(/^(?=### )/m)) {
      if (part.startsWith('### ') && !part.startsWith(mine)) kept.push(part.trimEnd() + '\n');
    }
  }
  const subs = [...kept, sub].sort((a, b) => (a.startsWith('### Default') ? -1 : b.startsWith('### Default') ? 1 : 0));
  const section = renderSection(subs).trimEnd().split('\n');
  let out: string[];
  if (start >= 0) {
    out = [...lines.slice(0, start), ...section, ...(end < lines.length ? ['', ...lines.slice(end)] : [''])];
  } else {
    const trimmed = [...lines];
    while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
    out = [...trimmed, '', ...section, ''];
  }
  fs.writeFileSync(RESULTS_FILE, out.join('\n').replace(/\n{3,}/g, '\n\n'));
}

// ---------------------------------------------------------------------------------------

let loadAvgAtStart = '';

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  loadAvgAtStart = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  const startedAt = new Date();
  const t = Date.now();
  const mc = machine();
  console.log(`sync-latency: ${mc.nproc} × ${mc.cpu}, ${mc.memGb} GiB, Node ${mc.node}; N=${o.ns.join(',')} rate=${o.rate}/s warm-up=${o.warmupSec}s duration=${o.durationSec}s repeat=${o.repeat} servers=${o.targets.join(',')}`);
  const runs: RunMetrics[] = [];
  let flip = false;
  for (let rep = 0; rep < o.repeat; rep++) {
    for (const n of o.ns) {
      const order = flip ? [...o.targets].reverse() : o.targets;
      flip = !flip;
      for (const target of order) {
        process.stdout.write(`  run ${rep + 1}/${o.repeat} N=${n} ${target} … `);
        let waited = 0;
        const quietly = async () => {
          const q = await waitForQuiet(o.maxBackground, o.quietWaitSec);
          waited += q.waitedSec;
          if (q.cores > o.maxBackground) process.stdout.write(`(machine still busy: ${fmt(q.cores, 2)} cores) `);
          return runOne(o, target, n, rep);
        };
        let m = await quietly();
        for (let attempt = 1; attempt <= o.retries && m.backgroundCores > o.maxBackground; attempt++) {
          process.stdout.write(`other processes used ${fmt(m.backgroundCores, 2)} cores; again … `);
          m = await quietly();
          m.retried = attempt;
        }
        m.waitedSec = waited;
        runs.push(m);
        console.log(
          `p50 ${fmt(m.latP50)} ms, p99 ${fmt(m.latP99)} ms, all-peers p99 ${fmt(m.allP99)} ms, ${fmt(m.deliveredPerSec, 0)}/s of ${m.offeredPerSec}, ` +
            `server CPU ${fmt(m.serverCpuSec, 2)} s, RSS ${fmt(m.peakRssMb, 0)} MB, lost ${m.lost}, errors ${m.errors.length}, ` +
            `generators: loop p99 ${fmt(m.genLoopP99Ms)} ms, max ${fmt(m.genLoopMaxMs)} ms, send lateness p99 ${fmt(m.genLateP99Ms)} ms, CPU ≤ ${fmt(m.genCpuMax * 100, 0)}%; ` +
            `other processes ${fmt(m.backgroundCores, 2)} cores; clock offsets ${m.clockOffsetsMs.map((x) => fmt(x, 2)).join('/')} ms`,
        );
      }
    }
  }
  const warns = warnings(o, runs);
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({ options: o, machine: mc, runs }, null, 2));
    console.log(`raw results: ${o.json}`);
  }
  console.log('\n' + table(o, runs) + '\n');
  for (const w of warns) console.log(`WARN ${w}`);
  if (o.write) {
    writeResults(o, renderSubsection(o, runs, warns, startedAt, (Date.now() - t) / 1000));
    console.log(`\nwrote the "${SECTION}" section of ${path.relative(ROOT, RESULTS_FILE)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
