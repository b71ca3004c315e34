/**
 * BoardEdits (client/src/lib/state/board-edits.ts): every change a user makes, checked and
 * written with this client's origin, its failures reported. Real Y.Docs; votes go through
 * a real SealedVotes over a live doc with no round open.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addClaim, boardTypes, readBoard, readReviewer, readVotes } from '../../shared/model/index.js';
import { BoardEdits } from '../../client/src/lib/state/board-edits.js';
import { SealedVotes } from '../../client/src/lib/sync/sealed-votes.js';

const LOCAL = Symbol('local');
const ARTICLE = 'The city spent $4.2 million on roads in 2023. Unemployment fell to 3.1% in May.';

function setup(role: { edit: boolean; blocked: string | null }) {
  const boardDoc = new Y.Doc();
  boardTypes(boardDoc).article.insert(0, ARTICLE);
  const mine = new Y.Doc();
  const sealed = new SealedVotes({ held: new Set(), retryHeld() {} }, new Y.Doc(), { reviewerDoc: () => mine, sealedDoc: () => null, clockOffset: () => 0, origin: LOCAL });
  const reports: Array<string | null> = [];
  const origins: unknown[] = [];
  for (const d of [boardDoc, mine]) d.on('update', (_u: Uint8Array, o: unknown) => origins.push(o));
  const edits = new BoardEdits({
    userId: 'u1',
    origin: LOCAL,
    boardDoc,
    reviewerDoc: () => mine,
    castVote: (c, v) => sealed.cast(c, v),
    canEdit: () => role.edit,
    voteBlockedReason: () => role.blocked,
    article: () => ARTICLE,
    claim: (id) => readBoard(boardDoc).claims.find((c) => c.id === id),
    report: (m) => reports.push(m),
  });
  return { boardDoc, mine, edits, reports, origins };
}

describe('BoardEdits', () => {
  it('votes and notes go to this user\'s doc with this client\'s origin; text is trimmed; a viewer is refused with the reason', () => {
    const role = { edit: false, blocked: null as string | null };
    const t = setup(role);
    expect(t.edits.vote('c1', 4, 'high', '  page 12  ', '  ').ok).toBe(true);
    expect(readVotes(t.mine)).toMatchObject([{ claimId: 'c1', rating: 4, confidence: 'high', rationale: 'page 12' }]);
    expect(readVotes(t.mine)[0]!.reason).toBeUndefined();
    const note = t.edits.addNote('c1', 'a note');
    expect(note.ok).toBe(true);
    const id = readReviewer(t.mine).notes[0]!.id;
    expect(t.edits.editNote(id, 'edited').ok).toBe(true);
    expect(t.edits.deleteNote(id).ok).toBe(true);
    expect(readReviewer(t.mine).notes[0]).toMatchObject({ deleted: true });
    expect(t.origins.every((o) => o === LOCAL)).toBe(true);
    expect(t.reports.every((r) => r === null)).toBe(true);

    role.blocked = 'You are a viewer on this board: viewers can read but not vote or write notes.';
    for (const r of [t.edits.vote('c1', 1, 'low'), t.edits.addNote('c1', 'x'), t.edits.editNote(id, 'y'), t.edits.propose(0, 10)]) {
      expect(r).toMatchObject({ ok: false, error: { message: role.blocked } });
    }
    expect(t.reports.at(-1)).toBe(role.blocked);
    expect(readVotes(t.mine)[0]!.rating).toBe(4);
    // Resolving threads is for editors.
    expect(t.edits.resolveThread('ann', 'n1', true)).toMatchObject({ ok: false });
  });

  it('a selection becomes a claim for an editor and a suggestion for a reviewer; splits keep anchors where the parts occur', () => {
    const editor = setup({ edit: true, blocked: null });
    expect(editor.edits.propose(0, 0)).toMatchObject({ ok: false, error: { message: 'select some text first' } });
    expect(editor.edits.propose(0, 46).ok).toBe(true);
    const claim = readBoard(editor.boardDoc).claims[0]!;
    expect(claim).toMatchObject({ text: 'The city spent $4.2 million on roads in 2023.', status: 'proposed' });
    expect(editor.edits.split(claim.id, ['The city spent $4.2 million', 'on roads in 2023.']).ok).toBe(true);
    const parts = readBoard(editor.boardDoc).claims.filter((c) => c.splitFrom === claim.id);
    expect(parts.map((p) => p.span)).toEqual([{ start: 0, end: 27 }, { start: 28, end: 45 }]);
    expect(editor.edits.split(claim.id, ['only one'])).toMatchObject({ ok: false, error: { message: 'a split needs at least two parts' } });
    expect(editor.edits.split('nope', ['a', 'b'])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const reviewer = setup({ edit: false, blocked: null });
    expect(reviewer.edits.propose(46, 79).ok).toBe(true);
    expect(readBoard(reviewer.boardDoc).claims).toEqual([]);
    expect(readReviewer(reviewer.mine).suggestions[0]).toMatchObject({ text: 'Unemployment fell to 3.1% in May.' });
  });

  it('editors accept, merge and decide; the merged claim\'s id comes back', () => {
    const t = setup({ edit: true, blocked: null });
    for (const id of ['c1', 'c2']) addClaim(t.boardDoc, { id, text: id, by: 'u1', at: 1 }, LOCAL);
    expect(t.edits.setStatus('c1', 'accepted').ok).toBe(true);
    const merged = t.edits.merge(['c1', 'c2'], 'both');
    expect(merged.ok).toBe(true);
    const claims = readBoard(t.boardDoc).claims;
    expect(claims.find((c) => c.id === (merged.ok ? merged.value.id : ''))).toMatchObject({ text: 'both' });
    expect(t.edits.resolveThread('ann', 'n1', true).ok).toBe(true);
  });
});
