/**
 * Mutators of the board document. Each validates its input, then writes inside one
 * `doc.transact(fn, origin)`, so observers see one change and the origin (LOCAL, the
 * server's own, …) travels with the update. Expected failures come back as values; nothing
 * is written when a result is not ok.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { createAnchor, resolveAnchor, type EncodedAnchor } from './anchors.js';
import { acceptedClaimId } from './derived-ids.js';
import { boardTypes, claimMap, withoutUndefined, type BoardTypes } from './docs.js';
import { compareByOrder, orderBetween, rebalancedOrders, type Ordered } from './order.js';
import { readClaim, readClaimFields, type ClaimSnapshot } from './read-board.js';
import { failure, parseInput, success, type ModelResult } from './result.js';
import {
  ArticleFormatSchema,
  BoardSettingsSchema,
  BoardSourceSchema,
  BoardTitleSchema,
  ClaimStatusSchema,
  ClaimTextSchema,
  DEFAULT_SETTINGS,
  EntityIdSchema,
  EpochMsSchema,
  ReasonsSchema,
  ScoreSchema,
  SuggestionSchema,
  type BoardSettings,
  type ClaimFields,
  type ClaimStatus,
  type Decision,
} from './schemas.js';

/** The largest article a board accepts (the import limit). */
export const ARTICLE_MAX_CHARS = 2_000_000;
export const INIT_CLAIMS_MAX = 10_000;

const UserIdSchema = z.string().max(64);
const SpanSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .refine((s) => s.start <= s.end, 'start must not exceed end');

// ---- creating a board ----

export const BoardInitSchema = z
  .object({
    title: BoardTitleSchema,
    source: BoardSourceSchema.optional(),
    format: ArticleFormatSchema.default('text'),
    article: z.string().max(ARTICLE_MAX_CHARS),
    /** Suggested claims, e.g. straight from `suggestClaims`: offsets into `article`. */
    claims: z
      .array(
        z.object({
          id: EntityIdSchema.optional(),
          text: ClaimTextSchema,
          start: z.number().int().nonnegative(),
          end: z.number().int().nonnegative(),
          score: ScoreSchema.optional(),
          reasons: ReasonsSchema.optional(),
          status: ClaimStatusSchema.optional(),
        }),
      )
      .max(INIT_CLAIMS_MAX)
      .default([]),
    createdBy: UserIdSchema.default(''),
    /** Defaults to the current time; pass it for reproducible documents. */
    createdAt: EpochMsSchema.optional(),
    settings: BoardSettingsSchema.partial().optional(),
  })
  .superRefine((init, ctx) => {
    const ids = new Set<string>();
    init.claims.forEach((c, i) => {
      if (c.start > c.end || c.end > init.article.length) {
        ctx.addIssue({ code: 'custom', path: ['claims', i], message: 'span outside the article' });
      }
      const id = c.id ?? initClaimId(i);
      if (ids.has(id)) ctx.addIssue({ code: 'custom', path: ['claims', i, 'id'], message: 'duplicate id' });
      ids.add(id);
    });
  });
export type BoardInit = z.input<typeof BoardInitSchema>;

/** Ids of suggested claims when the caller gives none: deterministic, so re-running an
 * import on a fresh doc produces the same document. */
export const initClaimId = (index: number): string => `s${index + 1}`;

/**
 * Fills a fresh board document: meta, article and suggested claims (in article order).
 * Refuses (CONFLICT) a document that already has content, so a retried create cannot
 * duplicate claims.
 */
export function initBoardDoc(doc: Y.Doc, init: BoardInit, origin: unknown): ModelResult<{ claimIds: string[] }> {
  const parsed = parseInput(BoardInitSchema, init, 'board');
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const types = boardTypes(doc);
  if (types.meta.size > 0 || types.article.length > 0 || types.claims.size > 0) {
    return failure('CONFLICT', 'the board document is already initialised');
  }
  const createdAt = input.createdAt ?? Date.now();
  const settings: BoardSettings = { ...DEFAULT_SETTINGS, ...withoutUndefined(input.settings ?? {}) };
  const claimIds: string[] = [];
  doc.transact(() => {
    types.meta.set('title', input.title);
    types.meta.set('source', withoutUndefined(input.source ?? {}));
    types.meta.set('format', input.format);
    types.meta.set('createdAt', createdAt);
    types.meta.set('createdBy', input.createdBy);
    types.meta.set('settings', settings);
    types.article.insert(0, input.article);
    const ordered = input.claims
      .map((claim, index) => ({ claim, id: claim.id ?? initClaimId(index) }))
      .sort((a, b) => a.claim.start - b.claim.start || a.claim.end - b.claim.end || (a.id < b.id ? -1 : 1));
    const orders = rebalancedOrders(ordered.length);
    ordered.forEach(({ claim, id }, i) => {
      writeClaim(types, id, {
        text: claim.text,
        status: claim.status ?? 'proposed',
        order: orders[i]!,
        score: claim.score,
        reasons: claim.reasons,
        ...createAnchor(types.article, claim.start, claim.end),
        createdBy: input.createdBy,
        createdAt,
      });
      claimIds.push(id);
    });
  }, origin);
  return success({ claimIds });
}

// ---- adding and editing claims ----

export const AddClaimSchema = z.object({
  id: EntityIdSchema,
  text: ClaimTextSchema,
  status: ClaimStatusSchema.default('proposed'),
  /** Offsets into the article now; turned into anchors. */
  span: SpanSchema.optional(),
  /** Anchors made elsewhere (a reviewer's suggestion); used when `span` is absent. */
  anchor: z.object({ anchorStart: z.instanceof(Uint8Array), anchorEnd: z.instanceof(Uint8Array) }).optional(),
  score: ScoreSchema.optional(),
  reasons: ReasonsSchema.optional(),
  /**
   * Placement: after this claim (null: first). When omitted, a claim with a position in
   * the article goes before the first claim that starts later; others go last.
   */
  after: EntityIdSchema.nullable().optional(),
  by: UserIdSchema,
  at: EpochMsSchema,
});
export type AddClaimInput = z.input<typeof AddClaimSchema>;

export function addClaim(doc: Y.Doc, input: AddClaimInput, origin: unknown): ModelResult<{ id: string; order: number }> {
  const parsed = parseInput(AddClaimSchema, input, 'claim');
  if (!parsed.ok) return parsed;
  const claim = parsed.value;
  const types = boardTypes(doc);
  if (types.claims.has(claim.id)) return failure('CONFLICT', `claim ${claim.id} already exists`);
  if (claim.span !== undefined && claim.span.end > types.article.length) {
    return failure('BAD_REQUEST', 'span outside the article');
  }
  if (claim.after != null && claimMap(types, claim.after) === undefined) {
    return failure('NOT_FOUND', `claim ${claim.after} not found`);
  }
  let order = 0;
  doc.transact(() => {
    const anchor: Partial<EncodedAnchor> =
      claim.span !== undefined ? createAnchor(types.article, claim.span.start, claim.span.end) : (claim.anchor ?? {});
    let after = claim.after;
    if (after === undefined) {
      const start =
        anchor.anchorStart !== undefined && anchor.anchorEnd !== undefined
          ? resolveAnchor(doc, types.article, anchor.anchorStart, anchor.anchorEnd)?.start
          : undefined;
      after = start === undefined ? lastId(types) : placeByPosition(doc, types, start);
    }
    order = orderAfter(types, after, claim.id);
    writeClaim(types, claim.id, {
      text: claim.text,
      status: claim.status,
      order,
      score: claim.score,
      reasons: claim.reasons,
      ...anchor,
      createdBy: claim.by,
      createdAt: claim.at,
    });
  }, origin);
  return success({ id: claim.id, order: readOrder(types, claim.id) ?? order });
}

export function updateClaimText(doc: Y.Doc, id: string, text: string, origin: unknown): ModelResult<null> {
  const parsed = parseInput(ClaimTextSchema, text, 'claim text');
  if (!parsed.ok) return parsed;
  const map = claimMap(boardTypes(doc), id);
  if (map === undefined) return failure('NOT_FOUND', `claim ${id} not found`);
  doc.transact(() => map.set('text', parsed.value), origin);
  return success(null);
}

export function setClaimStatus(doc: Y.Doc, id: string, status: ClaimStatus, origin: unknown): ModelResult<null> {
  const parsed = parseInput(ClaimStatusSchema, status, 'status');
  if (!parsed.ok) return parsed;
  const map = claimMap(boardTypes(doc), id);
  if (map === undefined) return failure('NOT_FOUND', `claim ${id} not found`);
  doc.transact(() => map.set('status', parsed.value), origin);
  return success(null);
}

/** Moves a claim right after `after` (null: to the top). */
export function moveClaim(doc: Y.Doc, id: string, after: string | null, origin: unknown): ModelResult<{ order: number }> {
  const types = boardTypes(doc);
  const map = claimMap(types, id);
  if (map === undefined) return failure('NOT_FOUND', `claim ${id} not found`);
  if (after !== null && claimMap(types, after) === undefined) return failure('NOT_FOUND', `claim ${after} not found`);
  if (after === id) return success({ order: readOrder(types, id) ?? 0 });
  doc.transact(() => {
    map.set('order', orderAfter(types, after, id));
  }, origin);
  return success({ order: readOrder(types, id) ?? 0 });
}

// ---- meta ----

export function setBoardTitle(doc: Y.Doc, title: string, origin: unknown): ModelResult<null> {
  const parsed = parseInput(BoardTitleSchema, title, 'title');
  if (!parsed.ok) return parsed;
  doc.transact(() => boardTypes(doc).meta.set('title', parsed.value), origin);
  return success(null);
}

/** Changes some settings; the others keep their current (or default) values. */
export function setBoardSettings(
  doc: Y.Doc,
  patch: Partial<BoardSettings>,
  origin: unknown,
): ModelResult<BoardSettings> {
  const parsed = parseInput(BoardSettingsSchema.partial(), patch, 'settings');
  if (!parsed.ok) return parsed;
  const { meta } = boardTypes(doc);
  const current = BoardSettingsSchema.partial().safeParse(meta.get('settings')).data ?? {};
  const next: BoardSettings = { ...DEFAULT_SETTINGS, ...withoutUndefined(current), ...withoutUndefined(parsed.value) };
  doc.transact(() => meta.set('settings', next), origin);
  return success(next);
}

// ---- decisions ----

export const suggestionDecisionKey = (reviewerId: string, suggestionId: string): string =>
  `suggestion:${reviewerId}:${suggestionId}`;
export const threadDecisionKey = (reviewerId: string, noteId: string): string => `thread:${reviewerId}:${noteId}`;

export const DecideSuggestionSchema = z.object({
  reviewerId: UserIdSchema,
  suggestionId: EntityIdSchema,
  /** The suggestion as read from the reviewer's document. */
  suggestion: SuggestionSchema,
  outcome: z.enum(['accepted', 'rejected']),
  /** Id for the claim an accepted suggestion becomes; defaults to `acceptedClaimId`. */
  claimId: EntityIdSchema.optional(),
  by: UserIdSchema,
  at: EpochMsSchema,
});
export type DecideSuggestionInput = z.input<typeof DecideSuggestionSchema>;

/**
 * Records an editor's decision on a reviewer's suggested claim; accepting also creates the
 * claim (status accepted, anchored where the reviewer selected). The decision key is
 * derived from the suggestion, so two editors deciding at once leave one decision.
 */
export function decideSuggestion(
  doc: Y.Doc,
  input: DecideSuggestionInput,
  origin: unknown,
): ModelResult<{ claimId?: string }> {
  const parsed = parseInput(DecideSuggestionSchema, input, 'decision');
  if (!parsed.ok) return parsed;
  const d = parsed.value;
  const types = boardTypes(doc);
  // Derived from the suggestion: two editors accepting it at once write one claim.
  const claimId = d.outcome === 'accepted' ? (d.claimId ?? acceptedClaimId(d.reviewerId, d.suggestionId)) : undefined;
  let result: ModelResult<{ claimId?: string }> = success({});
  doc.transact(() => {
    if (claimId !== undefined && types.claims.has(claimId)) {
      // Already accepted (by this editor before, or by another): nothing new to create.
      result = success({ claimId });
    } else if (claimId !== undefined) {
      const added = addClaim(
        doc,
        {
          id: claimId,
          text: d.suggestion.text,
          status: 'accepted',
          anchor:
            d.suggestion.anchorStart !== undefined && d.suggestion.anchorEnd !== undefined
              ? { anchorStart: d.suggestion.anchorStart, anchorEnd: d.suggestion.anchorEnd }
              : undefined,
          by: d.by,
          at: d.at,
        },
        origin,
      );
      if (!added.ok) {
        result = added;
        return;
      }
      result = success({ claimId: added.value.id });
    }
    const decision: Decision = withoutUndefined({
      kind: 'suggestion',
      reviewerId: d.reviewerId,
      suggestionId: d.suggestionId,
      outcome: d.outcome,
      claimId,
      by: d.by,
      at: d.at,
    });
    types.decisions.set(suggestionDecisionKey(d.reviewerId, d.suggestionId), decision);
  }, origin);
  return result;
}

export const ResolveThreadSchema = z.object({
  reviewerId: UserIdSchema,
  noteId: EntityIdSchema,
  resolved: z.boolean(),
  by: UserIdSchema,
  at: EpochMsSchema,
});

/** Marks a note thread (by its root note) resolved or reopened. */
export function resolveThread(
  doc: Y.Doc,
  input: z.input<typeof ResolveThreadSchema>,
  origin: unknown,
): ModelResult<null> {
  const parsed = parseInput(ResolveThreadSchema, input, 'thread decision');
  if (!parsed.ok) return parsed;
  const d = parsed.value;
  doc.transact(() => {
    boardTypes(doc).decisions.set(threadDecisionKey(d.reviewerId, d.noteId), { kind: 'thread', ...d });
  }, origin);
  return success(null);
}

// ---- internals ----

export type ClaimWrite = Omit<ClaimFields, 'score' | 'reasons' | 'anchorStart' | 'anchorEnd'> & {
  score?: number | undefined;
  reasons?: string[] | undefined;
  anchorStart?: Uint8Array | undefined;
  anchorEnd?: Uint8Array | undefined;
};

/** Writes a new claim Y.Map (for merge-split.ts too). Must run inside a transaction. */
export function writeClaim(types: BoardTypes, id: string, fields: ClaimWrite): void {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
  types.claims.set(id, map);
}

function readOrder(types: BoardTypes, id: string): number | undefined {
  const order = claimMap(types, id)?.get('order');
  return typeof order === 'number' && Number.isFinite(order) ? order : undefined;
}

/** (id, order) of every claim with a usable order, in display order. Cheap: no validation
 * of other fields, so placing a claim stays O(n) on large boards. */
function orderedIds(types: BoardTypes, exclude?: string): Ordered[] {
  const out: Ordered[] = [];
  for (const [id, value] of types.claims.entries()) {
    if (id === exclude || !(value instanceof Y.Map)) continue;
    const order = value.get('order');
    if (typeof order === 'number' && Number.isFinite(order)) out.push({ id, order });
  }
  return out.sort(compareByOrder);
}

function lastId(types: BoardTypes): string | null {
  const list = orderedIds(types);
  return list.length > 0 ? list[list.length - 1]!.id : null;
}

/** The claim after which a claim starting at `start` belongs: before the first claim (in
 * display order) that starts later in the article. */
function placeByPosition(doc: Y.Doc, types: BoardTypes, start: number): string | null {
  const list = orderedIds(types);
  let previous: string | null = null;
  for (const { id } of list) {
    const map = claimMap(types, id)!;
    const fields = readClaimFields(map);
    const span =
      fields?.anchorStart !== undefined && fields.anchorEnd !== undefined
        ? resolveAnchor(doc, types.article, fields.anchorStart, fields.anchorEnd)
        : null;
    if (span !== null && span.start > start) return previous;
    previous = id;
  }
  return previous;
}

/**
 * An order that puts `moving` right after `after` (null: first). Rebalances every claim's
 * order when doubles cannot split the gap; must run inside a transaction.
 */
export function orderAfter(types: BoardTypes, after: string | null, moving: string): number {
  const list = orderedIds(types, moving);
  const index = after === null ? -1 : list.findIndex((c) => c.id === after);
  const before = index >= 0 ? list[index]!.order : undefined;
  const next = list[index + 1]?.order;
  const order = orderBetween(before, next);
  if (order !== null) return order;
  // Out of precision: renumber the whole list with `moving` in its new place.
  const ids = list.map((c) => c.id);
  ids.splice(index + 1, 0, moving);
  const orders = rebalancedOrders(ids.length);
  ids.forEach((id, i) => {
    if (id !== moving) claimMap(types, id)!.set('order', orders[i]!);
  });
  return orders[index + 1]!;
}
