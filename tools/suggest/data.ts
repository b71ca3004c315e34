/**
 * Training and evaluation data for the claim model. The public data is read from
 * CLAIMBUSTER_DIR (default .cache/claimbuster/, git-ignored): a checkout or snapshot of the
 * GitHub repository utaresearch/claimbuster-spotter, of which these files are used:
 *   data/two_class/train.json, data/two_class/kfold_{20,25,30}ncs.json  (training pool)
 *   data/two_class/test.json      (read only to remove its sentences from everything else)
 *   data/clef20/task1/training_v2.tsv, data/clef20/task1/dev_v2.tsv  (CheckThat! 2020 task 1)
 * Our own labelled news articles are tests/fixtures/suggest/*.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Example {
  text: string;
  label: 0 | 1;
  /** Where it came from: "claimbuster", "clef20", or the article id. */
  source: string;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA_DIR = process.env.CLAIMBUSTER_DIR ?? join(ROOT, '.cache/claimbuster');

const HOW_TO_GET = `
The ClaimBuster data is not in this repository. Put a copy of the public GitHub repository
utaresearch/claimbuster-spotter (at least its data/ folder) at ${DATA_DIR}
(or point CLAIMBUSTER_DIR at one), for example:
  git clone --depth 1 https://github.com/utaresearch/claimbuster-spotter ${DATA_DIR}
`;

function readData(rel: string): string {
  const path = join(DATA_DIR, rel);
  if (!existsSync(path)) {
    console.error(`missing ${path}\n${HOW_TO_GET}`);
    process.exit(2);
  }
  return readFileSync(path, 'utf8');
}

/** Same text modulo case and spacing: how a test sentence is recognised elsewhere. */
export const textKey = (t: string): string => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

interface CbRow {
  sentence_id: number;
  label: number;
  text: string;
}

export interface ClaimBuster {
  train: Example[];
  dev: Example[];
  /** Sentences dropped because they are, or repeat, a sentence of test.json. */
  droppedAsTest: number;
}

/** 1 in DEV_EVERY ClaimBuster sentences (chosen by a hash of its id, so stable) is dev. */
const DEV_EVERY = 10;

function idHash(id: number): number {
  let h = 2166136261;
  for (const c of String(id)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * The training pool is the union of train.json and the k-fold files (which hold the whole
 * dataset, test sentences included), minus every sentence of test.json by id and by text.
 */
export function loadClaimBuster(): ClaimBuster {
  const test = JSON.parse(readData('data/two_class/test.json')) as CbRow[];
  const testIds = new Set(test.map((r) => r.sentence_id));
  const testTexts = new Set(test.map((r) => textKey(r.text)));
  const pool = new Map<number, CbRow>();
  for (const f of ['train.json', 'kfold_20ncs.json', 'kfold_25ncs.json', 'kfold_30ncs.json']) {
    for (const r of JSON.parse(readData(`data/two_class/${f}`)) as CbRow[]) pool.set(r.sentence_id, r);
  }
  const out: ClaimBuster = { train: [], dev: [], droppedAsTest: 0 };
  const seenTexts = new Set<string>();
  for (const r of [...pool.values()].sort((a, b) => a.sentence_id - b.sentence_id)) {
    const key = textKey(r.text);
    if (testIds.has(r.sentence_id) || testTexts.has(key)) {
      out.droppedAsTest++;
      continue;
    }
    // A sentence repeated under two ids must not sit in both train and dev.
    if (seenTexts.has(key)) continue;
    seenTexts.add(key);
    const ex: Example = { text: r.text.trim(), label: r.label === 1 ? 1 : 0, source: 'claimbuster' };
    (idHash(r.sentence_id) % DEV_EVERY === 0 ? out.dev : out.train).push(ex);
  }
  return out;
}

/**
 * CheckThat! 2020 task 1 (English tweets): its own dev file, and its training file minus every
 * dev tweet (training_v2.tsv as published contains all 150 tweets of dev_v2.tsv).
 */
export function loadClef20(): { train: Example[]; dev: Example[]; droppedAsDev: number } {
  const read = (f: string): Example[] =>
    readData(`data/clef20/task1/${f}`)
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const cols = l.split('\t');
        return { text: (cols[3] ?? '').replace(/\s+/g, ' ').trim(), label: cols[5]?.trim() === '1' ? 1 : 0, source: 'clef20' } as Example;
      })
      .filter((e) => e.text !== '');
  const dev = read('dev_v2.tsv');
  const devTexts = new Set(dev.map((e) => textKey(e.text)));
  const all = read('training_v2.tsv');
  const train = all.filter((e) => !devTexts.has(textKey(e.text)));
  return { train, dev, droppedAsDev: all.length - train.length };
}

export interface Article {
  id: string;
  format: 'text' | 'markdown' | 'html';
  body: string;
  sentences: { text: string; label: 'claim' | 'other' | 'boilerplate' }[];
}

export function loadArticles(): Article[] {
  const dir = join(ROOT, 'tests/fixtures/suggest');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Article);
}

/** The article's check-worthy / not sentences (boilerplate is dropped before the model). */
export function articleExamples(a: Article): Example[] {
  return a.sentences
    .filter((s) => s.label !== 'boilerplate')
    .map((s) => ({ text: s.text, label: s.label === 'claim' ? 1 : 0, source: a.id }));
}
