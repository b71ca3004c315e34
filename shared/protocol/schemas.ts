/**
 * One zod schema per inbound payload (Socket.IO events and REST bodies). Types come from
 * z.infer; the transports parse with these before anything else runs [P4].
 */
import { z } from 'zod';
import { ID_PATTERN } from './doc-keys.js';
import { ROLES } from './roles.js';
import { MAX_OPEN_DOCS } from './events.js';

export { MAX_OPEN_DOCS };

/**
 * Binary fields: Buffer in Node, ArrayBuffer or Uint8Array in the browser. Always copied
 * into a Uint8Array of its own, since a Node Buffer may be a view into pooled memory.
 */
export const BytesSchema = z
  .custom<Uint8Array | ArrayBuffer>(
    (v) => v instanceof Uint8Array || v instanceof ArrayBuffer,
    'expected binary data',
  )
  .transform((v) => new Uint8Array(v));

export const IdSchema = z.string().regex(ID_PATTERN, 'expected an id of [A-Za-z0-9_-]{1,64}');
export const DocKeySchema = z.string().min(1).max(200);

export const BoardJoinSchema = z.object({
  boardId: IdSchema,
  protocolVersion: z.number().int().nonnegative(),
});
export type BoardJoinPayload = z.infer<typeof BoardJoinSchema>;

export const BoardLeaveSchema = z.object({ boardId: IdSchema });
export type BoardLeavePayload = z.infer<typeof BoardLeaveSchema>;

export const SyncMessageSchema = z.object({
  docKey: DocKeySchema,
  /** A y-protocols sync message: step 1, step 2 or update (lib0 encoding). */
  message: BytesSchema,
});
/** What a client sends (the server works on the parsed output). */
export type SyncMessagePayload = z.input<typeof SyncMessageSchema>;


export const SyncOpenSchema = z.object({
  docs: z
    .array(z.object({ docKey: DocKeySchema, stateVector: BytesSchema }))
    .min(1)
    .max(MAX_OPEN_DOCS),
});
export type SyncOpenPayload = z.input<typeof SyncOpenSchema>;

export const AwarenessUpdateSchema = z.object({
  boardId: IdSchema,
  /** A y-protocols awareness update. */
  update: BytesSchema,
});
export type AwarenessUpdatePayload = z.input<typeof AwarenessUpdateSchema>;

// ---- REST bodies ----

export const SourceSchema = z
  .object({
    /** http(s) only: the URL is published in exports (ClaimReview `appearance.url`). */
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000).optional(),
    headline: z.string().max(300).optional(),
    publisher: z.string().max(200).optional(),
    author: z.string().max(200).optional(),
    publishedAt: z.string().max(40).optional(),
  })
  .strict();

export const CreateBoardSchema = z.object({
  title: z.string().trim().min(1).max(200),
  /** Length is checked by the importer (413 past IMPORT_MAX_CHARS); the body limit bounds it too. */
  text: z.string(),
  format: z.enum(['text', 'markdown', 'html']).default('text'),
  source: SourceSchema.optional(),
});
export type CreateBoardBody = z.infer<typeof CreateBoardSchema>;

/** `PATCH /api/boards/:id` [B1, B4]: rename, archive or unarchive (at least one of them). */
export const PatchBoardSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    archived: z.boolean().optional(),
  })
  .refine((b) => b.title !== undefined || b.archived !== undefined, { message: 'give a title, archived, or both' });
export type PatchBoardBody = z.infer<typeof PatchBoardSchema>;

/** `POST /api/boards/:id/duplicate` [B5]: the copy's title (default: "<title> (copy)"). */
export const DuplicateBoardSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
});

export const RoleSchema = z.enum(ROLES);

export const CreateInviteSchema = z.object({
  role: RoleSchema,
  expiresInHours: z.number().positive().max(24 * 365).optional(),
  maxUses: z.number().int().positive().max(10_000).optional(),
  /** Where to e-mail the invite link, when e-mail is set up (SMTP_URL); the link is answered either way. */
  email: z.email().max(254).optional(),
});
export type CreateInviteBody = z.infer<typeof CreateInviteSchema>;

export const PatchMemberSchema = z.object({ role: RoleSchema });

/** The longest span "why was this not suggested?" takes: a few sentences, never a whole article. */
export const MAX_EXPLAIN_SPAN_CHARS = 2_000;

/**
 * `POST /api/boards/:id/suggestions/explain` [SUG-EXPLAIN]: character offsets (UTF-16 code
 * units, as JavaScript counts) into the board's article; the route checks them against its
 * length.
 */
export const ExplainSuggestionSchema = z
  .object({ start: z.number().int().min(0), end: z.number().int().min(1) })
  .strict()
  .refine((v) => v.end > v.start, { message: 'end must be after start', path: ['end'] })
  .refine((v) => v.end - v.start <= MAX_EXPLAIN_SPAN_CHARS, {
    message: `a span of at most ${MAX_EXPLAIN_SPAN_CHARS} characters is explained; select one sentence`,
    path: ['end'],
  });
export type ExplainSuggestionBody = z.infer<typeof ExplainSuggestionSchema>;

/** Its answer, `{ explanation }` (made by shared/suggest's explainSentence on the server). */
export interface SuggestionExplanation {
  /** The sentence explained: the first one that overlaps the span asked about. */
  start: number;
  end: number;
  suggested: boolean;
  /** The kind of page furniture the sentence or its paragraph is ("navigation"), or null. */
  furniture: string | null;
  /** 0 for page furniture, which is never scored. */
  score: number;
  /** The board's suggestion threshold the score was held against. */
  threshold: number;
  /** Cues that pushed the score up, strongest first. */
  reasons: string[];
  /** Cues that pulled it down, strongest first, or "page furniture: …". */
  against: string[];
  /** One line in words: suggested or not, and the score against the threshold. */
  summary: string;
}

// ---- live review ----

const ClaimIdSchema = IdSchema;
/** The longest agenda accepted (a board holds at most a few thousand claims). */
export const MAX_AGENDA = 5000;
export const MAX_TIMER_SECONDS = 4 * 60 * 60;

export const LiveStartSchema = z
  .object({ agenda: z.array(ClaimIdSchema).max(MAX_AGENDA).optional() })
  .strict();

export const LivePatchSchema = z
  .object({
    focus: ClaimIdSchema.nullable().optional(),
    facilitatorId: IdSchema.optional(),
    agenda: z.array(ClaimIdSchema).max(MAX_AGENDA).optional(),
  })
  .strict()
  .refine((v) => v.focus !== undefined || v.facilitatorId !== undefined || v.agenda !== undefined, 'nothing to change');

export const LiveRoundSchema = z.object({ claimId: ClaimIdSchema }).strict();

export const LiveTimerSchema = z
  .object({ claimId: ClaimIdSchema, seconds: z.number().positive().max(MAX_TIMER_SECONDS) })
  .strict();
