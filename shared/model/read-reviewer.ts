/**
 * Readers for a reviewer document. Entries that fail validation (or sit under a key that
 * is not a valid id) are skipped, so a misbehaving client only loses its own bad entries.
 */
import type * as Y from 'yjs';
import { reviewerTypes } from './docs.js';
import { parseNoteEntry, parseVoteEntry } from './fast-parse.js';
import {
  ENTITY_ID_PATTERN,
  SuggestionSchema,
  type Note,
  type Suggestion,
  type Vote,
} from './schemas.js';

export type VoteEntry = Vote & { claimId: string };
export type NoteEntry = Note & { id: string };
export type SuggestionEntry = Suggestion & { id: string };

export interface ReviewerSnapshot {
  /** Sorted by claim id. */
  votes: VoteEntry[];
  /** Sorted by id. */
  notes: NoteEntry[];
  /** Sorted by id. */
  suggestions: SuggestionEntry[];
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T): number => {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export function readVotes(doc: Y.Doc): VoteEntry[] {
  const out: VoteEntry[] = [];
  for (const [claimId, value] of reviewerTypes(doc).votes.entries()) {
    if (!ENTITY_ID_PATTERN.test(claimId)) continue;
    const vote = parseVoteEntry(claimId, value);
    if (vote !== null) out.push(vote);
  }
  return out.sort(byKey((v) => v.claimId));
}

export function readNotes(doc: Y.Doc): NoteEntry[] {
  const out: NoteEntry[] = [];
  for (const [id, value] of reviewerTypes(doc).notes.entries()) {
    if (!ENTITY_ID_PATTERN.test(id)) continue;
    const note = parseNoteEntry(id, value);
    if (note !== null) out.push(note);
  }
  return out.sort(byKey((n) => n.id));
}

export function readSuggestions(doc: Y.Doc): SuggestionEntry[] {
  const out: SuggestionEntry[] = [];
  for (const [id, value] of reviewerTypes(doc).suggestions.entries()) {
    if (!ENTITY_ID_PATTERN.test(id)) continue;
    const parsed = SuggestionSchema.safeParse(value);
    if (parsed.success) out.push({ ...parsed.data, id });
  }
  return out.sort(byKey((s) => s.id));
}

export function readReviewer(doc: Y.Doc): ReviewerSnapshot {
  return { votes: readVotes(doc), notes: readNotes(doc), suggestions: readSuggestions(doc) };
}
