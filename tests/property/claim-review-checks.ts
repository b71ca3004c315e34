/**
 * Google's requirements for one ClaimReview object, as test assertions: the required
 * fields (url, claimReviewed, reviewRating with alternateName, author, itemReviewed) and
 * the rating on the scale when it has a number.
 */
import { expect } from 'vitest';

const LABELS = ['False', 'Mostly false', 'Mixed', 'Mostly true', 'True'];

export function checkClaimReview(review: Record<string, unknown>): void {
  expect(review['@context']).toBe('https://schema.org');
  expect(review['@type']).toBe('ClaimReview');
  expect(typeof review.url).toBe('string');
  expect(new URL(review.url as string).protocol).toMatch(/^https?:$/);
  const claimReviewed = review.claimReviewed as string;
  expect(typeof claimReviewed).toBe('string');
  expect(claimReviewed.trim().length).toBeGreaterThan(0);
  expect(claimReviewed).not.toMatch(/[\r\n]/);
  const rating = review.reviewRating as Record<string, unknown>;
  expect(rating['@type']).toBe('Rating');
  expect(typeof rating.alternateName).toBe('string');
  if (rating.ratingValue !== undefined) {
    expect([1, 2, 3, 4, 5]).toContain(rating.ratingValue);
    expect(rating.bestRating).toBe(5);
    expect(rating.worstRating).toBe(1);
    expect(LABELS[(rating.ratingValue as number) - 1]).toBe(rating.alternateName);
  } else {
    expect(['Unverifiable', 'Needs context']).toContain(rating.alternateName);
  }
  const author = review.author as Record<string, unknown>;
  expect(author['@type']).toBe('Organization');
  expect(typeof author.name).toBe('string');
  expect((author.name as string).length).toBeGreaterThan(0);
  expect((review.itemReviewed as Record<string, unknown>)['@type']).toBe('Claim');
}
