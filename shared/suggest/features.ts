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
/** Punctuation that counts as a word: quotation marks and the question mark. */
const QUOTE_OR_QUESTION = /[?"“”]/;

/** Hash of "c:" + the n characters of ` ${w} ` from position i, without building the string. */
function charGram(w: string, i: number, n: number): number {
  const last = w.length + 1;
  let h = H_C;
  for (let j = i; j < i + n; j++) h = Math.imul(h ^ (j === 0 || j === last ? 0x20 : w.charCodeAt(j - 1)), 0x01000193);
  return bucket(h);
}

/**
 * What a word contributes, hashed once: its unigram bucket, the hash state of "b:" + word + "_"
 * (a bigram with it on the left continues from there), and its character n-gram buckets
 * (3-grams, then 4-grams, in position order), or null when the word is too long for them.
 */
interface WordHashes {
  unigram: number;
  bigramLeft: number;
  charGrams: Int32Array | null;
}

/**
 * Words seen recently, so that a common word ("the", "said") is hashed once per article, not
 * once per use. Cleared when full: memory stays bounded whatever a server reads.
 */
const wordCache = new Map<string, WordHashes>();
const WORD_CACHE_MAX = 20_000;

function hashesOf(w: string): WordHashes {
  let h = wordCache.get(w);
  if (h !== undefined) return h;
  const padded = w.length + 2;
  let charGrams: Int32Array | null = null;
  if (padded <= CHAR_NGRAM_MAX_WORD) {
    charGrams = new Int32Array(Math.max(0, padded - 2) + Math.max(0, padded - 3));
    let k = 0;
    for (let size = 3; size <= 4; size++) for (let i = 0; i + size <= padded; i++) charGrams[k++] = charGram(w, i, size);
  }
  h = { unigram: bucket(fnv(H_W, w)), bigramLeft: Math.imul(fnv(H_B, w) ^ UNDERSCORE, 0x01000193), charGrams };
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(w, h);
  return h;
}

const START = hashesOf('^').bigramLeft;

/** POS-bigram buckets by tag pair: there are about twenty tags. */
const posPairs = new Map<string, Map<string, number>>();
function posPair(a: string, b: string): number {
  let row = posPairs.get(a);
  if (row === undefined) posPairs.set(a, (row = new Map()));
  let v = row.get(b);
  if (v === undefined) row.set(b, (v = pairHash(H_P, a, b)));
  return v;
}

/**
 * Calls `visit` with every (bucket, value) of the sentence's feature vector, in a fixed order
 * (unigrams, bigrams, character n-grams, POS bigrams, cues), and returns the cues. Scoring
 * streams through this; training collects it (featuresOf). `parsed`: the sentence's tokens if
 * already parsed with its paragraph (nlp.ts parseParts). The buckets are those of the plain
 * definitions (hashBucket of "w:" + word, "b:" + left + "_" + right, "c:" + n characters of
 * " word ", "p:" + tag + "_" + tag), computed through the caches above.
 */
export function visitFeatures(sentence: string, parsed: Parsed, visit: (bucket: number, value: number) => void): Cue[] {
  const cues = cuesOf(sentence, parsed);
  const words: string[] = [];
  const hashes: WordHashes[] = [];
  for (const t of parsed.tokens) {
    if (t.type !== 'punctuation' || QUOTE_OR_QUESTION.test(t.value)) {
      const w = shape(t.normal);
      words.push(w);
      hashes.push(hashesOf(w));
    }
  }
  const n = words.length;
  // Each block of n-grams weighs the same whatever the sentence's length: 1/sqrt(count).
  if (n > 0) {
    const v = 1 / Math.sqrt(n);
    for (const h of hashes) visit(h.unigram, v);
  }
  const vb = 1 / Math.sqrt(n + 1);
  for (let i = 0; i <= n; i++) visit(bucket(fnv(i === 0 ? START : hashes[i - 1]!.bigramLeft, i === n ? '$' : words[i]!)), vb);
  let grams = 0;
  for (const w of words) if (w.length + 2 <= CHAR_NGRAM_MAX_WORD) grams += 2 * w.length - 1;
  if (grams > 0) {
    const vc = 1 / Math.sqrt(grams);
    for (const h of hashes) {
      const g = h.charGrams;
      if (g !== null) for (let i = 0; i < g.length; i++) visit(g[i]!, vc);
    }
  }
  const tokens = parsed.tokens;
  const vp = 1 / Math.sqrt(tokens.length + 1);
  for (let i = 0; i <= tokens.length; i++) visit(posPair(tokens[i - 1]?.pos ?? '^', tokens[i]?.pos ?? '$'), vp);
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
