/** The article cut into paragraphs and highlights for the virtualised article view. */
import { describe, expect, it } from 'vitest';
import { articleBlocks, blockAt } from '../../client/src/lib/article-blocks.js';

const span = (id: string, start: number, end: number, proposed = false) => ({ id, start, end, proposed });
const joined = (blocks: ReturnType<typeof articleBlocks>) => blocks.map((b) => b.segments.map((s) => s.text).join('')).join('');

describe('articleBlocks', () => {
  it('cuts after each blank line, keeping the breaks, so the blocks put together are the article', () => {
    const text = 'One. Two.\n\nThree.\n\n\nFour.\nFive.';
    const blocks = articleBlocks(text, []);
    expect(blocks.map((b) => text.slice(b.start, b.end))).toEqual(['One. Two.\n\n', 'Three.\n\n\n', 'Four.\nFive.']);
    expect(joined(blocks)).toBe(text);
  });

  it('places highlights in their paragraph, the earlier of two overlapping claims winning', () => {
    const text = 'Alpha beta.\n\nGamma delta.';
    const blocks = articleBlocks(text, [span('b', 6, 10), span('a', 0, 11, true), span('c', 13, 18)]);
    expect(blocks[0]!.segments).toEqual([
      { text: 'Alpha beta.', claimId: 'a', proposed: true },
      { text: '\n\n', claimId: null, proposed: false },
    ]);
    expect(blocks[1]!.segments).toEqual([
      { text: 'Gamma', claimId: 'c', proposed: false },
      { text: ' delta.', claimId: null, proposed: false },
    ]);
  });

  it('splits a highlight across a paragraph break into one per paragraph', () => {
    const text = 'First part.\n\nSecond part.';
    const blocks = articleBlocks(text, [span('x', 6, 19)]);
    expect(blocks.flatMap((b) => b.segments.filter((s) => s.claimId === 'x').map((s) => s.text))).toEqual(['part.\n\n', 'Second']);
    expect(joined(blocks)).toBe(text);
  });

  it('drops spans outside the text or empty, and gives no block for an empty article', () => {
    expect(articleBlocks('', [span('x', 0, 3)])).toEqual([]);
    const blocks = articleBlocks('Short.', [span('x', 2, 99), span('y', 3, 3)]);
    expect(blocks[0]!.segments).toEqual([{ text: 'Short.', claimId: null, proposed: false }]);
  });

  it('finds the block of an offset', () => {
    const blocks = articleBlocks('aa\n\nbb\n\ncc', []);
    expect([0, 3, 4, 7, 8, 10].map((o) => blockAt(blocks, o))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('cuts a 2,000-paragraph, 1.9 M-character article in well under the frame budget of a load', () => {
    const para = 'Claim sentence here. ' + 'Filler text. '.repeat(70);
    const text = Array.from({ length: 2000 }, () => para).join('\n\n');
    const spans = Array.from({ length: 2000 }, (_, i) => span(`c${i}`, i * (para.length + 2), i * (para.length + 2) + 20));
    const t = performance.now();
    const blocks = articleBlocks(text, spans);
    const ms = performance.now() - t;
    expect(blocks).toHaveLength(2000);
    expect(blocks.every((b, i) => b.segments[0]!.claimId === `c${i}`)).toBe(true);
    expect(ms).toBeLessThan(250);
  });
});
