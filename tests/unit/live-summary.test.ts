/**
 * The end-of-review summary of a live review and the `liveReview` section of the JSON
 * export, on a hand-built board whose numbers are worked out below.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { claimConsensus } from '../../shared/consensus/index.js';
import {
  buildExportDocument,
  buildJsonExport,
  buildLiveSummary,
  canonicalJson,
  computeContentHash,
  snapshotFromDocs,
  type ExportInput,
  type LiveSummary,
} from '../../shared/export/index.js';
import { castVote, moveFocus, readLive, spentOn, writeLive, writeRound, type Vote } from '../../shared/model/index.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { SAMPLE_MEMBERS, sampleDocs } from '../helpers/sample-board.js';

const T0 = 1_709_290_000_000;
/** "Who has voted" times of the sealed round: they must never reach an export. */
const VOTED_AT = [1_234_567_891_234, 1_234_567_891_235];

function vote(doc: Y.Doc, claimId: string, v: Vote): void {
  const r = castVote(doc, claimId, v, 'local');
  if (!r.ok) throw new Error(r.error.message);
}

/**
 * The sample board (s1 4,4,5 · s2 5,5,5 · bridge ?,?,4 · extra 1,5,3 by Alice, Bob and
 * Carol) after an ended live review:
 * - agenda extra, s1, s2; bridge held the focus off the agenda;
 * - s1: round 1 Alice 2 (low), Bob 4, Carol 5, Gone 1 (has left the board). Since the
 *   reveal Alice moved to 4 (high) with a reason, and Dan (no round-1 vote) said
 *   unverifiable;
 * - extra: round 1 Alice 5, Bob 1, Carol 3, Olga 3; now Alice 1, Bob 5, Carol 3, Olga
 *   withdrew; Dan's unverifiable vote predates the round (public all along);
 * - s2: sealed, Alice and Bob have voted.
 */
function fixture(status: 'active' | 'ended' = 'ended') {
  const { board, reviewers } = sampleDocs();
  vote(reviewers.get('u-alice')!, 's1', { rating: 4, confidence: 'high', rationale: 'Checked the source (4)', reason: 'The BLS table settles it', at: T0 + 100_000 });
  const dan = new Y.Doc();
  dan.clientID = 20;
  vote(dan, 's1', { rating: 'unverifiable', confidence: 'medium', at: T0 + 200_000 });
  vote(dan, 'extra', { rating: 'unverifiable', confidence: 'low', at: T0 - 1_000 });
  reviewers.set('u-dan', dan);
  const owner = new Y.Doc();
  owner.clientID = 21;
  reviewers.set('u-owner', owner);

  const live = new Y.Doc();
  live.clientID = 30;
  live.transact(() => {
    writeLive(live, {
      status,
      facilitatorId: 'u-owner',
      agenda: ['extra', 's1', 's2'],
      focus: status === 'active' ? 's1' : null,
      focusSince: status === 'active' ? T0 + 590_000 : null,
      startedAt: T0,
      endedAt: status === 'ended' ? T0 + 600_000 : null,
      timer: null,
      timeSpent: { extra: 300_000, s1: 120_000, bridge: 30_000 },
    });
    writeRound(live, 's1', {
      openedAt: T0 + 10_000,
      revealedAt: T0 + 60_000,
      voted: { 'u-alice': T0 + 20_000, 'u-bob': T0 + 21_000, 'u-carol': T0 + 22_000, 'u-gone': T0 + 23_000 },
      votes: {
        'u-alice': { rating: 2, confidence: 'low', rationale: 'sealed-alice-s1', at: T0 + 20_000 },
        'u-bob': { rating: 4, confidence: 'high', at: T0 + 21_000 },
        'u-carol': { rating: 5, confidence: 'high', at: T0 + 22_000 },
        'u-gone': { rating: 1, confidence: 'medium', at: T0 + 23_000 },
      },
    });
    writeRound(live, 'extra', {
      openedAt: T0 + 300_000,
      revealedAt: T0 + 400_000,
      voted: { 'u-alice': T0 + 310_000, 'u-bob': T0 + 311_000, 'u-carol': T0 + 312_000, 'u-owner': T0 + 313_000 },
      votes: {
        'u-alice': { rating: 5, confidence: 'high', at: T0 + 310_000 },
        'u-bob': { rating: 1, confidence: 'low', at: T0 + 311_000 },
        'u-carol': { rating: 3, confidence: 'high', at: T0 + 312_000 },
        'u-owner': { rating: 3, confidence: 'medium', at: T0 + 313_000 },
      },
    });
    writeRound(live, 's2', { openedAt: T0 + 500_000, revealedAt: null, voted: { 'u-alice': VOTED_AT[0]!, 'u-bob': VOTED_AT[1]! }, votes: null });
  });
  const members = [...SAMPLE_MEMBERS, { userId: 'u-dan', name: 'Dan Dorsey', role: 'reviewer' }];
  return { board, reviewers, live, members, input: snapshotFromDocs('board-1', board, reviewers, members, live) };
}

const claimOf = (s: LiveSummary, id: string) => s.claims.find((c) => c.claimId === id)!;

describe('buildLiveSummary', () => {
  it('lists agenda claims in order, then other discussed claims; null without a live review', () => {
    const s = buildLiveSummary(fixture().input)!;
    expect(s.claims.map((c) => [c.claimId, c.agendaPosition, c.discussed])).toEqual([
      ['extra', 1, true],
      ['s1', 2, true],
      ['s2', 3, true],
      ['bridge', null, true],
    ]);
    expect(claimOf(s, 's1').text).toBe('Unemployment fell to 3.9% in 2023, the Labor Department said.');
    expect(s).toMatchObject({ status: 'ended', facilitatorId: 'u-owner', startedAt: T0, endedAt: T0 + 600_000, agenda: ['extra', 's1', 's2'] });
    const { board, reviewers } = sampleDocs();
    expect(buildLiveSummary(snapshotFromDocs('b', board, reviewers, SAMPLE_MEMBERS))).toBeNull();
    expect(buildLiveSummary(snapshotFromDocs('b', board, reviewers, SAMPLE_MEMBERS, new Y.Doc()))).toBeNull();
  });

  it('round 1 as revealed, round 2 = what differs since, and the movement (s1, worked by hand)', () => {
    const s1 = claimOf(buildLiveSummary(fixture().input)!, 's1');
    const round = s1.round!;
    expect(round).toMatchObject({ sealed: false, openedAt: T0 + 10_000, revealedAt: T0 + 60_000, votedCount: 4 });
    expect(round.round1!.votes.map((v) => [v.userId, v.rating, v.rationale])).toEqual([
      ['u-alice', 2, 'sealed-alice-s1'],
      ['u-bob', 4, null],
      ['u-carol', 5, null],
      ['u-gone', 1, null],
    ]);
    expect(round.round1!.consensus).toEqual(claimConsensus([2, 4, 5, 1]));
    // Alice moved 2 (low) → 4 (high) with a reason; Dan voted only after the reveal. Bob and
    // Carol did not change; Gone left the board, so there is nothing to compare.
    expect(round.changes).toEqual([
      {
        userId: 'u-alice',
        from: { rating: 2, confidence: 'low', at: T0 + 20_000 },
        to: { rating: 4, confidence: 'high', at: T0 + 100_000 },
        reason: 'The BLS table settles it',
        shift: 2,
      },
      { userId: 'u-dan', from: null, to: { rating: 'unverifiable', confidence: 'medium', at: T0 + 200_000 }, reason: null, shift: null },
    ]);
    // Pairs: Alice |4−2| = 2, Bob 0, Carol 0 → 2/3.
    expect(round.movement!.changed).toBe(2);
    expect(round.movement!.pairs).toBe(3);
    expect(round.movement!.meanAbsoluteShift).toBeCloseTo(2 / 3, 12);
    expect(round.movement!.verdictAfter).toBe('mostly-true');
    // Now 4, 4, 5 (and one unverifiable): Cns = 0.8286 as in the CSV test.
    expect(s1.consensus).toMatchObject({ n: 3, unverifiable: 1, verdict: 'mostly-true' });
    expect(round.movement!.consensusAfter).toBeCloseTo(0.8286, 4);
    expect(round.movement!.consensusBefore).toBe(claimConsensus([2, 4, 5, 1]).consensus);
    expect(s1.revisit).toEqual([]);
  });

  it('flags a contested claim whose votes swung: withdrawn votes count, older public votes do not (extra, worked by hand)', () => {
    const extra = claimOf(buildLiveSummary(fixture().input)!, 'extra');
    expect(extra.round!.changes.map((c) => [c.userId, c.from?.rating ?? null, c.to?.rating ?? null, c.shift])).toEqual([
      ['u-alice', 5, 1, -4],
      ['u-bob', 1, 5, 4],
      ['u-owner', 3, null, null],
    ]);
    // Pairs Alice 4, Bob 4, Carol 0 → 8/3. Round 1 5,1,3,3: μ = 3, Cns = 1 + ½·log2(½) = 0.5.
    // Now 1,5,3: μ = 3, Cns = 1 + ⅔·log2(½) = ⅓.
    const m = extra.round!.movement!;
    expect(m.meanAbsoluteShift).toBeCloseTo(8 / 3, 12);
    expect(m.consensusBefore).toBeCloseTo(0.5, 12);
    expect(m.consensusAfter).toBeCloseTo(1 / 3, 12);
    expect([m.verdictBefore, m.verdictAfter, m.changed, m.pairs]).toEqual(['contested', 'contested', 3, 3]);
    expect(extra.revisit).toEqual([
      { flag: 'contested', reason: 'consensus 0.33 is below the threshold 0.75' },
      { flag: 'large-movement', reason: 'votes moved 2.67 points on average since the reveal' },
    ]);
  });

  it('a sealed round shows who-voted as a count only, and no vote', () => {
    const s2 = claimOf(buildLiveSummary(fixture().input)!, 's2');
    expect(s2.round).toEqual({ openedAt: T0 + 500_000, revealedAt: null, sealed: true, votedCount: 2, round1: null, changes: [], movement: null });
    expect(s2.revisit.map((r) => r.flag)).toEqual(['sealed']);
    const text = JSON.stringify(s2.round) + JSON.stringify(s2.revisit);
    for (const leak of ['u-alice', 'u-bob', String(VOTED_AT[0]), String(VOTED_AT[1])]) expect(text).not.toContain(leak);
  });

  it('flags no quorum and unverifiable, and totals the review', () => {
    const s = buildLiveSummary(fixture().input)!;
    expect(claimOf(s, 'bridge').revisit).toEqual([{ flag: 'unverifiable', reason: '2 of 3 votes say unverifiable' }]);
    const { board, reviewers } = sampleDocs();
    const live = new Y.Doc();
    writeLive(live, { status: 'active', facilitatorId: 'u-owner', agenda: ['s3'], focus: null, focusSince: null, startedAt: T0 });
    // s3: Alice 2, Carol 1 → 2 votes, quorum 3.
    expect(claimOf(buildLiveSummary(snapshotFromDocs('b', board, reviewers, SAMPLE_MEMBERS, live))!, 's3')).toMatchObject({
      discussed: false,
      timeSpentMs: 0,
      round: null,
      revisit: [{ flag: 'no-quorum', reason: '2 votes on the scale, the quorum is 3' }],
    });

    const s1 = claimOf(s, 's1').consensus.consensus!;
    expect(s.totals).toEqual({
      agendaClaims: 3,
      discussed: 4,
      timeSpentMs: 450_000,
      // extra ⅓, s1 0.8286, bridge 1 (one vote on the scale); s2 is sealed, left out
      meanAgreement: (1 / 3 + s1 + 1) / 3,
      revisit: 3,
      roundsOpened: 3,
      roundsRevealed: 2,
      roundsSealed: 1,
    });
  });

  it('counts focus time, with the running stretch only when given a clock', () => {
    const ended = buildLiveSummary(fixture('ended').input, { now: T0 + 9_999_999 })!;
    expect(ended.claims.map((c) => [c.claimId, c.timeSpentMs])).toEqual([
      ['extra', 300_000],
      ['s1', 120_000],
      ['s2', 0],
      ['bridge', 30_000],
    ]);
    const active = fixture('active').input;
    expect(claimOf(buildLiveSummary(active, { now: T0 + 595_000 })!, 's1').timeSpentMs).toBe(125_000);
    expect(buildLiveSummary(active, { now: T0 + 595_000 })!.totals.timeSpentMs).toBe(455_000);
    expect(claimOf(buildLiveSummary(active)!, 's1').timeSpentMs).toBe(120_000);
  });

  // Found by the export-schema property (seed 644109516): claim ids are any [A-Za-z0-9_-]
  // word, so rounds and focus times must be looked up as own keys only.
  it.each(['valueOf', 'constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'a claim id that names an Object.prototype key (%s) is an ordinary claim (seed 644109516)',
    (id) => {
      const input: ExportInput = {
        boardId: 'b1',
        board: {
          meta: { title: 't', source: {}, format: 'text', createdAt: 1, createdBy: 'owner', settings: { quorum: 1, threshold: 0, scale: 'claimreview-5', suggestionThreshold: 0.5 } },
          article: '',
          claims: [{ id, text: 'x', status: 'proposed', order: 1, createdBy: '', createdAt: 0, span: null }],
          decisions: [],
        } as unknown as ExportInput['board'],
        boardStateVector: Uint8Array.from([0]),
        reviewers: [],
        members: [],
        live: {
          status: 'active', facilitatorId: 'owner', agenda: [], focus: null, focusSince: null, startedAt: null, endedAt: null, timer: null,
          timeSpent: Object.fromEntries([['other', 5]]), rounds: {},
        },
        liveStateVector: Uint8Array.from([1, 30, 4]),
      };
      // The claim is neither on the agenda nor timed nor in a round: not listed.
      expect(buildLiveSummary(input, { now: T0 })!.claims.map((c) => c.claimId)).toEqual(['other']);
      const withTime = { ...input, live: { ...input.live!, timeSpent: Object.fromEntries([[id, 1]]) } };
      const claims = buildLiveSummary(withTime, { now: T0 })!.claims;
      expect(claims.map((c) => [c.claimId, c.round, c.timeSpentMs])).toEqual([[id, null, 1]]);
      expect(validateExport(buildExportDocument(withTime))).toBe(true);
    },
  );

  it('focus time of a claim named like an Object.prototype key is kept as an own key', () => {
    const doc = new Y.Doc();
    for (const id of ['__proto__', 'constructor']) {
      writeLive(doc, { status: 'active', focus: id, focusSince: T0 });
      moveFocus(doc, readLive(doc), null, T0 + 1_000);
    }
    const live = readLive(doc);
    expect(Object.keys(live.timeSpent).sort()).toEqual(['__proto__', 'constructor']);
    expect([spentOn(live, '__proto__'), spentOn(live, 'constructor'), spentOn(live, 'valueOf')]).toEqual([1_000, 1_000, 0]);
  });

  it('is deterministic: the same state in any input order gives the same summary', () => {
    const { input } = fixture();
    const shuffled: ExportInput = {
      ...input,
      reviewers: [...input.reviewers].reverse().map((r) => ({ ...r, votes: [...r.votes].reverse() })),
      members: [...input.members].reverse(),
    };
    expect(JSON.stringify(buildLiveSummary(shuffled, { now: T0 }))).toBe(JSON.stringify(buildLiveSummary(input, { now: T0 })));
  });
});

describe('the liveReview section of the JSON export', () => {
  it('validates, is canonical, is hashed, and lists the live doc in state', () => {
    const { input, live } = fixture();
    const document = buildExportDocument(input, { exportedAt: '2024-04-01T12:00:00.000Z' });
    expect(validateExport(JSON.parse(JSON.stringify(document))), exportErrors()).toBe(true);
    for (const pseudonymise of [false, true]) {
      const json = buildJsonExport(input, { pseudonymise });
      expect(json).toBe(`${canonicalJson(JSON.parse(json))}\n`);
      expect(validateExport(JSON.parse(json)), exportErrors()).toBe(true);
      expect(computeContentHash(JSON.parse(json))).toBe(JSON.parse(json).state.contentHash);
    }
    expect(document.state.docs.slice(0, 2)).toEqual([
      { doc: 'board', reviewer: null, stateVector: expect.any(String) },
      { doc: 'live', reviewer: null, stateVector: Buffer.from(Y.encodeStateVector(live)).toString('base64') },
    ]);
    // The live review is part of the hashed content.
    const other = fixture();
    writeLive(other.live, { agenda: ['s1'] });
    const changed = snapshotFromDocs('board-1', other.board, other.reviewers, other.members, other.live);
    expect(buildExportDocument(changed).state.contentHash).not.toBe(document.state.contentHash);
  });

  it('holds status, facilitator, agenda, rounds with round 1, round 2 with reasons, movement and totals', () => {
    const doc = buildExportDocument(fixture().input);
    const lr = doc.liveReview!;
    expect(lr).toMatchObject({ status: 'ended', facilitator: 'u-owner', startedAt: T0, endedAt: T0 + 600_000, focus: null, focusSince: null, agenda: ['extra', 's1', 's2'] });
    expect(lr.totals).toMatchObject({ agendaClaims: 3, discussed: 4, timeSpentMs: 450_000, revisit: 3, roundsOpened: 3, roundsRevealed: 2, roundsSealed: 1 });
    const s1 = lr.claims.find((c) => c.claimId === 's1')!;
    expect(s1.timeSpentMs).toBe(120_000);
    expect(s1.round!.round1!.votes[0]).toEqual({ reviewer: 'u-alice', rating: 2, confidence: 'low', rationale: 'sealed-alice-s1', at: T0 + 20_000 });
    expect(s1.round!.changes[0]).toEqual({
      reviewer: 'u-alice',
      from: { rating: 2, confidence: 'low', at: T0 + 20_000 },
      to: { rating: 4, confidence: 'high', at: T0 + 100_000 },
      reason: 'The BLS table settles it',
      shift: 2,
    });
    // The consensus after is the claim's own consensus in claims[].
    expect(s1.round!.movement!.consensusAfter).toBe(doc.claims.find((c) => c.id === 's1')!.consensus.consensus);
    expect(lr.claims.find((c) => c.claimId === 's2')!.round).toEqual({ changes: [], movement: null, openedAt: T0 + 500_000, revealedAt: null, round1: null, sealed: true, votedCount: 2 });
  });

  it('never names who voted in a sealed round nor when', () => {
    const json = buildJsonExport(fixture().input);
    for (const t of VOTED_AT) expect(json).not.toContain(String(t));
  });

  it('pseudonymises the facilitator and every voter, including those who left', () => {
    const json = buildJsonExport(fixture().input, { pseudonymise: true });
    for (const id of ['u-owner', 'u-alice', 'u-bob', 'u-carol', 'u-dan', 'u-gone', 'Dan Dorsey', ...SAMPLE_MEMBERS.map((m) => m.name)]) {
      expect(json).not.toContain(id);
    }
    const lr = JSON.parse(json).liveReview;
    expect(lr.facilitator).toMatch(/^reviewer-\d$/);
    const s1 = lr.claims.find((c: { claimId: string }) => c.claimId === 's1');
    const voters = s1.round.round1.votes.map((v: { reviewer: string }) => v.reviewer);
    expect(voters.filter((v: string) => v.startsWith('member-'))).toHaveLength(1); // Gone left the board
    expect(new Set(voters).size).toBe(4);
    // Votes and changes follow the reviewers' (pseudonym) order.
    const ranks = voters.filter((v: string) => v.startsWith('reviewer-')).map((v: string) => Number(v.slice(9)));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('has no liveReview member when the board never had a live review', () => {
    const { board, reviewers } = sampleDocs();
    const doc = buildExportDocument(snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS, new Y.Doc()));
    expect('liveReview' in doc).toBe(false);
    expect(doc.state.docs.map((d) => d.doc)).toEqual(['board', 'live', 'reviewer', 'reviewer', 'reviewer']);
    expect(validateExport(doc), exportErrors()).toBe(true);
  });
});
