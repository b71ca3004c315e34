/**
 * (b) every JSON export validates against claimboard-export-v1.schema.json and (c) every
 * ClaimReview has Google's required fields with claimReviewed under 75 characters, over
 * generated snapshots with arbitrary Unicode text, extreme settings, many verdicts and live
 * reviews (sealed and revealed rounds, voters who left, reasons).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildClaimReviewDocument,
  buildCsv,
  buildExportDocument,
  buildJsonExport,
  canonicalJson,
  computeContentHash,
  type ExportInput,
} from '../../shared/export/index.js';
import { DEFAULT_SETTINGS, type ClaimSnapshot, type EditorRating, type EditorVerdict, type VerdictVersion, type LiveRound, type LiveState, type Rating, type Vote } from '../../shared/model/index.js';
import { assertProperty } from '../helpers/fast-check-seed.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { checkClaimReview } from './claim-review-checks.js';

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const epoch = fc.integer({ min: 0, max: 4_102_444_800_000 });
const unicode = (maxLength: number) => fc.string({ maxLength, unit: 'binary' });
const claimText = fc.oneof(
  unicode(300).filter((t) => t.trim().length > 0),
  fc.constantFrom('True.', 'It is mostly false that 3 > 2', '=HYPERLINK("x")', '😀'.repeat(60), 'a,"b"\r\nc'),
);

const verdictVersionArb = fc.record({
  rating: fc.constantFrom<EditorRating[]>(1, 2, 3, 4, 5, 'unverifiable', 'needs-context'),
  summary: fc.option(unicode(100).map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t.length > 0), { nil: undefined }),
  explanation: unicode(80),
  url: fc.option(fc.webUrl({ withFragments: true }), { nil: undefined }),
  by: fc.constantFrom('owner', 'u0', 'stranger'),
  at: epoch,
}).map((v) => JSON.parse(JSON.stringify(v)) as VerdictVersion);
const verdictArb: fc.Arbitrary<EditorVerdict> = fc
  .tuple(verdictVersionArb, fc.array(verdictVersionArb, { maxLength: 2 }))
  .map(([v, revisions]) => (revisions.length > 0 ? { ...v, revisions } : v));

const claimsArb = fc.uniqueArray(id, { minLength: 0, maxLength: 8 }).chain((ids) =>
  fc.tuple(
    ...ids.map((claimId, i) =>
      fc.record({
        text: claimText,
        status: fc.constantFrom('proposed' as const, 'accepted' as const, 'rejected' as const),
        order: fc.oneof(fc.constant(i + 1), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })),
        score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        reasons: fc.array(unicode(30), { maxLength: 3 }),
        createdBy: fc.constantFrom('', 'owner', 'u1', 'stranger'),
        createdAt: epoch,
        speaker: fc.option(unicode(30).map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t.length > 0), { nil: null }),
        verdict: fc.option(verdictArb, { nil: null }),
      }).map((c): ClaimSnapshot => ({
        id: claimId,
        text: c.text,
        status: c.status,
        order: c.order,
        createdBy: c.createdBy,
        createdAt: c.createdAt,
        span: null,
        speaker: c.speaker,
        verdict: c.verdict,
        ...(c.score !== undefined ? { score: c.score, reasons: c.reasons } : {}),
      })),
    ),
  ),
);

const rating: fc.Arbitrary<Rating> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Rating>(2) },
  { weight: 2, arbitrary: fc.constantFrom<Rating[]>(1, 2, 3, 4, 5, 'unverifiable') },
);

const confidence = fc.constantFrom('low' as const, 'medium' as const, 'high' as const);

/** A live review over picks of claim ids and reviewers (mapped once those are known). */
const liveArb = fc.option(
  fc.record({
    status: fc.constantFrom('active' as const, 'ended' as const),
    facilitator: fc.constantFrom<(string | null)[]>('owner', 'u0', 'stranger', '', null),
    agenda: fc.array(fc.nat(), { maxLength: 6 }),
    timeSpent: fc.array(fc.record({ pick: fc.nat(), ms: fc.nat({ max: 10_000_000 }) }), { maxLength: 4 }),
    focus: fc.option(fc.nat(), { nil: null }),
    focusSince: fc.option(epoch, { nil: null }),
    startedAt: fc.option(epoch, { nil: null }),
    endedAt: fc.option(epoch, { nil: null }),
    rounds: fc.array(
      fc.record({
        pick: fc.nat(),
        openedAt: epoch,
        revealedAt: fc.option(epoch, { nil: null }),
        voters: fc.array(
          fc.record({ who: fc.nat(), rating, confidence, at: epoch, rationale: fc.option(unicode(20), { nil: undefined }), reason: fc.option(unicode(20), { nil: undefined }) }),
          { maxLength: 5 },
        ),
      }),
      { maxLength: 4 },
    ),
  }),
  { nil: null },
);

const inputArb: fc.Arbitrary<ExportInput> = fc
  .record({
    claims: claimsArb,
    title: unicode(50).filter((t) => t.trim().length > 0),
    article: unicode(200),
    quorum: fc.integer({ min: 1, max: 5 }),
    threshold: fc.double({ min: 0, max: 1, noNaN: true }),
    reviewerCount: fc.nat({ max: 6 }),
    source: fc.record(
      { url: fc.webUrl(), headline: unicode(30), publisher: unicode(20), author: unicode(20), publishedAt: fc.constantFrom('2024-01-02', '2024-01-02T03:04:05Z') },
      { requiredKeys: [] },
    ),
    publication: fc.record(
      { organisation: fc.record({ name: fc.constantFrom('Desk', 'Ünïcode News'), url: fc.webUrl() }, { requiredKeys: ['name'] }), baseUrl: fc.webUrl() },
      { requiredKeys: [] },
    ),
  })
  .chain((base) =>
    fc
      .tuple(
        fc.array(
          fc.record({
            votes: fc.array(fc.record({ pick: fc.nat(), rating, confidence, at: epoch, rationale: fc.option(unicode(40), { nil: undefined }), reason: fc.option(unicode(20), { nil: undefined }) }), { maxLength: 10 }),
            notes: fc.array(fc.record({ pick: fc.nat(), body: unicode(60), at: epoch, deleted: fc.boolean(), url: fc.webUrl({ withQueryParameters: true, withFragments: true }) }), { maxLength: 3 }),
            name: unicode(20),
          }),
          { minLength: base.reviewerCount, maxLength: base.reviewerCount },
        ),
        liveArb,
      )
      .map(([reviewers, l]): ExportInput => {
        const claimIds = base.claims.map((c) => c.id).concat(['missing']);
        const claimAt = (pick: number): string => claimIds[pick % claimIds.length]!;
        let live: LiveState | null = null;
        if (l !== null) {
          const rounds: Record<string, LiveRound> = {};
          for (const r of l.rounds) {
            // u<reviewerCount> is a voter who has left the board since.
            const votes: Record<string, Vote> = {};
            for (const v of r.voters) {
              const { who, rating: vr, confidence: vc, at, rationale, reason } = v;
              votes[`u${who % (base.reviewerCount + 1)}`] = { rating: vr, confidence: vc, at, ...(rationale !== undefined ? { rationale } : {}), ...(reason !== undefined ? { reason } : {}) };
            }
            const voted = Object.fromEntries(Object.entries(votes).map(([u, v]) => [u, v.at]));
            rounds[claimAt(r.pick)] = { openedAt: r.openedAt, revealedAt: r.revealedAt, voted, votes: r.revealedAt === null ? null : votes };
          }
          live = {
            status: l.status,
            facilitatorId: l.facilitator,
            agenda: [...new Set(l.agenda.map(claimAt))],
            focus: l.focus === null ? null : claimAt(l.focus),
            focusSince: l.focusSince,
            startedAt: l.startedAt,
            endedAt: l.endedAt,
            timer: null,
            timeSpent: Object.fromEntries(l.timeSpent.map((t) => [claimAt(t.pick), t.ms])),
            rounds,
          };
        }
        return {
          boardId: 'b1',
          board: {
            meta: {
              title: base.title,
              source: base.source,
              format: 'text',
              createdAt: 1,
              createdBy: 'owner',
              settings: { ...DEFAULT_SETTINGS, quorum: base.quorum, threshold: base.threshold },
              publication: base.publication,
            },
            article: base.article,
            claims: [...base.claims].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1)),
            decisions: [],
          },
          boardStateVector: new Uint8Array([0]),
          reviewers: reviewers.map((r, i) => ({
            userId: `u${i}`,
            votes: [...new Map(r.votes.map((v) => [claimIds[v.pick % claimIds.length]!, v])).entries()].map(([claimId, v]) => ({
              claimId,
              rating: v.rating,
              confidence: v.confidence,
              at: v.at,
              ...(v.rationale !== undefined ? { rationale: v.rationale } : {}),
              ...(v.reason !== undefined ? { reason: v.reason } : {}),
            })),
            notes: r.notes.map((n, k) => ({
              id: `n${k}`,
              claimId: claimIds[n.pick % claimIds.length]!,
              body: n.body,
              at: n.at,
              ...(n.deleted ? { deleted: true } : { evidence: [{ url: n.url, stance: 'refutes' as const }] }),
            })),
            stateVector: new Uint8Array([1, i, 1]),
          })),
          members: reviewers.map((r, i) => ({ userId: `u${i}`, name: r.name, role: 'reviewer' })),
          live,
          liveStateVector: live === null ? null : new Uint8Array([1, 30, 4]),
        };
      }),
  );

describe('export schema and ClaimReview properties', () => {
  it('(b) every JSON export validates against the schema and carries a correct hash', () => {
    assertProperty(
      'json export schema',
      fc.property(inputArb, fc.boolean(), fc.option(fc.date({ noInvalidDate: true, min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }), { nil: undefined }), fc.boolean(), (plain, pseudonymise, when, countFormerMembers) => {
        // Every other reviewer a former member [M4], counted or not.
        const input = { ...plain, countFormerMembers, reviewers: plain.reviewers.map((r, i) => (i % 2 === 1 ? { ...r, former: true } : r)) };
        const document = buildExportDocument(input, { pseudonymise, ...(when ? { exportedAt: when.toISOString() } : {}) });
        expect(validateExport(JSON.parse(JSON.stringify(document))), exportErrors()).toBe(true);
        expect(computeContentHash(document)).toBe(document.state.contentHash);
        const json = buildJsonExport(input, { pseudonymise });
        expect(json).toBe(`${canonicalJson(JSON.parse(json))}\n`);
        const csv = buildCsv(input);
        expect(csv.endsWith('\r\n')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('(c) [issue 16] every ClaimReview has Google\'s required fields and the URL the editor gave; only accepted claims with a verdict, the rest listed with a reason', () => {
    let reviews = 0;
    assertProperty(
      'claim review fields',
      fc.property(inputArb, fc.option(fc.constant({ name: 'Server Desk' }), { nil: null }), (input, publisher) => {
        const published = buildClaimReviewDocument(input, { publisher });
        const plan = buildExportDocument(input, { publisher }).publication.claimReview;
        const byId = new Map(input.board.claims.map((c) => [c.id, c]));
        const baseUrl = input.board.meta.publication?.baseUrl;
        expect(published.map((r) => r.url)).toEqual(plan.included.map((p) => p.url));
        plan.included.forEach((p, i) => {
          const claim = byId.get(p.claimId)!;
          checkClaimReview(published[i]!);
          expect(claim.status).toBe('accepted');
          expect(claim.verdict).not.toBeNull();
          expect(p.url).toBe(claim.verdict!.url ?? `${baseUrl!.replace(/#.*$/, '')}#claim-${encodeURIComponent(claim.id)}`);
          if (claim.verdict!.summary !== undefined) expect(published[i]!.claimReviewed).toBe(claim.verdict!.summary);
        });
        // every claim is either published or listed with a reason
        expect([...plan.included.map((p) => p.claimId), ...plan.excluded.map((e) => e.claimId)].sort()).toEqual([...byId.keys()].sort());
        for (const e of plan.excluded) {
          const claim = byId.get(e.claimId)!;
          if (claim.status !== 'accepted') expect(e.reason).toBe('not-accepted');
          else if (claim.verdict == null) expect(e.reason).toBe('no-editor-verdict');
        }
        reviews += published.length;
      }),
      { numRuns: 100 },
    );
    // the generator publishes some, so the property is not vacuous
    expect(reviews).toBeGreaterThan(10);
  });
});
