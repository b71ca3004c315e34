/** Claim suggestion: sentences, boilerplate, check-worthiness. */
export * from './sentences.js';
export * from './boilerplate.js';
export * from './score.js';
export * from './suggest-claims.js';
