/**
 * The `claimreview` export: schema.org ClaimReview JSON-LD, one object per claim that has a
 * verdict on the 1–5 scale. Claims that are insufficient, contested or unverifiable are
 * left out, because Google requires a reviewRating and those have no point on the scale
 * (publishing "contested" as a rating would misstate the board's finding). Rejected claims
 * (including the sources of merges and splits) are left out too: the editors decided they
 * are not part of the review.
 *
 * Required by Google: claimReviewed, reviewRating (ratingValue, bestRating, worstRating,
 * alternateName), url. Recommended and included when known: author (the publisher as an
 * Organization), datePublished, itemReviewed (a Claim with author, datePublished and
 * appearance from the board's source).
 */
import { SCALE } from '../consensus/index.js';
import { analyse, type Analysis, type AnalysedClaim, type AnalysisOptions } from './analysis.js';
import type { ExportInput } from './types.js';

export interface ClaimReviewOptions extends AnalysisOptions {
  /** Public URL of the page that shows this board's review; claims get #claim-<id>. */
  boardUrl: string;
  publisher: { name: string; url?: string; logo?: string };
  /**
   * ISO date (or date-time) the review is published. Default: the date (UTC) of the last
   * vote on each claim, the moment its verdict was last settled.
   */
  datePublished?: string;
}

/** Google suggests keeping claimReviewed under 75 characters. */
export const CLAIM_REVIEWED_MAX = 74;

/** Words of the verdict labels: claimReviewed states the claim, never the verdict. */
const VERDICT_WORDS = [...new Set(SCALE.flatMap((s) => s.label.toLowerCase().split(/\s+/)))];
const VERDICT_WORD_RE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${VERDICT_WORDS.join('|')})(?![\\p{L}\\p{N}])`, 'giu');

type JsonLd = Record<string, unknown>;

export function buildClaimReviewDocument(input: ExportInput, options: ClaimReviewOptions): JsonLd[] {
  const analysis = analyse(input, options);
  return analysis.claims.filter(isPublishable).map((c) => claimReview(analysis, c, options));
}

/**
 * The exact bytes to serve: a JSON array of ClaimReview objects, indented, final newline.
 * Meant to be pasted into a `<script type="application/ld+json">`, so `<`, `>` and `&` are
 * written as \u003c, \u003e and \u0026: no claim text can close the script element or
 * open markup, and the JSON still parses to the same value.
 */
export function buildClaimReview(input: ExportInput, options: ClaimReviewOptions): string {
  return `${scriptSafeJson(buildClaimReviewDocument(input, options))}\n`;
}

const SCRIPT_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** JSON.stringify (indented) with <, > and & escaped; they only occur inside strings. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&]/g, (c) => SCRIPT_UNSAFE[c]!);
}

/** The URL if it is http(s); anything else (javascript:, data:) is never published. */
function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function isPublishable(c: AnalysedClaim): boolean {
  return c.consensus.verdictRating !== null && c.claim.status !== 'rejected';
}

function claimReview(analysis: Analysis, c: AnalysedClaim, options: ClaimReviewOptions): JsonLd {
  const { meta } = analysis.input.board;
  const source = meta.source;
  const datePublished = options.datePublished ?? (c.lastVoteAt !== null ? isoDate(c.lastVoteAt) : undefined);
  const claimAuthor =
    source.author !== undefined
      ? { '@type': 'Person', name: source.author }
      : source.publisher !== undefined
        ? { '@type': 'Organization', name: source.publisher }
        : undefined;
  // Boards made before source URLs were checked may hold any scheme.
  const sourceUrl = httpUrl(source.url);
  const appearance = sourceUrl !== undefined
    ? compact({
        '@type': 'CreativeWork',
        url: sourceUrl,
        headline: meta.title,
        datePublished: source.publishedAt,
        publisher: source.publisher !== undefined ? { '@type': 'Organization', name: source.publisher } : undefined,
      })
    : undefined;
  return compact({
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: `${options.boardUrl}#claim-${encodeURIComponent(c.claim.id)}`,
    claimReviewed: claimReviewedText(c.claim.text, c.position),
    datePublished,
    author: compact({
      '@type': 'Organization',
      name: options.publisher.name,
      url: options.publisher.url,
      logo: options.publisher.logo,
    }),
    reviewRating: {
      '@type': 'Rating',
      ratingValue: c.consensus.verdictRating,
      bestRating: 5,
      worstRating: 1,
      alternateName: c.consensus.verdictLabel,
    },
    itemReviewed: compact({
      '@type': 'Claim',
      author: claimAuthor,
      datePublished: source.publishedAt,
      appearance,
    }),
  });
}

/**
 * The claim as Google wants it in claimReviewed: without verdict words ("true", "false",
 * "mixed", "mostly"), on one line, and under 75 characters, cut at a word boundary with an
 * ellipsis. A claim that is nothing but verdict words becomes "Claim <position>".
 */
export function claimReviewedText(text: string, position: number): string {
  const clean = text.replace(VERDICT_WORD_RE, ' ').replace(/\s+/g, ' ').replace(/\s+([,.;:!?])/g, '$1').trim();
  const meaningful = clean.replace(/[^\p{L}\p{N}]/gu, '');
  if (meaningful.length === 0) return `Claim ${position}`;
  if (clean.length <= CLAIM_REVIEWED_MAX) return clean;
  // Whole code points only, leaving room for the ellipsis.
  let cut = '';
  for (const ch of clean) {
    if (cut.length + ch.length > CLAIM_REVIEWED_MAX - 1) break;
    cut += ch;
  }
  const space = cut.lastIndexOf(' ');
  if (space >= CLAIM_REVIEWED_MAX / 2) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
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
