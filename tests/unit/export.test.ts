import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  buildClaimReview,
  buildClaimReviewDocument,
  buildCsv,
  buildExportDocument,
  buildJsonExport,
  canonicalJson,
  claimReviewedText,
  computeContentHash,
  csvCell,
  sha256Hex,
  sha256HexOfParts,
  snapshotFromDocs,
  type ExportInput,
} from '../../shared/export/index.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';
import { mergeSample, SAMPLE_MEMBERS, sampleDocs } from '../helpers/sample-board.js';

function sampleInput(merge = false): ExportInput {
  const { board, reviewers } = sampleDocs();
  if (merge) mergeSample(board);
  return snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS);
}

const CLAIM_REVIEW_OPTIONS = { boardUrl: 'https://claimboard.example/b/board-1', publisher: { name: 'Example Desk', url: 'https://desk.example' } };

describe('canonicalJson and sha256Hex', () => {
  it('sorts keys at every depth, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, true], u: undefined, é: 'é' })).toBe('{"a":[{"c":null,"d":"x"},true],"b":1,"é":"é"}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });

  it('hashes UTF-8 with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).toBe(createHash('sha256').update('é', 'utf8').digest('hex'));
  });
});

describe('buildJsonExport', () => {
  it('validates against the JSON Schema', () => {
    const document = buildExportDocument(sampleInput(true), { exportedAt: '2024-04-01T12:00:00.000Z' });
    expect(validateExport(document), exportErrors()).toBe(true);
    expect(validateExport(JSON.parse(buildJsonExport(sampleInput(), { pseudonymise: true }))), exportErrors()).toBe(true);
  });

  it('holds board, parameters, claims with anchors and consensus, votes, notes and state', () => {
    const { board, reviewers } = sampleDocs();
    mergeSample(board);
    const doc = buildExportDocument(snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS));
    expect(doc.schema).toBe('claimboard.export/v1');
    expect(doc.board).toEqual({
      id: 'board-1',
      title: 'Jobs and garages',
      format: 'text',
      createdAt: 1_709_280_000_000,
      createdBy: 'u-owner',
      source: { url: 'https://news.example.org/jobs', publisher: 'Example News', author: 'Jane Doe', publishedAt: '2024-03-01' },
    });
    expect(doc.parameters).toMatchObject({ quorum: 3, threshold: 0.75, suggestionThreshold: 0.5, pseudonymised: false, agreementMetric: 'ordinal' });
    expect(doc.claims.map((c) => [c.id, c.position, c.status])).toEqual([
      ['s1', 1, 'accepted'],
      ['m1', 2, 'proposed'],
      ['s2', 3, 'rejected'],
      ['s3', 4, 'rejected'],
      ['bridge', 5, 'rejected'],
      ['extra', 6, 'proposed'],
    ]);
    const s1 = doc.claims[0]!;
    expect(doc.article.text.slice(s1.anchor!.start!, s1.anchor!.end!)).toBe(s1.text);
    expect(s1.anchor!.startPosition).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(s1.suggestion).toEqual({ score: 0.9, reasons: ['percentage (“3.9%”)'] });
    expect(s1.consensus).toMatchObject({ n: 3, verdict: 'mostly-true', verdictRating: 4, median: 4 });
    expect(doc.claims.find((c) => c.id === 'm1')!.links).toEqual({ mergedInto: null, mergedFrom: ['s2', 'bridge'], splitFrom: null, splitInto: [] });
    expect(doc.claims.find((c) => c.id === 'bridge')!.links.mergedInto).toBe('m1');
    expect(doc.claims.find((c) => c.id === 'extra')!.anchor).toBeNull();
    expect(doc.claims.find((c) => c.id === 'bridge')!.consensus).toMatchObject({ verdict: 'unverifiable', unverifiable: 2 });
    expect(doc.reviewers).toEqual([
      { id: 'u-alice', name: 'Alice Adams', role: 'reviewer' },
      { id: 'u-bob', name: 'Bob Brown', role: 'reviewer' },
      { id: 'u-carol', name: 'Carol Chen', role: 'editor' },
    ]);
    expect(doc.votes).toHaveLength(15);
    expect(doc.votes[0]).toEqual({ claimId: 's1', reviewer: 'u-alice', rating: 4, confidence: 'high', rationale: 'Checked the source (4)', at: 1_709_300_000_000 });
    // a vote on a claim that no longer exists is still exported, last
    expect(doc.votes.at(-1)).toMatchObject({ claimId: 'ghost-claim', reviewer: 'u-bob' });
    expect(doc.notes.map((n) => [n.id, n.reviewer, n.replyTo])).toEqual([
      ['n-a1', 'u-alice', null],
      ['n-b1', 'u-bob', 'n-a1'],
    ]);
    expect(doc.notes[0]!.evidence).toEqual([{ url: 'https://www.bls.gov/cps/', title: 'CPS', stance: 'supports' }]);
    expect(doc.decisions).toEqual([{ id: 'thread:u-alice:n-a1', kind: 'thread', reviewerId: 'u-alice', noteId: 'n-a1', resolved: true, by: 'u-carol', at: 1_709_290_000_000 }]);
    expect(doc.agreement.metric).toBe('ordinal');
    expect(doc.agreement.alpha).not.toBeNull();
    expect(doc.state.docs.map((d) => [d.doc, d.reviewer])).toEqual([
      ['board', null],
      ['reviewer', 'u-alice'],
      ['reviewer', 'u-bob'],
      ['reviewer', 'u-carol'],
    ]);
    expect(doc.state.docs[0]!.stateVector).toBe(Buffer.from(Y.encodeStateVector(board)).toString('base64'));
    expect(doc.state.docs[1]!.stateVector).toBe(Buffer.from(Y.encodeStateVector(reviewers.get('u-alice')!)).toString('base64'));
  });

  it('is served as its own canonical JSON (RFC 8785) plus a newline', () => {
    for (const options of [{}, { pseudonymise: true, exportedAt: '2024-04-01T12:00:00.000Z' }]) {
      const json = buildJsonExport(sampleInput(true), options);
      expect(json).toBe(`${canonicalJson(JSON.parse(json))}\n`);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(buildExportDocument(sampleInput(true), options))));
    }
  });

  it('has a content hash anyone can recompute, which ignores exportedAt only', () => {
    const input = sampleInput();
    const json = buildJsonExport(input, { exportedAt: '2024-04-01T12:00:00.000Z' });
    const parsed = JSON.parse(json);
    expect(parsed.state.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(computeContentHash(parsed)).toBe(parsed.state.contentHash);
    expect(JSON.parse(buildJsonExport(input)).state.contentHash).toBe(parsed.state.contentHash);
    parsed.claims[0].text = 'tampered';
    expect(computeContentHash(parsed)).not.toBe(parsed.state.contentHash);
  });

  it('gives the same bytes for the same state whatever the order of the input arrays', () => {
    const input = sampleInput(true);
    const shuffled: ExportInput = {
      ...input,
      reviewers: [...input.reviewers].reverse().map((r) => ({ ...r, votes: [...r.votes].reverse(), notes: [...r.notes].reverse() })),
      members: [...input.members].reverse(),
    };
    expect(buildJsonExport(shuffled)).toBe(buildJsonExport(input));
    expect(buildCsv(shuffled)).toBe(buildCsv(input));
    expect(buildClaimReview(shuffled, CLAIM_REVIEW_OPTIONS)).toBe(buildClaimReview(input, CLAIM_REVIEW_OPTIONS));
  });

  it('pseudonymises reviewers with stable labels and leaks no user id or name', () => {
    const input = sampleInput(true);
    const json = buildJsonExport(input, { pseudonymise: true });
    for (const member of SAMPLE_MEMBERS) {
      expect(json).not.toContain(member.userId);
      expect(json).not.toContain(member.name);
    }
    const doc = JSON.parse(json);
    expect(doc.parameters.pseudonymised).toBe(true);
    expect(doc.reviewers.map((r: { name: string }) => r.name)).toEqual(['Reviewer 1', 'Reviewer 2', 'Reviewer 3']);
    expect(doc.reviewers.every((r: { role: unknown }) => r.role === null)).toBe(true);
    expect(doc.board.createdBy).toBe('member-1');
    expect(doc.decisions[0].id).toMatch(/^thread:reviewer-\d:n-a1$/);
    // stable: the same reviewer keeps the same label when the others' order changes
    const again = JSON.parse(buildJsonExport({ ...input, reviewers: [...input.reviewers].reverse() }, { pseudonymise: true }));
    expect(again.votes).toEqual(doc.votes);
    // the salt changes the assignment order only
    const salted = JSON.parse(buildJsonExport(input, { pseudonymise: true, pseudonymSalt: 'secret' }));
    expect(salted.reviewers.map((r: { name: string }) => r.name)).toEqual(['Reviewer 1', 'Reviewer 2', 'Reviewer 3']);
  });

  it('exports an empty board', () => {
    const input = snapshotFromDocs('empty', new Y.Doc(), new Map(), []);
    const doc = buildExportDocument(input);
    expect(validateExport(doc), exportErrors()).toBe(true);
    expect(doc).toMatchObject({ claims: [], votes: [], reviewers: [], agreement: { alpha: null } });
    expect(buildCsv(input).split('\r\n')).toEqual([expect.stringMatching(/^position,claim_id,/), '']);
    expect(buildClaimReviewDocument(input, CLAIM_REVIEW_OPTIONS)).toEqual([]);
  });
});

describe('buildClaimReview', () => {
  it('publishes only non-rejected claims with a verdict on the scale', () => {
    const reviews = buildClaimReviewDocument(sampleInput(), CLAIM_REVIEW_OPTIONS);
    // s1: 4,4,5 → Mostly true; s2: 5,5,5 → True; s3 rejected; bridge unverifiable; extra contested
    expect(reviews.map((r) => r.url)).toEqual([
      'https://claimboard.example/b/board-1#claim-s1',
      'https://claimboard.example/b/board-1#claim-s2',
    ]);
    expect(reviews[1]).toEqual({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://claimboard.example/b/board-1#claim-s2',
      claimReviewed: 'The city spent $4.2 million on parking garages.',
      datePublished: '2024-03-01',
      author: { '@type': 'Organization', name: 'Example Desk', url: 'https://desk.example' },
      reviewRating: { '@type': 'Rating', ratingValue: 5, bestRating: 5, worstRating: 1, alternateName: 'True' },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Person', name: 'Jane Doe' },
        datePublished: '2024-03-01',
        appearance: {
          '@type': 'CreativeWork',
          url: 'https://news.example.org/jobs',
          headline: 'Jobs and garages',
          datePublished: '2024-03-01',
          publisher: { '@type': 'Organization', name: 'Example News' },
        },
      },
    });
    expect(JSON.parse(buildClaimReview(sampleInput(), { ...CLAIM_REVIEW_OPTIONS, datePublished: '2024-05-01' }))[0].datePublished).toBe('2024-05-01');
  });

  it('shortens claimReviewed below 75 characters and strips verdict words', () => {
    expect(claimReviewedText('It is true that the false alarm was mostly mixed up.', 1)).toBe('It is that the alarm was up.');
    expect(claimReviewedText('True.', 7)).toBe('Claim 7');
    const long = claimReviewedText('The council approved a budget of $4.2 million for parking garages in the eastern district last year.', 1);
    expect(long.length).toBeLessThan(75);
    expect(long).toBe('The council approved a budget of $4.2 million for parking garages in the…');
    const noSpaces = claimReviewedText('x'.repeat(200), 1);
    expect(noSpaces.length).toBeLessThan(75);
    const emoji = claimReviewedText('😀'.repeat(100), 1);
    expect(emoji.length).toBeLessThan(75);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('buildCsv', () => {
  it('writes one RFC 4180 row per claim, CRLF, with a formula guard', () => {
    const csv = buildCsv(sampleInput(true));
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'position,claim_id,status,text,anchor_start,anchor_end,suggestion_score,suggestion_reasons,votes,unverifiable,count_1,count_2,count_3,count_4,count_5,mean,median,consensus,verdict,verdict_label,merged_into,merged_from,split_from,split_into',
    );
    expect(lines[1]).toBe(
      '1,s1,accepted,"Unemployment fell to 3.9% in 2023, the Labor Department said.",0,61,0.9,percentage (“3.9%”),3,0,0,0,0,2,1,4.3333,4,0.8286,mostly-true,Mostly true,,,,',
    );
    expect(csv).toContain('6,extra,proposed,"A claim with ""quotes"", commas\nand =SUM(A1)",');
    const s2 = lines.find((l) => l.startsWith('3,s2,'))!;
    expect(s2.endsWith(',m1,,,')).toBe(true);
    const m1 = lines.find((l) => l.startsWith('2,m1,'))!;
    expect(m1.endsWith(',,s2 bridge,,')).toBe(true);
  });

  it('guards every cell that a spreadsheet would run as a formula', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
  });
});

describe('exportedAt', () => {
  it('is refused unless it is an RFC 3339 date-time', () => {
    expect(() => buildJsonExport(sampleInput(), { exportedAt: 'yesterday' })).toThrow(TypeError);
    expect(JSON.parse(buildJsonExport(sampleInput(), { exportedAt: '2024-04-01T12:00:00+02:00' })).exportedAt).toBe('2024-04-01T12:00:00+02:00');
  });
});

describe('sha256HexOfParts', () => {
  it('hashes the concatenation, including non-ASCII text and a reused buffer', () => {
    const parts = ['{"a":', '"é😀 and “quotes”"', ',"b":', 'x'.repeat(10_000), '}'];
    const expected = createHash('sha256').update(parts.join(''), 'utf8').digest('hex');
    expect(sha256HexOfParts(parts)).toBe(expected);
    expect(sha256HexOfParts(['short'])).toBe(createHash('sha256').update('short').digest('hex'));
    expect(sha256HexOfParts(parts)).toBe(expected);
    expect(sha256HexOfParts(['😀'.repeat(5_000), 'tail'])).toBe(createHash('sha256').update(`${'😀'.repeat(5_000)}tail`).digest('hex'));
    expect(sha256HexOfParts([])).toBe(sha256Hex(''));
  });
});
