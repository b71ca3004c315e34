/**
 * Claim suggestion: paragraphs and sentences, page furniture, the trained check-worthiness
 * model. Server-side only: the model and its NLP pipeline must stay out of the browser bundle.
 */
export * from './sentences.js';
export * from './boilerplate.js';
export * from './blocks.js';
export { scoreWithModel, type Verdict } from './model.js';
export * from './suggest-claims.js';
