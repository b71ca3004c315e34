/**
 * The check-worthiness classifier: logistic regression over the hashed features of
 * features.ts, weights trained by `npm run train:suggest` (tools/suggest/) and committed in
 * claim-model.json with its model card (MODEL-CARD.md beside it).
 *
 * Reasons are read off the model: each cue's contribution is its weight, so the cues that
 * pushed a sentence up are the reasons it was suggested, and those that pulled it down are
 * why it was not.
 */
import { createRequire } from 'node:module';
import { cueBucket, HASH_BITS, visitFeatures } from './features.js';
import type { Cue } from './cues.js';
import { parse, type Parsed } from './nlp.js';

export interface ModelFile {
  format: 'claimboard.claim-model/v1';
  version: string;
  hashBits: number;
  bias: number;
  /** A weight is its stored int16 times this. */
  scale: number;
  /** Base64 of 2^hashBits little-endian int16 weights. */
  weights: string;
  /**
   * The probability threshold with the best F1 on the dev split. Scores are shifted so that
   * this threshold reads as DECISION_SCORE (0.5), the boards' default suggestion threshold.
   */
  threshold: number;
  dev: { sentences: number; precision: number; recall: number; f1: number };
}

export interface Model {
  version: string;
  /** The trained bias minus logit(threshold): a score of 0.5 is the dev-chosen threshold. */
  bias: number;
  weights: Float32Array;
}

/** The score at which the model's F1-optimal threshold sits. */
export const DECISION_SCORE = 0.5;

export function loadModel(file: ModelFile): Model {
  if (file.format !== 'claimboard.claim-model/v1' || file.hashBits !== HASH_BITS) {
    throw new Error(`claim model: expected format claimboard.claim-model/v1 with ${HASH_BITS} hash bits`);
  }
  const bytes = Uint8Array.from(atob(file.weights), (c) => c.charCodeAt(0));
  if (bytes.length !== 2 << HASH_BITS) throw new Error(`claim model: ${bytes.length} weight bytes, expected ${2 << HASH_BITS}`);
  const view = new DataView(bytes.buffer);
  const weights = new Float32Array(1 << HASH_BITS);
  for (let i = 0; i < weights.length; i++) weights[i] = view.getInt16(2 * i, true) * file.scale;
  const t = file.threshold;
  if (!(t > 0 && t < 1)) throw new Error(`claim model: threshold ${t} is not in (0, 1)`);
  return { version: file.version, bias: file.bias - Math.log(t / (1 - t)), weights };
}

let committed: Model | undefined;
/** The committed model, read and decoded on first use (not on import: it is 0.7 MB). */
export function claimModel(): Model {
  return (committed ??= loadModel(createRequire(import.meta.url)('./claim-model.json') as ModelFile));
}

export interface Verdict {
  /** Probability that the sentence is check-worthy, rounded to 3 decimals. */
  score: number;
  /** Cues that pushed the score up, strongest first: shown with a suggestion. */
  reasons: string[];
  /** Cues that pulled it down, strongest first: why a sentence was not suggested. */
  against: string[];
}

/** Cues that say what a fact-checker would check; shown before the rest when they pushed up. */
const EVIDENCE_CUES = new Set([
  'percent', 'money', 'number', 'date-specific', 'attributed-named', 'attributed', 'named-organisation',
  'named-multiword', 'named', 'ordinal', 'duration', 'time', 'date-relative',
]);
/** Cues the model uses that mean nothing to an editor as a reason for ("a long sentence"). */
const NOT_A_REASON_FOR = new Set(['len-short', 'len-10', 'len-25', 'len-long', 'negation', 'nothing-specific', 'no-final-punctuation']);
const NOT_A_REASON_AGAINST = new Set(['len-10', 'len-25', 'len-long', 'negation']);

/** Smallest cue weight worth telling an editor about. */
const REASON_MIN_WEIGHT = 0.05;
const MAX_REASONS = 3;
/** Evidence cues are listed before the others. */
const tier = (name: string): number => (EVIDENCE_CUES.has(name) ? 0 : 1);

export function scoreWithModel(sentence: string, model: Model = claimModel(), parsed: Parsed = parse(sentence)): Verdict {
  const { score, cues } = scoreCues(sentence, model, parsed);
  return { score, ...reasonsOf(cues, model) };
}

/**
 * The score alone, with the cues it was computed from: what deciding needs. reasonsOf turns
 * the cues into words, for the sentences someone will read them for.
 */
export function scoreCues(sentence: string, model: Model = claimModel(), parsed: Parsed = parse(sentence)): { score: number; cues: Cue[] } {
  const weights = model.weights;
  let z = model.bias;
  const cues = visitFeatures(sentence, parsed, (b, v) => {
    z += weights[b]! * v;
  });
  return { score: Math.round(1000 / (1 + Math.exp(-z))) / 1000, cues };
}

/** The cues that pushed a score up and those that pulled it down, in words, strongest first. */
export function reasonsOf(cues: Cue[], model: Model): Pick<Verdict, 'reasons' | 'against'> {
  const weights = model.weights;
  const weighed = cues.map((c) => ({ name: c.name, reason: c.reason, w: weights[cueBucket(c.name)]! }));
  // One attribution is enough to tell: the named source rather than "the company said".
  const named = weighed.some((c) => c.name === 'attributed-named' && c.w >= REASON_MIN_WEIGHT);
  const reasons = weighed
    .filter((c) => c.w >= REASON_MIN_WEIGHT && !NOT_A_REASON_FOR.has(c.name) && !(named && c.name === 'attributed'))
    .sort((a, b) => tier(a.name) - tier(b.name) || b.w - a.w)
    .slice(0, MAX_REASONS)
    .map((c) => c.reason);
  const against = weighed
    .filter((c) => c.w <= -REASON_MIN_WEIGHT && !NOT_A_REASON_AGAINST.has(c.name))
    .sort((a, b) => a.w - b.w)
    .slice(0, MAX_REASONS)
    .map((c) => c.reason);
  return { reasons, against };
}
