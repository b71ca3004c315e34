/**
 * Hand-written parsers for the two entries that come in tens of thousands (votes and
 * notes), used by the readers on hot paths such as exports. Each accepts exactly what its
 * zod schema accepts and returns the same value without unknown keys (and without keys
 * whose value is undefined); tests/property/fast-parse.test.ts checks that equivalence on
 * generated input. Mutators keep using the zod schemas for their error messages.
 */
import {
  ENTITY_ID_PATTERN,
  EVIDENCE_MAX,
  EvidenceSchema,
  NOTE_BODY_MAX,
  RATIONALE_MAX,
  type Evidence,
  type Note,
  type Vote,
} from './schemas.js';

const EPOCH_MS_MAX = 8.64e15;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEpochMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= EPOCH_MS_MAX;
const isEntityId = (v: unknown): v is string => typeof v === 'string' && ENTITY_ID_PATTERN.test(v);

/** Same acceptance as VoteSchema. */
export function parseVote(value: unknown): Vote | null {
  return parseVoteAs(value, undefined);
}

/** A vote with its claim id as the first key: one object shape for the readers' output. */
export function parseVoteEntry(claimId: string, value: unknown): (Vote & { claimId: string }) | null {
  return parseVoteAs(value, claimId) as (Vote & { claimId: string }) | null;
}

function parseVoteAs(value: unknown, claimId: string | undefined): Vote | null {
  if (!isRecord(value)) return null;
  const { rating, confidence, rationale, reason, at } = value;
  if (!(rating === 1 || rating === 2 || rating === 3 || rating === 4 || rating === 5 || rating === 'unverifiable')) return null;
  if (!(confidence === 'low' || confidence === 'medium' || confidence === 'high')) return null;
  if (rationale !== undefined && (typeof rationale !== 'string' || rationale.length > RATIONALE_MAX)) return null;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > RATIONALE_MAX)) return null;
  if (!isEpochMs(at)) return null;
  const vote: Vote & { claimId?: string } = claimId === undefined ? { rating, confidence, at } : { claimId, rating, confidence, at };
  if (rationale !== undefined) vote.rationale = rationale;
  if (reason !== undefined) vote.reason = reason;
  return vote;
}

/** Same acceptance as NoteSchema; evidence items (rare) go through EvidenceSchema itself. */
export function parseNote(value: unknown): Note | null {
  return parseNoteAs(value, undefined);
}

/** A note with its id as the first key. */
export function parseNoteEntry(id: string, value: unknown): (Note & { id: string }) | null {
  return parseNoteAs(value, id) as (Note & { id: string }) | null;
}

function parseNoteAs(value: unknown, id: string | undefined): Note | null {
  if (!isRecord(value)) return null;
  const { claimId, body, replyTo, evidence, at, editedAt, deleted } = value;
  if (!isEntityId(claimId)) return null;
  if (typeof body !== 'string' || body.length > NOTE_BODY_MAX) return null;
  if (replyTo !== undefined && !isEntityId(replyTo)) return null;
  if (!isEpochMs(at)) return null;
  if (editedAt !== undefined && !isEpochMs(editedAt)) return null;
  if (deleted !== undefined && typeof deleted !== 'boolean') return null;
  let parsedEvidence: Evidence[] | undefined;
  if (evidence !== undefined) {
    if (!Array.isArray(evidence) || evidence.length > EVIDENCE_MAX) return null;
    parsedEvidence = [];
    for (const item of evidence) {
      const parsed = EvidenceSchema.safeParse(item);
      if (!parsed.success) return null;
      parsedEvidence.push(withoutUndefinedTitle(parsed.data));
    }
  }
  const note: Note & { id?: string } = id === undefined ? { claimId, body, at } : { id, claimId, body, at };
  if (replyTo !== undefined) note.replyTo = replyTo;
  if (parsedEvidence !== undefined) note.evidence = parsedEvidence;
  if (editedAt !== undefined) note.editedAt = editedAt;
  if (deleted !== undefined) note.deleted = deleted;
  return note;
}

function withoutUndefinedTitle(e: Evidence): Evidence {
  return e.title === undefined ? { url: e.url, stance: e.stance } : { url: e.url, title: e.title, stance: e.stance };
}
