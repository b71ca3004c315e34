/**
 * Typed handles on the shared types of each document. Getting a root type creates it if
 * missing, which is harmless: every replica creates the same named root, and it holds no
 * content until someone writes.
 */
import * as Y from 'yjs';
import { BOARD, REVIEWER } from './layout.js';

export interface BoardTypes {
  meta: Y.Map<unknown>;
  article: Y.Text;
  /** Values should be Y.Maps; a foreign client may have written anything. */
  claims: Y.Map<unknown>;
  decisions: Y.Map<unknown>;
}

export interface ReviewerTypes {
  votes: Y.Map<unknown>;
  notes: Y.Map<unknown>;
  suggestions: Y.Map<unknown>;
}

export function boardTypes(doc: Y.Doc): BoardTypes {
  return {
    meta: doc.getMap(BOARD.meta),
    article: doc.getText(BOARD.article),
    claims: doc.getMap(BOARD.claims),
    decisions: doc.getMap(BOARD.decisions),
  };
}

export function reviewerTypes(doc: Y.Doc): ReviewerTypes {
  return {
    votes: doc.getMap(REVIEWER.votes),
    notes: doc.getMap(REVIEWER.notes),
    suggestions: doc.getMap(REVIEWER.suggestions),
  };
}

/** The claim's Y.Map, or undefined when absent or not a Y.Map (foreign data). */
export function claimMap(types: BoardTypes, id: string): Y.Map<unknown> | undefined {
  const value = types.claims.get(id);
  return value instanceof Y.Map ? value : undefined;
}

/** Removes keys whose value is undefined: Yjs would store them as explicit undefined. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}
