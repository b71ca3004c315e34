/**
 * Mutators of a reviewer document (written by its reviewer alone). Same contract as the
 * board mutators: validate, then one transaction with the caller's origin; expected
 * failures are values and write nothing.
 *
 * Votes and notes are plain objects replaced whole, never edited in place: a value in a
 * Y.Map is last-writer-wins, so a vote cast on two devices at once ends as one of the two
 * votes on every replica, never a mix of both.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { reviewerTypes, withoutUndefined } from './docs.js';
import { failure, parseInput, success, type ModelResult } from './result.js';
import {
  EntityIdSchema,
  EpochMsSchema,
  EvidenceSchema,
  EVIDENCE_MAX,
  NOTE_BODY_MAX,
  NoteSchema,
  SuggestionSchema,
  VoteSchema,
  type Note,
  type Suggestion,
  type Vote,
} from './schemas.js';

/** Records (or replaces) this reviewer's vote on a claim. The claim lives in another
 * document, so its existence is the caller's to check. */
export function castVote(doc: Y.Doc, claimId: string, vote: Vote, origin: unknown): ModelResult<Vote> {
  const id = parseInput(EntityIdSchema, claimId, 'claim id');
  if (!id.ok) return id;
  const parsed = parseInput(VoteSchema, vote, 'vote');
  if (!parsed.ok) return parsed;
  const value = withoutUndefined(parsed.value);
  doc.transact(() => reviewerTypes(doc).votes.set(id.value, value), origin);
  return success(value);
}

export function retractVote(doc: Y.Doc, claimId: string, origin: unknown): ModelResult<null> {
  const { votes } = reviewerTypes(doc);
  if (!votes.has(claimId)) return failure('NOT_FOUND', `no vote on claim ${claimId}`);
  doc.transact(() => votes.delete(claimId), origin);
  return success(null);
}

/** A note must say something: a non-blank body, evidence, or both. */
const NewNoteSchema = NoteSchema.omit({ editedAt: true, deleted: true }).refine(
  (n) => n.body.trim().length > 0 || (n.evidence?.length ?? 0) > 0,
  'a note needs a body or evidence',
);

export function addNote(
  doc: Y.Doc,
  noteId: string,
  note: Omit<Note, 'editedAt' | 'deleted'>,
  origin: unknown,
): ModelResult<Note> {
  const id = parseInput(EntityIdSchema, noteId, 'note id');
  if (!id.ok) return id;
  const parsed = parseInput(NewNoteSchema, note, 'note');
  if (!parsed.ok) return parsed;
  const { notes } = reviewerTypes(doc);
  if (notes.has(id.value)) return failure('CONFLICT', `note ${id.value} already exists`);
  const value: Note = withoutUndefined(parsed.value);
  doc.transact(() => notes.set(id.value, value), origin);
  return success(value);
}

export const NoteEditSchema = z
  .object({
    body: z.string().max(NOTE_BODY_MAX).optional(),
    evidence: z.array(EvidenceSchema).max(EVIDENCE_MAX).optional(),
    editedAt: EpochMsSchema,
  })
  .strict();
export type NoteEdit = z.infer<typeof NoteEditSchema>;

export function editNote(doc: Y.Doc, noteId: string, edit: NoteEdit, origin: unknown): ModelResult<Note> {
  const parsed = parseInput(NoteEditSchema, edit, 'note edit');
  if (!parsed.ok) return parsed;
  const { notes } = reviewerTypes(doc);
  const current = NoteSchema.safeParse(notes.get(noteId));
  if (!current.success || current.data.deleted === true) return failure('NOT_FOUND', `note ${noteId} not found`);
  const next: Note = withoutUndefined({ ...current.data, ...withoutUndefined(parsed.value) });
  if (next.body.trim().length === 0 && (next.evidence?.length ?? 0) === 0) {
    return failure('BAD_REQUEST', 'a note needs a body or evidence');
  }
  doc.transact(() => notes.set(noteId, next), origin);
  return success(next);
}

/**
 * Deletes a note as a tombstone: body and evidence are erased, the entry stays so that
 * replies keep their parent and exports can show "deleted".
 */
export function deleteNote(doc: Y.Doc, noteId: string, at: number, origin: unknown): ModelResult<null> {
  const when = parseInput(EpochMsSchema, at, 'time');
  if (!when.ok) return when;
  const { notes } = reviewerTypes(doc);
  const current = NoteSchema.safeParse(notes.get(noteId));
  if (!current.success) return failure('NOT_FOUND', `note ${noteId} not found`);
  const { claimId, replyTo, at: createdAt } = current.data;
  const tombstone: Note = withoutUndefined({ claimId, replyTo, at: createdAt, body: '', deleted: true, editedAt: when.value });
  doc.transact(() => notes.set(noteId, tombstone), origin);
  return success(null);
}

/** Proposes a claim (from a text selection) for an editor to accept or reject. */
export function proposeClaim(
  doc: Y.Doc,
  suggestionId: string,
  suggestion: Omit<Suggestion, 'withdrawn'>,
  origin: unknown,
): ModelResult<Suggestion> {
  const id = parseInput(EntityIdSchema, suggestionId, 'suggestion id');
  if (!id.ok) return id;
  const parsed = parseInput(SuggestionSchema.omit({ withdrawn: true }), suggestion, 'suggestion');
  if (!parsed.ok) return parsed;
  const { suggestions } = reviewerTypes(doc);
  if (suggestions.has(id.value)) return failure('CONFLICT', `suggestion ${id.value} already exists`);
  const value: Suggestion = withoutUndefined(parsed.value);
  doc.transact(() => suggestions.set(id.value, value), origin);
  return success(value);
}

export function withdrawSuggestion(doc: Y.Doc, suggestionId: string, origin: unknown): ModelResult<null> {
  const { suggestions } = reviewerTypes(doc);
  const current = SuggestionSchema.safeParse(suggestions.get(suggestionId));
  if (!current.success) return failure('NOT_FOUND', `suggestion ${suggestionId} not found`);
  doc.transact(() => suggestions.set(suggestionId, { ...current.data, withdrawn: true }), origin);
  return success(null);
}
