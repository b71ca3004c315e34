/**
 * The model's feature vector of a sentence: hashed word unigrams and bigrams, character
 * 3- and 4-grams of words, part-of-speech bigrams, and the linguistic cues (cues.ts), all in
 * one space of 2^HASH_BITS buckets. The training script and the server compute features with
 * this same code, so what was trained is what runs.
 */
import { cuesOf, type Cue } from './cues.js';
import { parse } from './nlp.js';

export const HASH_BITS = 18;
const MASK = (1 << HASH_BITS) - 1;

export interface Features {
  /** Bucket indices (may repeat: a repeated index adds its values). */
  index: number[];
  value: number[];
  cues: Cue[];
}

/** FNV-1a, 32 bits: fast, stable across platforms, good enough spread for hashing tricks. */
export function hashBucket(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & MASK;
}

export const cueKey = (name: string): string => `cue:${name}`;

/** Digits become "0" so that "7,000" and "8,500" share n-grams; words are wink's normal form. */
function shape(normal: string): string {
  return normal.replace(/\d/g, '0');
}

function addBlock(out: Features, keys: string[]): void {
  if (keys.length === 0) return;
  // Each block of n-grams weighs the same whatever the sentence's length.
  const v = 1 / Math.sqrt(keys.length);
  for (const k of keys) {
    out.index.push(hashBucket(k));
    out.value.push(v);
  }
}

export function featuresOf(sentence: string): Features {
  const parsed = parse(sentence);
  const cues = cuesOf(sentence, parsed);
  const out: Features = { index: [], value: [], cues };
  const words = parsed.tokens.filter((t) => t.type !== 'punctuation' || /[?"“”]/.test(t.value)).map((t) => shape(t.normal));
  const unigrams = words.map((w) => `w:${w}`);
  const bigrams: string[] = [];
  for (let i = 0; i <= words.length; i++) bigrams.push(`b:${words[i - 1] ?? '^'}_${words[i] ?? '$'}`);
  const chars: string[] = [];
  for (const w of words) {
    const padded = ` ${w} `;
    if (padded.length > 24) continue;
    for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= padded.length; i++) chars.push(`c:${padded.slice(i, i + n)}`);
  }
  const tags = parsed.tokens.map((t) => t.pos);
  const posBigrams: string[] = [];
  for (let i = 0; i <= tags.length; i++) posBigrams.push(`p:${tags[i - 1] ?? '^'}_${tags[i] ?? '$'}`);
  addBlock(out, unigrams);
  addBlock(out, bigrams);
  addBlock(out, chars);
  addBlock(out, posBigrams);
  for (const c of cues) {
    out.index.push(hashBucket(cueKey(c.name)));
    out.value.push(1);
  }
  return out;
}
