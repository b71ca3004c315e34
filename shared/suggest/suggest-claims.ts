/**
 * Claim suggestion: split the article into sentences, drop boilerplate, score the rest and
 * keep those at or above the threshold. Offsets index the same text the board stores, so
 * the result can go straight into `initBoardDoc`.
 */
import { boilerplateKind } from './boilerplate.js';
import { scoreSentence } from './score.js';
import { splitSentences } from './sentences.js';

export interface SuggestedClaim {
  text: string;
  start: number;
  end: number;
  score: number;
  reasons: string[];
}

export interface SuggestOptions {
  /** Minimum score (0–1) for a sentence to be suggested. */
  threshold?: number;
  /**
   * At most this many suggestions, the highest scores kept (ties: earlier first).
   * Default MAX_SUGGESTIONS: a board with thousands of proposed claims is unusable, and
   * initBoardDoc refuses more than INIT_CLAIMS_MAX.
   */
  limit?: number;
}

export const DEFAULT_SUGGESTION_THRESHOLD = 0.5;
export const MAX_SUGGESTIONS = 2_000;
/** Longest sentence considered: longer "sentences" are lists or unpunctuated dumps. */
const MAX_SENTENCE_CHARS = 1_000;

/** Every sentence with its score or boilerplate kind: what suggestClaims decides from. */
export interface SentenceAnalysis {
  text: string;
  start: number;
  end: number;
  boilerplate: string | null;
  score: number;
  reasons: string[];
}

export function analyseSentences(text: string): SentenceAnalysis[] {
  return splitSentences(text).map((s) => {
    const boilerplate = boilerplateKind(s.text);
    if (boilerplate !== null || s.text.length > MAX_SENTENCE_CHARS) {
      return { ...s, boilerplate: boilerplate ?? 'too long', score: 0, reasons: [] };
    }
    return { ...s, boilerplate: null, ...scoreSentence(s.text) };
  });
}

/** Suggested claims in article order. */
export function suggestClaims(text: string, options: SuggestOptions = {}): SuggestedClaim[] {
  const threshold = options.threshold ?? DEFAULT_SUGGESTION_THRESHOLD;
  const limit = options.limit ?? MAX_SUGGESTIONS;
  let picked = analyseSentences(text).filter((s) => s.boilerplate === null && s.score >= threshold);
  if (picked.length > limit) {
    const keep = new Set(
      [...picked]
        .sort((a, b) => b.score - a.score || a.start - b.start)
        .slice(0, Math.max(0, limit)),
    );
    picked = picked.filter((s) => keep.has(s));
  }
  return picked.map(({ text: t, start, end, score, reasons }) => ({ text: t, start, end, score, reasons }));
}
