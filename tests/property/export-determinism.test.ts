/**
 * (a) Same state in, same bytes out: the updates of several concurrent replicas (editors on
 * the board, reviewers on one or two devices) and of the server's live-review writes
 * (agenda, focus moves, sealed rounds and reveals) are replayed into fresh documents in
 * random orders, with duplicates, and every export format must come out byte-identical.
 * Also (b) each JSON export validates against the schema, and (c) each ClaimReview has
 * Google's required fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildClaimReview, buildCsv, buildJsonExport, buildLiveSummary, canonicalJson, computeContentHash, snapshotFromDocs } from '../../shared/export/index.js';
import { moveFocus, readBoard, readLive, writeLive, writeRound, type Rating, type Vote } from '../../shared/model/index.js';
import { assertProperty, prng, shuffled } from '../helpers/fast-check-seed.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { replay, runScript, scriptArbitrary, type Recorded } from '../helpers/replicas.js';
import { checkClaimReview } from './claim-review-checks.js';

const CLAIM_REVIEW = { boardUrl: 'https://claimboard.example/b/prop', publisher: { name: 'Desk' } };

const at = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });
const rating = fc.constantFrom<Rating[]>(1, 2, 3, 4, 5, 'unverifiable');

/** What the server does during a live review, by picks of claims and reviewers. */
const liveScriptArbitrary = fc.option(
  fc.record({
    agenda: fc.array(fc.nat(), { maxLength: 5 }),
    start: at,
    steps: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('focus' as const), pick: fc.option(fc.nat(), { nil: null }), after: fc.nat({ max: 600_000 }) }),
        fc.record({
          kind: fc.constant('round' as const),
          pick: fc.nat(),
          reveal: fc.boolean(),
          votes: fc.array(fc.record({ who: fc.nat(), rating, confidence: fc.constantFrom('low' as const, 'high' as const), at, reason: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }), { maxLength: 4 }),
        }),
      ),
      { maxLength: 8 },
    ),
    end: fc.boolean(),
  }),
  { nil: null },
);
type LiveScript = NonNullable<typeof liveScriptArbitrary extends fc.Arbitrary<infer T> ? T : never>;

/** Runs a live script as the server would (one transaction per step) and records its updates. */
function runLive(recorded: Recorded, script: LiveScript): Uint8Array[] {
  const claimIds = readBoard(replay(recorded.boardUpdates)).claims.map((c) => c.id);
  const users = [...recorded.reviewerUpdates.keys(), 'gone'];
  const claim = (pick: number): string | null => (claimIds.length === 0 ? null : claimIds[pick % claimIds.length]!);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  let now = script.start;
  doc.transact(() =>
    writeLive(doc, { status: 'active', facilitatorId: 'owner', agenda: [...new Set(script.agenda.map(claim).filter((c): c is string => c !== null))], startedAt: now, endedAt: null, timer: null, timeSpent: {} }),
  );
  for (const step of script.steps) {
    now += 1_000;
    if (step.kind === 'focus') {
      now += step.after;
      doc.transact(() => moveFocus(doc, readLive(doc), step.pick === null ? null : claim(step.pick), now));
      continue;
    }
    const claimId = claim(step.pick);
    if (claimId === null || readLive(doc).rounds[claimId]) continue;
    const votes: Record<string, Vote> = {};
    for (const v of step.votes) votes[users[v.who % users.length]!] = { rating: v.rating, confidence: v.confidence, at: v.at, ...(v.reason !== undefined ? { reason: v.reason } : {}) };
    const voted = Object.fromEntries(Object.entries(votes).map(([u, v]) => [u, v.at]));
    doc.transact(() => writeRound(doc, claimId, { openedAt: now, revealedAt: null, voted, votes: null }));
    if (step.reveal) doc.transact(() => writeRound(doc, claimId, { openedAt: now, revealedAt: now + 500, voted, votes }));
  }
  if (script.end) {
    now += 1_000;
    doc.transact(() => {
      moveFocus(doc, readLive(doc), null, now);
      writeLive(doc, { status: 'ended', endedAt: now, timer: null });
    });
  }
  return updates;
}

function exportsOf(recorded: Recorded, liveUpdates: readonly Uint8Array[] | null, order: (updates: readonly Uint8Array[]) => Uint8Array[], pseudonymise: boolean) {
  const board = replay(order(recorded.boardUpdates));
  const reviewers = new Map<string, Y.Doc>();
  for (const [userId, updates] of recorded.reviewerUpdates) reviewers.set(userId, replay(order(updates)));
  const live = liveUpdates === null ? null : replay(order(liveUpdates));
  const input = snapshotFromDocs('prop', board, reviewers, recorded.members, live);
  const docs = [board, ...reviewers.values(), ...(live ? [live] : [])];
  return {
    json: buildJsonExport(input, { pseudonymise }),
    claimReview: buildClaimReview(input, CLAIM_REVIEW),
    csv: buildCsv(input),
    summary: JSON.stringify(buildLiveSummary(input, { now: 1_900_000_000_000 })),
    pending: docs.some((d) => d.store.pendingStructs !== null),
  };
}

describe('exports are deterministic whatever order updates arrive in', () => {
  it('byte-identical JSON, ClaimReview, CSV and live summary for permuted, duplicated and merged updates', () => {
    assertProperty(
      'export determinism',
      fc.property(scriptArbitrary, liveScriptArbitrary, fc.integer(), fc.boolean(), (script, liveScript, orderSeed, pseudonymise) => {
        const recorded = runScript(script);
        const liveUpdates = liveScript === null ? null : runLive(recorded, liveScript);
        const inOrder = exportsOf(recorded, liveUpdates, (u) => [...u], pseudonymise);
        const random = prng(orderSeed);
        const permuted = exportsOf(recorded, liveUpdates, (u) => shuffled([...u, ...u.filter(() => random() < 0.2)], random), pseudonymise);
        const merged = exportsOf(recorded, liveUpdates, (u) => [Y.mergeUpdates([...u])], pseudonymise);
        expect(inOrder.pending || permuted.pending || merged.pending).toBe(false);
        expect(permuted.json).toBe(inOrder.json);
        expect(permuted.claimReview).toBe(inOrder.claimReview);
        expect(permuted.csv).toBe(inOrder.csv);
        expect(permuted.summary).toBe(inOrder.summary);
        expect(merged.json).toBe(inOrder.json);
        expect(merged.summary).toBe(inOrder.summary);

        const document = JSON.parse(inOrder.json);
        expect(inOrder.json).toBe(`${canonicalJson(document)}\n`);
        expect(validateExport(document), exportErrors()).toBe(true);
        expect(computeContentHash(document)).toBe(document.state.contentHash);
        expect('liveReview' in document).toBe(liveScript !== null);
        for (const review of JSON.parse(inOrder.claimReview)) checkClaimReview(review);
      }),
      { numRuns: 40 },
    );
  });
});
