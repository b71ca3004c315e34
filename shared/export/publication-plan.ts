/**
 * Which claims a board publishes as ClaimReview, and why the others are left out. The
 * ClaimReview builder publishes exactly `included`; the JSON export lists both, so nothing
 * is dropped without notice. One item per claim that carries an editor's verdict (the
 * board's finding), never per reviewers' consensus.
 */
import { scaleEntry, VERDICT_LABELS, type ScaleValue } from '../consensus/index.js';
import type { EditorRating, EditorVerdict, Organisation } from '../model/index.js';
import type { AnalysedClaim, Analysis } from './analysis.js';

/** Why a claim is not in the ClaimReview export, in the order they are checked. */
export const EXCLUSION_REASONS = ['merged', 'split', 'not-accepted', 'no-editor-verdict', 'no-url', 'no-publisher'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface PublicationOptions {
  /** The server's publishing organisation (PUBLISHER_NAME …); a board's own one wins. */
  publisher?: Organisation | null;
}

export interface PlannedReview {
  claim: AnalysedClaim;
  verdict: EditorVerdict;
  url: string;
  author: Organisation;
}

export interface Exclusion {
  claimId: string;
  reason: ExclusionReason;
  /** One sentence for people (the UI preview, the JSON export). */
  detail: string;
}

export interface PublicationPlan {
  included: PlannedReview[];
  excluded: Exclusion[];
  /** The organisation in use (board, then server), or null. */
  author: Organisation | null;
}

const EDITOR_LABELS: Record<'unverifiable' | 'needs-context', string> = {
  unverifiable: 'Unverifiable',
  'needs-context': 'Needs context',
};

/** The label of an editor's rating: the scale's labels, or the two answers off the scale. */
export function editorRatingLabel(rating: EditorRating): string {
  return typeof rating === 'number' ? scaleEntry(rating as ScaleValue).label : EDITOR_LABELS[rating];
}

export function claimReviewUrl(claimId: string, verdict: EditorVerdict, baseUrl: string | undefined): string | null {
  if (verdict.url !== undefined) return verdict.url;
  return baseUrl === undefined ? null : `${baseUrl.replace(/#.*$/, '')}#claim-${encodeURIComponent(claimId)}`;
}

export function planPublication(analysis: Analysis, options: PublicationOptions): PublicationPlan {
  const publication = analysis.input.board.meta.publication ?? {};
  const author = publication.organisation ?? options.publisher ?? null;
  const included: PlannedReview[] = [];
  const excluded: Exclusion[] = [];
  const out = (claimId: string, reason: ExclusionReason, detail: string) => excluded.push({ claimId, reason, detail });
  for (const c of analysis.claims) {
    const { claim } = c;
    const verdict = claim.verdict ?? null;
    if (claim.mergedInto !== undefined) {
      out(claim.id, 'merged', `merged into ${claim.mergedInto}`);
    } else if ((claim.splitInto?.length ?? 0) > 0) {
      out(claim.id, 'split', `split into ${claim.splitInto!.join(', ')}`);
    } else if (claim.status !== 'accepted') {
      out(claim.id, 'not-accepted', claim.status === 'rejected' ? 'rejected by an editor' : 'still proposed, never accepted');
    } else if (verdict === null) {
      out(claim.id, 'no-editor-verdict', `no editor's verdict yet (reviewers' consensus: ${VERDICT_LABELS[c.consensus.verdict]})`);
    } else {
      const url = claimReviewUrl(claim.id, verdict, publication.baseUrl);
      if (url === null) out(claim.id, 'no-url', 'no published URL for this fact check and no base URL for the board');
      else if (author === null) out(claim.id, 'no-publisher', 'no publishing organisation in the board or server settings');
      else included.push({ claim: c, verdict, url, author });
    }
  }
  return { included, excluded, author };
}
