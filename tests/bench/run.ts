/**
 * `npm run bench [-- --quick]`: every benchmark in turn, each writing its section of
 * tests/bench/RESULTS.md. Run on an otherwise idle machine; servers and load generators
 * run in their own processes and only ever talk to 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const passThrough = process.argv.slice(2);
const benches = ['sync-latency.bench.ts', 'export-import.bench.ts', 'flood.bench.ts', 'client.bench.ts'];
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b} ${passThrough.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(HERE, b), ...passThrough], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${b} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
