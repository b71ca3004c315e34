/**
 * [M4] A former member's votes in every export: kept and marked, counted only when the board
 * says so, the JSON export saying which votes counted and which voters are former members.
 */
import { describe, expect, it } from 'vitest';
import { buildCsv, buildExportDocument, buildLiveSummary, snapshotFromDocs, type ExportMember } from '../../shared/export/index.js';
import { EMPTY_LIVE, type LiveState } from '../../shared/model/live.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { SAMPLE_MEMBERS, sampleDocs } from '../helpers/sample-board.js';

/** The sample board with Bob gone: the rest stay members. */
function withBobGone(countFormerMembers?: boolean) {
  const { board, reviewers } = sampleDocs();
  const members: ExportMember[] = SAMPLE_MEMBERS.map((m) => (m.userId === 'u-bob' ? { ...m, former: true } : m));
  const input = snapshotFromDocs('board-1', board, reviewers, members);
  return countFormerMembers === undefined ? input : { ...input, countFormerMembers };
}

describe('[M4] former members in the export', () => {
  it('JSON: their votes are exported, marked not counted, and the consensus is that of the members', () => {
    const doc = buildExportDocument(withBobGone());
    expect(validateExport(doc), exportErrors()).toBe(true);
    expect(doc.parameters.countFormerMembers).toBe(false);
    expect(doc.reviewers.find((r) => r.id === 'u-bob')).toEqual({ id: 'u-bob', name: 'Bob Brown', role: 'reviewer', former: true });
    expect(doc.reviewers.filter((r) => r.former).map((r) => r.id)).toEqual(['u-bob']);
    const bobs = doc.votes.filter((v) => v.reviewer === 'u-bob');
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((v) => !v.counted)).toBe(true);
    expect(doc.votes.filter((v) => v.reviewer !== 'u-bob').every((v) => v.counted)).toBe(true);
    // The consensus is exactly that of a board without Bob's votes.
    const { board, reviewers } = sampleDocs();
    reviewers.delete('u-bob');
    const without = buildExportDocument(snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS));
    expect(doc.claims.map((c) => c.consensus)).toEqual(without.claims.map((c) => c.consensus));
    expect(doc.agreement).toEqual(without.agreement);
    expect(doc.claims[0]!.consensus.n).toBe(2);
  });

  it('JSON: with countFormerMembers the same votes count, as a member\'s would', () => {
    const doc = buildExportDocument(withBobGone(true));
    expect(validateExport(doc), exportErrors()).toBe(true);
    expect(doc.parameters.countFormerMembers).toBe(true);
    expect(doc.votes.every((v) => v.counted)).toBe(true);
    expect(doc.reviewers.find((r) => r.id === 'u-bob')!.former).toBe(true);
    const members = buildExportDocument(snapshotFromDocs('board-1', sampleDocs().board, sampleDocs().reviewers, SAMPLE_MEMBERS));
    expect(doc.claims.map((c) => c.consensus)).toEqual(members.claims.map((c) => c.consensus));
    expect(doc.claims[0]!.consensus.n).toBe(3);
  });

  it('pseudonymised: the pseudonym is marked former too', () => {
    const doc = buildExportDocument(withBobGone(), { pseudonymise: true });
    expect(validateExport(doc), exportErrors()).toBe(true);
    const former = doc.reviewers.filter((r) => r.former);
    expect(former).toHaveLength(1);
    expect(former[0]!.id).toMatch(/^reviewer-\d$/);
    expect(doc.votes.filter((v) => v.reviewer === former[0]!.id).every((v) => !v.counted)).toBe(true);
  });

  it('CSV: the votes table says which votes counted; the claims table has the members\' consensus', () => {
    const votes = buildCsv(withBobGone(), { table: 'votes' }).split('\r\n');
    expect(votes.filter((l) => l.includes('Bob Brown')).every((l) => l.endsWith(',no'))).toBe(true);
    expect(votes.filter((l) => l.includes('Alice Adams')).every((l) => l.endsWith(',yes'))).toBe(true);
    expect(buildCsv(withBobGone(), { table: 'claims' })).not.toBe(buildCsv(withBobGone(true), { table: 'claims' }));
  });

  it('the live summary counts votes as the consensus does', () => {
    const live: LiveState = { ...EMPTY_LIVE, status: 'active', agenda: ['s1'], focus: 's1', focusSince: 1, facilitatorId: 'u-owner', startedAt: 1 };
    expect(buildLiveSummary({ ...withBobGone(), live })!.claims[0]!.consensus.n).toBe(2);
    expect(buildLiveSummary({ ...withBobGone(true), live })!.claims[0]!.consensus.n).toBe(3);
  });
});
