/**
 * [C1] Issue 16, must-show 5: two editors on three replicas (editor A on two devices)
 * accept suggestions, merge, split and edit claims concurrently, syncing only now and then
 * and sometimes doing the very same thing at once. After a full sync every replica reads the
 * same claims, and no sentence of the article (nor an accepted suggestion) is in two claims
 * that stand: each word of the original claims is in exactly one claim not replaced.
 *
 * CURATION_SEEDS (default 200) and CURATION_SEED_START (default 1) widen a run; a failing
 * seed is printed; add it to REGRESSION_SEEDS.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  boardTypes,
  decideSuggestion,
  initBoardDoc,
  mergeClaims,
  readBoard,
  splitClaim,
  updateClaimText,
  type ClaimSnapshot,
} from '../../shared/model/index.js';
import { seededRandom } from '../helpers/updates.js';

const SEEDS = Number(process.env.CURATION_SEEDS ?? 200);
const SEED_START = Number(process.env.CURATION_SEED_START ?? 1);
const STEPS = 24;
/** Seeds that once failed; each stays as a named test. */
const REGRESSION_SEEDS: number[] = [];

/** Five sentences of unique words (W<sentence>_<word>), one claim each. */
const SENTENCES = [1, 2, 3, 4, 5].map((s) => [1, 2, 3, 4].map((w) => `W${s}_${w}`).join(' ') + '.');
const ARTICLE = SENTENCES.join(' ');
const SUGGESTIONS = [1, 2].map((k) => ({ id: `sg${k}`, text: `S${k}_1 S${k}_2 S${k}_3` }));
const TOKEN = /\b[WS]\d+_\d+\b/g;

function newReplicas(): Y.Doc[] {
  const origin = new Y.Doc();
  origin.clientID = 1;
  const r = initBoardDoc(
    origin,
    {
      title: 'Curation',
      article: ARTICLE,
      claims: SENTENCES.map((text) => ({ text, start: ARTICLE.indexOf(text), end: ARTICLE.indexOf(text) + text.length })),
      createdBy: 'owner',
      createdAt: 1,
    },
    'init',
  );
  if (!r.ok) throw new Error(r.error.message);
  const base = Y.encodeStateAsUpdate(origin);
  return [10, 20, 30].map((clientID) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    Y.applyUpdate(doc, base);
    return doc;
  });
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

const standing = (doc: Y.Doc): ClaimSnapshot[] => readBoard(doc).claims.filter((c) => (c.replacedBy ?? null) === null);

type Intent =
  | { kind: 'accept'; suggestion: number }
  | { kind: 'merge'; picks: number[]; edited: boolean }
  | { kind: 'split'; pick: number; cuts: number }
  | { kind: 'edit'; pick: number };

function randomIntent(rand: () => number): Intent {
  const r = rand();
  const pick = () => Math.floor(rand() * 1000);
  if (r < 0.15) return { kind: 'accept', suggestion: Math.floor(rand() * SUGGESTIONS.length) };
  if (r < 0.5) return { kind: 'merge', picks: rand() < 0.7 ? [pick(), pick()] : [pick(), pick(), pick()], edited: rand() < 0.5 };
  if (r < 0.8) return { kind: 'split', pick: pick(), cuts: pick() };
  return { kind: 'edit', pick: pick() };
}

/** Applies an editor's intent to their replica, as they see it there; refusals are fine. */
function apply(doc: Y.Doc, editor: string, intent: Intent, step: number): void {
  const open = standing(doc);
  const at = 1_000 + step;
  switch (intent.kind) {
    case 'accept': {
      const s = SUGGESTIONS[intent.suggestion]!;
      decideSuggestion(doc, { reviewerId: 'rev', suggestionId: s.id, suggestion: { text: s.text, at: 1 }, outcome: 'accepted', by: editor, at }, editor);
      break;
    }
    case 'merge': {
      if (open.length < 2) return;
      const ids = [...new Set(intent.picks.map((p) => open[p % open.length]!.id))];
      if (ids.length < 2) return;
      const texts = open.filter((c) => ids.includes(c.id)).map((c) => c.text);
      // An edited merge keeps every word, in another order, with the editor's mark.
      const text = intent.edited ? `${[...texts].reverse().join(' ')} (${editor})` : undefined;
      mergeClaims(doc, { ids, ...(text ? { text } : {}), by: editor, at }, editor);
      break;
    }
    case 'split': {
      if (open.length === 0) return;
      const claim = open[intent.pick % open.length]!;
      const words = claim.text.split(' ');
      if (words.length < 2) return;
      const cut = 1 + (intent.cuts % (words.length - 1));
      splitClaim(doc, { id: claim.id, parts: [{ text: words.slice(0, cut).join(' ') }, { text: words.slice(cut).join(' ') }], by: editor, at }, editor);
      break;
    }
    case 'edit': {
      if (open.length === 0) return;
      const claim = open[intent.pick % open.length]!;
      updateClaimText(doc, claim.id, `${claim.text.replace(/ \(e\d+\)$/, '')} (e${step})`, editor);
      break;
    }
  }
}

function runSeed(seed: number): void {
  const rand = seededRandom(seed);
  const replicas = newReplicas();
  // Editor A works on replicas 0 and 2 (two devices), editor B on replica 1.
  const deviceOf = (editor: 'A' | 'B') => (editor === 'B' ? replicas[1]! : replicas[rand() < 0.5 ? 0 : 2]!);
  for (let step = 0; step < STEPS; step++) {
    const r = rand();
    if (r < 0.25) {
      // Both editors do the same thing at once (neither has seen the other's).
      const intent = randomIntent(rand);
      apply(replicas[0]!, 'A', intent, step);
      apply(replicas[1]!, 'B', intent, step);
    } else if (r < 0.75) {
      apply(deviceOf(rand() < 0.5 ? 'A' : 'B'), rand() < 0.5 ? 'A' : 'B', randomIntent(rand), step);
    } else {
      const a = Math.floor(rand() * 3);
      sync(replicas[a]!, replicas[(a + 1 + Math.floor(rand() * 2)) % 3]!);
    }
  }
  sync(replicas[0]!, replicas[1]!);
  sync(replicas[1]!, replicas[2]!);
  sync(replicas[0]!, replicas[1]!);

  const views = replicas.map((d) => readBoard(d).claims.map((c) => ({ id: c.id, text: c.text, status: c.status, replacedBy: c.replacedBy })));
  expect(views[1]).toEqual(views[0]);
  expect(views[2]).toEqual(views[0]);

  const counts = new Map<string, number>();
  for (const c of standing(replicas[0]!)) for (const token of c.text.match(TOKEN) ?? []) counts.set(token, (counts.get(token) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1);
  expect(duplicated, `seed ${seed}: words in more than one standing claim`).toEqual([]);
  // Nothing is lost either: every word of the article is in a standing claim.
  for (const sentence of SENTENCES) {
    for (const word of sentence.match(TOKEN)!) expect(counts.get(word), `seed ${seed}: ${word} lost`).toBe(1);
  }
}

describe('[C1][D4][D5] concurrent curation (issue 16)', () => {
  // Chunks of 50 seeds, each with a generous bound: the machine may be loaded (about 2 s per
  // chunk when idle); the time taken is logged.
  const CHUNK = 50;
  for (let from = SEED_START; from < SEED_START + SEEDS; from += CHUNK) {
    const to = Math.min(from + CHUNK, SEED_START + SEEDS) - 1;
    it(`converges without duplicates for seeds ${from}…${to}`, () => {
      const started = performance.now();
      for (let seed = from; seed <= to; seed++) {
        try {
          runSeed(seed);
        } catch (error) {
          console.error(`[curation] seed ${seed} failed; replay with CURATION_SEED_START=${seed} CURATION_SEEDS=1`);
          throw error;
        }
      }
      console.log(`[curation] seeds ${from}…${to}: ${Math.round(performance.now() - started)} ms`);
    }, 300_000);
  }

  it('two editors accepting the same suggestion at once make one claim', () => {
    const [a, b] = newReplicas();
    apply(a!, 'A', { kind: 'accept', suggestion: 0 }, 1);
    apply(b!, 'B', { kind: 'accept', suggestion: 0 }, 2);
    sync(a!, b!);
    expect(standing(a!).filter((c) => c.text === SUGGESTIONS[0]!.text)).toHaveLength(1);
  });

  it('two editors doing the same merge, or the same split, at once write one result', () => {
    const [a, b] = newReplicas();
    const before = boardTypes(a!).claims.size;
    const [s1, s2, s3] = standing(a!);
    for (const [doc, who] of [[a!, 'A'], [b!, 'B']] as const) {
      expect(mergeClaims(doc, { ids: [s2!.id, s1!.id], by: who, at: 10 }, who).ok).toBe(true);
      expect(splitClaim(doc, { id: s3!.id, parts: [{ text: 'W3_1' }, { text: 'W3_2 W3_3 W3_4.' }], by: who, at: 10 }, who).ok).toBe(true);
    }
    sync(a!, b!);
    // one merged claim and two parts, not two and four
    expect(boardTypes(a!).claims.size).toBe(before + 3);
    expect(readBoard(a!).claims.length).toBe(before + 3);
  });

  it('one editor merging and another splitting the same claim while apart: the sentence stays in one place', () => {
    const [a, b] = newReplicas();
    const [s1, s2] = standing(a!);
    mergeClaims(a!, { ids: [s1!.id, s2!.id], by: 'A', at: 10 }, 'A');
    splitClaim(b!, { id: s1!.id, parts: [{ text: 'W1_1 W1_2' }, { text: 'W1_3 W1_4.' }], by: 'B', at: 11 }, 'B');
    sync(a!, b!);
    const texts = standing(a!).map((c) => c.text);
    // the earlier action (the merge) stands; the split's parts are superseded
    expect(texts.filter((t) => t.includes('W1_1'))).toEqual([`${SENTENCES[0]} ${SENTENCES[1]}`]);
    expect(standing(b!).map((c) => c.id)).toEqual(standing(a!).map((c) => c.id));
  });

  for (const seed of REGRESSION_SEEDS) it(`regression seed ${seed}`, () => runSeed(seed));
});
