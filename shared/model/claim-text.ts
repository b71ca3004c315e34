/**
 * Editing a claim's text. The anchor follows the edit: when the new text is a passage of
 * the article (the editor trimmed the claim to the words that matter, or widened it), the
 * claim is anchored to that passage — the occurrence nearest to where it stood. A reworded
 * claim that is not in the article keeps its anchors, and a merged claim its part anchors.
 */
import type * as Y from 'yjs';
import { createAnchor } from './anchors.js';
import { boardTypes, claimMap } from './docs.js';
import { readClaim } from './read-board.js';
import { failure, parseInput, success, type ModelResult } from './result.js';
import { ClaimTextSchema } from './schemas.js';

export function editClaimText(doc: Y.Doc, id: string, text: string, origin: unknown): ModelResult<{ anchored: boolean }> {
  const parsed = parseInput(ClaimTextSchema, text, 'claim text');
  if (!parsed.ok) return parsed;
  const types = boardTypes(doc);
  const map = claimMap(types, id);
  const claim = readClaim(doc, id, types);
  if (map === undefined || claim === null) return failure('NOT_FOUND', `claim ${id} not found`);
  const article = types.article.toString();
  const at = claim.partAnchors === undefined ? nearestOccurrence(article, parsed.value, claim.span?.start ?? 0) : -1;
  doc.transact(() => {
    map.set('text', parsed.value);
    if (at >= 0) {
      const anchor = createAnchor(types.article, at, at + parsed.value.length);
      map.set('anchorStart', anchor.anchorStart);
      map.set('anchorEnd', anchor.anchorEnd);
    }
  }, origin);
  return success({ anchored: at >= 0 });
}

function nearestOccurrence(haystack: string, needle: string, near: number): number {
  let best = -1;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
    if (best < 0 || Math.abs(i - near) < Math.abs(best - near)) best = i;
  }
  return best;
}
