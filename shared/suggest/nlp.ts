/**
 * The English pipeline of wink-nlp (tokens, universal parts of speech, and its rule-based
 * entities: dates, times, durations, numbers, ordinals, money, percentages). Server-side
 * only, like all of shared/suggest/: never imported by the client bundle.
 *
 * Loaded on first use, not on import: requiring the English model alone takes 0.6 s, which
 * every server start and every process that merely imports a constant from here would pay.
 * Hence the one Node API of shared/ (createRequire), for a synchronous lazy load.
 */
import { createRequire } from 'node:module';
import type winkNLPType from 'wink-nlp';
import type modelType from 'wink-eng-lite-web-model';

const require = createRequire(import.meta.url);

export interface Token {
  /** As written. */
  value: string;
  /** Lower case, with contractions and spellings normalised by wink ("n't" → "not"). */
  normal: string;
  /** Universal POS tag: NOUN, PROPN, VERB, AUX, NUM, ADJ, PRON, … */
  pos: string;
  /** wink's token type: word, number, punctuation, symbol, url, email, … */
  type: string;
}

export interface Entity {
  type: string;
  value: string;
  /** Token indices, inclusive. */
  first: number;
  last: number;
}

export interface Parsed {
  tokens: Token[];
  entities: Entity[];
}

type Nlp = ReturnType<typeof winkNLPType>;
let nlp: Nlp | undefined;
let tokensRead = 0;

/**
 * wink-nlp adds every out-of-vocabulary word it reads to its instance's lexicon, and never
 * forgets: memory grows with all the text a server has ever imported, and the tokenisation
 * of a rare word can change once the word is known ("Donald's" one token or two). A fresh
 * instance after this many tokens bounds both; it costs one model load (~0.3 s).
 */
const RECYCLE_AFTER_TOKENS = 2_000_000;

function getNlp(): Nlp {
  if (tokensRead > RECYCLE_AFTER_TOKENS) {
    nlp = undefined;
    tokensRead = 0;
  }
  if (nlp === undefined) {
    const winkNLP = require('wink-nlp') as typeof winkNLPType;
    const model = require('wink-eng-lite-web-model') as typeof modelType;
    nlp = winkNLP(model, ['pos', 'ner']);
  }
  return nlp;
}

/** Tokens and entities of one sentence. */
export function parse(sentence: string): Parsed {
  return parseParts(sentence, [{ start: 0, end: sentence.length }])[0]!;
}

/**
 * Tokens and entities of each part (a sentence) of `text` (a paragraph), from one pass of
 * the pipeline over the whole text: wink's cost is mostly per document, so a paragraph at a
 * time is about twice as fast as a sentence at a time. Parts are ordered, disjoint ranges; a
 * token belongs to the part it starts in, an entity to the part of its first token (cut at
 * the part's end). Tokens outside every part are dropped.
 */
export function parseParts(text: string, parts: readonly { start: number; end: number }[]): Parsed[] {
  const engine = getNlp();
  const its = engine.its;
  const doc = engine.readDoc(text);
  const all = doc.tokens();
  const values = all.out(its.value) as string[];
  tokensRead += values.length;
  const spaces = all.out(its.precedingSpaces) as string[];
  // Where each token starts in `text`; wink keeps the text and its spacing, but if a token
  // cannot be found where expected, fall back to one document per part.
  const starts: number[] = [];
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    at += spaces[i]?.length ?? 0;
    if (!text.startsWith(values[i]!, at)) {
      const found = text.indexOf(values[i]!, at);
      if (found === -1 || parts.length === 1) return parts.length === 1 ? [wholeDoc(values, doc, its)] : parts.map((p) => parse(text.slice(p.start, p.end)));
      at = found;
    }
    starts.push(at);
    at += values[i]!.length;
  }
  const normals = all.out(its.normal) as string[];
  const pos = all.out(its.pos) as string[];
  const types = all.out(its.type) as string[];
  const out: Parsed[] = parts.map(() => ({ tokens: [], entities: [] }));
  // Token index → (part, index within the part), or -1.
  const partOf = new Int32Array(values.length).fill(-1);
  const indexIn = new Int32Array(values.length);
  let p = 0;
  for (let i = 0; i < values.length; i++) {
    while (p < parts.length && starts[i]! >= parts[p]!.end) p++;
    if (p === parts.length) break;
    if (starts[i]! < parts[p]!.start) continue;
    partOf[i] = p;
    indexIn[i] = out[p]!.tokens.length;
    out[p]!.tokens.push({ value: values[i]!, normal: normals[i] ?? values[i]!, pos: pos[i] ?? 'X', type: types[i] ?? 'word' });
  }
  const ents = doc.entities();
  const spans = ents.out(its.span) as unknown as [number, number][];
  const kinds = ents.out(its.type) as string[];
  spans.forEach(([first, last], k) => {
    const part = partOf[first]!;
    if (part === -1) return;
    let end = last;
    while (end > first && partOf[end] !== part) end--;
    out[part]!.entities.push({
      type: kinds[k]!,
      value: text.slice(starts[first]!, starts[end]! + values[end]!.length),
      first: indexIn[first]!,
      last: indexIn[end]!,
    });
  });
  return out;
}

/** The whole document as one part, entities as wink writes them. */
function wholeDoc(values: string[], doc: ReturnType<Nlp['readDoc']>, its: Nlp['its']): Parsed {
  const all = doc.tokens();
  const normals = all.out(its.normal) as string[];
  const pos = all.out(its.pos) as string[];
  const types = all.out(its.type) as string[];
  const ents = doc.entities();
  const spans = ents.out(its.span) as unknown as [number, number][];
  const kinds = ents.out(its.type) as string[];
  const texts = ents.out() as string[];
  return {
    tokens: values.map((value, i) => ({ value, normal: normals[i] ?? value, pos: pos[i] ?? 'X', type: types[i] ?? 'word' })),
    entities: spans.map(([first, last], k) => ({ type: kinds[k]!, value: texts[k]!, first, last })),
  };
}
