/**
 * Validation schemas for everything the board model stores. Mutators parse their input
 * with these before writing; readers parse what they find and skip entries that fail, so a
 * foreign client (a bot, an old version) that wrote bad data cannot crash a reader.
 *
 * The shapes of votes and notes are a public interface (DESIGN "Public interfaces"):
 * widen them only compatibly. Unknown extra keys are stripped, not rejected, so newer
 * clients may add fields without older readers dropping the whole entry.
 */
import { z } from 'zod';

/** Ids used as Y.Map keys (claims, notes, suggestions): URL-safe like doc-key ids. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const EntityIdSchema = z.string().regex(ENTITY_ID_PATTERN, 'expected an id of [A-Za-z0-9_-]{1,64}');

/** Epoch milliseconds. */
export const EpochMsSchema = z.number().int().nonnegative().max(8.64e15);

export const CLAIM_TEXT_MAX = 5_000;
export const RATIONALE_MAX = 2_000;
export const NOTE_BODY_MAX = 10_000;
export const EVIDENCE_MAX = 20;
export const REASONS_MAX = 20;

// ---- votes ----

/** The ordinal scale of ClaimReview: 1 False … 5 True. */
export const RATING_VALUES = [1, 2, 3, 4, 5] as const;
export const ScaleRatingSchema = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
]);
export type ScaleRating = z.infer<typeof ScaleRatingSchema>;

/** "unverifiable" is a separate answer, not a point on the scale. */
export const RatingSchema = z.union([ScaleRatingSchema, z.literal('unverifiable')]);
export type Rating = z.infer<typeof RatingSchema>;

export const ConfidenceSchema = z.enum(['low', 'medium', 'high']);
export type Confidence = z.infer<typeof ConfidenceSchema>;

export const VoteSchema = z.object({
  rating: RatingSchema,
  confidence: ConfidenceSchema,
  rationale: z.string().max(RATIONALE_MAX).optional(),
  /** Why the vote changed after a sealed round's reveal (optional; live review). */
  reason: z.string().max(RATIONALE_MAX).optional(),
  at: EpochMsSchema,
});
export type Vote = z.infer<typeof VoteSchema>;

// ---- notes and evidence ----

/** Only web links: a javascript: or data: URL in evidence would be a stored XSS. */
export const EvidenceUrlSchema = z.url({ protocol: /^https?$/ }).max(2_000);

export const StanceSchema = z.enum(['supports', 'refutes', 'context']);
export type Stance = z.infer<typeof StanceSchema>;

export const EvidenceSchema = z.object({
  url: EvidenceUrlSchema,
  title: z.string().max(300).optional(),
  stance: StanceSchema,
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const NoteSchema = z.object({
  claimId: EntityIdSchema,
  body: z.string().max(NOTE_BODY_MAX),
  replyTo: EntityIdSchema.optional(),
  evidence: z.array(EvidenceSchema).max(EVIDENCE_MAX).optional(),
  at: EpochMsSchema,
  editedAt: EpochMsSchema.optional(),
  /** A tombstone: the body is emptied, the entry stays so replies keep their parent. */
  deleted: z.boolean().optional(),
});
export type Note = z.infer<typeof NoteSchema>;

/** A claim a reviewer proposes from a text selection; an editor turns it into a claim. */
export const SuggestionSchema = z.object({
  text: z.string().trim().min(1).max(CLAIM_TEXT_MAX),
  /** Encoded Yjs relative positions into the board's article (optional: free text). */
  anchorStart: z.instanceof(Uint8Array).optional(),
  anchorEnd: z.instanceof(Uint8Array).optional(),
  at: EpochMsSchema,
  withdrawn: z.boolean().optional(),
});
export type Suggestion = z.infer<typeof SuggestionSchema>;

// ---- board ----

export const ArticleFormatSchema = z.enum(['text', 'markdown', 'html']);
export type ArticleFormat = z.infer<typeof ArticleFormatSchema>;

/**
 * Where the article came from; every field optional (pasted text has none). The URL must be
 * a web link (it is published as ClaimReview `appearance.url`); `headline` is the article's
 * own title, which may differ from the board's.
 */
export const BoardSourceSchema = z.object({
  url: EvidenceUrlSchema.optional(),
  headline: z.string().max(300).optional(),
  publisher: z.string().max(200).optional(),
  author: z.string().max(200).optional(),
  /** An ISO 8601 date (or date-time) as the publisher gives it. */
  publishedAt: z.string().max(40).optional(),
});
export type BoardSource = z.infer<typeof BoardSourceSchema>;

/** The only scale so far; named so an export says which labels its numbers mean. */
export const SCALE_ID = 'claimreview-5';

export const BoardSettingsSchema = z.object({
  /** Minimum numeric votes before a claim can get a verdict. */
  quorum: z.number().int().min(1).max(1_000),
  /** Minimum Tastle–Wierman consensus (0–1) for a verdict; below it the claim is contested. */
  threshold: z.number().min(0).max(1),
  scale: z.literal(SCALE_ID),
  /** Minimum check-worthiness score (0–1) for a sentence to become a proposed claim. */
  suggestionThreshold: z.number().min(0).max(1),
});
export type BoardSettings = z.infer<typeof BoardSettingsSchema>;

export const DEFAULT_SETTINGS: BoardSettings = {
  quorum: 3,
  threshold: 0.75,
  scale: SCALE_ID,
  suggestionThreshold: 0.5,
};

export const BoardTitleSchema = z.string().trim().min(1).max(200);

export const ClaimStatusSchema = z.enum(['proposed', 'accepted', 'rejected']);
export type ClaimStatus = z.infer<typeof ClaimStatusSchema>;

export const ClaimTextSchema = z.string().trim().min(1).max(CLAIM_TEXT_MAX);
export const ScoreSchema = z.number().min(0).max(1);
export const ReasonsSchema = z.array(z.string().max(200)).max(REASONS_MAX);

/**
 * The fields of one claim's Y.Map as plain values. `order` is a fractional position: the
 * board shows claims by (order, id), so two editors inserting at the same spot at once
 * both keep a stable place. Merge and split links keep votes traceable: votes stay on the
 * claim id they were cast on, and the links say where that claim went.
 */
export const ClaimFieldsSchema = z.object({
  text: ClaimTextSchema,
  status: ClaimStatusSchema,
  order: z.number().finite(),
  score: ScoreSchema.optional(),
  reasons: ReasonsSchema.optional(),
  anchorStart: z.instanceof(Uint8Array).optional(),
  anchorEnd: z.instanceof(Uint8Array).optional(),
  createdBy: z.string().max(64),
  createdAt: EpochMsSchema,
  mergedInto: EntityIdSchema.optional(),
  mergedFrom: z.array(EntityIdSchema).max(1_000).optional(),
  splitFrom: EntityIdSchema.optional(),
  splitInto: z.array(EntityIdSchema).max(1_000).optional(),
  /** A merged claim: the anchors of its parts, in article order (one highlight each). */
  partAnchors: z
    .array(z.object({ anchorStart: z.instanceof(Uint8Array), anchorEnd: z.instanceof(Uint8Array) }))
    .max(1_000)
    .optional(),
});
export type ClaimFields = z.infer<typeof ClaimFieldsSchema>;

/** Keys of a claim Y.Map, for readers that pick fields one by one. */
export const CLAIM_KEYS = Object.keys(ClaimFieldsSchema.shape) as (keyof ClaimFields)[];

// ---- decisions (editor actions that are not a field of a claim) ----

export const DecisionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('suggestion'),
    reviewerId: z.string().max(64),
    suggestionId: EntityIdSchema,
    outcome: z.enum(['accepted', 'rejected']),
    /** The claim created from an accepted suggestion. */
    claimId: EntityIdSchema.optional(),
    by: z.string().max(64),
    at: EpochMsSchema,
  }),
  z.object({
    kind: z.literal('thread'),
    reviewerId: z.string().max(64),
    noteId: EntityIdSchema,
    resolved: z.boolean(),
    by: z.string().max(64),
    at: EpochMsSchema,
  }),
]);
export type Decision = z.infer<typeof DecisionSchema>;
