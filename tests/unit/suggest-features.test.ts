/**
 * The model's feature vector (shared/suggest/features.ts) is computed through caches (each
 * word hashed once, POS pairs once): these tests check it against the plain definition, one
 * hashed string per feature, written out here from the model card's description, so a cache
 * can never change what the committed weights are applied to.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { featuresOf, hashBucket } from '../../shared/suggest/features.js';
import { cuesOf } from '../../shared/suggest/cues.js';
import { parse, type Parsed } from '../../shared/suggest/nlp.js';

const sample = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/suggest/model/dev-sample.json', import.meta.url)), 'utf8'),
) as { sentences: { text: string }[] };

/** The feature vector as defined: unigrams, bigrams, character 3- and 4-grams, POS bigrams, cues. */
function plainFeatures(sentence: string, parsed: Parsed): { index: number[]; value: number[] } {
  const index: number[] = [];
  const value: number[] = [];
  const add = (key: string, v: number) => {
    index.push(hashBucket(key));
    value.push(v);
  };
  const words = parsed.tokens
    .filter((t) => t.type !== 'punctuation' || /[?"“”]/.test(t.value))
    .map((t) => t.normal.replace(/\d/g, '0'));
  const n = words.length;
  for (const w of words) add(`w:${w}`, 1 / Math.sqrt(n));
  for (let i = 0; i <= n; i++) add(`b:${words[i - 1] ?? '^'}_${words[i] ?? '$'}`, 1 / Math.sqrt(n + 1));
  const grams: string[] = [];
  for (const w of words) {
    const padded = ` ${w} `;
    if (padded.length > 24) continue;
    for (let size = 3; size <= 4; size++) for (let i = 0; i + size <= padded.length; i++) grams.push(padded.slice(i, i + size));
  }
  for (const g of grams) add(`c:${g}`, 1 / Math.sqrt(grams.length));
  const pos = parsed.tokens.map((t) => t.pos);
  for (let i = 0; i <= pos.length; i++) add(`p:${pos[i - 1] ?? '^'}_${pos[i] ?? '$'}`, 1 / Math.sqrt(pos.length + 1));
  for (const c of cuesOf(sentence, parsed)) add(`cue:${c.name}`, 1);
  return { index, value };
}

describe('the feature vector', () => {
  const sentences = [
    ...sample.sentences.map((s) => s.text),
    'A URL such as https://example.org/a-very-long-path-indeed is one token, too long for character n-grams.',
    '“Why now?” she asked, as 7,000 people — 12% of the town — left on Sept. 5.',
    'I',
  ];

  it('[SUG-MODEL] is the plain definition, read through the word and POS caches', () => {
    expect(sentences.length).toBeGreaterThan(100);
    for (const text of sentences) {
      const parsed = parse(text);
      const expected = plainFeatures(text, parsed);
      // Twice: the first reading fills the caches, the second is served from them.
      for (let k = 0; k < 2; k++) {
        const got = featuresOf(text, parsed);
        expect(got.index, text).toEqual(expected.index);
        expect(got.value, text).toEqual(expected.value);
      }
    }
  });
});
