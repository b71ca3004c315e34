/**
 * Claims point into the article with Yjs relative positions, so a correction to the text
 * before, inside or after a claim moves its span with the text instead of leaving stale
 * offsets. The start sticks to the character after it and the end to the character before
 * it, so text typed right at either edge stays outside the claim.
 */
import * as Y from 'yjs';

export interface TextSpan {
  start: number;
  end: number;
}

export interface EncodedAnchor {
  anchorStart: Uint8Array;
  anchorEnd: Uint8Array;
}

/** Anchors for [start, end) of `text`; offsets are clamped to the text. */
export function createAnchor(text: Y.Text, start: number, end: number): EncodedAnchor {
  const length = text.length;
  const s = clamp(Math.trunc(start), 0, length);
  const e = clamp(Math.trunc(end), s, length);
  return {
    anchorStart: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, s, 0)),
    // assoc -1: the end belongs to the character before it; at offset 0 there is none.
    anchorEnd: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, e, e > 0 ? -1 : 0)),
  };
}

/**
 * Current offsets of an anchor in `doc`, or null when the bytes do not decode or point at a
 * type other than the article (data from a foreign client). If the whole span was deleted
 * the result is an empty span where it used to be.
 */
export function resolveAnchor(doc: Y.Doc, text: Y.Text, anchorStart: Uint8Array, anchorEnd: Uint8Array): TextSpan | null {
  const start = resolvePosition(doc, text, anchorStart);
  const end = resolvePosition(doc, text, anchorEnd);
  if (start === null || end === null) return null;
  return { start, end: Math.max(start, end) };
}

function resolvePosition(doc: Y.Doc, text: Y.Text, bytes: Uint8Array): number | null {
  try {
    const absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(bytes), doc);
    if (absolute === null || absolute.type !== text) return null;
    return clamp(absolute.index, 0, text.length);
  } catch {
    return null;
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
