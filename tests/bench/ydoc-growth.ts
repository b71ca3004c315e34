/**
 * Reference for the soak benchmark: how much live heap a Y.Doc alone keeps per 1,000 writes
 * of the soak's mix (a vote over one of 12 claims, and one write in six a note over one of 20
 * notes), with the server's defaults (gc on). Yjs keeps a tombstone item for every value a
 * map key held, so this growth is the documents' own history, not the server's.
 *
 *   node --expose-gc --import tsx tests/bench/ydoc-growth.ts [writes]
 * Prints {"bytesPerThousandWrites": n} on stdout.
 */
import * as Y from 'yjs';

const WRITES = Number(process.argv[2] ?? 200_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

// 50 reviewers' docs, as on the server: each written by its own client.
const docs = Array.from({ length: 50 }, () => new Y.Doc());
const write = (i: number) => {
  const d = docs[i % docs.length]!;
  const n = Math.floor(i / docs.length);
  if (i % 6 === 5) d.getMap('notes').set(`note-${n % 20}`, { claimId: 'c', body: `t${i} ${'evidence '.repeat(20)}`, at: i });
  else d.getMap('votes').set(`claim-${n % 12}`, { rating: 1 + (n % 5), confidence: 'medium', rationale: `t${i}`, at: i });
};
for (let i = 0; i < 20_000; i++) write(i); // warm-up: every key has held a value
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 20_000; i < 20_000 + WRITES; i++) write(i);
gc();
const after = process.memoryUsage().heapUsed;
process.stdout.write(JSON.stringify({ bytesPerThousandWrites: ((after - before) / WRITES) * 1000 }) + '\n');
