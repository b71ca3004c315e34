/**
 * Document keys name every Yjs document of a board [D1]:
 *   board/<boardId>                      the board (owners and editors write it)
 *   board/<boardId>/reviewer/<userId>    one reviewer's votes, notes, suggestions (that user writes it)
 *   board/<boardId>/live                 the live review: focus, rounds, timer (the server alone writes it)
 *   board/<boardId>/sealed/<userId>      one reviewer's sealed votes (that user alone reads and writes it)
 * Ids are URL-safe so a key can stand in a y-websocket URL unescaped.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type DocKind = 'board' | 'reviewer' | 'live' | 'sealed';
export type ParsedDocKey =
  | { kind: 'board'; boardId: string }
  | { kind: 'live'; boardId: string }
  | { kind: 'reviewer' | 'sealed'; boardId: string; userId: string };

export const boardDocKey = (boardId: string): string => `board/${boardId}`;
export const reviewerDocKey = (boardId: string, userId: string): string =>
  `board/${boardId}/reviewer/${userId}`;
export const liveDocKey = (boardId: string): string => `board/${boardId}/live`;
export const sealedDocKey = (boardId: string, userId: string): string => `board/${boardId}/sealed/${userId}`;

/**
 * Keys parsed lately: the server parses the key of every frame several times (authority,
 * guards, fan-out), always the same few keys. Bounded: cleared when full. Results are
 * frozen, since they are shared.
 */
const parsed = new Map<string, ParsedDocKey>();
const PARSED_MAX = 4096;

/** Parses a doc key; null for anything that is not exactly one of the shapes above. */
export function parseDocKey(key: string): ParsedDocKey | null {
  const hit = parsed.get(key);
  if (hit) return hit;
  const p = parseFresh(key);
  if (p) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(key, Object.freeze(p));
  }
  return p;
}

function parseFresh(key: string): ParsedDocKey | null {
  if (typeof key !== 'string' || key.length > 200) return null;
  const parts = key.split('/');
  if (parts[0] !== 'board' || !ID_PATTERN.test(parts[1] ?? '')) return null;
  if (parts.length === 2) return { kind: 'board', boardId: parts[1]! };
  if (parts.length === 3 && parts[2] === 'live') return { kind: 'live', boardId: parts[1]! };
  if (parts.length === 4 && (parts[2] === 'reviewer' || parts[2] === 'sealed') && ID_PATTERN.test(parts[3]!)) {
    return { kind: parts[2], boardId: parts[1]!, userId: parts[3]! };
  }
  return null;
}
