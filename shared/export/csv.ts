/**
 * The `csv` export, for spreadsheets: three tables, `claims` (one row per claim in display
 * order, with the reviewers' consensus and the editor's verdict side by side), `votes` and
 * `notes` (both in the JSON export's canonical order), or all three in one file (`all`:
 * each table under a row naming it, a blank line between them).
 *
 * UTF-8 with a byte-order mark, so Excel reads curly quotes and accents as UTF-8. RFC 4180:
 * CRLF line ends; fields with a comma, semicolon, quote or line break are quoted and quotes
 * doubled (a semicolon because spreadsheets in many locales split on it). Text that starts
 * with = + - @ (or a tab or carriage return) gets a leading apostrophe so a spreadsheet shows
 * it instead of running it as a formula (OWASP "CSV injection"). People appear by name, or
 * by pseudonym in a pseudonymised export.
 */
import { analyse, orderedNotes, orderedVotes, type Analysis, type AnalysisOptions } from './analysis.js';
import { editorRatingLabel, planPublication, type PublicationOptions } from './publication-plan.js';
import type { ExportInput } from './types.js';

export const CSV_TABLES = ['claims', 'votes', 'notes', 'all'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export interface CsvOptions extends AnalysisOptions, PublicationOptions {
  /** Default `claims`. */
  table?: CsvTable;
}

export const BOM = '\uFEFF';

export const CSV_COLUMNS = [
  'position', 'claim_id', 'status', 'text', 'anchor_start', 'anchor_end', 'suggestion_score',
  'suggestion_reasons', 'votes', 'unverifiable', 'count_1', 'count_2', 'count_3', 'count_4',
  'count_5', 'mean', 'median', 'consensus', 'verdict', 'verdict_label', 'merged_into',
  'merged_from', 'split_from', 'split_into',
  // The editor's verdict and publication, then the source (the same on every row).
  'speaker', 'editor_rating', 'editor_label', 'editor_summary', 'editor_explanation', 'editor_url',
  'editor_by', 'editor_at', 'editor_revisions', 'claimreview', 'created_by', 'source_url',
  'source_headline', 'source_publisher', 'source_author', 'source_published_at',
] as const;

/** `counted`: "no" for a former member's vote while the board does not count them [M4]. */
export const CSV_VOTE_COLUMNS = [
  'claim_position', 'claim_id', 'reviewer', 'rating', 'confidence', 'rationale', 'reason', 'at', 'counted',
] as const;

export const CSV_NOTE_COLUMNS = [
  'claim_position', 'claim_id', 'note_id', 'reply_to', 'reviewer', 'body', 'evidence', 'at',
  'edited_at', 'deleted',
] as const;

type Cell = string | number | null;

export function buildCsv(input: ExportInput, options: CsvOptions = {}): string {
  const analysis = analyse(input, options);
  const table = options.table ?? 'claims';
  if (table === 'all') {
    const sections = (['claims', 'votes', 'notes'] as const).map((t) => `${csvCell(t)}\r\n${rowsText(tableRows(analysis, t, options))}`);
    return BOM + sections.join('\r\n');
  }
  return BOM + rowsText(tableRows(analysis, table, options));
}

function rowsText(rows: Cell[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function tableRows(analysis: Analysis, table: 'claims' | 'votes' | 'notes', options: CsvOptions): Cell[][] {
  const { directory } = analysis;
  const person = (userId: string | null | undefined): string | null => {
    if (userId === null || userId === undefined || userId === '') return null;
    const p = directory.person(userId);
    return p.name ?? p.id;
  };
  const position = new Map(analysis.claims.map((c) => [c.claim.id, c.position]));
  if (table === 'votes') {
    return [
      [...CSV_VOTE_COLUMNS],
      ...orderedVotes(analysis, (v, userId): Cell[] => [
        position.get(v.claimId) ?? null, v.claimId, person(userId), v.rating, v.confidence,
        v.rationale ?? null, v.reason ?? null, iso(v.at), analysis.counts(userId) ? 'yes' : 'no',
      ]),
    ];
  }
  if (table === 'notes') {
    return [
      [...CSV_NOTE_COLUMNS],
      ...orderedNotes(analysis, (n, userId): Cell[] => [
        position.get(n.claimId) ?? null, n.claimId, n.id, n.replyTo ?? null, person(userId), n.body,
        (n.evidence ?? []).map((e) => `${e.url} (${e.stance}${e.title !== undefined ? `: ${e.title}` : ''})`).join('\n'),
        iso(n.at), n.editedAt !== undefined ? iso(n.editedAt) : null, n.deleted ? 'yes' : 'no',
      ]),
    ];
  }
  const plan = planPublication(analysis, options);
  const published = new Map<string, string>(plan.included.map((p) => [p.claim.claim.id, `published at ${p.url}`]));
  for (const e of plan.excluded) published.set(e.claimId, `left out: ${e.detail}`);
  const source = analysis.input.board.meta.source;
  const rows: Cell[][] = [[...CSV_COLUMNS]];
  for (const { claim, position: pos, consensus: c } of analysis.claims) {
    const v = claim.verdict ?? null;
    rows.push([
      pos, claim.id, claim.status, claim.text, claim.span?.start ?? null, claim.span?.end ?? null,
      claim.score ?? null, (claim.reasons ?? []).join('; '), c.n, c.unverifiable,
      c.distribution[1], c.distribution[2], c.distribution[3], c.distribution[4], c.distribution[5],
      roundTo(c.mean), c.median, roundTo(c.consensus), c.verdict, c.verdictLabel,
      claim.mergedInto ?? null, (claim.mergedFrom ?? []).join(' '), claim.splitFrom ?? null,
      (claim.splitInto ?? []).join(' '),
      claim.speaker ?? null,
      v?.rating ?? null, v !== null ? editorRatingLabel(v.rating) : null, v?.summary ?? null, v?.explanation ?? null,
      v?.url ?? null, person(v?.by), v !== null ? iso(v.at) : null, v?.revisions?.length ?? (v !== null ? 0 : null),
      published.get(claim.id) ?? null, person(claim.createdBy),
      source.url ?? null, source.headline ?? null, source.publisher ?? null, source.author ?? null, source.publishedAt ?? null,
    ]);
  }
  return rows;
}

/** One field: numbers as written by JS, strings guarded against formulas and quoted. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Four decimals are plenty in a spreadsheet and keep the file stable to read. */
function roundTo(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}
