/**
 * The shape of the `json` export, "claimboard.export/v1" (claimboard-export-v1.schema.json
 * describes the same for readers in any language), and the consensus in that shape. Members
 * are listed in sorted key order, the order the canonical JSON writes them in.
 */
import type { ClaimConsensus, Distribution, ScaleValue, Verdict } from '../consensus/index.js';
import type { BoardSource, ClaimStatus, Confidence, Stance } from '../model/index.js';
import type { RevisitFlag } from './live-summary.js';
import type { ExclusionReason } from './publication-plan.js';

export const EXPORT_SCHEMA_ID = 'claimboard.export/v1';

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
  /** Whether the vote counts toward the consensus: false for a former member's while the
   * board does not count them [M4]. */
  counted: boolean;
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
  /** Left or was removed from the board [M4]. */
  former: boolean;
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
    /** Former members' votes count toward the consensus and alpha [M4]. */
    countFormerMembers: boolean;
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

/** A claim's consensus as the export writes it (keys sorted). */
export function exportConsensus(c: ClaimConsensus): ExportConsensus {
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
