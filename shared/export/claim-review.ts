/**
 * The `claimreview` export: schema.org ClaimReview JSON-LD, one object per claim that has an
 * editor's verdict and can be published (`planPublication`: accepted, not merged or split,
 * with a URL and a publishing organisation). The reviewers' consensus is never published
 * as the rating: it measures the panel, the editor's verdict is the board's finding.
 *
 * Google's required fields: `url` (the URL the editor gave, or the board's base URL +
 * `#claim-<id>`), `claimReviewed` (the editor's summary, else the claim shortened at a
 * clause boundary), `reviewRating` (`alternateName` always; `ratingValue`, `bestRating`,
 * `worstRating` for ratings on the scale), `author` (the organisation from the board's or the
 * server's settings) and `itemReviewed` (a Claim with its speaker as `author` and the source
 * article as `appearance`).
 *
 * The bytes served escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, so the output can
 * be pasted into a `<script type="application/ld+json">` element as is.
 */
import { SCALE } from '../consensus/index.js';
import type { BoardMeta } from '../model/index.js';
import { analyse, type AnalysisOptions } from './analysis.js';
import { editorRatingLabel, planPublication, type PlannedReview, type PublicationOptions } from './publication-plan.js';
import type { ExportInput } from './types.js';

export interface ClaimReviewOptions extends AnalysisOptions, PublicationOptions {
  /**
   * ISO date (or date-time) the reviews are published. Default: the date (UTC) of each
   * verdict's first published version.
   */
  datePublished?: string;
}

/** Google suggests keeping claimReviewed under 75 characters. */
export const CLAIM_REVIEWED_MAX = 74;
/** A default claimReviewed shorter than this is not worth cutting to: the claim stays whole. */
const CLAUSE_MIN = 25;

/** Words of the verdict labels: claimReviewed states the claim, never the verdict. */
const VERDICT_WORDS = [...new Set(SCALE.flatMap((s) => s.label.toLowerCase().split(/\s+/)))];
const VERDICT_WORD_RE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${VERDICT_WORDS.join('|')})(?![\\p{L}\\p{N}])`, 'giu');

type JsonLd = Record<string, unknown>;

export function buildClaimReviewDocument(input: ExportInput, options: ClaimReviewOptions = {}): JsonLd[] {
  const analysis = analyse(input, options);
  const { meta } = analysis.input.board;
  return planPublication(analysis, options).included.map((p) => claimReview(meta, p, options));
}

/** The exact bytes to serve: a JSON array of ClaimReview objects, indented, final newline. */
export function buildClaimReview(input: ExportInput, options: ClaimReviewOptions = {}): string {
  return `${escapeForHtml(JSON.stringify(buildClaimReviewDocument(input, options), null, 2))}\n`;
}

/** JSON stays the same JSON; no `</script>` or `<!--` can appear in it. */
export function escapeForHtml(json: string): string {
  return json.replace(/[<>&]/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`);
}

function claimReview(meta: BoardMeta, p: PlannedReview, options: ClaimReviewOptions): JsonLd {
  const { claim, position } = p.claim;
  const { verdict } = p;
  const source = meta.source;
  const firstAt = verdict.revisions?.[0]?.at ?? verdict.at;
  const appearance =
    source.url !== undefined
      ? compact({
          '@type': 'CreativeWork',
          url: source.url,
          headline: source.headline ?? meta.title,
          datePublished: source.publishedAt,
          author: source.author !== undefined ? { '@type': 'Person', name: source.author } : undefined,
          publisher: source.publisher !== undefined ? { '@type': 'Organization', name: source.publisher } : undefined,
        })
      : undefined;
  const rating = verdict.rating;
  return compact({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: p.url,
    claimReviewed: verdict.summary ?? claimReviewedText(claim.text, position),
    datePublished: options.datePublished ?? isoDate(firstAt),
    author: compact({ '@type': 'Organization', name: p.author.name, url: p.author.url, logo: p.author.logo }),
    reviewRating:
      typeof rating === 'number'
        ? { '@type': 'Rating', ratingValue: rating, bestRating: 5, worstRating: 1, alternateName: editorRatingLabel(rating) }
        : { '@type': 'Rating', alternateName: editorRatingLabel(rating) },
    itemReviewed: compact({
      '@type': 'Claim',
      author: claim.speaker ? { '@type': 'Person', name: claim.speaker } : undefined,
      datePublished: source.publishedAt,
      appearance,
    }),
  });
}

/**
 * The default claimReviewed, when the editor wrote no summary: the claim without verdict
 * words ("true", "false", "mixed", "mostly"), on one line. A claim of 75 characters or more
 * is cut after its last whole clause (at . ! ? ; : , or a dash) that fits, with an ellipsis;
 * never inside a clause. When no clause of at least 25 characters fits, the first clause is
 * kept whole even though it is long (the preview asks the editor for a summary).
 * A claim that is nothing but verdict words becomes "Claim <position>".
 */
export function claimReviewedText(text: string, position: number): string {
  const clean = text.replace(VERDICT_WORD_RE, ' ').replace(/\s+/g, ' ').replace(/\s+([,.;:!?])/g, '$1').trim();
  const meaningful = clean.replace(/[^\p{L}\p{N}]/gu, '');
  if (meaningful.length === 0) return `Claim ${position}`;
  if (clean.length <= CLAIM_REVIEWED_MAX) return clean;
  const ends = clauseEnds(clean);
  const fitting = ends.filter((e) => e >= CLAUSE_MIN && e <= CLAIM_REVIEWED_MAX - 1);
  const cut = fitting.length > 0 ? fitting[fitting.length - 1]! : ends.find((e) => e >= CLAUSE_MIN);
  if (cut === undefined) return clean;
  return `${clean.slice(0, cut).replace(/[\s,;:.!?\-–—]+$/u, '')}…`;
}

/** Offsets right after each clause: a . ! ? ; : , followed by a space, or before a spaced dash. */
function clauseEnds(text: string): number[] {
  const ends: number[] = [];
  for (const m of text.matchAll(/[.!?;:,](?= )| (?=[–—-] )/gu)) ends.push(m.index + m[0].length);
  return ends;
}

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Drops undefined members, keeping key order. */
function compact(value: JsonLd): JsonLd {
  const out: JsonLd = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out;
}
