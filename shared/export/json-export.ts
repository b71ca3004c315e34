/**
 * The `json` export, "claimboard.export/v1" (described by claimboard-export-v1.schema.json
 * next to this file).
 *
 * Same snapshot and options in → same bytes out: arrays are in a canonical order, nothing
 * depends on the order updates arrived in, and the only time inside is `exportedAt`, which
 * the caller passes. The bytes are the export's RFC 8785 canonical JSON (keys sorted, no
 * whitespace) plus a final newline. Every object below is therefore written with its keys
 * already in sorted order, so that the native JSON.stringify produces canonical JSON
 * without a slow generic pass (the property tests check this against `canonicalJson`).
 *
 * `state.contentHash` lets anyone check which state an export describes: the SHA-256 (hex)
 * of the canonical JSON of the export without `exportedAt` and without `state.contentHash`.
 */
import { z } from 'zod';
import { SCALE } from '../consensus/index.js';
import { suggestionDecisionKey, threadDecisionKey, toBase64, type BoardSource, type VerdictVersion } from '../model/index.js';
import { analyse, orderedNotes, orderedVotes, type Analysis, type AnalysisOptions } from './analysis.js';
import { canonicalJson, sha256Hex, sha256HexOfParts } from './canonical-json.js';
import {
  EXPORT_SCHEMA_ID,
  exportConsensus,
  type ClaimboardExportV1,
  type ExportClaim,
  type ExportDecision,
  type ExportEditorVerdict,
  type ExportNote,
  type ExportPublication,
  type ExportStateDoc,
  type ExportVerdictVersion,
  type ExportVote,
} from './json-export-model.js';
import { exportLiveReview } from './json-live-review.js';
import { editorRatingLabel, planPublication, type PublicationOptions } from './publication-plan.js';
import type { ExportInput } from './types.js';

export * from './json-export-model.js';

export interface JsonExportOptions extends AnalysisOptions, PublicationOptions {
  /** RFC 3339 date-time to write as `exportedAt`; omitted when absent. Not hashed. */
  exportedAt?: string;
}

/** The export without `exportedAt` and `state.contentHash`: what the hash covers. */
type ExportContent = Omit<ClaimboardExportV1, 'exportedAt' | 'state'> & { state: { docs: ExportStateDoc[] } };

const ExportedAtSchema = z.iso.datetime({ offset: true });

/**
 * The export as an object (for tests and for callers that embed it).
 * @throws TypeError when `exportedAt` is not an RFC 3339 date-time (a caller's bug).
 */
export function buildExportDocument(input: ExportInput, options: JsonExportOptions = {}): ClaimboardExportV1 {
  return assemble(input, options).document;
}

/** The export as the exact bytes to serve: canonical JSON and a final newline. */
export function buildJsonExport(input: ExportInput, options: JsonExportOptions = {}): string {
  return assemble(input, options).json;
}

/** Recomputes the content hash of a parsed export (whatever its key order). */
export function computeContentHash(document: { exportedAt?: unknown; state: { contentHash?: unknown } }): string {
  const { exportedAt: _exportedAt, ...rest } = document;
  const { contentHash: _contentHash, ...state } = document.state;
  return sha256Hex(canonicalJson({ ...rest, state }));
}

function assemble(input: ExportInput, options: JsonExportOptions): { document: ClaimboardExportV1; json: string } {
  if (options.exportedAt !== undefined && !ExportedAtSchema.safeParse(options.exportedAt).success) {
    throw new TypeError(`exportedAt must be an RFC 3339 date-time, got ${JSON.stringify(options.exportedAt)}`);
  }
  const content = exportContent(analyse(input, options), options);
  // Serialise each top-level member once; the hashed text and the served text are both
  // assembled from these parts, in sorted key order as canonical JSON requires.
  const pieces = new Map<string, string[]>(Object.entries(content).map(([key, value]) => [key, serialise(value)]));
  const contentHash = sha256HexOfParts(objectParts(pieces));
  const state = { contentHash, docs: content.state.docs };
  pieces.set('state', serialise(state));
  if (options.exportedAt !== undefined) pieces.set('exportedAt', serialise(options.exportedAt));
  const json = [...objectParts(pieces), '\n'].join('');
  const document: ClaimboardExportV1 = {
    ...content,
    ...(options.exportedAt !== undefined ? { exportedAt: options.exportedAt } : {}),
    state,
  };
  return { document, json };
}

/** Elements per JSON.stringify call when serialising a long array. */
const CHUNK = 256;

/**
 * JSON text of a value as parts. Long arrays are serialised in chunks: one
 * multi-megabyte string from JSON.stringify is a rope that V8 must copy into freshly
 * mapped memory before it can be hashed, which cost more than serialising; small chunks
 * stay in the young generation.
 */
function serialise(value: unknown): string[] {
  if (!Array.isArray(value) || value.length <= CHUNK) return [JSON.stringify(value)];
  const parts = ['['];
  for (let i = 0; i < value.length; i += CHUNK) {
    if (i > 0) parts.push(',');
    parts.push(JSON.stringify(value.slice(i, i + CHUNK)).slice(1, -1));
  }
  parts.push(']');
  return parts;
}

/**
 * The parts of `{"key":value,…}` from serialised members, keys sorted. Kept as parts: the
 * hash reads them without joining, and the served string is joined once.
 */
function objectParts(pieces: ReadonlyMap<string, readonly string[]>): string[] {
  const parts: string[] = ['{'];
  const keys = [...pieces.keys()].sort();
  keys.forEach((key, i) => parts.push(i > 0 ? ',' : '', JSON.stringify(key), ':', ...pieces.get(key)!));
  parts.push('}');
  return parts;
}

function exportContent(analysis: Analysis, options: JsonExportOptions): ExportContent {
  const { input, directory } = analysis;
  const { board } = input;
  const settings = board.meta.settings;
  const who = (userId: string | null): string | null => (userId === null || userId === '' ? null : directory.person(userId).id);

  const verdictVersion = (v: VerdictVersion): ExportVerdictVersion => ({
    at: v.at,
    by: who(v.by),
    explanation: v.explanation,
    label: editorRatingLabel(v.rating),
    rating: v.rating,
    summary: v.summary ?? null,
    url: v.url ?? null,
  });
  const claims: ExportClaim[] = analysis.claims.map(({ claim, position, consensus: c }) => ({
    anchor:
      claim.anchorStart !== undefined && claim.anchorEnd !== undefined
        ? {
            end: claim.span?.end ?? null,
            endPosition: toBase64(claim.anchorEnd),
            start: claim.span?.start ?? null,
            startPosition: toBase64(claim.anchorStart),
          }
        : null,
    consensus: exportConsensus(c),
    createdAt: claim.createdAt,
    createdBy: who(claim.createdBy),
    id: claim.id,
    links: {
      mergedFrom: [...(claim.mergedFrom ?? [])],
      mergedInto: claim.mergedInto ?? null,
      splitFrom: claim.splitFrom ?? null,
      splitInto: [...(claim.splitInto ?? [])],
    },
    order: claim.order,
    position,
    speaker: claim.speaker ?? null,
    status: claim.status,
    suggestion: claim.score !== undefined ? { reasons: [...(claim.reasons ?? [])], score: claim.score } : null,
    text: claim.text,
    verdict:
      claim.verdict == null
        ? null
        : withRevisions(verdictVersion(claim.verdict), (claim.verdict.revisions ?? []).map(verdictVersion)),
  }));
  const plan = planPublication(analysis, options);
  const organisation = plan.author;
  const publication: ExportPublication = {
    baseUrl: board.meta.publication?.baseUrl ?? null,
    claimReview: {
      excluded: plan.excluded.map((e) => ({ claimId: e.claimId, detail: e.detail, reason: e.reason })),
      included: plan.included.map((p) => ({ claimId: p.claim.claim.id, url: p.url })),
    },
    organisation:
      organisation === null ? null : { logo: organisation.logo ?? null, name: organisation.name, url: organisation.url ?? null },
  };

  const votes: ExportVote[] = orderedVotes(analysis, (v, userId) => ({
    at: v.at,
    claimId: v.claimId,
    confidence: v.confidence,
    counted: analysis.counts(userId),
    rating: v.rating,
    rationale: v.rationale ?? null,
    reviewer: directory.person(userId).id,
  }));

  const notes: ExportNote[] = orderedNotes(analysis, (n, userId) => ({
    at: n.at,
    body: n.body,
    claimId: n.claimId,
    deleted: n.deleted ?? false,
    editedAt: n.editedAt ?? null,
    evidence: (n.evidence ?? []).map((e) => ({ stance: e.stance, title: e.title ?? null, url: e.url })),
    id: n.id,
    replyTo: n.replyTo ?? null,
    reviewer: directory.person(userId).id,
  }));

  // Decision keys embed a reviewer id; pseudonymised exports rebuild them from the pseudonym.
  const decisions: ExportDecision[] = board.decisions
    .map(({ id, decision: d }): ExportDecision => {
      const reviewerId = who(d.reviewerId) ?? '';
      const by = who(d.by) ?? '';
      if (d.kind === 'suggestion') {
        return {
          at: d.at,
          by,
          ...(d.claimId !== undefined ? { claimId: d.claimId } : {}),
          id: options.pseudonymise ? suggestionDecisionKey(reviewerId, d.suggestionId) : id,
          kind: 'suggestion',
          outcome: d.outcome,
          reviewerId,
          suggestionId: d.suggestionId,
        };
      }
      return {
        at: d.at,
        by,
        id: options.pseudonymise ? threadDecisionKey(reviewerId, d.noteId) : id,
        kind: 'thread',
        noteId: d.noteId,
        resolved: d.resolved,
        reviewerId,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const liveReview = exportLiveReview(input, directory);

  return {
    agreement: { alpha: analysis.alpha.alpha, metric: 'ordinal', pairable: analysis.alpha.pairable, units: analysis.alpha.units },
    article: { length: board.article.length, text: board.article },
    board: {
      createdAt: board.meta.createdAt,
      createdBy: who(board.meta.createdBy),
      format: board.meta.format,
      id: input.boardId,
      source: sortedSource(board.meta.source),
      title: board.meta.title,
    },
    claims,
    decisions,
    ...(liveReview !== null ? { liveReview } : {}),
    notes,
    parameters: {
      agreementMeasure: 'krippendorff-alpha',
      agreementMetric: 'ordinal',
      consensusMeasure: 'tastle-wierman',
      countFormerMembers: input.countFormerMembers === true,
      pseudonymised: options.pseudonymise ?? false,
      quorum: settings.quorum,
      scale: { id: settings.scale, labels: SCALE.map((s) => ({ label: s.label, rating: s.rating })), max: 5, min: 1 },
      suggestionThreshold: settings.suggestionThreshold,
      threshold: settings.threshold,
    },
    publication,
    // In rank order, as `directory.reviewers` lists them.
    reviewers: [...new Set(analysis.reviewers.map((r) => r.userId))].map((userId) => {
      const p = directory.person(userId);
      return { former: analysis.isFormer(userId), id: p.id, name: p.name, role: p.role };
    }),
    schema: EXPORT_SCHEMA_ID,
    state: {
      docs: [
        { doc: 'board', reviewer: null, stateVector: toBase64(input.boardStateVector) },
        ...(input.liveStateVector ? [{ doc: 'live' as const, reviewer: null, stateVector: toBase64(input.liveStateVector) }] : []),
        ...analysis.reviewers.map((r) => ({
          doc: 'reviewer' as const,
          reviewer: directory.person(r.userId).id,
          stateVector: toBase64(r.stateVector),
        })),
      ],
    },
    votes,
  };
}
/** Keys stay in sorted order (`revisions` sorts between `rating` and `summary`). */
function withRevisions(v: ExportVerdictVersion, revisions: ExportVerdictVersion[]): ExportEditorVerdict {
  return { at: v.at, by: v.by, explanation: v.explanation, label: v.label, rating: v.rating, revisions, summary: v.summary, url: v.url };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Source fields in sorted key order, absent ones left out. */
function sortedSource(source: BoardSource): BoardSource {
  const out: BoardSource = {};
  for (const key of ['author', 'headline', 'publishedAt', 'publisher', 'url'] as const) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
