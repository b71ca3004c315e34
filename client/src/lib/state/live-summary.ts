/**
 * The end-of-review summary of a live review: per claim the verdict, the agreement, the
 * time it held the focus, how its sealed round went and whether to revisit it.
 *
 * The board computes all of it from what every member already holds (the live doc and
 * the reviewer docs), so the summary shows offline and before the server's summary route
 * answers. When the route answers, what it says about a claim takes precedence field by
 * field; its shape is read defensively, and anything unrecognised is ignored.
 */
import { VERDICT_LABELS, type BoardConsensus, type Verdict } from '../../../../shared/consensus/index.js';
import { csvCell } from '../../../../shared/export/csv.js';
import { focusTime, type LiveState } from '../../../../shared/model/live.js';
import type { ClaimSnapshot, Rating } from '../../../../shared/model/index.js';

export interface SummaryRound {
  /** Reviewers who voted in the sealed round. */
  voted: number;
  revealed: boolean;
  /** Reviewers whose current vote differs from their round-1 vote. */
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

export interface LiveSummary {
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  /** Board agreement (Krippendorff's alpha), null without enough data. */
  alpha: number | null;
  rows: SummaryRow[];
  /** 'server' when the summary route contributed, else 'board' (computed here). */
  source: 'server' | 'board';
}

export interface SummaryInput {
  live: LiveState;
  claims: ClaimSnapshot[];
  consensus: BoardConsensus;
  /** Current votes on a claim, by user id. */
  currentVotes: (claimId: string) => Map<string, Rating>;
  /** Server epoch ms. */
  now: number;
}

export function computeSummary({ live, claims, consensus, currentVotes, now }: SummaryInput): LiveSummary {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const ids = [...live.agenda];
  // Claims focused off the agenda still took time: list them after it.
  for (const id of Object.keys(live.timeSpent)) if (!ids.includes(id)) ids.push(id);
  const rows: SummaryRow[] = [];
  for (const claimId of ids) {
    const claim = byId.get(claimId);
    if (!claim) continue;
    const cons = consensus.claims.get(claimId);
    const verdict: Verdict = cons?.verdict ?? 'insufficient';
    const r = live.rounds[claimId];
    let round: SummaryRound | null = null;
    if (r) {
      const current = currentVotes(claimId);
      let changed = 0;
      for (const [userId, v] of Object.entries(r.votes ?? {})) {
        const now = current.get(userId);
        if (now !== undefined && now !== v.rating) changed++;
      }
      round = { voted: Object.keys(r.votes ?? r.voted).length, revealed: r.revealedAt !== null, changed };
    }
    const timeSpentMs = focusTime(live, claimId, now);
    const revisit: string[] = [];
    if (claim.status === 'rejected') revisit.push('rejected during the review');
    if (verdict === 'contested') revisit.push('contested');
    if (verdict === 'insufficient') revisit.push('below quorum');
    if (round && !round.revealed) revisit.push('sealed round never revealed');
    if (round && round.changed > 0) revisit.push(`${round.changed} vote${round.changed === 1 ? '' : 's'} moved after the reveal`);
    if (timeSpentMs === 0) revisit.push('not discussed');
    const at = live.agenda.indexOf(claimId);
    rows.push({
      claimId,
      text: claim.text,
      position: at >= 0 ? at + 1 : null,
      verdict,
      verdictLabel: cons?.verdictLabel ?? VERDICT_LABELS[verdict],
      consensus: cons?.consensus ?? null,
      n: cons?.n ?? 0,
      timeSpentMs,
      round,
      revisit,
    });
  }
  const end = live.endedAt ?? (live.status === 'active' ? now : null);
  return {
    startedAt: live.startedAt,
    endedAt: live.endedAt,
    durationMs: live.startedAt !== null && end !== null ? Math.max(0, end - live.startedAt) : null,
    alpha: consensus.alpha.alpha,
    rows,
    source: 'board',
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isVerdict = (v: unknown): v is Verdict => typeof v === 'string' && Object.hasOwn(VERDICT_LABELS, v);

/**
 * Lays the server's summary (GET …/live/summary, built by shared/export/live-summary.ts)
 * over the computed one. The server's list of claims and its per-claim consensus, time,
 * round and revisit reasons win; the local row fills whatever a field lacks. Read
 * defensively: a shape it does not recognise leaves the local summary as it is.
 */
export function mergeServerSummary(base: LiveSummary, raw: unknown): LiveSummary {
  if (!isRecord(raw) || !Array.isArray(raw.claims)) return base;
  const local = new Map(base.rows.map((r) => [r.claimId, r]));
  const rows: SummaryRow[] = [];
  for (const e of raw.claims as unknown[]) {
    if (!isRecord(e) || typeof e.claimId !== 'string') continue;
    const l = local.get(e.claimId);
    const cons = isRecord(e.consensus) ? e.consensus : null;
    const verdict: Verdict = isVerdict(cons?.verdict) ? cons.verdict : (l?.verdict ?? 'insufficient');
    const r = isRecord(e.round) ? e.round : null;
    const movement = r && isRecord(r.movement) ? r.movement : null;
    const revisit = Array.isArray(e.revisit)
      ? e.revisit
          .map((x: unknown) => (typeof x === 'string' ? x : isRecord(x) && typeof x.reason === 'string' ? x.reason : null))
          .filter((x): x is string => x !== null)
      : (l?.revisit ?? []);
    rows.push({
      claimId: e.claimId,
      text: typeof e.text === 'string' ? e.text : (l?.text ?? 'a claim no longer on the board'),
      position: 'agendaPosition' in e ? num(e.agendaPosition) : (l?.position ?? null),
      verdict,
      verdictLabel: typeof cons?.verdictLabel === 'string' ? cons.verdictLabel : VERDICT_LABELS[verdict],
      consensus: cons ? num(cons.consensus) : (l?.consensus ?? null),
      n: num(cons?.n) ?? l?.n ?? 0,
      timeSpentMs: num(e.timeSpentMs) ?? l?.timeSpentMs ?? 0,
      round: r
        ? { voted: num(r.votedCount) ?? l?.round?.voted ?? 0, revealed: r.sealed === false, changed: num(movement?.changed) ?? 0 }
        : (l?.round ?? null),
      revisit,
    });
  }
  if (rows.length === 0 && base.rows.length > 0) return base;
  const startedAt = 'startedAt' in raw ? num(raw.startedAt) : base.startedAt;
  const endedAt = 'endedAt' in raw ? num(raw.endedAt) : base.endedAt;
  return {
    startedAt,
    endedAt,
    durationMs: startedAt !== null && endedAt !== null ? Math.max(0, endedAt - startedAt) : base.durationMs,
    alpha: base.alpha,
    rows,
    source: 'server',
  };
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
export function summaryCsv(s: LiveSummary): string {
  const rows = [
    [...SUMMARY_CSV_COLUMNS],
    ...s.rows.map((r) => [
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
