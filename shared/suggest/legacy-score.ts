/**
 * The hand-tuned keyword scorer that the trained model (model.ts) replaced. Kept, unchanged
 * apart from its name, only so tools/suggest/eval.ts can put today's and the model's figures
 * side by side; nothing at run time uses it.
 *
 * Check-worthiness of one sentence: a score in [0, 1] with the reasons behind it, meant to
 * be shown to editors ("percentage (“15%”)", "attribution (“according to”)").
 *
 * Signals of a checkable factual statement each carry a weight w; they combine as
 * 1 − Π(1 − w), so each one adds evidence without the sum passing 1. Signals of opinion,
 * questions, hedging and fragments then scale the result down. The weights were set by
 * hand on the labelled articles in tests/fixtures/suggest/ and are deliberately few and
 * round: this is a transparent first pass for editors, not a trained model.
 */

export interface Scored {
  score: number;
  /** Human-readable, strongest first. */
  reasons: string[];
}

interface Signal {
  reason: string;
  /** Weight of a positive signal, or the factor (< 1) a negative signal multiplies by. */
  weight: number;
  kind: 'for' | 'against';
  /** The matched text, or null when absent. */
  match: (s: string) => string | null;
  /** Whether the reason quotes the match ("percentage (“15%”)") or stands alone ("question"). */
  quote: boolean;
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.';
const WEEKDAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';

const first = (re: RegExp) => (s: string): string | null => re.exec(s)?.[0]?.trim() ?? null;

const PERCENT = /\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b|percentage points?\b)/i;
const MONEY = /(?:[$€£¥]\s?\d(?:[\d,.]*\d)?(?:\s?(?:million|billion|trillion|bn|m)\b)?)|\b\d[\d,.]*\s?(?:million |billion |trillion )?(?:dollars|euros|pounds|yen|yuan|rupees|USD|EUR|GBP)\b/;
const YEAR = /\b(?:1[89]|20)\d{2}\b/;
const FULL_DATE = new RegExp(`\\b(?:(?:${MONTHS})\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|\\d{1,2}\\s+(?:${MONTHS})(?:\\s+\\d{4})?|(?:${MONTHS})\\s+\\d{4}|(?:in|since|until|by|from|between)\\s+(?:1[89]|20)\\d{2})\\b`);
const RELATIVE_DATE = new RegExp(`\\b(?:on\\s+)?(?:${WEEKDAYS})\\b|\\b(?:yesterday|last (?:year|month|week|season|quarter)|this (?:year|month|week)|a year earlier|years? ago)\\b`);
const NUMBER = /\b\d(?:[\d,.]*\d)?(?:st|nd|rd|th)?\b/;
const NUMBER_WORD = /\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|dozens?|hundreds|thousands|millions|billions|half|twice|triple|quarter)\b/i;
const ATTRIBUTION = /\b(?:said|says|told|tells|according to|reported|reports|claimed|estimated|estimates|announced|stated|found|finds|showed|shows|revealed|confirmed|denied|testified|concluded|polled|cited|citing|data from|figures from)\b/i;
const QUOTATION = /[“"][^”"]{12,}[”"]/;
const ORGANISATION = /\b(?:[A-Z][\w&.'-]*\s+)*(?:Department|Ministry|Agency|University|Institute|Bureau|Commission|Council|Association|Bank|Organi[sz]ation|Office|Committee|Court|Company|Corporation|Corp\.|Inc\.|Ltd\.|Party|Parliament|Congress|Senate|Assembly|Service|Board|Fund|Foundation|Cent(?:er|re)|Police|Army|Government|Administration|Authority|Survey|Journal|Group)\b/;
const ACRONYM = /\b(?!I\b|A\b|OK\b|TV\b|AM\b|PM\b)[A-Z][A-Z&]{1,5}\b/;
const TITLE = /\b(?:President|Prime Minister|Minister|Secretary|Senator|Governor|Mayor|Sheriff|Chief|CEO|[Cc]hief executive|spokes(?:man|woman|person)|officials|researchers|scientists|analysts|economists|prosecutors|investigators|authorities|[Cc]aptain|[Mm]anager|Dr\.|Professor)\b/;
const PROPER_NOUN = /(?<=\S\s+)(?:[A-Z][a-z]+(?:\s+(?:&\s+)?[A-Z][a-z]+)+)/;
const COMPARISON = /\b(?:largest|biggest|highest|lowest|smallest|fastest|slowest|strongest|weakest|worst|best|deadliest|oldest|youngest|longest|shortest|richest|poorest|record|first|most|least|more than|less than|fewer(?: than)?|at least|up to|as much as|nearly|almost|roughly|doubled|tripled|halved|quadrupled|rose|fell|climbed|dropped|declined|increased|decreased|grew|surged|soared|plunged|slumped|jumped|raised|cut|previous)\b/i;
const EVENT = /\b(?:killed|died|arrested|charged|convicted|sentenced|elected|won|beat|defeated|passed|approved|signed|banned|launched|closed|opened|founded|destroyed|evacuated?|declared|issued|fired|hired|resigned|appointed|acquired|sued|ruled|funded|built|reached|scored|injured|spent|added|created)\b/i;

const QUESTION = (s: string): string | null => (/\?[”"’')\]]*$/.test(s.trim()) ? '?' : null);
const OPINION = /\b(?:I think|I believe|I feel|I know|I wonder|in my (?:view|opinion)|we must|must|should|ought to|need to|it is time|let's|let us|surely|clearly|obviously|of course|mistaken|wrong|deserves?|remarkable|great|terrible|wonderful|proud|honou?r)\b/i;
const HEDGE = /\b(?:may|might|could|perhaps|possibly|probably|maybe|seems?|appears?|likely|unlikely)\b/i;

function tooShort(s: string): string | null {
  return s.split(/\s+/).filter((w) => /\w/.test(w)).length < 4 ? 'short' : null;
}

const SIGNALS: Signal[] = [
  { reason: 'percentage', weight: 0.6, kind: 'for', quote: true, match: first(PERCENT) },
  { reason: 'money amount', weight: 0.6, kind: 'for', quote: true, match: first(MONEY) },
  { reason: 'number or quantity', weight: 0.5, kind: 'for', quote: true, match: (s) => numberOutsideDates(s) },
  { reason: 'quantity', weight: 0.3, kind: 'for', quote: true, match: first(NUMBER_WORD) },
  { reason: 'specific date', weight: 0.4, kind: 'for', quote: true, match: (s) => first(FULL_DATE)(s) ?? first(YEAR)(s) },
  { reason: 'date', weight: 0.2, kind: 'for', quote: true, match: first(RELATIVE_DATE) },
  { reason: 'attribution', weight: 0.3, kind: 'for', quote: true, match: first(ATTRIBUTION) },
  { reason: 'quotation', weight: 0.15, kind: 'for', quote: false, match: first(QUOTATION) },
  { reason: 'named source or organisation', weight: 0.25, kind: 'for', quote: true, match: (s) => first(ORGANISATION)(s) ?? first(ACRONYM)(s) ?? first(TITLE)(s) },
  { reason: 'named person or place', weight: 0.15, kind: 'for', quote: true, match: properNounOutsideOrganisation },
  { reason: 'comparison or change', weight: 0.3, kind: 'for', quote: true, match: first(COMPARISON) },
  { reason: 'reported event', weight: 0.25, kind: 'for', quote: true, match: first(EVENT) },
  { reason: 'question', weight: 0.35, kind: 'against', quote: false, match: QUESTION },
  { reason: 'opinion or call to action', weight: 0.45, kind: 'against', quote: true, match: first(OPINION) },
  // Dates removed first: the month "May" is not the hedge "may".
  { reason: 'hedged or speculative', weight: 0.7, kind: 'against', quote: true, match: (s) => first(HEDGE)(s.replace(FULL_DATE, ' ')) },
  { reason: 'too short to check', weight: 0.5, kind: 'against', quote: false, match: tooShort },
];

/** A run of capitalised words that is not (part of) the organisation already counted:
 * "the Labor Department" is one named source, not also a named place. */
function properNounOutsideOrganisation(s: string): string | null {
  return first(PROPER_NOUN)(s.replace(new RegExp(ORGANISATION.source, 'g'), ' , '));
}


/** A number that is not just the year or day of a date (those count as dates). */
function numberOutsideDates(s: string): string | null {
  const stripped = s.replace(FULL_DATE, ' ').replace(new RegExp(YEAR.source, 'g'), ' ');
  return first(NUMBER)(stripped);
}

/** Scores one sentence. Deterministic; rounded to 3 decimals so scores compare stably. */
export function legacyScoreSentence(sentence: string): Scored {
  const s = sentence.replace(/\s+/g, ' ').trim();
  let keep = 1;
  let factor = 1;
  const found: { reason: string; weight: number; kind: Signal['kind'] }[] = [];
  // Only the strongest of the number-like signals counts: "$1.8 billion" is money, not
  // also a number and a quantity.
  let numeric = false;
  for (const signal of SIGNALS) {
    const match = signal.match(s);
    if (match === null) continue;
    const isNumeric = signal.reason === 'number or quantity' || signal.reason === 'quantity';
    if (isNumeric && numeric) continue;
    if (signal.kind === 'for') {
      if (signal.reason === 'percentage' || signal.reason === 'money amount' || isNumeric) numeric = true;
      keep *= 1 - signal.weight;
    } else factor *= signal.weight;
    found.push({ reason: signal.quote ? `${signal.reason} (“${clip(match)}”)` : signal.reason, weight: signal.weight, kind: signal.kind });
  }
  const score = Math.round((1 - keep) * factor * 1000) / 1000;
  const reasons = [
    ...found.filter((f) => f.kind === 'for').sort((a, b) => b.weight - a.weight),
    ...found.filter((f) => f.kind === 'against').sort((a, b) => a.weight - b.weight),
  ].map((f) => f.reason);
  return { score, reasons };
}

function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}
