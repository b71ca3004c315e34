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

/**
 * Appends one block of hashed keys, each weighing 1/sqrt(count) so that a block weighs the
 * same whatever the sentence's length. Keys are hashed piece by piece (the same buckets as
 * hashBucket of the joined string) so no key string is built.
 */
function pushBlock(out: Features, buckets: number[]): void {
  if (buckets.length === 0) return;
  const v = 1 / Math.sqrt(buckets.length);
  for (const b of buckets) {
    out.index.push(b);
    out.value.push(v);
  }
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

/** `parsed`: the sentence's tokens if already parsed with its paragraph (nlp.ts parseParts). */
export function featuresOf(sentence: string, parsed: Parsed = parse(sentence)): Features {
  const cues = cuesOf(sentence, parsed);
  const out: Features = { index: [], value: [], cues };
  const words: string[] = [];
  for (const t of parsed.tokens) if (t.type !== 'punctuation' || /[?"“”]/.test(t.value)) words.push(shape(t.normal));
  const unigrams = words.map((w) => bucket(fnv(H_W, w)));
  const bigrams: number[] = [];
  for (let i = 0; i <= words.length; i++) bigrams.push(pairHash(H_B, words[i - 1] ?? '^', words[i] ?? '$'));
  const chars: number[] = [];
  for (const w of words) {
    const padded = ` ${w} `;
    if (padded.length > CHAR_NGRAM_MAX_WORD) continue;
    for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= padded.length; i++) chars.push(bucket(fnv(H_C, padded, i, i + n)));
  }
  const tags = parsed.tokens.map((t) => t.pos);
  const posBigrams: number[] = [];
  for (let i = 0; i <= tags.length; i++) posBigrams.push(pairHash(H_P, tags[i - 1] ?? '^', tags[i] ?? '$'));
  pushBlock(out, unigrams);
  pushBlock(out, bigrams);
  pushBlock(out, chars);
  pushBlock(out, posBigrams);
  for (const c of cues) {
    out.index.push(hashBucket(cueKey(c.name)));
    out.value.push(1);
  }
  return out;
}
