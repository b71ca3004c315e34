/**
 * The `csv` export: one row per claim in display order, for spreadsheets. RFC 4180: CRLF
 * line ends, fields with a comma, semicolon, quote or line break are quoted and quotes
 * doubled (a semicolon too, because spreadsheets in many locales split on it). Text
 * that came from users and starts with = + - @ (or a tab or carriage return) gets a
 * leading apostrophe so a spreadsheet shows it instead of running it as a formula (OWASP
 * "CSV injection").
 */
import { analyse, type AnalysisOptions } from './analysis.js';
import type { ExportInput } from './types.js';

export const CSV_COLUMNS = [
  'position', 'claim_id', 'status', 'text', 'anchor_start', 'anchor_end', 'suggestion_score',
  'suggestion_reasons', 'votes', 'unverifiable', 'count_1', 'count_2', 'count_3', 'count_4',
  'count_5', 'mean', 'median', 'consensus', 'verdict', 'verdict_label', 'merged_into',
  'merged_from', 'split_from', 'split_into',
] as const;

type Cell = string | number | null;

export function buildCsv(input: ExportInput, options: AnalysisOptions = {}): string {
  const analysis = analyse(input, options);
  const rows: Cell[][] = [[...CSV_COLUMNS]];
  for (const { claim, position, consensus: c } of analysis.claims) {
    rows.push([
      position,
      claim.id,
      claim.status,
      claim.text,
      claim.span?.start ?? null,
      claim.span?.end ?? null,
      claim.score ?? null,
      (claim.reasons ?? []).join('; '),
      c.n,
      c.unverifiable,
      c.distribution[1],
      c.distribution[2],
      c.distribution[3],
      c.distribution[4],
      c.distribution[5],
      roundTo(c.mean),
      c.median,
      roundTo(c.consensus),
      c.verdict,
      c.verdictLabel,
      claim.mergedInto ?? null,
      (claim.mergedFrom ?? []).join(' '),
      claim.splitFrom ?? null,
      (claim.splitInto ?? []).join(' '),
    ]);
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One field: numbers as written by JS, strings guarded against formulas and quoted. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** Four decimals are plenty in a spreadsheet and keep the file stable to read. */
function roundTo(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}
