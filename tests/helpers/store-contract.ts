/**
 * The storage contract [S1–S11]: every Store implementation runs this suite, which runs the
 * update log's (update-log-contract.ts) and then the directory's.
 * `make` returns a fresh, empty store; `reopen` (optional) opens the same storage again.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/persistence/store.js';
import { updateLogContract } from './update-log-contract.js';

const bytes = (...n: number[]) => new Uint8Array(n);

export interface StoreFactory {
  make(): Promise<{ store: Store; reopen?: () => Promise<Store> }>;
}

export function storeContract(name: string, factory: StoreFactory): void {
  updateLogContract(name, factory);
  describe(`Store contract (directory): ${name}`, () => {





    it('[S6] users, tokens, boards, members and invites', async () => {
      const { store } = await factory.make();
      const now = 1_700_000_000_000;
      await store.createUser({ id: 'u1', name: 'Ann', createdAt: now }, 'hash1', null);
      await store.createUser({ id: 'u2', name: 'Ben', createdAt: now }, 'hash2', now + 1000);
      expect(await store.userByTokenHash('hash1', now)).toEqual({ id: 'u1', name: 'Ann', createdAt: now });
      expect(await store.userByTokenHash('hash2', now + 2000)).toBeNull(); // expired
      expect(await store.userByTokenHash('nope', now)).toBeNull();
      await store.revokeTokensOf('u1', now);
      expect(await store.userByTokenHash('hash1', now)).toBeNull();

      await store.createBoard({ id: 'b1', title: 'T', createdBy: 'u1', createdAt: now });
      expect(await store.getRole('b1', 'u1')).toBe('owner');
      expect(await store.getBoard('b1')).toEqual({ id: 'b1', title: 'T', createdBy: 'u1', createdAt: now, archivedAt: null });
      expect(await store.getBoard('b2')).toBeNull();
      await store.setMember('b1', 'u2', 'viewer', now);
      await store.setMember('b1', 'u2', 'reviewer', now + 5);
      expect((await store.listMembers('b1')).map((m) => [m.userId, m.role, m.name])).toEqual([
        ['u1', 'owner', 'Ann'],
        ['u2', 'reviewer', 'Ben'],
      ]);
      expect((await store.boardsOf('u2')).map((b) => [b.id, b.role])).toEqual([['b1', 'reviewer']]);
      await store.touchMember('b1', 'u2', now + 9);
      expect((await store.listMembers('b1'))[1]!.lastSeenAt).toBe(now + 9);
      expect(await store.membership.removeMember('b1', 'u2', now + 10, 'u1')).toBe('reviewer');
      expect(await store.membership.removeMember('b1', 'u2', now + 10, 'u1')).toBeNull();
      expect(await store.getRole('b1', 'u2')).toBeNull();

      // Made after the removal (its clock had not moved): stored as later than the removal [M3].
      const invite = { id: 'i1', boardId: 'b1', role: 'editor' as const, createdBy: 'u1', createdAt: now, expiresAt: now + 100, maxUses: 1, uses: 0, revokedAt: null, email: null };
      expect(await store.membership.createInvite(invite, 'ih1')).toBe(now + 11);
      expect(await store.membership.acceptInvite('ih1', 'u2', now + 200)).toEqual({ ok: false, reason: 'expired', boardId: 'b1', inviteId: 'i1', email: null });
      expect(await store.membership.acceptInvite('ih1', 'u2', now + 12)).toEqual({ ok: true, boardId: 'b1', role: 'editor', inviteId: 'i1', alreadyMember: false });
      expect(await store.membership.acceptInvite('ih1', 'u2', now + 13)).toMatchObject({ ok: true, alreadyMember: true });
      await store.createUser({ id: 'u3', name: 'Cy', createdAt: now }, 'hash3', null);
      expect(await store.membership.acceptInvite('ih1', 'u3', now + 13)).toMatchObject({ ok: false, reason: 'used_up' });
      await store.membership.createInvite({ ...invite, id: 'i2', maxUses: null, expiresAt: null }, 'ih2');
      expect(await store.membership.revokeInvite('b1', 'i2', now + 20)).toMatchObject({ id: 'i2', role: 'editor', revokedAt: null });
      expect(await store.membership.revokeInvite('b1', 'i2', now + 20)).toBeNull();
      expect(await store.membership.acceptInvite('ih2', 'u3', now + 20)).toMatchObject({ ok: false, reason: 'revoked' });
      expect(await store.membership.acceptInvite('nothing', 'u3', now)).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.membership.listInvites('b1')).map((i) => [i.id, i.uses, i.revokedAt !== null])).toEqual([
        ['i1', 1, false],
        ['i2', 0, true],
      ]);
      await store.close();
    });

    it('[S6] extra tokens and the audit log', async () => {
      const { store } = await factory.make();
      await store.createUser({ id: 'u1', name: 'Ann', createdAt: 1 }, 'h1', null);
      await store.addToken('u1', 'h2', 2, 100);
      expect((await store.userByTokenHash('h2', 50))?.id).toBe('u1');
      expect(await store.userByTokenHash('h2', 100)).toBeNull();
      await store.revokeTokensOf('u1', 3);
      expect(await store.userByTokenHash('h1', 4)).toBeNull();
      await store.addAudit({ boardId: 'b', at: 5, actor: 'u1', action: 'invite.created', detail: { role: 'editor' } });
      await store.addAudit({ boardId: 'b', at: 6, actor: 'u1', action: 'export.taken', detail: {} });
      expect((await store.listAudit('b')).map((e) => [e.action, e.detail])).toEqual([['invite.created', { role: 'editor' }], ['export.taken', {}]]);
      expect(await store.listAudit('other')).toEqual([]);
      await store.close();
    });


    it('[S11] a write probe commits and resolves', async () => {
      const { store } = await factory.make();
      await store.probeWrite(1);
      await store.probeWrite(2); // again: it replaces, never grows
      await store.close();
    });


    it('[B1][B4] updateBoard renames and archives; false for no such board', async () => {
      const { store, reopen } = await factory.make();
      const now = 1_700_000_000_000;
      await store.createUser({ id: 'u1', name: 'Ann', createdAt: now }, 'h1', null);
      await store.createBoard({ id: 'b1', title: 'T', createdBy: 'u1', createdAt: now });
      expect(await store.updateBoard('b1', { title: 'New' })).toBe(true);
      expect(await store.updateBoard('b1', { archivedAt: now + 5 })).toBe(true);
      expect(await store.getBoard('b1')).toMatchObject({ title: 'New', archivedAt: now + 5 });
      expect((await store.boardsOf('u1'))[0]).toMatchObject({ id: 'b1', archivedAt: now + 5 });
      expect(await store.updateBoard('b1', { archivedAt: null })).toBe(true);
      expect(await store.getBoard('b1')).toMatchObject({ title: 'New', archivedAt: null });
      expect(await store.updateBoard('nope', { title: 'X' })).toBe(false);
      await store.updateBoard('b1', { archivedAt: now + 9 });
      if (reopen) {
        await store.close();
        const again = await reopen();
        expect(await again.getBoard('b1')).toMatchObject({ title: 'New', archivedAt: now + 9 });
        await again.close();
      } else await store.close();
    });

    it('[B3] deleteBoard removes every row of the board and nothing of boards whose ids share a prefix', async () => {
      const { store } = await factory.make();
      const now = 1_700_000_000_000;
      await store.createUser({ id: 'u1', name: 'Ann', createdAt: now }, 'h1', null);
      await store.createUser({ id: 'u2', name: 'Ben', createdAt: now }, 'h2', null);
      await store.createUser({ id: 'u3', name: 'Cy', createdAt: now }, 'h3', null);
      // 'b1-x' sorts before 'b1/' and 'b10' after 'b10' > 'b1/': neither may be touched.
      for (const id of ['b1', 'b1-x', 'b10']) {
        await store.createBoard({ id, title: id, createdBy: 'u1', createdAt: now });
        await store.setMember(id, 'u2', 'reviewer', now);
        await store.appendUpdate(`board/${id}`, bytes(1));
        await store.appendUpdate(`board/${id}/reviewer/u2`, bytes(2));
        await store.appendUpdate(`board/${id}/live`, bytes(3));
        await store.addClientOwner(`board/${id}`, 7, 'u1');
        await store.membership.createInvite({ id: `i-${id}`, boardId: id, role: 'viewer', createdBy: 'u1', createdAt: now, expiresAt: null, maxUses: null, uses: 0, revokedAt: null, email: null }, `ih-${id}`);
        await store.setMember(id, 'u1', 'owner', now);
        await store.setMember(id, 'u3', 'viewer', now);
        await store.membership.removeMember(id, 'u3', now + 1, 'u1');
        await store.addAudit({ boardId: id, at: now, actor: 'u1', action: 'x', detail: {} });
      }
      await store.appendUpdate('board/b1/reviewer/u2', bytes(4));
      await store.quarantine('board/b1/reviewer/u2', 1, 'test');
      await store.deleteBoard('b1');
      expect(await store.getBoard('b1')).toBeNull();
      expect(await store.getRole('b1', 'u1')).toBeNull();
      expect(await store.listMembers('b1')).toEqual([]);
      expect(await store.membership.listInvites('b1')).toEqual([]);
      expect(await store.membership.listFormerMembers('b1')).toEqual([]);
      expect(await store.listAudit('b1')).toEqual([]);
      expect(await store.docKeysWithPrefix('board/b1/')).toEqual([]);
      expect(await store.loadUpdates('board/b1')).toEqual([]);
      expect((await store.loadClientOwners('board/b1')).size).toBe(0);
      expect(await store.membership.acceptInvite('ih-b1', 'u2', now)).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.boardsOf('u2')).map((b) => b.id).sort()).toEqual(['b1-x', 'b10']);
      for (const id of ['b1-x', 'b10']) {
        expect(await store.getBoard(id)).not.toBeNull();
        expect(await store.listMembers(id)).toHaveLength(2);
        expect(await store.membership.listInvites(id)).toHaveLength(1);
        expect(await store.membership.listFormerMembers(id)).toHaveLength(1);
        expect(await store.listAudit(id)).toHaveLength(1);
        expect(await store.docKeysWithPrefix(`board/${id}/`)).toEqual([`board/${id}/live`, `board/${id}/reviewer/u2`]);
        expect((await store.loadUpdates(`board/${id}`)).length).toBe(1);
        expect((await store.loadClientOwners(`board/${id}`)).get(7)).toBe('u1');
      }
      // A doc key of the deleted board starts from seq 1 again (the writer forgot its last seq).
      expect(await store.appendUpdate('board/b1', bytes(5))).toBe(1);
      await store.close();
    });
  });
}
