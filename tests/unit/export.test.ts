import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, setEditorVerdict, setPublication } from '../../shared/model/index.js';
import {
  BOM,
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
import { checkClaimReview } from '../property/claim-review-checks.js';
import { mergeSample, publishSample, SAMPLE_MEMBERS, sampleDocs } from '../helpers/sample-board.js';

function sampleInput(merge = false, publish = false): ExportInput {
  const { board, reviewers } = sampleDocs();
  if (merge) mergeSample(board);
  if (publish) publishSample(board);
  return snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS);
}

/** The server's default organisation; the sample's own publication settings win over it. */
const CLAIM_REVIEW_OPTIONS = { publisher: { name: 'Server Default Desk' } };

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
    expect(doc.parameters).toMatchObject({ quorum: 3, threshold: 0.75, suggestionThreshold: 0.5, pseudonymised: false, agreementMetric: 'ordinal', countFormerMembers: false });
    expect(doc.claims.map((c) => [c.id, c.position, c.status])).toEqual([
      ['s1', 1, 'accepted'],
      ['m1', 2, 'proposed'],
      // merged originals keep their status (issue 16; they used to become rejected)
      ['s2', 3, 'proposed'],
      ['s3', 4, 'rejected'],
      ['bridge', 5, 'proposed'],
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
      { id: 'u-alice', name: 'Alice Adams', role: 'reviewer', former: false },
      { id: 'u-bob', name: 'Bob Brown', role: 'reviewer', former: false },
      { id: 'u-carol', name: 'Carol Chen', role: 'editor', former: false },
    ]);
    expect(doc.votes).toHaveLength(15);
    expect(doc.votes[0]).toEqual({ claimId: 's1', reviewer: 'u-alice', rating: 4, confidence: 'high', rationale: 'Checked the source (4)', at: 1_709_300_000_000, counted: true });
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
    expect(buildCsv(input).split('\r\n')).toEqual([expect.stringMatching(/^\uFEFFposition,claim_id,/), '']);
    expect(buildClaimReviewDocument(input, CLAIM_REVIEW_OPTIONS)).toEqual([]);
  });
});

describe('buildClaimReview', () => {
  it('publishes one item per accepted claim with an editor verdict, at the URL the editor gave', () => {
    const input = sampleInput(false, true);
    const reviews = buildClaimReviewDocument(input, CLAIM_REVIEW_OPTIONS);
    // s1: own URL; extra: the board's base URL + anchor. s2 has a verdict but is only proposed;
    // bridge is accepted without a verdict; s3 is rejected.
    expect(reviews.map((r) => r.url)).toEqual(['https://desk.example/checks/unemployment', 'https://desk.example/checks/jobs#claim-extra']);
    for (const review of reviews) checkClaimReview(review);
    expect(reviews[0]).toEqual({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://desk.example/checks/unemployment',
      claimReviewed: 'Unemployment fell to 3.9% in 2023',
      datePublished: '2024-03-03',
      author: { '@type': 'Organization', name: 'Example Desk', url: 'https://desk.example' },
      reviewRating: { '@type': 'Rating', ratingValue: 4, bestRating: 5, worstRating: 1, alternateName: 'Mostly true' },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Person', name: 'Labor Department' },
        datePublished: '2024-03-01',
        appearance: {
          '@type': 'CreativeWork',
          url: 'https://news.example.org/jobs',
          headline: 'Jobs and garages',
          datePublished: '2024-03-01',
          author: { '@type': 'Person', name: 'Jane Doe' },
          publisher: { '@type': 'Organization', name: 'Example News' },
        },
      },
    });
    // off the scale: a label without numbers
    expect(reviews[1]!.reviewRating).toEqual({ '@type': 'Rating', alternateName: 'Needs context' });
    expect(JSON.parse(buildClaimReview(input, { ...CLAIM_REVIEW_OPTIONS, datePublished: '2024-05-01' }))[0].datePublished).toBe('2024-05-01');
  });

  it('lists every claim it leaves out, with the reason, in the JSON export', () => {
    const doc = buildExportDocument(sampleInput(true, true), CLAIM_REVIEW_OPTIONS);
    expect(validateExport(doc), exportErrors()).toBe(true);
    expect(doc.publication.claimReview.included).toEqual([
      { claimId: 's1', url: 'https://desk.example/checks/unemployment' },
      { claimId: 'extra', url: 'https://desk.example/checks/jobs#claim-extra' },
    ]);
    expect(doc.publication.claimReview.excluded.map((e) => [e.claimId, e.reason])).toEqual([
      ['m1', 'not-accepted'],
      ['s2', 'merged'],
      ['s3', 'not-accepted'],
      ['bridge', 'merged'],
    ]);
    expect(doc.publication.organisation).toEqual({ name: 'Example Desk', url: 'https://desk.example', logo: null });
    const unmerged = buildExportDocument(sampleInput(false, true), CLAIM_REVIEW_OPTIONS);
    expect(unmerged.publication.claimReview.excluded).toContainEqual({
      claimId: 'bridge',
      reason: 'no-editor-verdict',
      detail: "no editor's verdict yet (reviewers' consensus: Unverifiable)",
    });
    expect(unmerged.publication.claimReview.excluded).toContainEqual({ claimId: 's2', reason: 'not-accepted', detail: 'still proposed, never accepted' });
    // both verdicts side by side
    const s1 = unmerged.claims.find((c) => c.id === 's1')!;
    expect(s1.consensus.verdict).toBe('mostly-true');
    expect(s1.verdict).toEqual({
      rating: 4, label: 'Mostly true', summary: 'Unemployment fell to 3.9% in 2023', explanation: 'BLS table A-1.',
      url: 'https://desk.example/checks/unemployment', by: 'u-carol', at: 1_709_500_000_000, revisions: [],
    });
    expect(s1.speaker).toBe('Labor Department');
  });

  it('publishes nothing without a URL or an organisation, and says why', () => {
    const { board, reviewers } = sampleDocs();
    publishSample(board);
    setPublication(board, {}, 'local');
    const input = snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS);
    // s1 keeps its own URL but there is no organisation anywhere
    expect(buildClaimReviewDocument(input, { publisher: null })).toEqual([]);
    const plan = buildExportDocument(input, { publisher: null }).publication.claimReview.excluded;
    expect(plan.find((e) => e.claimId === 's1')!.reason).toBe('no-publisher');
    expect(plan.find((e) => e.claimId === 'extra')!.reason).toBe('no-url');
    // the server's organisation fills in
    expect(buildClaimReviewDocument(input, CLAIM_REVIEW_OPTIONS).map((r) => (r.author as { name: string }).name)).toEqual(['Server Default Desk']);
  });

  it('escapes <, > and & so the JSON-LD can sit in a script element', () => {
    const { board, reviewers } = sampleDocs();
    publishSample(board);
    setEditorVerdict(board, 's1', { rating: 1, summary: '</script><b>&amp;', explanation: '', url: 'https://desk.example/a', by: 'u-carol', at: 1 }, 'local');
    const text = buildClaimReview(snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS), CLAIM_REVIEW_OPTIONS);
    expect(text).not.toMatch(/[<>&]/);
    expect(JSON.parse(text)[0].claimReviewed).toBe('</script><b>&amp;');
  });

  it('defaults claimReviewed to the claim cut after a whole clause, never inside one', () => {
    expect(claimReviewedText('It is true that the false alarm was mostly mixed up.', 1)).toBe('It is that the alarm was up.');
    expect(claimReviewedText('True.', 7)).toBe('Claim 7');
    // the example: cut after "reported that" before; now after the last whole clause that fits
    const reported = claimReviewedText('The ministry, which published its annual report on Monday, reported that unemployment fell to 3.9% in 2023.', 1);
    expect(reported).toBe('The ministry, which published its annual report on Monday…');
    expect(reported.length).toBeLessThan(75);
    const long = claimReviewedText('The council approved a budget of $4.2 million for parking garages in the eastern district last year.', 1);
    // one long clause: kept whole (the preview asks for a summary) rather than cut mid-clause
    expect(long).toBe('The council approved a budget of $4.2 million for parking garages in the eastern district last year.');
    expect(claimReviewedText('Prices rose 4% – the most since 1990 – and the bank, as expected by every analyst in the room, held rates.', 1)).toBe(
      'Prices rose 4% – the most since 1990 – and the bank…',
    );
    const emoji = claimReviewedText('😀'.repeat(100), 1);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('buildCsv', () => {
  it('writes one RFC 4180 row per claim, CRLF, with a BOM and a formula guard', () => {
    const csv = buildCsv(sampleInput(true));
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    // the columns of before, then the editor's side and the source (added with issue 16)
    expect(lines[0]).toBe(
      'position,claim_id,status,text,anchor_start,anchor_end,suggestion_score,suggestion_reasons,votes,unverifiable,count_1,count_2,count_3,count_4,count_5,mean,median,consensus,verdict,verdict_label,merged_into,merged_from,split_from,split_into,' +
        'speaker,editor_rating,editor_label,editor_summary,editor_explanation,editor_url,editor_by,editor_at,editor_revisions,claimreview,created_by,source_url,source_headline,source_publisher,source_author,source_published_at',
    );
    expect(lines[1]).toBe(
      '1,s1,accepted,"Unemployment fell to 3.9% in 2023, the Labor Department said.",0,61,0.9,percentage (“3.9%”),3,0,0,0,0,2,1,4.3333,4,0.8286,mostly-true,Mostly true,,,,' +
        ",,,,,,,,,,left out: no editor's verdict yet (reviewers' consensus: Mostly true),Olga Owner,https://news.example.org/jobs,,Example News,Jane Doe,2024-03-01",
    );
    expect(csv).toContain('6,extra,proposed,"A claim with ""quotes"", commas\nand =SUM(A1)",');
    const s2 = lines.find((l) => l.startsWith('3,s2,'))!;
    expect(s2).toContain(',m1,,,,');
    const m1 = lines.find((l) => l.startsWith('2,m1,'))!;
    expect(m1).toContain(',,s2 bridge,,,');
  });

  it('writes votes and notes tables with names, and all three tables in one file', () => {
    const { board, reviewers } = sampleDocs();
    for (const [i, body] of ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tcmd', '\rcmd', 'a;b'].entries()) {
      addNote(reviewers.get('u-carol')!, `n-x${i}`, { claimId: 's2', body, at: 1_709_330_000_000 + i }, 'local');
    }
    const input = snapshotFromDocs('board-1', board, reviewers, SAMPLE_MEMBERS);
    const votes = buildCsv(input, { table: 'votes' });
    expect(votes.startsWith(`${BOM}claim_position,claim_id,reviewer,rating,confidence,rationale,reason,at,counted\r\n`)).toBe(true);
    expect(votes).toContain('\r\n1,s1,Alice Adams,4,high,Checked the source (4),,2024-03-01T13:33:20.000Z,yes\r\n');
    expect(votes.split('\r\n')).toHaveLength(1 + 15 + 1);
    const notes = buildCsv(input, { table: 'notes' });
    expect(notes.startsWith(`${BOM}claim_position,claim_id,note_id,reply_to,reviewer,body,evidence,at,edited_at,deleted\r\n`)).toBe(true);
    expect(notes).toContain('1,s1,n-a1,,Alice Adams,BLS table A-1 agrees.,https://www.bls.gov/cps/ (supports: CPS),2024-03-01T16:20:00.000Z,,no');
    // every note that starts like a formula is shown as text
    const bodies = notes.split('\r\n').filter((l) => l.includes(',n-x')).map((l) => l.split(',Carol Chen,')[1]);
    expect(bodies).toEqual([
      `"'=HYPERLINK(""http://x"")",,2024-03-01T21:53:20.000Z,,no`,
      `'+1,,2024-03-01T21:53:20.001Z,,no`,
      `'-2,,2024-03-01T21:53:20.002Z,,no`,
      `'@SUM(A1),,2024-03-01T21:53:20.003Z,,no`,
      `'\tcmd,,2024-03-01T21:53:20.004Z,,no`,
      `"'\rcmd",,2024-03-01T21:53:20.005Z,,no`,
      `"a;b",,2024-03-01T21:53:20.006Z,,no`,
    ]);
    const all = buildCsv(input, { table: 'all' });
    expect(all.startsWith(`${BOM}claims\r\nposition,`)).toBe(true);
    expect(all.match(/\uFEFF/g)).toHaveLength(1);
    expect(all).toBe(`${buildCsv(input, { table: 'claims' }).replace(BOM, `${BOM}claims\r\n`)}\r\nvotes\r\n${votes.slice(1)}\r\nnotes\r\n${notes.slice(1)}`);
    // pseudonymised: no names
    const pseudo = buildCsv(input, { table: 'all', pseudonymise: true });
    for (const m of SAMPLE_MEMBERS) expect(pseudo).not.toContain(m.name);
    expect(pseudo).toContain('Reviewer 1');
  });

  it('guards every cell that a spreadsheet would run as a formula', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('a;b')).toBe('"a;b"');
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
