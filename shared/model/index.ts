/** The board model: document layout, schemas, readers and mutators over Yjs documents. */
export * from './layout.js';
export * from './schemas.js';
export * from './result.js';
export * from './order.js';
export * from './anchors.js';
export * from './base64.js';
export * from './docs.js';
export * from './ids.js';
export * from './read-board.js';
export * from './fast-parse.js';
export * from './read-reviewer.js';
export * from './board-mutators.js';
export * from './reviewer-mutators.js';
export * from './live.js';
export * from './publication.js';
