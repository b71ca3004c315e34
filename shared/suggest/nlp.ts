/**
 * The English pipeline of wink-nlp (tokens, universal parts of speech, and its rule-based
 * entities: dates, times, durations, numbers, ordinals, money, percentages). Loaded once per
 * process on first use (about 0.3 s): the suggester is server-side only and must never be
 * imported by the client bundle.
 */
import winkNLP, { type ItemEntity } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

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

type Nlp = ReturnType<typeof winkNLP>;
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
  return (nlp ??= winkNLP(model, ['pos', 'ner']));
}

/** Tokens and entities of one sentence. */
export function parse(sentence: string): Parsed {
  const engine = getNlp();
  const its = engine.its;
  const doc = engine.readDoc(sentence);
  const values = doc.tokens().out(its.value) as string[];
  tokensRead += values.length;
  const normals = doc.tokens().out(its.normal) as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  const types = doc.tokens().out(its.type) as string[];
  const tokens: Token[] = values.map((value, i) => ({ value, normal: normals[i] ?? value, pos: pos[i] ?? 'X', type: types[i] ?? 'word' }));
  const entities: Entity[] = [];
  doc.entities().each((e: ItemEntity) => {
    const [first, last] = e.out(its.span) as unknown as [number, number];
    entities.push({ type: e.out(its.type) as string, value: e.out() as string, first, last });
  });
  return { tokens, entities };
}
