/** Export builders: JSON (claimboard.export/v1), schema.org ClaimReview, CSV; the live-review summary. */
export * from './types.js';
export * from './canonical-json.js';
export * from './pseudonyms.js';
export * from './analysis.js';
export * from './live-summary.js';
export * from './json-export.js';
export * from './publication-plan.js';
export * from './claim-review.js';
export * from './csv.js';
export * from './snapshot.js';
