/**
 * What a board publishes, beside the reviewers' consensus: the editor's verdict per claim
 * (the board's finding, set by an editor or owner), the claim's speaker, the source
 * article and the publication settings (the publishing organisation, a base URL for fact
 * checks). All of it lives in the board document, so only owners and editors write it (A2).
 *
 * Storage: a claim's Y.Map holds `verdict` (plain object, last writer wins) and `speaker`
 * (string); `meta` holds `source` and `publication`. Readers parse each of these on its own,
 * so a bad verdict written by a foreign client hides that verdict only, never the claim.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { boardTypes, claimMap, withoutUndefined } from './docs.js';
import { failure, parseInput, success, type ModelResult } from './result.js';
import { BoardSourceSchema, EpochMsSchema, EvidenceUrlSchema, ScaleRatingSchema, type BoardSource } from './schemas.js';

/** Google suggests keeping claimReviewed under 75 characters; the preview warns past it. */
export const VERDICT_SUMMARY_MAX = 200;
export const VERDICT_EXPLANATION_MAX = 5_000;
/** Earlier published versions kept per claim; the oldest are dropped past this. */
export const VERDICT_REVISIONS_MAX = 50;
export const SPEAKER_MAX = 200;

/** The board's rating: a point on the scale, or one of two answers off it. */
export const EditorRatingSchema = z.union([ScaleRatingSchema, z.literal('unverifiable'), z.literal('needs-context')]);
export type EditorRating = z.infer<typeof EditorRatingSchema>;

const OneLineSchema = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1).max(max));

/** One version of a verdict, as it stood. */
export const VerdictVersionSchema = z.object({
  rating: EditorRatingSchema,
  /** Short statement of the claim for publication (ClaimReview `claimReviewed`). */
  summary: OneLineSchema(VERDICT_SUMMARY_MAX).optional(),
  explanation: z.string().max(VERDICT_EXPLANATION_MAX),
  /** Where this fact check is published (ClaimReview `url`). */
  url: EvidenceUrlSchema.optional(),
  by: z.string().max(64),
  at: EpochMsSchema,
});
export type VerdictVersion = z.infer<typeof VerdictVersionSchema>;

export const EditorVerdictSchema = VerdictVersionSchema.extend({
  /** Earlier versions that had been published, oldest first (see `setEditorVerdict`). */
  revisions: z.array(VerdictVersionSchema).max(VERDICT_REVISIONS_MAX).optional(),
});
export type EditorVerdict = z.infer<typeof EditorVerdictSchema>;

export const SpeakerSchema = OneLineSchema(SPEAKER_MAX);

/** Only web links: any other scheme in a published URL would be an injection vector. */
export const WebUrlSchema = EvidenceUrlSchema;

/** Who publishes the board's fact checks (ClaimReview `author`). */
export const OrganisationSchema = z.object({
  name: OneLineSchema(200),
  url: WebUrlSchema.optional(),
  logo: WebUrlSchema.optional(),
});
export type Organisation = z.infer<typeof OrganisationSchema>;

export const PublicationSchema = z.object({
  /** Overrides the server's PUBLISHER_NAME / PUBLISHER_URL for this board. */
  organisation: OrganisationSchema.optional(),
  /** A claim without its own published URL gets `<baseUrl>#claim-<id>`. */
  baseUrl: WebUrlSchema.optional(),
});
export type Publication = z.infer<typeof PublicationSchema>;

// ---- readers ----

export function readEditorVerdict(map: Y.Map<unknown>): EditorVerdict | null {
  return EditorVerdictSchema.safeParse(map.get('verdict')).data ?? null;
}

export function readSpeaker(map: Y.Map<unknown>): string | null {
  return SpeakerSchema.safeParse(map.get('speaker')).data ?? null;
}

export function readPublication(doc: Y.Doc): Publication {
  const raw = boardTypes(doc).meta.get('publication');
  if (raw === null || typeof raw !== 'object') return {};
  // Field by field: a bad base URL does not hide the organisation.
  const r = raw as Record<string, unknown>;
  return withoutUndefined({
    organisation: OrganisationSchema.safeParse(r.organisation).data,
    baseUrl: WebUrlSchema.safeParse(r.baseUrl).data,
  });
}

/** True when a verdict could already be out in public: it has a URL, or the board one. */
export function isPublished(verdict: VerdictVersion, publication: Publication): boolean {
  return verdict.url !== undefined || publication.baseUrl !== undefined;
}

// ---- mutators ----

export const SetVerdictSchema = VerdictVersionSchema.omit({ by: true, at: true }).extend({
  by: z.string().max(64),
  at: EpochMsSchema,
});
export type SetVerdictInput = z.input<typeof SetVerdictSchema>;

/**
 * Sets the editor's verdict on a claim. When the verdict it replaces was published
 * (`isPublished`) and differs, that version is appended to `revisions`, so a change after
 * publication stays on record.
 */
export function setEditorVerdict(doc: Y.Doc, claimId: string, input: SetVerdictInput, origin: unknown): ModelResult<EditorVerdict> {
  const parsed = parseInput(SetVerdictSchema, input, 'verdict');
  if (!parsed.ok) return parsed;
  const map = claimMap(boardTypes(doc), claimId);
  if (map === undefined) return failure('NOT_FOUND', `claim ${claimId} not found`);
  const previous = readEditorVerdict(map);
  const next: VerdictVersion = withoutUndefined(parsed.value);
  let revisions = previous?.revisions ?? [];
  if (previous !== null && isPublished(previous, readPublication(doc)) && changed(previous, next)) {
    const { revisions: _older, ...was } = previous;
    revisions = [...revisions, was].slice(-VERDICT_REVISIONS_MAX);
  }
  const verdict: EditorVerdict = revisions.length > 0 ? { ...next, revisions } : next;
  doc.transact(() => map.set('verdict', verdict), origin);
  return success(verdict);
}

/** Removes a claim's verdict (it leaves the ClaimReview export). Its history goes with it. */
export function clearEditorVerdict(doc: Y.Doc, claimId: string, origin: unknown): ModelResult<null> {
  const map = claimMap(boardTypes(doc), claimId);
  if (map === undefined) return failure('NOT_FOUND', `claim ${claimId} not found`);
  if (map.has('verdict')) doc.transact(() => map.delete('verdict'), origin);
  return success(null);
}

/** Sets (or with null, clears) who made the claim (ClaimReview `itemReviewed.author`). */
export function setClaimSpeaker(doc: Y.Doc, claimId: string, speaker: string | null, origin: unknown): ModelResult<null> {
  const map = claimMap(boardTypes(doc), claimId);
  if (map === undefined) return failure('NOT_FOUND', `claim ${claimId} not found`);
  if (speaker === null || speaker.trim() === '') {
    if (map.has('speaker')) doc.transact(() => map.delete('speaker'), origin);
    return success(null);
  }
  const parsed = parseInput(SpeakerSchema, speaker, 'speaker');
  if (!parsed.ok) return parsed;
  doc.transact(() => map.set('speaker', parsed.value), origin);
  return success(null);
}

/** Replaces the publication settings as a whole (absent fields are cleared). */
export function setPublication(doc: Y.Doc, input: Publication, origin: unknown): ModelResult<Publication> {
  const parsed = parseInput(PublicationSchema, input, 'publication');
  if (!parsed.ok) return parsed;
  const value = withoutUndefined(parsed.value);
  doc.transact(() => boardTypes(doc).meta.set('publication', value), origin);
  return success(value);
}

function changed(a: VerdictVersion, b: VerdictVersion): boolean {
  return a.rating !== b.rating || a.summary !== b.summary || a.explanation !== b.explanation || a.url !== b.url;
}

/** Sets the source article's details (replacing them as a whole; empty fields are cleared). */
export function setBoardSource(doc: Y.Doc, input: BoardSource, origin: unknown): ModelResult<BoardSource> {
  const cleaned = Object.fromEntries(
    Object.entries(input ?? {}).filter(([, v]) => !(v === undefined || (typeof v === 'string' && v.trim() === ''))),
  );
  const parsed = parseInput(BoardSourceSchema.strict(), cleaned, 'source');
  if (!parsed.ok) return parsed;
  const value = withoutUndefined(parsed.value);
  doc.transact(() => boardTypes(doc).meta.set('source', value), origin);
  return success(value);
}
