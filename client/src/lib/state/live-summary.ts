/**
 * The end-of-review summary as the board view shows it: one row per claim (verdict,
 * agreement, time in focus, how its sealed round went, why to revisit it), flattened from
 * the summary that shared/export/live-summary.ts builds. The browser builds it from the
 * docs it holds (so it shows offline), and the server's summary route, built by the same
 * function, takes over when it answers.
 */
import type { Verdict } from '../../../../shared/consensus/index.js';
import { csvCell } from '../../../../shared/export/csv.js';
import type { LiveSummary } from '../../../../shared/export/live-summary.js';

export interface SummaryRound {
  /** Reviewers who voted in the sealed round. */
  voted: number;
  revealed: boolean;
  /** Reviewers whose vote changed since the reveal (round 2). */
  changed: number;
}

export interface SummaryRow {
  claimId: string;
  text: string;
  /** 1-based place on the agenda; null for a claim focused off the agenda. */
  position: number | null;
  verdict: Verdict;
  verdictLabel: string;
  /** Tastle–Wierman agreement 0–1; null without numeric votes. */
  consensus: number | null;
  n: number;
  timeSpentMs: number;
  round: SummaryRound | null;
  /** Why to come back to this claim; empty when it is settled. */
  revisit: string[];
}

/** The rows of a summary, in its order. */
export function summaryRows(s: LiveSummary): SummaryRow[] {
  return s.claims.map((c) => ({
    claimId: c.claimId,
    text: c.text ?? 'a claim no longer on the board',
    position: c.agendaPosition,
    verdict: c.consensus.verdict,
    verdictLabel: c.consensus.verdictLabel,
    consensus: c.consensus.consensus,
    n: c.consensus.n,
    timeSpentMs: c.timeSpentMs,
    round: c.round ? { voted: c.round.votedCount, revealed: !c.round.sealed, changed: c.round.movement?.changed ?? 0 } : null,
    revisit: c.revisit.map((r) => r.reason),
  }));
}

/** A server answer in the summary's shape (the route is built by the same code; this only guards). */
export function isLiveSummary(v: unknown): v is LiveSummary {
  return typeof v === 'object' && v !== null && Array.isArray((v as { claims?: unknown }).claims);
}

/** mm:ss (h:mm:ss past an hour) of a duration, rounded up to the second for countdowns. */
export function formatDuration(ms: number, roundUp = false): string {
  const total = Math.max(0, roundUp ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export const SUMMARY_CSV_COLUMNS = ['position', 'claim_id', 'text', 'verdict', 'agreement', 'ratings', 'time_spent_s', 'round_voted', 'round_changed', 'revisit'] as const;

/** The summary as CSV (RFC 4180, formula-guarded like the board's CSV export). */
export function summaryCsv(summaryRows: readonly SummaryRow[]): string {
  const rows = [
    [...SUMMARY_CSV_COLUMNS],
    ...summaryRows.map((r) => [
      r.position,
      r.claimId,
      r.text,
      r.verdict,
      r.consensus === null ? null : Math.round(r.consensus * 10_000) / 10_000,
      r.n,
      Math.round(r.timeSpentMs / 1000),
      r.round?.voted ?? null,
      r.round?.changed ?? null,
      r.revisit.join('; '),
    ]),
  ];
  return rows.map((row) => row.map((c) => csvCell(c)).join(',')).join('\r\n') + '\r\n';
}
