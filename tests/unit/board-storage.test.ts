/**
 * BoardStorage (client/src/lib/state/board-storage.ts): what a board keeps in localStorage,
 * read back defensively (other scripts and older clients share the origin's storage) and
 * never failing a write loudly (a full or disabled storage loses only a convenience).
 */
import { describe, expect, it } from 'vitest';
import { BoardStorage, type KeyValueStore } from '../../client/src/lib/state/board-storage.js';

function mapStorage(opts: { full?: boolean } = {}): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (opts.full) throw new DOMException('quota exceeded', 'QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k) => void map.delete(k),
  };
}

describe('BoardStorage', () => {
  it('the last visit: null the first time, then the previous stamp; junk counts as none', () => {
    const store = mapStorage();
    const s = new BoardStorage(store, 'u1', 'b1');
    expect(s.takeLastVisit(1_000)).toBeNull();
    expect(s.takeLastVisit(2_000)).toBe(1_000);
    store.setItem('claimboard.lastVisit.u1.b1', 'yesterday');
    expect(s.takeLastVisit(3_000)).toBeNull();
    expect(new BoardStorage(store, 'u2', 'b1').takeLastVisit(4_000)).toBeNull(); // per user
  });

  it('names keep strings only; following is on unless switched off', () => {
    const store = mapStorage();
    const s = new BoardStorage(store, 'u1', 'b1');
    expect(s.names()).toEqual({});
    store.setItem('claimboard.names.b1', JSON.stringify({ ann: 'Ann', bad: 3, arr: ['x'] }));
    expect(s.names()).toEqual({ ann: 'Ann' });
    store.setItem('claimboard.names.b1', '[1,2]');
    expect(s.names()).toEqual({});
    s.saveNames({ ben: 'Ben' });
    expect(s.names()).toEqual({ ben: 'Ben' });
    expect(s.following()).toBe(true);
    s.saveFollowing(false);
    expect(s.following()).toBe(false);
  });

  it('a full storage drops writes quietly', () => {
    const s = new BoardStorage(mapStorage({ full: true }), 'u1', 'b1');
    expect(() => s.saveNames({ a: 'A' })).not.toThrow();
    expect(() => s.saveDrafts(new Map([['note:c1', { at: 1, fields: { body: 'x' } }]]))).not.toThrow();
    expect(s.takeLastVisit(5)).toBeNull();
  });

  it('drafts: text beyond MAX_DRAFT_CHARS is cut; saving none removes the key', () => {
    const store = mapStorage();
    const s = new BoardStorage(store, 'u1', 'b1');
    s.saveDrafts(new Map([['note:c1', { at: 1, fields: { body: 'x'.repeat(30_000) } }]]));
    expect(s.drafts().get('note:c1')!.fields.body).toHaveLength(20_000);
    s.saveDrafts(new Map());
    expect(store.map.has('claimboard.drafts.u1.b1')).toBe(false);
  });
});
