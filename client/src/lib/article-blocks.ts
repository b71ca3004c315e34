/**
 * The article cut for display: paragraphs (each with the blank lines after it, so the
 * paragraphs' texts put together are the article again), each paragraph cut into plain runs
 * and claim highlights. Overlapping claims: the earlier one wins, as one highlight can hold
 * only one claim; a highlight across a paragraph break becomes one per paragraph.
 */
export interface HighlightSpan {
  id: string;
  start: number;
  end: number;
  proposed: boolean;
}

export interface Segment {
  text: string;
  claimId: string | null;
  proposed: boolean;
}

export interface ArticleBlock {
  /** Offset of the paragraph's first character in the article. */
  start: number;
  end: number;
  segments: Segment[];
}

/** Paragraph boundaries: after each run of two or more line breaks. */
function paragraphEnds(text: string): number[] {
  const ends: number[] = [];
  const re = /\n{2,}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) ends.push(m.index + m[0].length);
  if (ends.at(-1) !== text.length) ends.push(text.length);
  return ends;
}

export function articleBlocks(text: string, spans: readonly HighlightSpan[]): ArticleBlock[] {
  const sorted = spans
    .filter((s) => s.end > s.start && s.start >= 0 && s.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  // The highlights that win, as [start, end) runs without overlap.
  const runs: HighlightSpan[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    runs.push(s);
    at = s.end;
  }
  const blocks: ArticleBlock[] = [];
  let from = 0;
  let r = 0;
  for (const end of text.length === 0 ? [] : paragraphEnds(text)) {
    const segments: Segment[] = [];
    let pos = from;
    while (r < runs.length && runs[r]!.start < end) {
      const run = runs[r]!;
      const s = Math.max(run.start, from);
      const e = Math.min(run.end, end);
      if (s > pos) segments.push({ text: text.slice(pos, s), claimId: null, proposed: false });
      segments.push({ text: text.slice(s, e), claimId: run.id, proposed: run.proposed });
      pos = e;
      if (run.end <= end) r++;
      else break; // the highlight goes on in the next paragraph
    }
    if (pos < end) segments.push({ text: text.slice(pos, end), claimId: null, proposed: false });
    blocks.push({ start: from, end, segments });
    from = end;
  }
  return blocks;
}

/** Index of the block holding `offset` (the last block for the end of the text). */
export function blockAt(blocks: readonly ArticleBlock[], offset: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}
