/**
 * Claim suggestion: split the article into paragraphs and sentences, drop furniture blocks
 * and furniture sentences, score the rest with the trained model and keep those at or above
 * the threshold. Offsets index the same text the board stores, so the result can go straight
 * into `initBoardDoc`. Server-side only (the model and the NLP pipeline are megabytes).
 */
import type { SuggestionExplanation } from '../protocol/schemas.js';
import { classifyBlocks, type Block } from './blocks.js';
import { boilerplateKind } from './boilerplate.js';
import { claimModel, DECISION_SCORE, reasonsOf, scoreCues, scoreWithModel, type Model } from './model.js';
import { parseParts, type Parsed } from './nlp.js';
import { splitSentences } from './sentences.js';

export interface SuggestedClaim {
  text: string;
  start: number;
  end: number;
  score: number;
  /** Two or three cues that pushed the score up ("a number: 7,000", "attributed to Amazon"). */
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

/** The model's F1-optimal threshold on its dev split (model.ts shifts scores to put it here). */
export const DEFAULT_SUGGESTION_THRESHOLD = DECISION_SCORE;
export const MAX_SUGGESTIONS = 2_000;
/** Shown when no single cue stands out: the wording as a whole scored high. */
const FALLBACK_REASON = 'worded like a checkable statement';
/** Longest sentence considered: longer "sentences" are lists or unpunctuated dumps. */
const MAX_SENTENCE_CHARS = 1_000;

/** Every sentence with its score or boilerplate kind: what suggestClaims decides from. */
export interface SentenceAnalysis {
  text: string;
  start: number;
  end: number;
  /** The kind of furniture the sentence or its paragraph is, or null for article text. */
  boilerplate: string | null;
  score: number;
  /** Cues for, strongest first. */
  reasons: string[];
  /** Cues against, strongest first: with the score, why a sentence was not suggested. */
  against: string[];
}

export interface AnalyseOptions {
  /** The model to score with; the committed one by default (evaluation passes others). */
  model?: Model;
  /**
   * Only the paragraphs (blocks) that overlap this span are analysed and returned; their
   * sentences come out exactly as in a full analysis (a paragraph is parsed whole either
   * way). explainSentence uses it: one sentence of a 2M-character article costs one
   * paragraph's parse, not the article's (~0.8 s per 145,000 characters).
   */
  within?: { start: number; end: number };
}

export function analyseSentences(text: string, options: AnalyseOptions = {}): SentenceAnalysis[] {
  return analyse(text, options, () => true);
}

/**
 * analyseSentences, putting the cues into words (reasons, against) only for the sentences
 * whose score `explain` picks: suggestClaims shows reasons for the suggested ones alone.
 * Scores and furniture are the same either way.
 */
function analyse(text: string, options: AnalyseOptions, explain: (score: number) => boolean): SentenceAnalysis[] {
  const model = options.model ?? claimModel();
  const judge = (s: SentenceAnalysis, parsed?: Parsed) => {
    const { score, cues } = scoreCues(s.text, model, parsed);
    s.score = score;
    if (explain(score)) {
      const words = reasonsOf(cues, model);
      s.reasons = words.reasons;
      s.against = words.against;
    }
  };
  const within = options.within;
  const blocks = classifyBlocks(text);
  const out: SentenceAnalysis[] = [];
  // Candidates of the current paragraph, parsed together when the paragraph ends.
  let pending: SentenceAnalysis[] = [];
  let pendingBlock: Block | undefined;
  const flush = () => {
    if (pending.length === 0 || pendingBlock === undefined) return;
    const base = pendingBlock.start;
    const parsed = parseParts(
      text.slice(base, pendingBlock.end),
      pending.map((s) => ({ start: s.start - base, end: s.end - base })),
    );
    pending.forEach((s, i) => judge(s, parsed[i]));
    pending = [];
  };
  let b = 0;
  for (const s of splitSentences(text)) {
    // Sentences and blocks are both in text order, and a sentence never crosses a line.
    while (b < blocks.length && blocks[b]!.end <= s.start) b++;
    const block = blocks[b] !== undefined && blocks[b]!.start <= s.start ? blocks[b] : undefined;
    if (block !== pendingBlock) flush();
    pendingBlock = block;
    const unit = block ?? s;
    if (within !== undefined && !(unit.start < within.end && unit.end > within.start)) continue;
    const boilerplate = block?.kind ?? boilerplateKind(s.text) ?? (s.text.length > MAX_SENTENCE_CHARS ? 'too long' : null);
    const analysis: SentenceAnalysis = { text: s.text, start: s.start, end: s.end, boilerplate, score: 0, reasons: [], against: [] };
    out.push(analysis);
    if (boilerplate === null) {
      if (block === undefined) judge(analysis);
      else pending.push(analysis);
    }
  }
  flush();
  return out;
}

/** Why one sentence was or was not suggested (the REST answer without the board's threshold). */
export type SentenceExplanation = Omit<SuggestionExplanation, 'threshold'>;

/**
 * Why a sentence of the article was or was not suggested at `threshold`, in words an editor
 * reads ("page furniture: newsletter plug", "score 0.31 is below the board's threshold 0.50",
 * "hedged: “may”"). Null when no sentence of `text` covers [start, end).
 */
export function explainSentence(
  text: string,
  start: number,
  end: number,
  threshold = DEFAULT_SUGGESTION_THRESHOLD,
): SentenceExplanation | null {
  const s = analyseSentences(text, { within: { start, end } }).find((a) => a.start < end && a.end > start);
  if (!s) return null;
  const at = { start: s.start, end: s.end };
  if (s.boilerplate !== null) {
    return { ...at, furniture: s.boilerplate, suggested: false, score: 0, reasons: [], against: [`page furniture: ${s.boilerplate}`], summary: `not suggested: page furniture (${s.boilerplate})` };
  }
  const suggested = s.score >= threshold;
  const summary = suggested
    ? `suggested: score ${s.score.toFixed(2)} is at or above the board's threshold ${threshold.toFixed(2)}`
    : `not suggested: score ${s.score.toFixed(2)} is below the board's threshold ${threshold.toFixed(2)}`;
  return { ...at, furniture: null, suggested, score: s.score, reasons: s.reasons, against: s.against, summary };
}

/**
 * Loads the NLP pipeline and the model now rather than on the first import (about 1 s on an
 * idle machine): call it where that second does not block anyone, e.g. when the process or
 * worker that imports articles starts.
 */
export function warmUpSuggester(): void {
  scoreWithModel('Warm-up: 3 sentences were read on Monday, the server said.');
}

/** Suggested claims in article order. */
export function suggestClaims(text: string, options: SuggestOptions = {}): SuggestedClaim[] {
  const threshold = options.threshold ?? DEFAULT_SUGGESTION_THRESHOLD;
  const limit = options.limit ?? MAX_SUGGESTIONS;
  let picked = analyse(text, {}, (score) => score >= threshold).filter((s) => s.boilerplate === null && s.score >= threshold);
  if (picked.length > limit) {
    const keep = new Set(
      [...picked]
        .sort((a, b) => b.score - a.score || a.start - b.start)
        .slice(0, Math.max(0, limit)),
    );
    picked = picked.filter((s) => keep.has(s));
  }
  return picked.map(({ text: t, start, end, score, reasons }) => ({ text: t, start, end, score, reasons: reasons.length > 0 ? reasons : [FALLBACK_REASON] }));
}
