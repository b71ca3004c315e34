/**
 * Merging and splitting claims. Ids come from what is replaced (derived-ids.ts), so two
 * editors doing the same merge or split at once write one result; when they did different
 * things, replacements.ts decides which result stands, the same way on every replica.
 *
 * The originals stay, with their status and their votes, linked to what replaced them
 * (`mergedInto`, `splitInto`): they show as "merged into …" / "split into …", never as
 * an editorial rejection.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { createAnchor } from './anchors.js';
import { orderAfter, writeClaim } from './board-mutators.js';
import { mergedClaimId, splitPartIds } from './derived-ids.js';
import { boardTypes, claimMap } from './docs.js';
import { compareByOrder } from './order.js';
import { readClaims, type ClaimSnapshot } from './read-board.js';
import { failure, parseInput, success, type ModelResult } from './result.js';
import { ClaimTextSchema, EntityIdSchema, EpochMsSchema, type ClaimStatus } from './schemas.js';

const UserIdSchema = z.string().max(64);
const SpanSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .refine((s) => s.start <= s.end, 'start must not exceed end');

export const MergeClaimsSchema = z.object({
  /** At least two distinct open claims (not already replaced), any of them, in any order. */
  ids: z.array(EntityIdSchema).min(2).max(100),
  /** Id of the new claim; defaults to `mergedClaimId(ids)`, which concurrent editors share. */
  into: EntityIdSchema.optional(),
  /** Text of the new claim; defaults to the sources' texts joined in board order. */
  text: ClaimTextSchema.optional(),
  by: UserIdSchema,
  at: EpochMsSchema,
});
export type MergeClaimsInput = z.input<typeof MergeClaimsSchema>;

/** The least advanced status of the parts: accepted only when every part was accepted. */
export function mergedStatus(statuses: readonly ClaimStatus[]): ClaimStatus {
  return statuses.every((s) => s === 'accepted') ? 'accepted' : 'proposed';
}

/**
 * Merges claims into a new one placed where the first of them (in board order) stood. It
 * keeps one highlight per part (`partAnchors`, in article order), and `anchorStart`/`anchorEnd`
 * from the earliest start to the latest end for readers that know one span only.
 */
export function mergeClaims(doc: Y.Doc, input: MergeClaimsInput, origin: unknown): ModelResult<{ id: string }> {
  const parsed = parseInput(MergeClaimsSchema, input, 'merge');
  if (!parsed.ok) return parsed;
  const { ids, by, at } = parsed.value;
  if (new Set(ids).size !== ids.length) return failure('BAD_REQUEST', 'merge lists a claim twice');
  const into = parsed.value.into ?? mergedClaimId(ids);
  const types = boardTypes(doc);
  const current = new Map(readClaims(doc, types).map((c) => [c.id, c]));
  // A result that lost to a concurrent action (superseded) may be written again.
  if (current.has(into)) return failure('CONFLICT', `claim ${into} already exists`);
  const sources: ClaimSnapshot[] = [];
  for (const id of ids) {
    const claim = current.get(id);
    if (claim === undefined) return failure('NOT_FOUND', `claim ${id} not found`);
    if (claim.replacedBy) return failure('CONFLICT', `claim ${id} was already merged or split`);
    sources.push(claim);
  }
  sources.sort(compareByOrder);
  const text = parsed.value.text ?? sources.map((s) => s.text.trim()).join(' ');
  const textCheck = parseInput(ClaimTextSchema, text, 'merged text');
  if (!textCheck.ok) return textCheck;
  // One highlight per part: a merged source contributes its own parts.
  const parts: { anchor: NonNullable<ClaimSnapshot['partAnchors']>[number]; start: number }[] = [];
  for (const s of sources) {
    if (s.partAnchors !== undefined && s.partSpans !== undefined && s.partSpans.length === s.partAnchors.length) {
      s.partAnchors.forEach((anchor, i) => parts.push({ anchor, start: s.partSpans![i]!.start }));
    } else if (s.anchorStart !== undefined && s.anchorEnd !== undefined && s.span !== null) {
      parts.push({ anchor: { anchorStart: s.anchorStart, anchorEnd: s.anchorEnd }, start: s.span.start });
    }
  }
  parts.sort((a, b) => a.start - b.start);
  const spanned = sources.filter((s) => s.span !== null);
  const startSource = spanned.reduce<ClaimSnapshot | undefined>((best, s) => (best === undefined || s.span!.start < best.span!.start ? s : best), undefined);
  const endSource = spanned.reduce<ClaimSnapshot | undefined>((best, s) => (best === undefined || s.span!.end > best.span!.end ? s : best), undefined);
  doc.transact(() => {
    writeClaim(types, into, {
      text: textCheck.value,
      status: mergedStatus(sources.map((s) => s.status)),
      order: sources[0]!.order,
      anchorStart: startSource?.anchorStart,
      anchorEnd: endSource?.anchorEnd,
      createdBy: by,
      createdAt: at,
      mergedFrom: sources.map((s) => s.id),
      ...(parts.length > 0 ? { partAnchors: parts.map((p) => p.anchor) } : {}),
    });
    for (const source of sources) claimMap(types, source.id)!.set('mergedInto', into);
  }, origin);
  return success({ id: into });
}

export const SplitClaimSchema = z.object({
  id: EntityIdSchema,
  parts: z
    .array(z.object({ id: EntityIdSchema.optional(), text: ClaimTextSchema, span: SpanSchema.optional() }))
    .min(2)
    .max(100),
  by: UserIdSchema,
  at: EpochMsSchema,
});
export type SplitClaimInput = z.input<typeof SplitClaimSchema>;

/**
 * Splits a claim into parts placed where it stood, in the order given. Part ids default to
 * `splitPartIds(id, texts)`: the same split by two editors gives the same parts. Each part
 * keeps the source's status (a rejected source's parts start as proposed) and `splitFrom`.
 */
export function splitClaim(doc: Y.Doc, input: SplitClaimInput, origin: unknown): ModelResult<{ ids: string[] }> {
  const parsed = parseInput(SplitClaimSchema, input, 'split');
  if (!parsed.ok) return parsed;
  const { id, parts, by, at } = parsed.value;
  const types = boardTypes(doc);
  const current = new Map(readClaims(doc, types).map((c) => [c.id, c]));
  const source = current.get(id);
  if (source === undefined) return failure('NOT_FOUND', `claim ${id} not found`);
  if (source.replacedBy) return failure('CONFLICT', `claim ${id} was already merged or split`);
  const derived = splitPartIds(id, parts.map((p) => p.text));
  const partIds = parts.map((p, i) => p.id ?? derived[i]!);
  if (new Set(partIds).size !== partIds.length) return failure('BAD_REQUEST', 'split lists a part id twice');
  for (const partId of partIds) {
    if (current.has(partId)) return failure('CONFLICT', `claim ${partId} already exists`);
  }
  for (const part of parts) {
    if (part.span !== undefined && part.span.end > types.article.length) return failure('BAD_REQUEST', 'span outside the article');
  }
  doc.transact(() => {
    let after = id;
    parts.forEach((part, i) => {
      writeClaim(types, partIds[i]!, {
        text: part.text,
        status: source.status === 'rejected' ? 'proposed' : source.status,
        order: orderAfter(types, after, partIds[i]!),
        ...(part.span !== undefined ? createAnchor(types.article, part.span.start, part.span.end) : {}),
        createdBy: by,
        createdAt: at,
        splitFrom: id,
      });
      after = partIds[i]!;
    });
    claimMap(types, id)!.set('splitInto', partIds);
  }, origin);
  return success({ ids: partIds });
}
