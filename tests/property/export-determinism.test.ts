/**
 * (a) Same state in, same bytes out: the updates of several concurrent replicas (editors on
 * the board, reviewers on one or two devices) are replayed into fresh documents in random
 * orders, with duplicates, and every export format must come out byte-identical.
 * Also (b) each JSON export validates against the schema, and (c) each ClaimReview has
 * Google's required fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildClaimReview, buildCsv, buildJsonExport, canonicalJson, computeContentHash, snapshotFromDocs } from '../../shared/export/index.js';
import { assertProperty, prng, shuffled } from '../helpers/fast-check-seed.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { replay, runScript, scriptArbitrary, type Recorded } from '../helpers/replicas.js';
import { checkClaimReview } from './claim-review-checks.js';

const CLAIM_REVIEW = { boardUrl: 'https://claimboard.example/b/prop', publisher: { name: 'Desk' } };

function exportsOf(recorded: Recorded, order: (updates: readonly Uint8Array[]) => Uint8Array[], pseudonymise: boolean) {
  const board = replay(order(recorded.boardUpdates));
  const reviewers = new Map<string, Y.Doc>();
  for (const [userId, updates] of recorded.reviewerUpdates) reviewers.set(userId, replay(order(updates)));
  const input = snapshotFromDocs('prop', board, reviewers, recorded.members);
  return {
    json: buildJsonExport(input, { pseudonymise }),
    claimReview: buildClaimReview(input, CLAIM_REVIEW),
    csv: buildCsv(input),
    pending: board.store.pendingStructs !== null || [...reviewers.values()].some((d) => d.store.pendingStructs !== null),
  };
}

describe('exports are deterministic whatever order updates arrive in', () => {
  it('byte-identical JSON, ClaimReview and CSV for permuted, duplicated and merged updates', () => {
    assertProperty(
      'export determinism',
      fc.property(scriptArbitrary, fc.integer(), fc.boolean(), (script, orderSeed, pseudonymise) => {
        const recorded = runScript(script);
        const inOrder = exportsOf(recorded, (u) => [...u], pseudonymise);
        const random = prng(orderSeed);
        const permuted = exportsOf(recorded, (u) => shuffled([...u, ...u.filter(() => random() < 0.2)], random), pseudonymise);
        const merged = exportsOf(recorded, (u) => [Y.mergeUpdates([...u])], pseudonymise);
        expect(inOrder.pending || permuted.pending || merged.pending).toBe(false);
        expect(permuted.json).toBe(inOrder.json);
        expect(permuted.claimReview).toBe(inOrder.claimReview);
        expect(permuted.csv).toBe(inOrder.csv);
        expect(merged.json).toBe(inOrder.json);

        const document = JSON.parse(inOrder.json);
        expect(inOrder.json).toBe(`${canonicalJson(document)}\n`);
        expect(validateExport(document), exportErrors()).toBe(true);
        expect(computeContentHash(document)).toBe(document.state.contentHash);
        for (const review of JSON.parse(inOrder.claimReview)) checkClaimReview(review);
      }),
      { numRuns: 40 },
    );
  });
});
