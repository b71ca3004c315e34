import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addNote,
  castVote,
  deleteNote,
  editNote,
  proposeClaim,
  readReviewer,
  retractVote,
  reviewerTypes,
  withdrawSuggestion,
  type Vote,
} from '../../shared/model/index.js';

const vote = (rating: Vote['rating'], at = 10): Vote => ({ rating, confidence: 'medium', at });

describe('votes', () => {
  it('casts, replaces and retracts a vote, each in one transaction with the origin', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr) => origins.push(tr.origin));
    expect(castVote(doc, 'c1', vote(4), 'local').ok).toBe(true);
    expect(castVote(doc, 'c1', { ...vote('unverifiable', 11), rationale: 'no source' }, 'local').ok).toBe(true);
    expect(readReviewer(doc).votes).toEqual([{ claimId: 'c1', rating: 'unverifiable', confidence: 'medium', rationale: 'no source', at: 11 }]);
    expect(retractVote(doc, 'c1', 'local').ok).toBe(true);
    expect(retractVote(doc, 'c1', 'local')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(readReviewer(doc).votes).toEqual([]);
    expect(origins).toEqual(['local', 'local', 'local']);
  });

  it('refuses ratings off the scale, bad confidence, bad times and bad claim ids', () => {
    const doc = new Y.Doc();
    for (const bad of [
      { rating: 0, confidence: 'low', at: 1 },
      { rating: 6, confidence: 'low', at: 1 },
      { rating: 2.5, confidence: 'low', at: 1 },
      { rating: '3', confidence: 'low', at: 1 },
      { rating: 3, confidence: 'sure', at: 1 },
      { rating: 3, confidence: 'low', at: -1 },
      { rating: 3, confidence: 'low', at: 1, rationale: 'x'.repeat(2_001) },
    ]) {
      expect(castVote(doc, 'c1', bad as unknown as Vote, 'local')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(castVote(doc, '__bad id__!', vote(3), 'local').ok).toBe(false);
    expect(reviewerTypes(doc).votes.size).toBe(0);
  });

  it('concurrent votes from two devices end as one of them on both', () => {
    const laptop = new Y.Doc();
    const phone = new Y.Doc();
    castVote(laptop, 'c1', vote(2), 'local');
    castVote(phone, 'c1', vote(5), 'local');
    Y.applyUpdate(phone, Y.encodeStateAsUpdate(laptop));
    Y.applyUpdate(laptop, Y.encodeStateAsUpdate(phone));
    expect(readReviewer(laptop).votes).toEqual(readReviewer(phone).votes);
    expect(readReviewer(laptop).votes).toHaveLength(1);
  });
});

describe('notes', () => {
  it('adds, edits and deletes a note as a tombstone', () => {
    const doc = new Y.Doc();
    const evidence = [{ url: 'https://stats.example.org/table', title: 'Table 3', stance: 'refutes' as const }];
    expect(addNote(doc, 'n1', { claimId: 'c1', body: 'Checked the table', evidence, at: 5 }, 'local').ok).toBe(true);
    expect(addNote(doc, 'n2', { claimId: 'c1', body: 'Agree', replyTo: 'n1', at: 6 }, 'local').ok).toBe(true);
    expect(addNote(doc, 'n1', { claimId: 'c1', body: 'again', at: 7 }, 'local')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(editNote(doc, 'n1', { body: 'Checked table 3', editedAt: 8 }, 'local').ok).toBe(true);
    expect(deleteNote(doc, 'n1', 9, 'local').ok).toBe(true);
    expect(editNote(doc, 'n1', { body: 'zombie', editedAt: 10 }, 'local')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(readReviewer(doc).notes).toEqual([
      { id: 'n1', claimId: 'c1', body: '', at: 5, editedAt: 9, deleted: true },
      { id: 'n2', claimId: 'c1', body: 'Agree', replyTo: 'n1', at: 6 },
    ]);
  });

  it('refuses empty notes and evidence that is not an http(s) link', () => {
    const doc = new Y.Doc();
    expect(addNote(doc, 'n1', { claimId: 'c1', body: '   ', at: 1 }, 'local').ok).toBe(false);
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.org/x', 'not a url']) {
      const result = addNote(doc, 'n1', { claimId: 'c1', body: 'x', evidence: [{ url, stance: 'supports' }], at: 1 }, 'local');
      expect(result.ok, url).toBe(false);
    }
    expect(addNote(doc, 'n1', { claimId: 'c1', body: '', evidence: [{ url: 'http://a.example', stance: 'context' }], at: 1 }, 'local').ok).toBe(true);
  });
});

describe('suggestions', () => {
  it('proposes and withdraws a claim', () => {
    const doc = new Y.Doc();
    expect(proposeClaim(doc, 'sg1', { text: 'The bridge is 300 m long.', at: 1 }, 'local').ok).toBe(true);
    expect(proposeClaim(doc, 'sg1', { text: 'dup', at: 1 }, 'local').ok).toBe(false);
    expect(withdrawSuggestion(doc, 'sg1', 'local').ok).toBe(true);
    expect(readReviewer(doc).suggestions).toEqual([{ id: 'sg1', text: 'The bridge is 300 m long.', at: 1, withdrawn: true }]);
  });
});

describe('readReviewer tolerates foreign data', () => {
  it('skips invalid entries and keeps valid ones, stripping unknown fields', () => {
    const doc = new Y.Doc();
    const { votes, notes } = reviewerTypes(doc);
    doc.transact(() => {
      votes.set('ok', { rating: 3, confidence: 'low', at: 1, extra: 'ignored' });
      votes.set('bad-rating', { rating: 9, confidence: 'low', at: 1 });
      votes.set('ymap', new Y.Map());
      votes.set('not an id', { rating: 3, confidence: 'low', at: 1 });
      votes.set('nullish', null);
      notes.set('n-ok', { claimId: 'ok', body: 'fine', at: 2 });
      notes.set('n-bad', { claimId: 'ok', body: 42, at: 2 });
      notes.set('n-evil', { claimId: 'ok', body: 'x', at: 2, evidence: [{ url: 'javascript:alert(1)', stance: 'supports' }] });
    });
    const snapshot = readReviewer(doc);
    expect(snapshot.votes).toEqual([{ claimId: 'ok', rating: 3, confidence: 'low', at: 1 }]);
    expect(snapshot.notes).toEqual([{ id: 'n-ok', claimId: 'ok', body: 'fine', at: 2 }]);
  });
});
