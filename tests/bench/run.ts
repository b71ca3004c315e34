/**
 * `npm run bench [-- --quick] [-- --all]`: the benchmarks in turn, each writing its section
 * of tests/bench/RESULTS.md. Run on an otherwise idle machine; servers and load generators
 * run in their own processes and only ever talk to 127.0.0.1.
 *
 * - `--quick` (under 3 minutes): the performance benchmark's quick run only
 *   (perf.bench.ts --quick: 1.5 to 2.5 minutes, its budget 155 s).
 * - default (under 20 minutes): the performance benchmark's full run (its budget is 17
 *   minutes), then export-import, flood and client (~1.5 minutes together).
 * - `--all` adds export-import, flood and client to a quick run (~1.2 minutes more, so
 *   over the 3 minutes of a quick run).
 * - `soak` (30 minutes): the soak benchmark alone (soak.bench.ts; `--minutes=N` shortens it).
 * - `client` (about 4 minutes): the client benchmark alone (client.bench.ts, `--quick` passed on).
 * - `cluster` (about 5 minutes; needs PostgreSQL and redis-server): cluster mode against the
 *   embedded mode (cluster.bench.ts: `--readers=N --seconds=S --rounds=R`).
 * Every other option goes to perf.bench.ts (see its header).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const all = args.includes('--all');
const perfArgs = args.filter((a) => a !== '--all');
const otherArgs = quick ? ['--quick'] : [];

const soak = args.includes('soak');
const clientOnly = args.includes('client');
const clusterOnly = args.includes('cluster');
const benches: Array<[string, string[]]> = soak
  ? [['soak.bench.ts', args.filter((a) => a !== 'soak')]]
  : clusterOnly
    ? [['cluster.bench.ts', args.filter((a) => a !== 'cluster')]]
  : clientOnly
    ? [['client.bench.ts', otherArgs]]
    : [['perf.bench.ts', perfArgs]];
if (!soak && !clientOnly && !clusterOnly && (!quick || all)) {
  for (const b of ['export-import.bench.ts', 'flood.bench.ts', 'client.bench.ts']) benches.push([b, otherArgs]);
}

const started = Date.now();
let failed = 0;
for (const [b, a] of benches) {
  console.log(`\n=== ${b} ${a.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(HERE, b), ...a], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${b} exited with ${r.status}`);
  }
}
console.log(`\nnpm run bench: ${benches.length} benchmark(s) in ${Math.round((Date.now() - started) / 1000)} s${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
