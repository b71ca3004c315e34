/**
 * Page furniture detected as blocks, not sentence by sentence: the article text is a list of
 * paragraphs (one per line), and furniture comes in whole paragraphs or runs of them, a
 * newsletter box with its "Sign up" button, a "Related" label with the headlines under it, a
 * headline of another story spliced between two paragraphs. A paragraph of furniture is
 * dropped whole, so none of its sentences can be suggested.
 *
 * The article's own headline (the first paragraph, when it reads as one) is kept: it is a
 * claim candidate of its own.
 */
import { boilerplateKind, type BoilerplateKind } from './boilerplate.js';

export type BlockKind = BoilerplateKind | 'related headlines' | 'masthead';

export interface Block {
  text: string;
  start: number;
  end: number;
  /** Null for article text. */
  kind: BlockKind | null;
}

/** A label that introduces other stories ("Related", "More from Tech:", "Most read"). */
const RELATED_LABEL =
  /^(?:related(?: (?:stories|articles|coverage|content|reading|links))?|read more|read next|more from\b.{0,40}|more on (?:this|that)\b.{0,30}|more stories|most read|most popular|recommended(?: for you)?|you may also like|you might also like|also read|see also|trending(?: now)?|top stories|editor'?s picks|what to read next)\s*:?$/i;

const WORD = /[\p{L}\p{N}]+/gu;
/** The number of words of `s`, counted up to `max` (a paragraph's length past that does not matter). */
function wordCount(s: string, max: number): number {
  WORD.lastIndex = 0;
  let n = 0;
  while (n < max && WORD.test(s)) n++;
  return n;
}

/** Ends like a sentence or a clause: no headline does. */
const ENDS_CLAUSE = /[.!?:;…,][”"’')\]]*$/;
/** Most words a headline has; the block rules compare word counts up to this. */
const HEADLINE_MAX_WORDS = 20;

/** Reads as a headline: a few words without the punctuation that ends a sentence. */
function headlineLike(s: string): boolean {
  if (ENDS_CLAUSE.test(s)) return false;
  const n = wordCount(s, HEADLINE_MAX_WORDS + 1);
  return n >= 2 && n <= HEADLINE_MAX_WORDS;
}

/** At most three capitalised words, no digits: a site's name. */
const MASTHEAD = /^(?:The\s+)?\p{Lu}[\p{L}'’&-]*(?:\s+\p{Lu}[\p{L}'’&-]*){0,2}$/u;

/** A headline of another story rather than a subheading: long enough to state something. */
const SPLICED_HEADLINE_MIN_WORDS = 7;
/** Controls that sit next to a plug ("Sign up", "Enter your email"): short, no full stop. */
const CONTROL_MAX_WORDS = 6;
const EXTENDABLE: ReadonlySet<BlockKind> = new Set(['newsletter plug', 'share prompt', 'link prompt', 'related headlines', 'navigation']);

export function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const re = /[^\n]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    blocks.push({ text: trimmed, start: m.index + lead, end: m.index + lead + trimmed.length, kind: null });
  }
  return blocks;
}

export function classifyBlocks(text: string): Block[] {
  const blocks = splitBlocks(text);
  for (const b of blocks) {
    // A whole paragraph that is one piece of furniture ("Sign up for …", "Photo: …").
    const kind = boilerplateKind(b.text);
    if (kind !== null) b.kind = kind;
    else if (RELATED_LABEL.test(b.text)) b.kind = 'related headlines';
  }
  // The site's name above the headline ("Coastline Courier"): a few capitalised words.
  const lead = blocks.findIndex((b) => b.kind === null);
  const next = blocks.findIndex((b, i) => i > lead && b.kind === null);
  if (lead !== -1 && next !== -1 && MASTHEAD.test(blocks[lead]!.text) && headlineLike(blocks[next]!.text)) blocks[lead]!.kind = 'masthead';
  const first = blocks.findIndex((b) => b.kind === null);
  // Whether each block reads as a headline: its text never changes, so it is read once.
  const headline = blocks.map((b) => headlineLike(b.text));
  const isHeadline = (i: number) => i !== first && blocks[i]!.kind === null && headline[i]!;

  // Headlines under a "Related" label belong to it.
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i]!.kind !== 'related headlines') continue;
    for (let j = i + 1; j < blocks.length && isHeadline(j); j++) blocks[j]!.kind = 'related headlines';
  }
  // Two or more headline-like paragraphs in a row, after the article's headline: a list of
  // other stories (or of links), not the article.
  for (let i = 0; i < blocks.length; ) {
    let j = i;
    while (j < blocks.length && isHeadline(j)) j++;
    if (j - i >= 2) for (let k = i; k < j; k++) blocks[k]!.kind = 'related headlines';
    i = Math.max(j, i + 1);
  }
  // One long headline-like paragraph between two paragraphs of prose: another story's
  // headline spliced into this one (a subheading is shorter).
  const prose = (i: number) => blocks[i] !== undefined && blocks[i]!.kind === null && !headline[i]!;
  for (let i = 0; i < blocks.length; i++) {
    if (isHeadline(i) && wordCount(blocks[i]!.text, SPLICED_HEADLINE_MIN_WORDS) >= SPLICED_HEADLINE_MIN_WORDS && i > first + 1 && prose(i - 1) && prose(i + 1)) {
      blocks[i]!.kind = 'related headlines';
    }
  }
  // Short controls next to a plug or a list belong to it ("Sign up", "Enter your email"),
  // and so does a newsletter box's slogan ("Never miss a local story.").
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (b.kind !== null || i === first || wordCount(b.text, CONTROL_MAX_WORDS + 1) > CONTROL_MAX_WORDS) continue;
      const ended = /[.!?…][”"’')\]]*$/.test(b.text);
      const neighbour = [blocks[i - 1], blocks[i + 1]].find((n) => n?.kind != null && EXTENDABLE.has(n.kind) && (!ended || n.kind === 'newsletter plug'));
      if (neighbour) b.kind = neighbour.kind;
    }
  }
  return blocks;
}
