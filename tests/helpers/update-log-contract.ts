/**
 * The update log's contract [S1, S2, S4, S5, S7, S8]: documents as append-only logs. Every
 * implementation runs it (the SQLite store through the whole store contract, PostgreSQL on
 * its own). `make` returns a fresh, empty log; `reopen` (optional) opens the same storage again.
 */
import { describe, expect, it } from 'vitest';
import type { UpdateLog } from '../../server/persistence/store.js';

export interface UpdateLogFactory {
  make(): Promise<{ store: UpdateLog; reopen?: () => Promise<UpdateLog> }>;
}

const bytes = (...n: number[]) => new Uint8Array(n);

export function updateLogContract(name: string, factory: UpdateLogFactory): void {
  describe(`Update log contract: ${name}`, () => {
    it('[S1] appends are numbered in order per document and load back in order', async () => {
      const { store } = await factory.make();
      const seqs = await Promise.all([1, 2, 3].map((n) => store.appendUpdate('board/a', bytes(n))));
      const other = await store.appendUpdate('board/b', bytes(9));
      expect(seqs).toEqual([1, 2, 3]);
      expect(other).toBe(1);
      expect((await store.loadUpdates('board/a')).map((r) => [...r.data])).toEqual([[1], [2], [3]]);
      expect(await store.loadUpdates('board/none')).toEqual([]);
      await store.close();
    });

    it('[S2] appends issued together commit together and flush waits for them', async () => {
      const { store } = await factory.make();
      const all = Array.from({ length: 200 }, (_, i) => store.appendUpdate(`board/d${i % 7}`, bytes(i % 256)));
      await store.flush();
      const settled = await Promise.allSettled(all);
      expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
      let total = 0;
      for (let d = 0; d < 7; d++) total += (await store.loadUpdates(`board/d${d}`)).length;
      expect(total).toBe(200);
      await store.close();
    });

    it('[S4] compaction replaces rows up to a seq by one, atomically; later rows stay', async () => {
      const { store } = await factory.make();
      for (let i = 1; i <= 5; i++) await store.appendUpdate('board/c', bytes(i));
      await store.compact('board/c', bytes(100), 3);
      const rows = await store.loadUpdates('board/c');
      expect(rows.map((r) => [r.seq, [...r.data]])).toEqual([[3, [100]], [4, [4]], [5, [5]]]);
      expect(await store.appendUpdate('board/c', bytes(6))).toBe(6);
      await store.close();
    });

    it('[S8] lists the documents under a key prefix that have rows, and only those', async () => {
      const { store } = await factory.make();
      await store.appendUpdate('board/x/reviewer/b', bytes(1));
      await store.appendUpdate('board/x/reviewer/a', bytes(1));
      await store.appendUpdate('board/x/reviewer/a', bytes(2));
      await store.appendUpdate('board/x/reviewerZ', bytes(1)); // not under the prefix
      await store.appendUpdate('board/x/sealed/a', bytes(1));
      await store.appendUpdate('board/xy/reviewer/c', bytes(1));
      await store.appendUpdate('board/x/reviewer/q', bytes(1));
      await store.flush();
      const q = (await store.loadUpdates('board/x/reviewer/q'))[0]!.seq;
      await store.quarantine('board/x/reviewer/q', q, 'test'); // its only row is gone
      await store.compact('board/x/reviewer/a', bytes(9), 2);
      expect(await store.docKeysWithPrefix('board/x/reviewer/')).toEqual(['board/x/reviewer/a', 'board/x/reviewer/b']);
      expect(await store.docKeysWithPrefix('board/none/reviewer/')).toEqual([]);
      await store.close();
    });

    it('[S5] a quarantined row leaves the log', async () => {
      const { store } = await factory.make();
      await store.appendUpdate('board/q', bytes(1));
      const bad = await store.appendUpdate('board/q', bytes(2));
      await store.quarantine('board/q', bad, 'test');
      expect((await store.loadUpdates('board/q')).map((r) => r.seq)).toEqual([1]);
      await store.close();
    });

    it('[S1] what was committed is there after reopening', async () => {
      const { store, reopen } = await factory.make();
      if (!reopen) return;
      await store.appendUpdate('board/r', bytes(7));
      await store.close();
      const again = await reopen();
      expect((await again.loadUpdates('board/r')).map((r) => [...r.data])).toEqual([[7]]);
      await again.close();
    });

    it('[S7] rows read back as written are intact, compacted ones included', async () => {
      const { store } = await factory.make();
      for (let i = 1; i <= 3; i++) await store.appendUpdate('board/i', bytes(i, i));
      await store.compact('board/i', bytes(50, 60, 70), 2);
      expect((await store.loadUpdates('board/i')).map((r) => [r.seq, r.intact])).toEqual([[2, true], [3, true]]);
      await store.close();
    });

    it('[K5] reads the rows after a seq, in order, compacted ones included', async () => {
      const { store } = await factory.make();
      for (let i = 1; i <= 6; i++) await store.appendUpdate('board/after', bytes(i));
      expect((await store.loadUpdatesAfter('board/after', 4)).map((r) => [r.seq, [...r.data]])).toEqual([[5, [5]], [6, [6]]]);
      await store.compact('board/after', bytes(40), 4);
      expect((await store.loadUpdatesAfter('board/after', 2)).map((r) => [r.seq, [...r.data], r.intact])).toEqual([[4, [40], true], [5, [5], true], [6, [6], true]]);
      expect(await store.loadUpdatesAfter('board/after', 6)).toEqual([]);
      expect(await store.loadUpdatesAfter('board/none', 0)).toEqual([]);
      await store.close();
    });

    it('[S6] Yjs client owners: the first owner of a client id stays', async () => {
      const { store } = await factory.make();
      await store.addClientOwner('board/o', 42, 'u1');
      await store.addClientOwner('board/o', 42, 'u2'); // the first owner stays
      await store.addClientOwner('board/o', 7, 'u2');
      expect(await store.loadClientOwners('board/o')).toEqual(new Map([[42, 'u1'], [7, 'u2']]));
      await store.close();
    });
  });
}
