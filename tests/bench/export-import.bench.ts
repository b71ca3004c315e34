/**
 * Benchmark: export of a large board and import + suggestion of a long article.
 *
 *   node --import tsx tests/bench/export-import.bench.ts [--runs N]
 *
 * Export: a board with 500 claims, 50 reviewers, 25,000 votes (every reviewer on every
 * claim) and 25,000 notes, taken from live Y.Docs through snapshotFromDocs, then
 * buildJsonExport + buildClaimReview + buildCsv. Import: a 20,000-word article as HTML,
 * Markdown and plain text through importArticle + suggestClaims. Explain: why the last
 * sentence of a 2,000,000-character article (the largest import) was not suggested, next
 * to the full analysis it no longer needs [SUG-EXPLAIN]. Prints the median and
 * range of several runs after warm-up, and heap / RSS. Results go in tests/bench/RESULTS.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import * as Y from 'yjs';
import { buildClaimReview, buildCsv, buildJsonExport, snapshotFromDocs, type ExportMember } from '../../shared/export/index.js';
import { importArticle, type ImportFormat } from '../../shared/import/index.js';
import { initBoardDoc, reviewerTypes, type Note, type Vote } from '../../shared/model/index.js';
import { analyseSentences, explainSentence, suggestClaims } from '../../shared/suggest/index.js';
import { ImportRunner } from '../../server/import/import-runner.js';
import { createLogger } from '../../server/logger.js';

const CLAIMS = 500;
const REVIEWERS = 50;
const WORDS = 20_000;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const WARMUP = 2;

const SENTENCES = [
  'Unemployment fell to 3.9% in 2023, the lowest level since 2001, the Labor Department said.',
  'The council spent $4.2 million on parking garages but only $300,000 on cycling.',
  'It was a cold, grey afternoon, but the home fans did not seem to mind.',
  '“We had maybe twenty minutes to get out,” said Denise Park, who grabbed her two cats.',
  'Revenue rose 34% to $9.1 billion in the three months to September, the company said.',
  'Dr. Helen Morris, who led the study at the University of Leeds, tracked 212 adults.',
  'Critics say bike lanes hurt local businesses, but they are mistaken.',
  'Is the region ready for a longer fire season?',
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Measured {
  label: string;
  median: number;
  min: number;
  max: number;
  /** Median CPU time (user + system) of this process: less sensitive to other load. */
  cpu: number;
}

function measure(label: string, fn: () => void): Measured {
  for (let i = 0; i < WARMUP; i++) fn();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  return { label, median: median(times), min: Math.min(...times), max: Math.max(...times), cpu: median(cpuTimes) };
}

/** As measure(), for work awaited elsewhere: CPU is this (the main) thread's share only. */
async function measureAsync(label: string, fn: () => Promise<void>): Promise<Measured> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  return { label, median: median(times), min: Math.min(...times), max: Math.max(...times), cpu: median(cpuTimes) };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// ---- build the board ----

function buildBoard(): { board: Y.Doc; reviewers: Map<string, Y.Doc>; members: ExportMember[] } {
  const sentences = Array.from({ length: CLAIMS }, (_, i) => `Claim ${i + 1}: ${SENTENCES[i % SENTENCES.length]!}`);
  let offset = 0;
  const claims = sentences.map((text) => {
    const start = offset;
    offset += text.length + 2;
    return { text, start, end: start + text.length, score: 0.75, reasons: ['percentage (“3.9%”)', 'attribution (“said”)'] };
  });
  const board = new Y.Doc();
  const init = initBoardDoc(board, { title: 'Benchmark board', article: sentences.join('\n\n'), claims, createdBy: 'owner', createdAt: 1_700_000_000_000, source: { url: 'https://news.example/a', publisher: 'Example' } }, 'bench');
  if (!init.ok) throw new Error(init.error.message);
  const claimIds = init.value.claimIds;
  const reviewers = new Map<string, Y.Doc>();
  const members: ExportMember[] = [{ userId: 'owner', name: 'Owner', role: 'owner' }];
  for (let r = 0; r < REVIEWERS; r++) {
    const userId = `reviewer-${r}`;
    members.push({ userId, name: `Reviewer Name ${r}`, role: 'reviewer' });
    const doc = new Y.Doc();
    const { votes, notes } = reviewerTypes(doc);
    // Writes straight to the maps in one transaction: the mutators' validation is not what
    // this benchmark measures, and building the fixture should not dominate the run.
    doc.transact(() => {
      claimIds.forEach((claimId, c) => {
        // Mostly agreement (so most claims get a verdict and a ClaimReview), some dissent,
        // some "unverifiable", and every tenth claim split down the middle (contested).
        const base = (c % 5) + 1;
        const rating = c % 10 === 9 ? (r % 2 === 0 ? 1 : 5) : r % 6 === 0 ? Math.min(5, base + 1) : base;
        const vote: Vote = { rating: (r + c) % 17 === 0 ? 'unverifiable' : (rating as Vote['rating']), confidence: 'medium', at: 1_700_000_000_000 + r * 1_000 + c, rationale: 'Checked against the primary source.' };
        votes.set(claimId, vote);
        const note: Note = { claimId, body: `Note by reviewer ${r} on claim ${c}: the figure matches table ${c % 9}.`, at: 1_700_000_100_000 + c, ...(c % 5 === 0 ? { evidence: [{ url: `https://stats.example.org/t/${c}`, title: 'Table', stance: 'supports' as const }] } : {}) };
        notes.set(`n-${r}-${c}`, note);
      });
    }, 'bench');
    reviewers.set(userId, doc);
  }
  return { board, reviewers, members };
}

function articleOf(format: ImportFormat): string {
  const paragraphs: string[] = [];
  let words = 0;
  let i = 0;
  while (words < WORDS) {
    const paragraph = Array.from({ length: 4 }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]!).join(' ');
    words += paragraph.split(/\s+/).length;
    paragraphs.push(paragraph);
    i++;
  }
  if (format === 'text') return paragraphs.join('\n\n');
  if (format === 'markdown') return ['# A long article', ...paragraphs.map((p, k) => (k % 10 === 0 ? `## Section ${k / 10}\n\n${p}` : p))].join('\n\n');
  const body = paragraphs.map((p, k) => (k % 10 === 0 ? `<h2>Section ${k / 10}</h2><p>${p}</p>` : `<p>${p}</p>`)).join('\n');
  return `<!doctype html><html><head><title>Long</title><script>var x = 1;</script></head><body><nav><a href="/">Home</a></nav><article><h1>A long article</h1><div class="byline">By Jane Doe</div>${body}<div class="share-bar">Share</div></article><footer>© 2024</footer></body></html>`;
}

// ---- run ----

const t0 = performance.now();
const { board, reviewers, members } = buildBoard();
const buildMs = performance.now() - t0;
const votes = [...reviewers.values()].reduce((n, d) => n + reviewerTypes(d).votes.size, 0);
const notes = [...reviewers.values()].reduce((n, d) => n + reviewerTypes(d).notes.size, 0);

let sizes = { json: 0, claimReview: 0, csv: 0 };
const options = { boardUrl: 'https://claimboard.example/b/bench', publisher: { name: 'Bench Desk' } };
const snapshot = measure('snapshotFromDocs', () => void snapshotFromDocs('bench', board, reviewers, members));
const input = snapshotFromDocs('bench', board, reviewers, members);
const json = measure('buildJsonExport', () => void (sizes.json = buildJsonExport(input, { pseudonymise: true }).length));
const claimReview = measure('buildClaimReview', () => void (sizes.claimReview = buildClaimReview(input, options).length));
const csv = measure('buildCsv', () => void (sizes.csv = buildCsv(input).length));
const total = measure('export total (all four)', () => {
  const snap = snapshotFromDocs('bench', board, reviewers, members);
  buildJsonExport(snap, { pseudonymise: true });
  buildClaimReview(snap, options);
  buildCsv(snap);
});

const articles = (['html', 'markdown', 'text'] as const).map((format) => ({ format, body: articleOf(format) }));
let suggested = 0;
const imports = articles.map(({ format, body }) =>
  measure(`import + suggest (${format}, ${(body.length / 1024).toFixed(0)} KiB)`, () => {
    const { text } = importArticle(body, format);
    suggested = suggestClaims(text).length;
  }),
);
const importOnly = measure('importArticle only (html)', () => void importArticle(articles[0]!.body, 'html'));
const textOfHtml = importArticle(articles[0]!.body, 'html').text;
const suggestOnly = measure('suggestClaims only', () => void suggestClaims(textOfHtml));
// "Why not suggested?" on the largest article a board holds: only its paragraph is parsed.
const hugeText = Array.from({ length: Math.ceil(2_000_000 / (SENTENCES.join(' ').length + 1)) }, () => SENTENCES.join(' ')).join('\n');
const explainHuge = measure(`explainSentence (last sentence of ${(hugeText.length / 1e6).toFixed(1)}M characters)`, () => void explainSentence(hugeText, hugeText.length - 5, hugeText.length - 1));
const analyseHuge = measure(`analyseSentences (the whole ${(hugeText.length / 1e6).toFixed(1)}M characters)`, () => void analyseSentences(hugeText));
// What board creation does: the same work in the import worker, plus the round trip.
// process.cpuUsage() counts every thread, so its column here is not the main thread's share.
const runner = new ImportRunner(60_000, createLogger('silent'));
await runner.warm();
const viaWorker = await measureAsync(`import + suggest in the worker (html, ${(articles[0]!.body.length / 1024).toFixed(0)} KiB)`, async () => {
  const r = await runner.run(articles[0]!.body, 'html');
  if (!r.ok) throw new Error(r.error.message);
});
await runner.close();

const memory = process.memoryUsage();
const cpu = cpus()[0]?.model ?? 'unknown';
console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpu}), ${mb(totalmem())} RAM; ${RUNS} runs after ${WARMUP} warm-up`);
console.log(`Board: ${CLAIMS} claims, ${REVIEWERS} reviewers, ${votes} votes, ${notes} notes (built in ${buildMs.toFixed(0)} ms)`);
console.log(`Export sizes: JSON ${mb(sizes.json)}, ClaimReview ${mb(sizes.claimReview)}, CSV ${mb(sizes.csv)}`);
console.log(`Article: ${WORDS} words; ${suggested} claims suggested`);
console.log(`Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| step | median ms | min ms | max ms | median CPU ms |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of [snapshot, json, claimReview, csv, total, ...imports, importOnly, suggestOnly, explainHuge, analyseHuge, viaWorker]) {
  console.log(`| ${r.label} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)} | ${r.max.toFixed(1)} | ${r.cpu.toFixed(1)} |`);
}
console.log(`\nheapUsed ${mb(memory.heapUsed)}, heapTotal ${mb(memory.heapTotal)}, rss ${mb(memory.rss)}, max rss ${mb(process.resourceUsage().maxRSS * 1024)}`);
