/// <reference types="svelte" />
/**
 * Drafts and VoteAutosave (client/src/lib/state/drafts.svelte.ts, vote-autosave.svelte.ts):
 * what the user types into a vote is kept on the device at once and written into the vote
 * shortly after, or at once when they move on; `pending` is true exactly while a change
 * exists only on the device; nothing typed is dropped when a write cannot be made.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelResult, Rating, VoteEntry } from '../../shared/model/index.js';
import { BoardStorage } from '../../client/src/lib/state/board-storage.js';
import { Drafts, draftKeys } from '../../client/src/lib/state/drafts.svelte.js';
import { VoteAutosave, type VoteForm } from '../../client/src/lib/state/vote-autosave.svelte.js';
import { flush, memoryStorage, watch } from '../helpers/client-state.svelte.js';

const DEBOUNCE = 500;

function setup(storage = memoryStorage()) {
  const drafts = new Drafts(new BoardStorage(storage, 'u1', 'b1'));
  const votes = new Map<string, VoteEntry>();
  const writes: Array<[string, Rating, VoteForm]> = [];
  let canVote = true;
  const autosave = new VoteAutosave({
    drafts,
    current: (c) => votes.get(c),
    write: (c, rating, form): ModelResult<unknown> => {
      if (!canVote) return { ok: false, error: { code: 'BAD_REQUEST', message: 'viewer' } };
      writes.push([c, rating, form]);
      votes.set(c, { claimId: c, rating, confidence: form.confidence, rationale: form.rationale.trim() || undefined, at: Date.now() });
      return { ok: true, value: null };
    },
    canVote: () => canVote,
    debounceMs: DEBOUNCE,
  });
  return { storage, drafts, votes, writes, autosave, setCanVote: (v: boolean) => (canVote = v) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(10_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('VoteAutosave', () => {
  it('writes a change to an existing vote after the pause, pending until then; the draft goes once written', () => {
    const t = setup();
    t.autosave.cast('c1', 4, { confidence: 'medium', rationale: '', reason: '' });
    const pending = watch(() => t.autosave.pending);
    vi.advanceTimersByTime(1000);
    t.autosave.edit('c1', { confidence: 'high', rationale: 'page 1', reason: '' });
    vi.advanceTimersByTime(DEBOUNCE - 1);
    t.autosave.edit('c1', { confidence: 'high', rationale: 'page 12', reason: '' });
    flush();
    expect(pending.last).toBe(true);
    expect(t.drafts.get(draftKeys.vote('c1'))).toMatchObject({ confidence: 'high', rationale: 'page 12' });
    vi.advanceTimersByTime(DEBOUNCE - 1);
    expect(t.writes).toHaveLength(1); // the pause restarts with every change
    vi.advanceTimersByTime(1);
    flush();
    expect(t.writes.at(-1)).toEqual(['c1', 4, { confidence: 'high', rationale: 'page 12', reason: '' }]);
    expect(pending.values).toEqual([false, true, false]);
    expect(t.drafts.get(draftKeys.vote('c1'))).toBeNull();
    expect(t.autosave.form('c1')).toEqual({ confidence: 'high', rationale: 'page 12', reason: '' });
    pending.stop();
  });

  it('flush writes at once (another claim shown); without a vote the draft waits for the rating', () => {
    const t = setup();
    t.autosave.cast('c1', 2, { confidence: 'low', rationale: '', reason: '' });
    vi.advanceTimersByTime(1000);
    t.autosave.edit('c1', { confidence: 'low', rationale: 'why', reason: '' });
    t.autosave.flush();
    expect(t.writes.at(-1)?.[2].rationale).toBe('why');
    expect(t.autosave.pending).toBe(false);

    t.autosave.edit('c2', { confidence: 'high', rationale: 'before rating', reason: '' });
    expect(t.autosave.pending).toBe(false); // nothing to write into yet
    vi.advanceTimersByTime(5 * DEBOUNCE);
    expect(t.writes).toHaveLength(2);
    expect(t.autosave.form('c2')).toEqual({ confidence: 'high', rationale: 'before rating', reason: '' });
    t.autosave.cast('c2', 5, t.autosave.form('c2'));
    expect(t.writes.at(-1)).toEqual(['c2', 5, { confidence: 'high', rationale: 'before rating', reason: '' }]);
    expect(t.drafts.get(draftKeys.vote('c2'))).toBeNull();
  });

  it('keeps the draft when the write cannot be made, and writes it once voting is allowed again; a reload finds it', () => {
    const t = setup();
    t.autosave.cast('c1', 3, { confidence: 'medium', rationale: '', reason: '' });
    vi.advanceTimersByTime(1000);
    t.autosave.edit('c1', { confidence: 'medium', rationale: 'half a thou', reason: '' });
    t.setCanVote(false); // demoted before the pause ends
    vi.advanceTimersByTime(DEBOUNCE);
    expect(t.writes).toHaveLength(1);
    expect(t.autosave.pending).toBe(false);
    expect(t.autosave.form('c1').rationale).toBe('half a thou');

    // A reload: another Drafts over the same storage.
    const again = setup(t.storage);
    again.votes.set('c1', t.votes.get('c1')!);
    expect(again.autosave.form('c1').rationale).toBe('half a thou');
    again.autosave.resume();
    expect(again.autosave.pending).toBe(true);
    vi.advanceTimersByTime(DEBOUNCE);
    expect(again.writes.at(-1)?.[2].rationale).toBe('half a thou');
  });

  it('a vote changed after the draft (elsewhere) wins over it; resume drops such drafts', () => {
    const t = setup();
    t.autosave.cast('c1', 3, { confidence: 'medium', rationale: '', reason: '' });
    vi.advanceTimersByTime(1000);
    t.drafts.set(draftKeys.vote('c1'), { confidence: 'low', rationale: 'old idea', reason: '' });
    vi.advanceTimersByTime(1000);
    t.votes.set('c1', { claimId: 'c1', rating: 1, confidence: 'high', rationale: 'newer', at: Date.now() });
    expect(t.autosave.form('c1')).toEqual({ confidence: 'high', rationale: 'newer', reason: '' });
    t.autosave.resume();
    expect(t.autosave.pending).toBe(false);
    expect(t.drafts.get(draftKeys.vote('c1'))).toBeNull();
  });
});

describe('Drafts', () => {
  it('survive a reload, drop blank ones, ignore junk in storage, and keep the newest MAX_DRAFTS', () => {
    const storage = memoryStorage();
    const a = new Drafts(new BoardStorage(storage, 'u1', 'b1'));
    a.set(draftKeys.note('c1'), { body: 'half a note' });
    a.set(draftKeys.note('c2'), { body: '   ' });
    expect(a.get(draftKeys.note('c2'))).toBeNull();
    const b = new Drafts(new BoardStorage(storage, 'u1', 'b1'));
    expect(b.get(draftKeys.note('c1'))).toEqual({ body: 'half a note' });
    // Another user or board on the same device sees none of it.
    expect(new Drafts(new BoardStorage(storage, 'u2', 'b1')).get(draftKeys.note('c1'))).toBeNull();
    expect(new Drafts(new BoardStorage(storage, 'u1', 'b2')).get(draftKeys.note('c1'))).toBeNull();

    storage.setItem('claimboard.drafts.u1.b1', JSON.stringify({ 'note:x': { at: 'soon', fields: {} }, 'note:y': { at: 1, fields: { body: 7, title: 'ok' } }, 'note:z': null }));
    const junk = new Drafts(new BoardStorage(storage, 'u1', 'b1'));
    expect(junk.keys('note:')).toEqual(['note:y']);
    expect(junk.get('note:y')).toEqual({ title: 'ok' });
    storage.setItem('claimboard.drafts.u1.b1', '{not json');
    expect(new Drafts(new BoardStorage(storage, 'u1', 'b1')).keys('')).toEqual([]);

    const many = new Drafts(new BoardStorage(storage, 'u1', 'b3'));
    for (let i = 0; i < 205; i++) {
      vi.advanceTimersByTime(1);
      many.set(draftKeys.note(`c${i}`), { body: `n${i}` });
    }
    const reread = new Drafts(new BoardStorage(storage, 'u1', 'b3'));
    expect(reread.keys('note:')).toHaveLength(200);
    expect(reread.get(draftKeys.note('c0'))).toBeNull();
    expect(reread.get(draftKeys.note('c204'))).toEqual({ body: 'n204' });
  });
});
