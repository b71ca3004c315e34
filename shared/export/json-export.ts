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
import { SCALE, type ClaimConsensus, type Distribution, type ScaleValue, type Verdict } from '../consensus/index.js';
import {
  suggestionDecisionKey,
  threadDecisionKey,
  toBase64,
  type BoardSource,
  type ClaimStatus,
  type Confidence,
  type Stance,
  type VerdictVersion,
} from '../model/index.js';
import { analyse, orderedNotes, orderedVotes, type Analysis, type AnalysisOptions } from './analysis.js';
import { canonicalJson, sha256Hex, sha256HexOfParts } from './canonical-json.js';
import { buildLiveSummary, type LiveVoteValue, type RevisitFlag } from './live-summary.js';
import type { Directory } from './pseudonyms.js';
import { editorRatingLabel, planPublication, type ExclusionReason, type PublicationOptions } from './publication-plan.js';
import type { ExportInput } from './types.js';

export const EXPORT_SCHEMA_ID = 'claimboard.export/v1';

export interface JsonExportOptions extends AnalysisOptions, PublicationOptions {
  /** RFC 3339 date-time to write as `exportedAt`; omitted when absent. Not hashed. */
  exportedAt?: string;
}

export interface ExportConsensus {
  consensus: number | null;
  distribution: Distribution;
  mean: number | null;
  median: number | null;
  n: number;
  unverifiable: number;
  verdict: Verdict;
  verdictLabel: string;
  verdictRating: ScaleValue | null;
}

export interface ExportClaim {
  anchor: {
    end: number | null;
    /** Base64 of Y.encodeRelativePosition. */
    endPosition: string;
    start: number | null;
    startPosition: string;
  } | null;
  consensus: ExportConsensus;
  createdAt: number;
  createdBy: string | null;
  id: string;
  links: { mergedFrom: string[]; mergedInto: string | null; splitFrom: string | null; splitInto: string[] };
  order: number;
  position: number;
  /** Who made the claim, when known. */
  speaker: string | null;
  status: ClaimStatus;
  suggestion: { reasons: string[]; score: number } | null;
  text: string;
  /** The board's verdict (the editor's), beside the reviewers' `consensus`. */
  verdict: ExportEditorVerdict | null;
}

export interface ExportVerdictVersion {
  at: number;
  by: string | null;
  explanation: string;
  label: string;
  rating: ScaleValue | 'needs-context' | 'unverifiable';
  summary: string | null;
  url: string | null;
}

export interface ExportEditorVerdict extends ExportVerdictVersion {
  /** Earlier published versions, oldest first: a change after publication stays on record. */
  revisions: ExportVerdictVersion[];
}

/** What the ClaimReview export holds, and every claim it leaves out with the reason. */
export interface ExportPublication {
  baseUrl: string | null;
  claimReview: {
    excluded: { claimId: string; detail: string; reason: ExclusionReason }[];
    included: { claimId: string; url: string }[];
  };
  organisation: { logo: string | null; name: string; url: string | null } | null;
}

export interface ExportVote {
  at: number;
  claimId: string;
  confidence: Confidence;
  rating: ScaleValue | 'unverifiable';
  rationale: string | null;
  reviewer: string;
}

export interface ExportNote {
  at: number;
  body: string;
  claimId: string;
  deleted: boolean;
  editedAt: number | null;
  evidence: { stance: Stance; title: string | null; url: string }[];
  id: string;
  replyTo: string | null;
  reviewer: string;
}

export type ExportDecision =
  | { at: number; by: string; claimId?: string; id: string; kind: 'suggestion'; outcome: 'accepted' | 'rejected'; reviewerId: string; suggestionId: string }
  | { at: number; by: string; id: string; kind: 'thread'; noteId: string; resolved: boolean; reviewerId: string };

export interface ExportPerson {
  id: string;
  name: string | null;
  role: string | null;
}

export interface ExportStateDoc {
  doc: 'board' | 'live' | 'reviewer';
  reviewer: string | null;
  stateVector: string;
}

/** A vote as a live round records it, without its free text. */
export interface ExportLiveVoteValue {
  at: number;
  confidence: Confidence;
  rating: ScaleValue | 'unverifiable';
}

export interface ExportLiveVote extends ExportLiveVoteValue {
  rationale: string | null;
  reviewer: string;
}

export interface ExportLiveChange {
  from: ExportLiveVoteValue | null;
  reason: string | null;
  reviewer: string;
  shift: number | null;
  to: ExportLiveVoteValue | null;
}

export interface ExportLiveRound {
  changes: ExportLiveChange[];
  movement: {
    changed: number;
    consensusAfter: number | null;
    consensusBefore: number | null;
    meanAbsoluteShift: number | null;
    pairs: number;
    verdictAfter: Verdict;
    verdictBefore: Verdict;
  } | null;
  openedAt: number;
  revealedAt: number | null;
  round1: { consensus: ExportConsensus; votes: ExportLiveVote[] } | null;
  sealed: boolean;
  votedCount: number;
}

export interface ExportLiveClaim {
  agendaPosition: number | null;
  claimId: string;
  discussed: boolean;
  revisit: { flag: RevisitFlag; reason: string }[];
  round: ExportLiveRound | null;
  timeSpentMs: number;
}

/** The live review (see live-summary.ts); present only when the board had one. */
export interface ExportLiveReview {
  agenda: string[];
  claims: ExportLiveClaim[];
  endedAt: number | null;
  facilitator: string | null;
  focus: string | null;
  focusSince: number | null;
  startedAt: number | null;
  status: 'active' | 'ended';
  totals: {
    agendaClaims: number;
    discussed: number;
    meanAgreement: number | null;
    revisit: number;
    roundsOpened: number;
    roundsRevealed: number;
    roundsSealed: number;
    timeSpentMs: number;
  };
}

export interface ClaimboardExportV1 {
  agreement: { alpha: number | null; metric: 'ordinal'; pairable: number; units: number };
  article: { length: number; text: string };
  board: { createdAt: number | null; createdBy: string | null; format: string; id: string; source: BoardSource; title: string };
  claims: ExportClaim[];
  decisions: ExportDecision[];
  exportedAt?: string;
  liveReview?: ExportLiveReview;
  notes: ExportNote[];
  publication: ExportPublication;
  parameters: {
    agreementMeasure: 'krippendorff-alpha';
    agreementMetric: 'ordinal';
    consensusMeasure: 'tastle-wierman';
    pseudonymised: boolean;
    quorum: number;
    scale: { id: string; labels: { label: string; rating: ScaleValue }[]; max: 5; min: 1 };
    suggestionThreshold: number;
    threshold: number;
  };
  reviewers: ExportPerson[];
  schema: typeof EXPORT_SCHEMA_ID;
  state: { contentHash: string; docs: ExportStateDoc[] };
  votes: ExportVote[];
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
      pseudonymised: options.pseudonymise ?? false,
      quorum: settings.quorum,
      scale: { id: settings.scale, labels: SCALE.map((s) => ({ label: s.label, rating: s.rating })), max: 5, min: 1 },
      suggestionThreshold: settings.suggestionThreshold,
      threshold: settings.threshold,
    },
    publication,
    reviewers: directory.reviewers.map((p) => ({ id: p.id, name: p.name, role: p.role })),
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

function exportConsensus(c: ClaimConsensus): ExportConsensus {
  return {
    consensus: c.consensus,
    distribution: { 1: c.distribution[1], 2: c.distribution[2], 3: c.distribution[3], 4: c.distribution[4], 5: c.distribution[5] },
    mean: c.mean,
    median: c.median,
    n: c.n,
    unverifiable: c.unverifiable,
    verdict: c.verdict,
    verdictLabel: c.verdictLabel,
    verdictRating: c.verdictRating,
  };
}

/**
 * The `liveReview` section: the live summary without the clock (only completed focus
 * stretches count; `focus` and `focusSince` give the running one), people through the
 * directory, votes and changes in reviewer order. Null when the board had no live review.
 * A sealed round contributes its times and `votedCount` only.
 */
function exportLiveReview(input: ExportInput, directory: Directory): ExportLiveReview | null {
  const summary = buildLiveSummary(input);
  if (summary === null) return null;
  const person = (userId: string): string => directory.person(userId).id;
  const inReviewerOrder = <T extends { userId: string }>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => directory.rank(a.userId) - directory.rank(b.userId) || byString(person(a.userId), person(b.userId)));
  const voteValue = (v: LiveVoteValue | null): ExportLiveVoteValue | null =>
    v === null ? null : { at: v.at, confidence: v.confidence, rating: v.rating };

  const claims = summary.claims.map((c): ExportLiveClaim => {
    const r = c.round;
    return {
      agendaPosition: c.agendaPosition,
      claimId: c.claimId,
      discussed: c.discussed,
      revisit: c.revisit.map(({ flag, reason }) => ({ flag, reason })),
      round:
        r === null
          ? null
          : {
              changes: inReviewerOrder(r.changes).map((ch) => ({
                from: voteValue(ch.from),
                reason: ch.reason,
                reviewer: person(ch.userId),
                shift: ch.shift,
                to: voteValue(ch.to),
              })),
              movement:
                r.movement === null
                  ? null
                  : {
                      changed: r.movement.changed,
                      consensusAfter: r.movement.consensusAfter,
                      consensusBefore: r.movement.consensusBefore,
                      meanAbsoluteShift: r.movement.meanAbsoluteShift,
                      pairs: r.movement.pairs,
                      verdictAfter: r.movement.verdictAfter,
                      verdictBefore: r.movement.verdictBefore,
                    },
              openedAt: r.openedAt,
              revealedAt: r.revealedAt,
              round1:
                r.round1 === null
                  ? null
                  : {
                      consensus: exportConsensus(r.round1.consensus),
                      votes: inReviewerOrder(r.round1.votes).map((v) => ({
                        at: v.at,
                        confidence: v.confidence,
                        rating: v.rating,
                        rationale: v.rationale,
                        reviewer: person(v.userId),
                      })),
                    },
              sealed: r.sealed,
              votedCount: r.votedCount,
            },
      timeSpentMs: c.timeSpentMs,
    };
  });

  const t = summary.totals;
  return {
    agenda: [...summary.agenda],
    claims,
    endedAt: summary.endedAt,
    facilitator: summary.facilitatorId === null || summary.facilitatorId === '' ? null : person(summary.facilitatorId),
    focus: summary.focus,
    focusSince: summary.focusSince,
    startedAt: summary.startedAt,
    status: summary.status,
    totals: {
      agendaClaims: t.agendaClaims,
      discussed: t.discussed,
      meanAgreement: t.meanAgreement,
      revisit: t.revisit,
      roundsOpened: t.roundsOpened,
      roundsRevealed: t.roundsRevealed,
      roundsSealed: t.roundsSealed,
      timeSpentMs: t.timeSpentMs,
    },
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
