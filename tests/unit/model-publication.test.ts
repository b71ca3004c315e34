/** The editor's verdict, the speaker, the source and publication settings (issue 16). */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  boardTypes,
  clearEditorVerdict,
  initBoardDoc,
  readBoard,
  readClaim,
  setBoardSource,
  setClaimSpeaker,
  setEditorVerdict,
  setPublication,
  VERDICT_REVISIONS_MAX,
} from '../../shared/model/index.js';

const ARTICLE = 'Alpha rose 5%. Beta fell.';

function newBoard(): Y.Doc {
  const doc = new Y.Doc();
  const r = initBoardDoc(doc, { title: 'T', article: ARTICLE, claims: [{ text: 'Alpha rose 5%.', start: 0, end: 14 }], createdBy: 'o', createdAt: 1 }, 'test');
  expect(r.ok).toBe(true);
  return doc;
}

const verdict = (extra: object = {}) => ({ rating: 2 as const, explanation: 'It rose 3%.', by: 'ed', at: 10, ...extra });

describe('editor verdict', () => {
  it('sets, replaces and clears a verdict beside the consensus; summary on one line', () => {
    const doc = newBoard();
    expect(setEditorVerdict(doc, 's1', verdict({ summary: '  Alpha\n rose  5% ' }), 'test').ok).toBe(true);
    expect(readClaim(doc, 's1')!.verdict).toEqual({ rating: 2, summary: 'Alpha rose 5%', explanation: 'It rose 3%.', by: 'ed', at: 10 });
    // not published yet (no URL anywhere): a change is not a revision
    setEditorVerdict(doc, 's1', verdict({ rating: 3, at: 11 }), 'test');
    expect(readClaim(doc, 's1')!.verdict).toEqual({ rating: 3, explanation: 'It rose 3%.', by: 'ed', at: 11 });
    expect(clearEditorVerdict(doc, 's1', 'test').ok).toBe(true);
    expect(readClaim(doc, 's1')!.verdict).toBeNull();
  });

  it('records a change after publication as a revision, and only a real change', () => {
    const doc = newBoard();
    setEditorVerdict(doc, 's1', verdict({ url: 'https://desk.example/a' }), 'test');
    setEditorVerdict(doc, 's1', verdict({ url: 'https://desk.example/a', at: 12 }), 'test'); // same content
    expect(readClaim(doc, 's1')!.verdict!.revisions).toBeUndefined();
    setEditorVerdict(doc, 's1', verdict({ rating: 'needs-context', url: 'https://desk.example/a', by: 'ed2', at: 20 }), 'test');
    const v = readClaim(doc, 's1')!.verdict!;
    expect(v.rating).toBe('needs-context');
    expect(v.revisions).toEqual([{ rating: 2, explanation: 'It rose 3%.', url: 'https://desk.example/a', by: 'ed', at: 12 }]);
    // a board base URL counts as published too
    const other = newBoard();
    setPublication(other, { baseUrl: 'https://desk.example/board' }, 'test');
    setEditorVerdict(other, 's1', verdict(), 'test');
    setEditorVerdict(other, 's1', verdict({ rating: 5 }), 'test');
    expect(readClaim(other, 's1')!.verdict!.revisions).toHaveLength(1);
    // bounded
    for (let i = 0; i < VERDICT_REVISIONS_MAX + 5; i++) setEditorVerdict(other, 's1', verdict({ explanation: `v${i}` }), 'test');
    expect(readClaim(other, 's1')!.verdict!.revisions).toHaveLength(VERDICT_REVISIONS_MAX);
  });

  it('refuses bad input without writing: unknown claim, rating off the list, non-web URL, long summary', () => {
    const doc = newBoard();
    const before = Y.encodeStateVector(doc);
    expect(setEditorVerdict(doc, 'nope', verdict(), 'test')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(setEditorVerdict(doc, 's1', verdict({ rating: 7 }), 'test').ok).toBe(false);
    expect(setEditorVerdict(doc, 's1', verdict({ url: 'javascript:alert(1)' }), 'test').ok).toBe(false);
    expect(setEditorVerdict(doc, 's1', verdict({ summary: 'x'.repeat(201) }), 'test').ok).toBe(false);
    expect(setEditorVerdict(doc, 's1', verdict({ summary: ' \n ' }), 'test').ok).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('a bad verdict written by a foreign client hides the verdict, not the claim', () => {
    const doc = newBoard();
    (boardTypes(doc).claims.get('s1') as Y.Map<unknown>).set('verdict', { rating: 'great' });
    (boardTypes(doc).claims.get('s1') as Y.Map<unknown>).set('speaker', 42);
    expect(readClaim(doc, 's1')).toMatchObject({ text: 'Alpha rose 5%.', verdict: null, speaker: null });
  });
});

describe('speaker, source and publication settings', () => {
  it('sets and clears the speaker', () => {
    const doc = newBoard();
    setClaimSpeaker(doc, 's1', ' Finance  Minister ', 'test');
    expect(readClaim(doc, 's1')!.speaker).toBe('Finance Minister');
    setClaimSpeaker(doc, 's1', '', 'test');
    expect(readClaim(doc, 's1')!.speaker).toBeNull();
  });

  it('edits the source later (empty fields cleared) and refuses a non-web URL', () => {
    const doc = newBoard();
    const r = setBoardSource(doc, { url: 'https://news.example/a', headline: 'Alpha rises', publisher: 'News', author: '', publishedAt: '2024-01-02' }, 'test');
    expect(r.ok).toBe(true);
    expect(readBoard(doc).meta.source).toEqual({ url: 'https://news.example/a', headline: 'Alpha rises', publisher: 'News', publishedAt: '2024-01-02' });
    expect(setBoardSource(doc, { url: 'javascript:alert(1)' }, 'test').ok).toBe(false);
    expect(setBoardSource(doc, { url: 'https://x.example', extra: 1 } as never, 'test').ok).toBe(false);
    expect(readBoard(doc).meta.source.url).toBe('https://news.example/a');
    // one bad field in stored data hides only itself
    boardTypes(doc).meta.set('source', { url: 'ftp://old.example', publisher: 'News' });
    expect(readBoard(doc).meta.source).toEqual({ publisher: 'News' });
  });

  it('sets the organisation and base URL; web URLs only', () => {
    const doc = newBoard();
    expect(setPublication(doc, { organisation: { name: 'Desk', url: 'https://desk.example' }, baseUrl: 'https://desk.example/c' }, 'test').ok).toBe(true);
    expect(readBoard(doc).meta.publication).toEqual({ organisation: { name: 'Desk', url: 'https://desk.example' }, baseUrl: 'https://desk.example/c' });
    expect(setPublication(doc, { baseUrl: 'data:text/html,x' }, 'test').ok).toBe(false);
    expect(setPublication(doc, { organisation: { name: '' } }, 'test').ok).toBe(false);
  });
});
