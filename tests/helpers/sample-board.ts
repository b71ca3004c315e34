/**
 * A small, fully deterministic board (fixed Yjs client ids and times) for export tests:
 * three reviewers, a merged claim, a rejected claim, notes with evidence, a decision.
 */
import * as Y from 'yjs';
import { addClaim, addNote, castVote, initBoardDoc, mergeClaims, resolveThread, setClaimSpeaker, setClaimStatus, setEditorVerdict, setPublication } from '../../shared/model/index.js';
import type { ExportMember } from '../../shared/export/index.js';

export const SAMPLE_ARTICLE = [
  'Unemployment fell to 3.9% in 2023, the Labor Department said.',
  'The city spent $4.2 million on parking garages. It was a bad idea.',
  'The bridge is 300 metres long.',
].join('\n\n');

const span = (text: string) => ({ start: SAMPLE_ARTICLE.indexOf(text), end: SAMPLE_ARTICLE.indexOf(text) + text.length });

export const SAMPLE_MEMBERS: ExportMember[] = [
  { userId: 'u-owner', name: 'Olga Owner', role: 'owner' },
  { userId: 'u-alice', name: 'Alice Adams', role: 'reviewer' },
  { userId: 'u-bob', name: 'Bob Brown', role: 'reviewer' },
  { userId: 'u-carol', name: 'Carol Chen', role: 'editor' },
];

export function sampleDocs(): { board: Y.Doc; reviewers: Map<string, Y.Doc> } {
  const board = new Y.Doc();
  board.clientID = 1;
  const init = initBoardDoc(
    board,
    {
      title: 'Jobs and garages',
      format: 'text',
      article: SAMPLE_ARTICLE,
      source: { url: 'https://news.example.org/jobs', publisher: 'Example News', author: 'Jane Doe', publishedAt: '2024-03-01' },
      claims: [
        { text: 'Unemployment fell to 3.9% in 2023, the Labor Department said.', ...span('Unemployment fell to 3.9% in 2023, the Labor Department said.'), score: 0.9, reasons: ['percentage (“3.9%”)'] },
        { text: 'The city spent $4.2 million on parking garages.', ...span('The city spent $4.2 million on parking garages.'), score: 0.8, reasons: ['money amount (“$4.2 million”)'] },
        { text: 'It was a bad idea.', ...span('It was a bad idea.'), score: 0.5, reasons: [] },
      ],
      createdBy: 'u-owner',
      createdAt: 1_709_280_000_000,
    },
    'server',
  );
  if (!init.ok) throw new Error(init.error.message);
  addClaim(board, { id: 'bridge', text: 'The bridge is 300 metres long.', span: span('The bridge is 300 metres long.'), by: 'u-carol', at: 1_709_280_100_000 }, 'local');
  addClaim(board, { id: 'extra', text: 'A claim with "quotes", commas\nand =SUM(A1)', by: 'u-carol', at: 1_709_280_200_000 }, 'local');
  setClaimStatus(board, 's3', 'rejected', 'local');
  setClaimStatus(board, 's1', 'accepted', 'local');
  resolveThread(board, { reviewerId: 'u-alice', noteId: 'n-a1', resolved: true, by: 'u-carol', at: 1_709_290_000_000 }, 'local');

  const reviewers = new Map<string, Y.Doc>();
  const votes: Record<string, [string, 1 | 2 | 3 | 4 | 5 | 'unverifiable'][]> = {
    'u-alice': [['s1', 4], ['s2', 5], ['s3', 2], ['bridge', 'unverifiable'], ['extra', 1]],
    'u-bob': [['s1', 4], ['s2', 5], ['bridge', 'unverifiable'], ['extra', 5], ['ghost-claim', 3]],
    'u-carol': [['s1', 5], ['s2', 5], ['s3', 1], ['bridge', 4], ['extra', 3]],
  };
  let clientId = 10;
  for (const [userId, list] of Object.entries(votes)) {
    const doc = new Y.Doc();
    doc.clientID = clientId++;
    list.forEach(([claimId, rating], i) => {
      const result = castVote(doc, claimId, { rating, confidence: i % 2 === 0 ? 'high' : 'low', at: 1_709_300_000_000 + i * 60_000, ...(i === 0 ? { rationale: `Checked the source (${rating})` } : {}) }, 'local');
      if (!result.ok) throw new Error(result.error.message);
    });
    reviewers.set(userId, doc);
  }
  addNote(reviewers.get('u-alice')!, 'n-a1', { claimId: 's1', body: 'BLS table A-1 agrees.', evidence: [{ url: 'https://www.bls.gov/cps/', title: 'CPS', stance: 'supports' }], at: 1_709_310_000_000 }, 'local');
  addNote(reviewers.get('u-bob')!, 'n-b1', { claimId: 's1', body: '+1, and see the revision.', replyTo: 'n-a1', at: 1_709_320_000_000 }, 'local');
  return { board, reviewers };
}

/** Merges s1 and s2 of a sample board into "m1" (used by the merge-link tests). */
export function mergeSample(board: Y.Doc): void {
  const result = mergeClaims(board, { ids: ['s2', 'bridge'], into: 'm1', by: 'u-carol', at: 1_709_400_000_000 }, 'local');
  if (!result.ok) throw new Error(result.error.message);
}

export const SAMPLE_PUBLICATION = {
  organisation: { name: 'Example Desk', url: 'https://desk.example' },
  baseUrl: 'https://desk.example/checks/jobs',
};

/**
 * The editors' side of the sample: publication settings, speakers and verdicts.
 * s1 accepted with its own published URL; s2 has a verdict but was never accepted; bridge
 * accepted without a verdict; extra accepted with "needs context" and no URL of its own.
 */
export function publishSample(board: Y.Doc): void {
  const check = (r: { ok: boolean; error?: { message: string } }) => {
    if (!r.ok) throw new Error(r.error!.message);
  };
  check(setPublication(board, SAMPLE_PUBLICATION, 'local'));
  check(setClaimSpeaker(board, 's1', 'Labor Department', 'local'));
  check(setEditorVerdict(board, 's1', { rating: 4, summary: 'Unemployment fell to 3.9% in 2023', explanation: 'BLS table A-1.', url: 'https://desk.example/checks/unemployment', by: 'u-carol', at: 1_709_500_000_000 }, 'local'));
  check(setEditorVerdict(board, 's2', { rating: 5, explanation: 'Budget line 12.', by: 'u-carol', at: 1_709_500_100_000 }, 'local'));
  check(setClaimStatus(board, 'bridge', 'accepted', 'local'));
  check(setClaimStatus(board, 'extra', 'accepted', 'local'));
  check(setEditorVerdict(board, 'extra', { rating: 'needs-context', explanation: 'Quotes out of context.', by: 'u-owner', at: 1_709_500_200_000 }, 'local'));
}
