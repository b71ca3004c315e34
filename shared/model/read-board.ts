/**
 * Readers that turn a board document into a plain, typed snapshot. They never throw on
 * content: a claim whose fields fail validation is skipped, a bad meta field falls back to
 * its default. What the server exports and what the client shows both come from here.
 */
import * as Y from 'yjs';
import { resolveAnchor, type TextSpan } from './anchors.js';
import { boardTypes, type BoardTypes } from './docs.js';
import { compareByOrder } from './order.js';
import { readEditorVerdict, readPublication, readSpeaker, type EditorVerdict, type Publication } from './publication.js';
import { resolveReplacements, type Replacement } from './replacements.js';
import {
  ArticleFormatSchema,
  BoardSettingsSchema,
  BoardSourceSchema,
  BoardTitleSchema,
  CLAIM_KEYS,
  ClaimFieldsSchema,
  DEFAULT_SETTINGS,
  DecisionSchema,
  ENTITY_ID_PATTERN,
  EpochMsSchema,
  type ArticleFormat,
  type BoardSettings,
  type BoardSource,
  type ClaimFields,
  type Decision,
} from './schemas.js';

export interface BoardMeta {
  title: string;
  source: BoardSource;
  format: ArticleFormat;
  /** Null on a board that was never initialised (or whose meta is damaged). */
  createdAt: number | null;
  createdBy: string | null;
  settings: BoardSettings;
  /** Publication settings; absent (as `{}`) on boards that never set them. */
  publication?: Publication;
}

export interface ClaimSnapshot extends ClaimFields {
  id: string;
  /** Current offsets of the anchors in the article; null without (valid) anchors. */
  span: TextSpan | null;
  /** The editor's verdict (publication.ts); absent or null when none. */
  verdict?: EditorVerdict | null;
  /** Who made the claim; absent or null when unknown. */
  speaker?: string | null;
  /** Set by `readClaims` when a merge or split replaced this claim (replacements.ts). */
  replacedBy?: Replacement | null;
  /** A merged claim: the current span of each part (its highlights); otherwise absent. */
  partSpans?: TextSpan[];
}

export interface DecisionEntry {
  id: string;
  decision: Decision;
}

export interface BoardSnapshot {
  meta: BoardMeta;
  article: string;
  /** Sorted by (order, id): the display order on every replica. */
  claims: ClaimSnapshot[];
  /** Sorted by id. */
  decisions: DecisionEntry[];
}

export const UNTITLED = 'Untitled board';

export function readMeta(doc: Y.Doc): BoardMeta {
  const { meta } = boardTypes(doc);
  const settingsRaw = meta.get('settings');
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  // Field by field, so one bad setting does not reset the others to defaults.
  if (settingsRaw !== null && typeof settingsRaw === 'object') {
    for (const [key, schema] of Object.entries(BoardSettingsSchema.shape)) {
      const parsed = schema.safeParse((settingsRaw as Record<string, unknown>)[key]);
      if (parsed.success) settings[key] = parsed.data;
    }
  }
  const createdBy = meta.get('createdBy');
  return {
    title: BoardTitleSchema.safeParse(meta.get('title')).data ?? UNTITLED,
    source: readSource(meta.get('source')),
    format: ArticleFormatSchema.safeParse(meta.get('format')).data ?? 'text',
    createdAt: EpochMsSchema.safeParse(meta.get('createdAt')).data ?? null,
    createdBy: typeof createdBy === 'string' ? createdBy : null,
    settings: settings as BoardSettings,
    publication: readPublication(doc),
  };
}

/** The source field by field, so one bad field (an old non-web URL) hides only itself. */
function readSource(raw: unknown): BoardSource {
  const out: Record<string, unknown> = {};
  if (raw === null || typeof raw !== 'object') return out;
  for (const [key, schema] of Object.entries(BoardSourceSchema.shape)) {
    const parsed = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as BoardSource;
}

/** The plain fields of one claim Y.Map, or null when they do not validate. */
export function readClaimFields(map: Y.Map<unknown>): ClaimFields | null {
  const raw: Record<string, unknown> = {};
  for (const key of CLAIM_KEYS) {
    const value = map.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const parsed = ClaimFieldsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function readClaim(doc: Y.Doc, id: string, types: BoardTypes = boardTypes(doc)): ClaimSnapshot | null {
  if (!ENTITY_ID_PATTERN.test(id)) return null;
  const map = types.claims.get(id);
  if (!(map instanceof Y.Map)) return null;
  const fields = readClaimFields(map);
  if (fields === null) return null;
  const span =
    fields.anchorStart !== undefined && fields.anchorEnd !== undefined
      ? resolveAnchor(doc, types.article, fields.anchorStart, fields.anchorEnd)
      : null;
  const partSpans = fields.partAnchors?.flatMap((p) => resolveAnchor(doc, types.article, p.anchorStart, p.anchorEnd) ?? []);
  return {
    id,
    ...fields,
    span,
    verdict: readEditorVerdict(map),
    speaker: readSpeaker(map),
    ...(partSpans !== undefined ? { partSpans } : {}),
  };
}

/**
 * Every valid claim, in display order, with `replacedBy` set; results of a merge or split
 * that lost to a concurrent one are left out (replacements.ts).
 */
export function readClaims(doc: Y.Doc, types: BoardTypes = boardTypes(doc)): ClaimSnapshot[] {
  const claims: ClaimSnapshot[] = [];
  for (const id of types.claims.keys()) {
    const claim = readClaim(doc, id, types);
    if (claim !== null) claims.push(claim);
  }
  const { superseded, replacedBy } = resolveReplacements(claims);
  return claims
    .filter((c) => !superseded.has(c.id))
    .map((c) => ({ ...c, replacedBy: replacedBy.get(c.id) ?? null }))
    .sort(compareByOrder);
}

/** A claim still open for review: not rejected, not replaced by a merge or split. */
export const isOpenClaim = (c: Pick<ClaimSnapshot, 'status' | 'replacedBy'>): boolean =>
  c.status !== 'rejected' && (c.replacedBy ?? null) === null;

export function readDecisions(doc: Y.Doc, types: BoardTypes = boardTypes(doc)): DecisionEntry[] {
  const out: DecisionEntry[] = [];
  for (const [id, value] of types.decisions.entries()) {
    const parsed = DecisionSchema.safeParse(value);
    if (parsed.success) out.push({ id, decision: parsed.data });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function readBoard(doc: Y.Doc): BoardSnapshot {
  const types = boardTypes(doc);
  return {
    meta: readMeta(doc),
    article: types.article.toString(),
    claims: readClaims(doc, types),
    decisions: readDecisions(doc, types),
  };
}
