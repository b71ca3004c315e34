/**
 * Linguistic cues of a sentence, each with the words that show it: what a fact-checker looks
 * for (numbers, dates, money, named sources, attribution) and what argues against checking
 * (questions, hedges, opinion, first person, predictions). They are features of the model
 * and, with the model's weight, the reasons shown to editors.
 */
import type { Parsed, Token } from './nlp.js';

export interface Cue {
  /** Stable feature name: part of the model's hashed feature space. */
  name: string;
  /** What an editor reads: "a number: 7,000". */
  reason: string;
}

const REPORTING_VERBS = new Set([
  'said', 'says', 'say', 'told', 'tells', 'tell', 'reported', 'reports', 'announced', 'announces',
  'stated', 'states', 'claimed', 'claims', 'estimated', 'estimates', 'confirmed', 'confirms',
  'denied', 'denies', 'testified', 'concluded', 'found', 'finds', 'showed', 'shows', 'revealed',
  'reveals', 'acknowledged', 'admitted', 'insisted', 'warned', 'noted', 'added', 'wrote',
  'argued', 'disclosed', 'alleged', 'alleges', 'discovered', 'determined', 'indicated',
  'predicted', 'cited', 'according', 'explained', 'replied', 'responded', 'countered',
]);
const HEDGES = new Set(['may', 'might', 'could', 'perhaps', 'possibly', 'probably', 'maybe', 'seems', 'seem', 'appears', 'appear', 'likely', 'unlikely', 'allegedly', 'reportedly', 'apparently', 'suggests', 'suggest']);
const OBLIGATION = new Set(['should', 'must', 'ought', 'need', 'needs', 'shall']);
const FUTURE = new Set(['will', 'wo', "'ll", 'going', 'gonna']);
const FIRST_PERSON = new Set(['i', 'me', 'my', 'mine', 'we', 'us', 'our', 'ours', 'myself', 'ourselves']);
const SECOND_PERSON = new Set(['you', 'your', 'yours', 'yourself']);
const OPINION = new Set([
  'think', 'believe', 'feel', 'hope', 'wish', 'want', 'love', 'hate', 'wonderful', 'terrible',
  'great', 'awful', 'amazing', 'horrible', 'disgrace', 'shameful', 'proud', 'beautiful',
  'ridiculous', 'absurd', 'deserve', 'deserves', 'sad', 'happy', 'glad', 'pleased', 'thank',
  'incredible', 'fantastic', 'tremendous', 'wrong', 'right', 'best', 'worst', 'clearly', 'obviously',
]);
const CHANGE = new Set([
  'rose', 'risen', 'fell', 'fallen', 'increased', 'decreased', 'doubled', 'tripled', 'halved',
  'grew', 'grown', 'dropped', 'declined', 'climbed', 'surged', 'soared', 'plunged', 'jumped',
  'cut', 'raised', 'lowered', 'reduced', 'expanded', 'shrank', 'rises', 'falls', 'increases',
  'decreases', 'grows', 'drops', 'declines',
]);
const COMPARISON = new Set(['more', 'most', 'less', 'least', 'fewer', 'than', 'record', 'largest', 'biggest', 'highest', 'lowest', 'smallest', 'first', 'only', 'never', 'ever', 'deadliest', 'longest', 'fastest', 'worst', 'best']);
const ORG_WORDS = new Set([
  'department', 'ministry', 'agency', 'university', 'institute', 'bureau', 'commission',
  'council', 'association', 'bank', 'organization', 'organisation', 'office', 'committee',
  'court', 'company', 'corporation', 'corp', 'corp.', 'inc', 'inc.', 'ltd', 'ltd.', 'party',
  'parliament', 'congress', 'senate', 'assembly', 'service', 'board', 'fund', 'foundation',
  'center', 'centre', 'police', 'army', 'government', 'administration', 'authority', 'group',
  'reuters', 'bloomberg',
]);
const LINK_WORDS = new Set(['here', 'below', 'above', 'link', 'click']);
const PRONOUN_SUBJECTS = new Set(['it', 'he', 'she', 'they', 'we', 'i', 'you', 'who', 'which', 'that']);

const DATE_TYPES = new Set(['DATE']);
const YEAR = /\b(?:1[5-9]|20)\d{2}\b/;

/** Whitespace other than single spaces. */
const UNUSUAL_SPACE = /[^\S ]| {2}/;

function clip(text: string): string {
  const t = (UNUSUAL_SPACE.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
  return t.length <= 40 ? t : `${t.slice(0, 39)}…`;
}

/** Words that may join two proper nouns into one name ("Department of Homeland Security"). */
const isNameJoiner = (normal: string): boolean => normal === 'of' || normal === '&';

/** A run of proper nouns (with "of", "&" inside) around token i: "U.S. Department of Homeland Security". */
function properRun(tokens: Token[], i: number): { first: number; last: number } | null {
  if (tokens[i]?.pos !== 'PROPN') return null;
  let first = i;
  let last = i;
  while (first > 0 && (tokens[first - 1]!.pos === 'PROPN' || (isNameJoiner(tokens[first - 1]!.normal) && tokens[first - 2]?.pos === 'PROPN'))) first--;
  while (last + 1 < tokens.length && (tokens[last + 1]!.pos === 'PROPN' || (isNameJoiner(tokens[last + 1]!.normal) && tokens[last + 2]?.pos === 'PROPN'))) last++;
  return { first, last };
}

function spanText(tokens: Token[], first: number, last: number): string {
  return tokens.slice(first, last + 1).map((t) => t.value).join(' ').replace(/\s+([,.%'])/g, '$1').replace(/\$\s+/g, '$');
}

/** The subject of a reporting verb at index v: a named run, a noun phrase head, or a pronoun. */
function reportingSubject(tokens: Token[], v: number): { text: string; named: boolean } | null {
  // "according to X"
  if (tokens[v]!.normal === 'according' && tokens[v + 1]?.normal === 'to') {
    for (let j = v + 2; j < Math.min(tokens.length, v + 8); j++) {
      const run = properRun(tokens, j);
      if (run) return { text: spanText(tokens, run.first, run.last), named: true };
      if (tokens[j]!.pos === 'NOUN') return { text: spanText(tokens, v + 2, j), named: false };
    }
    return null;
  }
  // A passive or modal form ("can be found", "was reported") has no speaker to check.
  const before = tokens[v - 1];
  if (before && (before.pos === 'AUX' || before.pos === 'PART') && ['be', 'is', 'are', 'was', 'were', 'been', 'being', 'can', 'could', 'to'].includes(before.normal)) return null;
  // "X said", "X, a spokesman, said": look back a few tokens.
  for (let j = v - 1; j >= Math.max(0, v - 6); j--) {
    const t = tokens[j]!;
    if (t.pos === 'VERB') break;
    const run = properRun(tokens, j);
    if (run) return { text: spanText(tokens, run.first, run.last), named: true };
    if (t.pos === 'PRON' && PRONOUN_SUBJECTS.has(t.normal)) return { text: t.value, named: false };
    if (t.pos === 'NOUN') return { text: t.value, named: false };
  }
  // Inverted: "…, said Amazon." / "…, officials said".
  for (let j = v + 1; j < Math.min(tokens.length, v + 3); j++) {
    const run = properRun(tokens, j);
    if (run) return { text: spanText(tokens, run.first, run.last), named: true };
    if (tokens[j]!.pos === 'NOUN') return { text: tokens[j]!.value, named: false };
  }
  return null;
}

/** The first token whose normal form is in `set`. */
function firstIn(tokens: Token[], set: Set<string>): Token | undefined {
  for (const t of tokens) if (set.has(t.normal)) return t;
  return undefined;
}

/** Cues that name something specific to check; a sentence with none of them gets "nothing-specific". */
const SPECIFIC = ['percent', 'money', 'number', 'date-specific', 'attributed-named', 'named-organisation', 'named-multiword', 'named'];

/** The cues of one parsed sentence; `text` is the sentence as written. */
export function cuesOf(text: string, { tokens, entities }: Parsed): Cue[] {
  const cues: Cue[] = [];
  const seen = new Set<string>();
  const add = (name: string, reason: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    cues.push({ name, reason });
  };

  const inEntity = new Uint8Array(tokens.length);
  for (const e of entities) {
    for (let i = e.first; i <= e.last; i++) inEntity[i] = 1;
    const v = clip(e.value);
    switch (e.type) {
      case 'PERCENT': add('percent', `a percentage: ${v}`); break;
      case 'MONEY': add('money', `an amount of money: ${v}`); break;
      case 'CARDINAL': if (!/^(?:one|a|an)$/i.test(e.value)) add('number', `a number: ${v}`); break;
      case 'ORDINAL': add('ordinal', `an ordinal: ${v}`); break;
      case 'DURATION': add('duration', `a duration: ${v}`); break;
      case 'TIME': add('time', `a time: ${v}`); break;
      default:
        if (DATE_TYPES.has(e.type)) {
          if (YEAR.test(e.value) || /\d/.test(e.value)) add('date-specific', `a date: ${v}`);
          else add('date-relative', `a date: ${v}`);
        }
    }
  }
  // Numbers wink leaves outside entities ("121/4", "9 million" split oddly).
  tokens.forEach((t, i) => {
    if (inEntity[i] !== 1 && t.type === 'number') {
      if (YEAR.test(t.value) && t.value.length === 4) add('date-specific', `a date: ${t.value}`);
      else add('number', `a number: ${t.value}`);
    }
  });

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (REPORTING_VERBS.has(t.normal) && (t.pos === 'VERB' || t.normal === 'according')) {
      const subject = reportingSubject(tokens, i);
      if (subject?.named) add('attributed-named', `attributed to ${clip(subject.text)}`);
      else if (subject) add('attributed', `attributed: “${clip(subject.text)} ${t.value}”`);
    }
  }

  // Named people, organisations and places: proper-noun runs not at the start of the sentence
  // alone (a capitalised first word is not a name), organisations by their head word or an acronym.
  for (let i = 0; i < tokens.length; i++) {
    const run = properRun(tokens, i);
    if (!run) continue;
    const words = tokens.slice(run.first, run.last + 1);
    const name = spanText(tokens, run.first, run.last);
    if (words.some((w) => ORG_WORDS.has(w.normal) || /^[A-Z][A-Z&.]{1,6}$/.test(w.value))) add('named-organisation', `names an organisation: ${clip(name)}`);
    else if (words.length >= 2) add('named-multiword', `names ${clip(name)}`);
    else if (run.first > 0) add('named', `names ${clip(name)}`);
    i = run.last;
  }

  const hedge = firstIn(tokens, HEDGES);
  if (hedge) add('hedge', `hedged: “${hedge.value}”`);
  const obligation = tokens.find((t) => OBLIGATION.has(t.normal) && (t.pos === 'AUX' || t.pos === 'VERB'));
  if (obligation) add('obligation', `a call to action: “${obligation.value}”`);
  const future = tokens.find((t) => FUTURE.has(t.normal) && t.pos === 'AUX');
  if (future) add('future', `a prediction: “${future.value}”`);
  const first = tokens.find((t) => FIRST_PERSON.has(t.normal) && t.pos === 'PRON');
  if (first) add('first-person', `first person: “${first.value}”`);
  const second = firstIn(tokens, SECOND_PERSON);
  if (second) add('second-person', `addresses the reader: “${second.value}”`);
  const opinion = firstIn(tokens, OPINION);
  if (opinion) add('opinion', `opinion: “${opinion.value}”`);
  const change = firstIn(tokens, CHANGE);
  if (change) add('change', `a change: “${change.value}”`);
  const comparison = tokens.find((t) => COMPARISON.has(t.normal) || (t.pos === 'ADJ' && /.{3}est$/.test(t.normal)));
  if (comparison) add('comparison', `a comparison: “${comparison.value}”`);
  if (tokens.some((t) => LINK_WORDS.has(t.normal)) && /\b(?:here|below|above|link|click)\b/i.test(text)) add('link', 'points to a link');
  const trimmed = text.trim();
  if (/\?[”"’')\]]*$/.test(trimmed)) add('question', 'a question');
  if (/[“”"]/.test(trimmed)) add('quotation', 'a quotation');
  if (!/[.!?:;…][”"’')\]]*$/.test(trimmed)) add('no-final-punctuation', 'a headline or fragment');
  if (tokens.some((t) => t.normal === 'not' || t.normal === 'no' || t.normal === 'never')) add('negation', 'a negation');
  const past = tokens.find((t) => t.pos === 'VERB' && /ed$/.test(t.normal)) ?? tokens.find((t) => t.pos === 'AUX' && ['was', 'were', 'had'].includes(t.normal));
  if (past) add('past', `reports something that happened: “${past.value}”`);

  let words = 0;
  for (const t of tokens) if (t.type === 'word' || t.type === 'number') words++;
  if (words < 5) add('len-short', 'too short to check');
  else if (words < 10) add('len-10', 'a short sentence');
  else if (words < 25) add('len-25', 'a medium-length sentence');
  else add('len-long', 'a long sentence');

  if (!SPECIFIC.some((n) => seen.has(n))) add('nothing-specific', 'nothing specific to check: no number, date, name or source');
  return cues;
}
