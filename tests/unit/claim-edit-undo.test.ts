/** Issue 16: editing a claim's text (the anchor follows) and per-user undo/redo of curation. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BOARD,
  editClaimText,
  initBoardDoc,
  mergeClaims,
  readBoard,
  readClaim,
  setClaimStatus,
  splitClaim,
} from '../../shared/model/index.js';

const ARTICLE = 'Alpha rose 5% in 2020. Beta fell. Gamma doubled in 2021.';
const span = (t: string) => ({ start: ARTICLE.indexOf(t), end: ARTICLE.indexOf(t) + t.length });

function board(clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const claims = ['Alpha rose 5% in 2020.', 'Beta fell.', 'Gamma doubled in 2021.'].map((text) => ({ text, ...span(text) }));
  const r = initBoardDoc(doc, { title: 'T', article: ARTICLE, claims, createdBy: 'o', createdAt: 1 }, 'init');
  expect(r.ok).toBe(true);
  return doc;
}

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

const undoManager = (doc: Y.Doc, origin: symbol) =>
  new Y.UndoManager([doc.getMap(BOARD.claims), doc.getMap(BOARD.decisions), doc.getMap(BOARD.meta)], { trackedOrigins: new Set([origin]), captureTimeout: 0 });

describe('editClaimText', () => {
  it('moves the anchor to the edited passage when it is in the article, keeps it otherwise', () => {
    const doc = board();
    expect(editClaimText(doc, 's1', 'rose 5%', 'ed')).toEqual({ ok: true, value: { anchored: true } });
    expect(readClaim(doc, 's1')).toMatchObject({ text: 'rose 5%', span: span('rose 5%') });
    expect(editClaimText(doc, 's1', 'Alpha went up by five per cent', 'ed')).toEqual({ ok: true, value: { anchored: false } });
    expect(readClaim(doc, 's1')).toMatchObject({ text: 'Alpha went up by five per cent', span: span('rose 5%') });
    expect(editClaimText(doc, 's1', '   ', 'ed').ok).toBe(false);
    expect(editClaimText(doc, 'nope', 'x', 'ed')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('per-user undo and redo', () => {
  it('undoes and redoes one editor\'s edit, accept, merge and split, never the other editor\'s', () => {
    const a = board(1);
    const b = new Y.Doc();
    b.clientID = 2;
    sync(a, b);
    const A = Symbol('A');
    const B = Symbol('B');
    const undoA = undoManager(a, A);
    undoManager(b, B);

    editClaimText(a, 's1', 'rose 5%', A);
    setClaimStatus(a, 's1', 'accepted', A);
    const merged = mergeClaims(a, { ids: ['s1', 's3'], text: 'Alpha rose and Gamma doubled', by: 'A', at: 2 }, A);
    expect(merged.ok).toBe(true);
    setClaimStatus(b, 's2', 'rejected', B); // the other editor's change
    sync(a, b);
    const mergedId = merged.ok ? merged.value.id : '';
    expect(readBoard(b).claims.find((c) => c.id === mergedId)).toMatchObject({ text: 'Alpha rose and Gamma doubled', partSpans: [span('rose 5%'), span('Gamma doubled in 2021.')] });

    undoA.undo(); // the merge
    sync(a, b);
    for (const doc of [a, b]) {
      expect(readBoard(doc).claims.map((c) => c.id)).toEqual(['s1', 's2', 's3']);
      expect(readBoard(doc).claims.every((c) => c.replacedBy === null)).toBe(true);
      expect(readClaim(doc, 's2')!.status).toBe('rejected'); // B's change stays
    }
    undoA.redo(); // the merge again
    sync(a, b);
    expect(readBoard(b).claims.find((c) => c.id === mergedId)).toMatchObject({ text: 'Alpha rose and Gamma doubled' });
    expect(readBoard(b).claims.find((c) => c.id === 's1')!.replacedBy).toEqual({ kind: 'merged', ids: [mergedId] });
    undoA.undo();
    undoA.undo(); // the accept
    undoA.undo(); // the edit
    sync(a, b);
    expect(readClaim(b, 's1')).toMatchObject({ text: 'Alpha rose 5% in 2020.', status: 'proposed', span: span('Alpha rose 5% in 2020.') });
    expect(readClaim(b, 's2')!.status).toBe('rejected');
    expect(undoA.canUndo()).toBe(false);

    const parts = splitClaim(a, { id: 's3', parts: [{ text: 'Gamma doubled' }, { text: 'in 2021.' }], by: 'A', at: 3 }, A);
    expect(parts.ok).toBe(true);
    undoA.undo();
    sync(a, b);
    expect(readBoard(b).claims.map((c) => c.id)).toEqual(['s1', 's2', 's3']);
  });
});
