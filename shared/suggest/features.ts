/**
 * The model's feature vector of a sentence: hashed word unigrams and bigrams, character
 * 3- and 4-grams of words, part-of-speech bigrams, and the linguistic cues (cues.ts), all in
 * one space of 2^HASH_BITS buckets. The training script and the server compute features with
 * this same code, so what was trained is what runs.
 */
import { cuesOf, type Cue } from './cues.js';
import { parse, type Parsed } from './nlp.js';

export const HASH_BITS = 18;
const MASK = (1 << HASH_BITS) - 1;

export interface Features {
  /** Bucket indices (may repeat: a repeated index adds its values). */
  index: number[];
  value: number[];
  cues: Cue[];
}

/** FNV-1a, 32 bits: fast, stable across platforms, good enough spread for hashing tricks. */
const FNV_OFFSET = 0x811c9dc5;
function fnv(h: number, s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

export function hashBucket(key: string): number {
  return (fnv(FNV_OFFSET, key) >>> 0) & MASK;
}

export const cueKey = (name: string): string => `cue:${name}`;

/** Digits become "0" so that "7,000" and "8,500" share n-grams; words are wink's normal form. */
function shape(normal: string): string {
  return /\d/.test(normal) ? normal.replace(/\d/g, '0') : normal;
}

const H_W = fnv(FNV_OFFSET, 'w:');
const H_B = fnv(FNV_OFFSET, 'b:');
const H_C = fnv(FNV_OFFSET, 'c:');
const H_P = fnv(FNV_OFFSET, 'p:');
const bucket = (h: number): number => (h >>> 0) & MASK;
const UNDERSCORE = 0x5f;
const pairHash = (base: number, a: string, b: string): number => bucket(fnv(Math.imul(fnv(base, a) ^ UNDERSCORE, 0x01000193), b));

/** Longest padded word whose character n-grams count: longer ones are URLs or junk. */
const CHAR_NGRAM_MAX_WORD = 24;

/** Hash of "c:" + the n characters of ` ${w} ` from position i, without building the string. */
function charGram(w: string, i: number, n: number): number {
  const last = w.length + 1;
  let h = H_C;
  for (let j = i; j < i + n; j++) h = Math.imul(h ^ (j === 0 || j === last ? 0x20 : w.charCodeAt(j - 1)), 0x01000193);
  return bucket(h);
}

/**
 * Calls `visit` with every (bucket, value) of the sentence's feature vector, in a fixed order
 * (unigrams, bigrams, character n-grams, POS bigrams, cues), and returns the cues. Scoring
 * streams through this; training collects it (featuresOf). `parsed`: the sentence's tokens if
 * already parsed with its paragraph (nlp.ts parseParts).
 */
export function visitFeatures(sentence: string, parsed: Parsed, visit: (bucket: number, value: number) => void): Cue[] {
  const cues = cuesOf(sentence, parsed);
  const words: string[] = [];
  for (const t of parsed.tokens) if (t.type !== 'punctuation' || /[?"“”]/.test(t.value)) words.push(shape(t.normal));
  const n = words.length;
  // Each block of n-grams weighs the same whatever the sentence's length: 1/sqrt(count).
  if (n > 0) {
    const v = 1 / Math.sqrt(n);
    for (const w of words) visit(bucket(fnv(H_W, w)), v);
  }
  const vb = 1 / Math.sqrt(n + 1);
  for (let i = 0; i <= n; i++) visit(pairHash(H_B, words[i - 1] ?? '^', words[i] ?? '$'), vb);
  let grams = 0;
  for (const w of words) if (w.length + 2 <= CHAR_NGRAM_MAX_WORD) grams += 2 * w.length - 1;
  if (grams > 0) {
    const vc = 1 / Math.sqrt(grams);
    for (const w of words) {
      const padded = w.length + 2;
      if (padded > CHAR_NGRAM_MAX_WORD) continue;
      for (let size = 3; size <= 4; size++) for (let i = 0; i + size <= padded; i++) visit(charGram(w, i, size), vc);
    }
  }
  const tokens = parsed.tokens;
  const vp = 1 / Math.sqrt(tokens.length + 1);
  for (let i = 0; i <= tokens.length; i++) visit(pairHash(H_P, tokens[i - 1]?.pos ?? '^', tokens[i]?.pos ?? '$'), vp);
  for (const c of cues) visit(cueBucket(c.name), 1);
  return cues;
}

const cueBuckets = new Map<string, number>();
/** The bucket of a cue's weight (memoised: there are about thirty). */
export function cueBucket(name: string): number {
  let b = cueBuckets.get(name);
  if (b === undefined) {
    b = hashBucket(cueKey(name));
    cueBuckets.set(name, b);
  }
  return b;
}

export function featuresOf(sentence: string, parsed: Parsed = parse(sentence)): Features {
  const index: number[] = [];
  const value: number[] = [];
  const cues = visitFeatures(sentence, parsed, (b, v) => {
    index.push(b);
    value.push(v);
  });
  return { index, value, cues };
}
