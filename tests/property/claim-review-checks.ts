/** Google's requirements for one ClaimReview object, as test assertions. */
import { expect } from 'vitest';

const VERDICT_WORDS = /(?<![\p{L}\p{N}])(?:true|false|mixed|mostly)(?![\p{L}\p{N}])/iu;

export function checkClaimReview(review: Record<string, unknown>): void {
  expect(review['@context']).toBe('https://schema.org');
  expect(review['@type']).toBe('ClaimReview');
  expect(typeof review.url).toBe('string');
  expect(() => new URL(review.url as string)).not.toThrow();
  const claimReviewed = review.claimReviewed as string;
  expect(typeof claimReviewed).toBe('string');
  expect(claimReviewed.length).toBeGreaterThan(0);
  expect(claimReviewed.length).toBeLessThan(75);
  expect(claimReviewed).not.toMatch(VERDICT_WORDS);
  expect(claimReviewed).not.toMatch(/\n/);
  const rating = review.reviewRating as Record<string, unknown>;
  expect(rating['@type']).toBe('Rating');
  expect([1, 2, 3, 4, 5]).toContain(rating.ratingValue);
  expect(rating.bestRating).toBe(5);
  expect(rating.worstRating).toBe(1);
  expect(['False', 'Mostly false', 'Mixed', 'Mostly true', 'True']).toContain(rating.alternateName);
  expect(['False', 'Mostly false', 'Mixed', 'Mostly true', 'True'][(rating.ratingValue as number) - 1]).toBe(rating.alternateName);
  expect((review.author as Record<string, unknown>)['@type']).toBe('Organization');
  expect((review.itemReviewed as Record<string, unknown>)['@type']).toBe('Claim');
}
