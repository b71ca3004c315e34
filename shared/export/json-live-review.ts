/**
 * The JSON export's `liveReview` section [L1–L9]: the live summary (live-summary.ts) with
 * people through the export's directory, so pseudonymisation applies.
 */
import { buildLiveSummary, type LiveVoteValue } from './live-summary.js';
import { exportConsensus, type ExportLiveClaim, type ExportLiveReview, type ExportLiveVoteValue } from './json-export-model.js';
import type { Directory } from './pseudonyms.js';
import type { ExportInput } from './types.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The `liveReview` section: the live summary without the clock (only completed focus
 * stretches count; `focus` and `focusSince` give the running one), people through the
 * directory, votes and changes in reviewer order. Null when the board had no live review.
 * A sealed round contributes its times and `votedCount` only.
 */
export function exportLiveReview(input: ExportInput, directory: Directory): ExportLiveReview | null {
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
