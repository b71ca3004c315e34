/**
 * Exports that are pasted or opened elsewhere: ClaimReview JSON-LD goes into a
 * `<script type="application/ld+json">`, CSV into spreadsheets of every locale.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildClaimReview, buildClaimReviewDocument, buildCsv, csvCell, snapshotFromDocs, type ExportMember } from '../../shared/export/index.js';
import { castVote, initBoardDoc, setClaimStatus, setEditorVerdict } from '../../shared/model/index.js';

const HOSTILE = '</script><img src=x onerror=alert(1)> & <!--';
const MEMBERS: ExportMember[] = [
  { userId: 'u1', name: 'Ann', role: 'owner' },
  { userId: 'u2', name: 'Ben', role: 'reviewer' },
  { userId: 'u3', name: 'Cy', role: 'reviewer' },
];

/**
 * A board whose title, source and claim carry markup, with an accepted claim and an editor's
 * verdict (what ClaimReview publishes). `sourceUrl` is written into the doc as an older board
 * may hold it: today's import refuses a non-web URL, so it is set after the import.
 */
function hostileInput(sourceUrl: string) {
  const claim = `Spending rose 40%; ${HOSTILE}`;
  const board = new Y.Doc();
  board.clientID = 1;
  const init = initBoardDoc(
    board,
    {
      title: `Title ${HOSTILE}`,
      format: 'text',
      article: claim,
      source: { url: 'https://news.example/placeholder', publisher: `Pub ${HOSTILE}`, author: `Au & ${HOSTILE}`, publishedAt: '2024-03-01' },
      claims: [{ text: claim, start: 0, end: claim.length, score: 0.9, reasons: ['percentage (“40%”)', 'attribution'] }],
      createdBy: 'u1',
      createdAt: 1_709_280_000_000,
    },
    'server',
  );
  if (!init.ok) throw new Error(init.error.message);
  const meta = board.getMap('meta');
  meta.set('source', { ...(meta.get('source') as object), url: sourceUrl });
  const claimId = [...board.getMap('claims').keys()][0]!;
  for (const r of [
    setClaimStatus(board, claimId, 'accepted', 'server'),
    setEditorVerdict(board, claimId, { rating: 4, explanation: `Checked ${HOSTILE}`, url: 'https://desk.example/fact-check/1', by: 'u1', at: 1_709_310_000_000 }, 'server'),
  ]) {
    if (!r.ok) throw new Error(r.error.message);
  }
  const reviewers = new Map<string, Y.Doc>();
  MEMBERS.forEach((m, i) => {
    const doc = new Y.Doc();
    doc.clientID = 10 + i;
    const r = castVote(doc, claimId, { rating: 4, confidence: 'high', at: 1_709_300_000_000 }, 'local');
    if (!r.ok) throw new Error(r.error.message);
    reviewers.set(m.userId, doc);
  });
  return snapshotFromDocs('b1', board, reviewers, MEMBERS);
}

const OPTIONS = { publisher: { name: `Desk ${HOSTILE}` } };

describe('ClaimReview JSON-LD', () => {
  it('[H8] escapes <, > and & so the output cannot break out of a script element, and parses to the same value', () => {
    const input = hostileInput('https://news.example/a?x=1&y=<2>');
    const out = buildClaimReview(input, OPTIONS);
    expect(out).not.toMatch(/[<>&]/);
    expect(out).toContain('\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e \\u0026');
    const parsed = JSON.parse(out);
    expect(parsed).toEqual(buildClaimReviewDocument(input, OPTIONS));
    expect(parsed[0].itemReviewed.appearance.url).toBe('https://news.example/a?x=1&y=<2>');
    expect(parsed[0].itemReviewed.appearance.headline).toBe(`Title ${HOSTILE}`);
  });

  it('[H8] never publishes a source URL that is not http(s)', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'not a url']) {
      const doc = buildClaimReviewDocument(hostileInput(url), OPTIONS);
      expect(doc).toHaveLength(1);
      expect(JSON.stringify(doc), url).not.toContain(url);
      expect((doc[0]!.itemReviewed as Record<string, unknown>).appearance, url).toBeUndefined();
    }
  });
});

describe('CSV', () => {
  it('[H8] quotes cells containing a semicolon, keeping formula safety', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('=1;2')).toBe(`"'=1;2"`);
    expect(csvCell('-x;"y"')).toBe(`"'-x;""y"""`);
    expect(csvCell('plain')).toBe('plain');
    const csv = buildCsv(hostileInput('https://news.example/a'));
    const row = csv.split('\r\n')[1]!;
    expect(row).toContain(`"Spending rose 40%; ${HOSTILE}"`);
    expect(row).toContain('"percentage (“40%”); attribution"');
  });
});
