import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addClaim,
  boardTypes,
  decideSuggestion,
  initBoardDoc,
  mergeClaims,
  moveClaim,
  readBoard,
  readClaim,
  readMeta,
  resolveThread,
  setBoardSettings,
  setBoardTitle,
  setClaimStatus,
  splitClaim,
  updateClaimText,
  isOpenClaim,
  mergedClaimId,
  DEFAULT_SETTINGS,
  UNTITLED,
  type BoardInit,
} from '../../shared/model/index.js';

const ARTICLE = 'Alpha rose 5%. Beta fell. Gamma doubled in 2020.';
const span = (text: string) => ({ start: ARTICLE.indexOf(text), end: ARTICLE.indexOf(text) + text.length });
const claim = (text: string, extra: object = {}) => ({ text, ...span(text), ...extra });

function newBoard(init: Partial<BoardInit> = {}): Y.Doc {
  const doc = new Y.Doc();
  const result = initBoardDoc(
    doc,
    {
      title: 'Test board',
      article: ARTICLE,
      format: 'text',
      claims: [claim('Gamma doubled in 2020.', { score: 0.8, reasons: ['date'] }), claim('Alpha rose 5%.', { score: 0.9, reasons: ['percentage'] })],
      createdBy: 'owner',
      createdAt: 1_000,
      ...init,
    },
    'test',
  );
  expect(result.ok).toBe(true);
  return doc;
}

const sync = (a: Y.Doc, b: Y.Doc): void => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('initBoardDoc', () => {
  it('writes meta, article and suggested claims in article order with anchors', () => {
    const doc = newBoard({ source: { url: 'https://example.org/a', publisher: 'Example' } });
    const board = readBoard(doc);
    expect(board.meta).toEqual({
      title: 'Test board',
      source: { url: 'https://example.org/a', publisher: 'Example' },
      format: 'text',
      createdAt: 1_000,
      createdBy: 'owner',
      settings: DEFAULT_SETTINGS,
      publication: {},
    });
    expect(board.article).toBe(ARTICLE);
    expect(board.claims.map((c) => [c.id, c.text, c.status, c.span])).toEqual([
      ['s2', 'Alpha rose 5%.', 'proposed', span('Alpha rose 5%.')],
      ['s1', 'Gamma doubled in 2020.', 'proposed', span('Gamma doubled in 2020.')],
    ]);
    expect(board.claims[0]).toMatchObject({ score: 0.9, reasons: ['percentage'], createdBy: 'owner', createdAt: 1_000 });
  });

  it('runs in one transaction with the given origin', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr) => origins.push(tr.origin));
    initBoardDoc(doc, { title: 'T', article: 'x', claims: [] }, 'server-origin');
    expect(origins).toEqual(['server-origin']);
  });

  it('refuses a document that already has content (no duplicated claims on retry)', () => {
    const doc = newBoard();
    const again = initBoardDoc(doc, { title: 'T', article: 'x' }, 'test');
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(readBoard(doc).claims).toHaveLength(2);
  });

  it('refuses spans outside the article and invalid titles without writing', () => {
    const doc = new Y.Doc();
    const bad = initBoardDoc(doc, { title: 'T', article: 'short', claims: [{ text: 'x', start: 0, end: 99 }] }, 'test');
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(initBoardDoc(doc, { title: '  ', article: 'x' }, 'test').ok).toBe(false);
    expect(boardTypes(doc).meta.size).toBe(0);
  });

  it('applies partial settings over the defaults', () => {
    const doc = newBoard({ settings: { quorum: 5 } });
    expect(readMeta(doc).settings).toEqual({ ...DEFAULT_SETTINGS, quorum: 5 });
  });
});

describe('anchors', () => {
  it('follow the claim through edits before, inside and after it', () => {
    const doc = newBoard();
    const { article } = boardTypes(doc);
    article.insert(0, 'Intro. ');
    article.insert(article.toString().indexOf('rose'), 'sharply ');
    article.insert(article.length, ' Outro.');
    const alpha = readClaim(doc, 's2')!;
    expect(article.toString().slice(alpha.span!.start, alpha.span!.end)).toBe('Alpha sharply rose 5%.');
    const gamma = readClaim(doc, 's1')!;
    expect(article.toString().slice(gamma.span!.start, gamma.span!.end)).toBe('Gamma doubled in 2020.');
  });

  it('keep text typed right at the edges outside the claim', () => {
    const doc = newBoard();
    const { article } = boardTypes(doc);
    const { start, end } = readClaim(doc, 's2')!.span!;
    article.insert(end, 'X');
    article.insert(start, 'Y');
    const after = readClaim(doc, 's2')!.span!;
    expect(article.toString().slice(after.start, after.end)).toBe('Alpha rose 5%.');
  });

  it('survive edits made on another replica', () => {
    const a = newBoard();
    const b = new Y.Doc();
    sync(a, b);
    boardTypes(b).article.insert(0, 'Breaking: ');
    sync(a, b);
    const s = readClaim(a, 's1')!.span!;
    expect(boardTypes(a).article.toString().slice(s.start, s.end)).toBe('Gamma doubled in 2020.');
  });

  it('collapse to an empty span when the claim text is deleted', () => {
    const doc = newBoard();
    const { article } = boardTypes(doc);
    const { start, end } = readClaim(doc, 's2')!.span!;
    article.delete(start, end - start);
    const s = readClaim(doc, 's2')!.span!;
    expect(s.end - s.start).toBe(0);
  });
});

describe('addClaim and ordering', () => {
  it('places a claim with a span by its position in the article', () => {
    const doc = newBoard();
    const added = addClaim(doc, { id: 'beta', text: 'Beta fell.', span: span('Beta fell.'), by: 'ed', at: 2_000 }, 'test');
    expect(added.ok).toBe(true);
    expect(readBoard(doc).claims.map((c) => c.id)).toEqual(['s2', 'beta', 's1']);
  });

  it('appends a claim without a span, or places it after a given claim', () => {
    const doc = newBoard();
    addClaim(doc, { id: 'free', text: 'A free claim', by: 'ed', at: 2_000 }, 'test');
    addClaim(doc, { id: 'top', text: 'At the top', after: null, by: 'ed', at: 2_000 }, 'test');
    addClaim(doc, { id: 'mid', text: 'After s2', after: 's2', by: 'ed', at: 2_000 }, 'test');
    expect(readBoard(doc).claims.map((c) => c.id)).toEqual(['top', 's2', 'mid', 's1', 'free']);
  });

  it('refuses duplicate ids, bad ids, bad spans and unknown neighbours', () => {
    const doc = newBoard();
    expect(addClaim(doc, { id: 's1', text: 'dup', by: 'ed', at: 1 }, 't')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(addClaim(doc, { id: 'bad id!', text: 'x', by: 'ed', at: 1 }, 't')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(addClaim(doc, { id: 'x', text: 'x', span: { start: 0, end: 999 }, by: 'ed', at: 1 }, 't')).toMatchObject({ ok: false });
    expect(addClaim(doc, { id: 'x', text: 'x', after: 'nope', by: 'ed', at: 1 }, 't')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(addClaim(doc, { id: 'x', text: '   ', by: 'ed', at: 1 }, 't')).toMatchObject({ ok: false });
  });

  it('gives concurrent inserts at the same spot the same total order on every replica', () => {
    const a = newBoard();
    const b = new Y.Doc();
    sync(a, b);
    addClaim(a, { id: 'from-a', text: 'A', after: 's2', by: 'a', at: 1 }, 'test');
    addClaim(b, { id: 'from-b', text: 'B', after: 's2', by: 'b', at: 1 }, 'test');
    sync(a, b);
    const ids = readBoard(a).claims.map((c) => c.id);
    expect(ids).toEqual(readBoard(b).claims.map((c) => c.id));
    expect(ids).toEqual(['s2', 'from-a', 'from-b', 's1']);
  });

  it('rebalances when repeated inserts at one spot exhaust double precision', () => {
    const doc = newBoard();
    for (let i = 0; i < 80; i++) addClaim(doc, { id: `c${i}`, text: `claim ${i}`, after: 's2', by: 'ed', at: 1 }, 'test');
    const ids = readBoard(doc).claims.map((c) => c.id);
    expect(ids[0]).toBe('s2');
    expect(ids.slice(1, 81)).toEqual(Array.from({ length: 80 }, (_, i) => `c${79 - i}`));
    expect(ids[81]).toBe('s1');
  });

  it('moves a claim, and edits text and status', () => {
    const doc = newBoard();
    expect(moveClaim(doc, 's1', null, 'test').ok).toBe(true);
    expect(readBoard(doc).claims.map((c) => c.id)).toEqual(['s1', 's2']);
    expect(updateClaimText(doc, 's1', 'Gamma doubled.', 'test').ok).toBe(true);
    expect(setClaimStatus(doc, 's1', 'accepted', 'test').ok).toBe(true);
    expect(readClaim(doc, 's1')).toMatchObject({ text: 'Gamma doubled.', status: 'accepted' });
    expect(setClaimStatus(doc, 'nope', 'accepted', 'test')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(setClaimStatus(doc, 's1', 'maybe' as never, 'test')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('merge and split', () => {
  it('[issue 16] merges any claims into one that links back: least-advanced status, a highlight per part, originals not rejected', () => {
    const doc = newBoard();
    setClaimStatus(doc, 's1', 'accepted', 'test');
    const merged = mergeClaims(doc, { ids: ['s1', 's2'], into: 'm', by: 'ed', at: 5 }, 'test');
    expect(merged.ok).toBe(true);
    const board = readBoard(doc);
    expect(board.claims.map((c) => c.id)).toEqual(['m', 's2', 's1']);
    const m = board.claims[0]!;
    // s2 was only proposed, so the merged claim is proposed (it used to become accepted)
    expect(m).toMatchObject({ text: 'Alpha rose 5%. Gamma doubled in 2020.', status: 'proposed', mergedFrom: ['s2', 's1'], replacedBy: null });
    expect(board.article.slice(m.span!.start, m.span!.end)).toBe(ARTICLE);
    // one highlight per part, not across "Beta fell."
    expect(m.partSpans).toEqual([span('Alpha rose 5%.'), span('Gamma doubled in 2020.')]);
    // the originals keep their status and say what replaced them (they used to become rejected)
    expect(board.claims.find((c) => c.id === 's1')).toMatchObject({ status: 'accepted', mergedInto: 'm', replacedBy: { kind: 'merged', ids: ['m'] } });
    expect(board.claims.find((c) => c.id === 's2')).toMatchObject({ status: 'proposed', mergedInto: 'm', replacedBy: { kind: 'merged', ids: ['m'] } });
    expect(board.claims.filter(isOpenClaim).map((c) => c.id)).toEqual(['m']);
    // all parts accepted: accepted
    const other = newBoard();
    setClaimStatus(other, 's1', 'accepted', 'test');
    setClaimStatus(other, 's2', 'accepted', 'test');
    const id = mergeClaims(other, { ids: ['s2', 's1'], text: 'Alpha and Gamma grew.', by: 'ed', at: 5 }, 'test');
    expect(id).toEqual({ ok: true, value: { id: mergedClaimId(['s1', 's2']) } });
    expect(readClaim(other, mergedClaimId(['s1', 's2']))).toMatchObject({ status: 'accepted', text: 'Alpha and Gamma grew.' });
  });

  it('refuses merging a claim twice, unknown claims and too few claims', () => {
    const doc = newBoard();
    mergeClaims(doc, { ids: ['s1', 's2'], into: 'm', by: 'ed', at: 5 }, 'test');
    expect(mergeClaims(doc, { ids: ['s1', 'm'], into: 'm2', by: 'ed', at: 5 }, 'test')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(mergeClaims(doc, { ids: ['m', 'zz'], into: 'm3', by: 'ed', at: 5 }, 'test')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(mergeClaims(doc, { ids: ['m'], into: 'm4', by: 'ed', at: 5 }, 'test')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(mergeClaims(doc, { ids: ['m', 'm'], into: 'm5', by: 'ed', at: 5 }, 'test')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('splits a claim into parts placed where it stood', () => {
    const doc = newBoard();
    const split = splitClaim(
      doc,
      {
        id: 's1',
        parts: [
          { id: 'p1', text: 'Gamma doubled', span: span('Gamma doubled') },
          { id: 'p2', text: 'in 2020', span: span('in 2020') },
        ],
        by: 'ed',
        at: 6,
      },
      'test',
    );
    expect(split).toEqual({ ok: true, value: { ids: ['p1', 'p2'] } });
    const board = readBoard(doc);
    expect(board.claims.map((c) => c.id)).toEqual(['s2', 's1', 'p1', 'p2']);
    // the original keeps its status and is replaced, not rejected (issue 16)
    expect(readClaim(doc, 's1')).toMatchObject({ status: 'proposed', splitInto: ['p1', 'p2'] });
    expect(board.claims.find((c) => c.id === 's1')!.replacedBy).toEqual({ kind: 'split', ids: ['p1', 'p2'] });
    expect(readClaim(doc, 'p2')).toMatchObject({ splitFrom: 's1', status: 'proposed', span: span('in 2020') });
    expect(splitClaim(doc, { id: 's1', parts: [{ id: 'q1', text: 'a' }, { id: 'q2', text: 'b' }], by: 'ed', at: 7 }, 'test')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(splitClaim(doc, { id: 's2', parts: [{ id: 'p1', text: 'a' }, { id: 'q2', text: 'b' }], by: 'ed', at: 7 }, 'test')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('meta and decisions', () => {
  it('changes the title and some settings, keeping the others', () => {
    const doc = newBoard();
    expect(setBoardTitle(doc, 'Renamed', 'test').ok).toBe(true);
    expect(setBoardSettings(doc, { threshold: 0.6 }, 'test')).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, threshold: 0.6 } });
    expect(setBoardSettings(doc, { quorum: 0 }, 'test').ok).toBe(false);
    expect(readMeta(doc)).toMatchObject({ title: 'Renamed', settings: { ...DEFAULT_SETTINGS, threshold: 0.6 } });
  });

  it('accepting a suggestion creates an accepted claim and records the decision', () => {
    const doc = newBoard();
    const result = decideSuggestion(
      doc,
      {
        reviewerId: 'rev',
        suggestionId: 'sg1',
        suggestion: { text: 'Beta fell.', at: 3 },
        outcome: 'accepted',
        claimId: 'from-sg1',
        by: 'ed',
        at: 4,
      },
      'test',
    );
    expect(result).toEqual({ ok: true, value: { claimId: 'from-sg1' } });
    const board = readBoard(doc);
    expect(board.claims.find((c) => c.id === 'from-sg1')).toMatchObject({ status: 'accepted', text: 'Beta fell.' });
    expect(board.decisions).toEqual([
      {
        id: 'suggestion:rev:sg1',
        decision: { kind: 'suggestion', reviewerId: 'rev', suggestionId: 'sg1', outcome: 'accepted', claimId: 'from-sg1', by: 'ed', at: 4 },
      },
    ]);
    expect(resolveThread(doc, { reviewerId: 'rev', noteId: 'n1', resolved: true, by: 'ed', at: 5 }, 'test').ok).toBe(true);
    expect(readBoard(doc).decisions.map((d) => d.id)).toEqual(['suggestion:rev:sg1', 'thread:rev:n1']);
  });
});

describe('readers tolerate foreign data', () => {
  it('skip claims that are not Y.Maps or fail validation, and default bad meta', () => {
    const doc = newBoard();
    const { claims, meta, decisions } = boardTypes(doc);
    doc.transact(() => {
      claims.set('plain', { text: 'not a Y.Map', status: 'proposed', order: 1 });
      const bad = new Y.Map<unknown>();
      bad.set('text', 42);
      bad.set('status', 'proposed');
      bad.set('order', 0);
      claims.set('bad', bad);
      const noOrder = new Y.Map<unknown>();
      noOrder.set('text', 'ok');
      noOrder.set('status', 'weird');
      claims.set('weird', noOrder);
      const badAnchor = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ text: 'anchored to garbage', status: 'proposed', order: 9, createdBy: 'x', createdAt: 1 })) badAnchor.set(k, v);
      badAnchor.set('anchorStart', new Uint8Array([255, 255, 255]));
      badAnchor.set('anchorEnd', new Uint8Array([1]));
      claims.set('garbage-anchor', badAnchor);
      claims.set('bad key with spaces', new Y.Map());
      meta.set('settings', { quorum: 'three', threshold: 0.5 });
      meta.set('title', 12);
      meta.set('source', 'nope');
      decisions.set('junk', { kind: 'nope' });
    });
    const board = readBoard(doc);
    expect(board.claims.map((c) => c.id)).toEqual(['s2', 's1', 'garbage-anchor']);
    expect(board.claims[2]!.span).toBeNull();
    expect(board.meta.settings).toEqual({ ...DEFAULT_SETTINGS, threshold: 0.5 });
    expect(board.meta.title).toBe(UNTITLED);
    expect(board.meta.source).toEqual({});
    expect(board.decisions).toEqual([]);
  });

  it('reads an empty document as an empty board', () => {
    const board = readBoard(new Y.Doc());
    expect(board).toMatchObject({ article: '', claims: [], decisions: [], meta: { createdAt: null, title: UNTITLED } });
  });
});
