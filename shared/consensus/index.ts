/** Consensus math: pure functions shared by the client's live view and the server's export. */
export * from './scale.js';
export * from './claim-consensus.js';
export * from './krippendorff.js';
export * from './board-consensus.js';
export * from './agenda.js';
