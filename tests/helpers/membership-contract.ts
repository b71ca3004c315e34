/**
 * The membership contract [M1–M4]: every store's `membership` runs this suite (the embedded
 * SQLite store and PostgreSQL). `make` returns a fresh, empty store; `setEmail` gives a user
 * an e-mail the way accounts store it (lower-cased), straight in the storage.
 */
import { describe, expect, it } from 'vitest';
import type { InviteRecord } from '../../server/persistence/membership-store.js';
import type { Store } from '../../server/persistence/store.js';
import { addUser } from './store-contract.js';

export interface MembershipFactory {
  make(): Promise<{ store: Store; setEmail(userId: string, email: string): Promise<void> }>;
}

const NOW = 1_700_000_000_000;

async function boardWithPeople(store: Store): Promise<void> {
  for (const [id, name] of [['u_owner', 'Olivia Owner'], ['u_rob', 'Rob'], ['u_sam', 'Sam'], ['u_new', 'Nia']]) {
    await addUser(store, id!, name!, NOW, `h_${id}`, null);
  }
  await store.createBoard({ id: 'b1', title: 'Board one', createdBy: 'u_owner', createdAt: NOW });
}

const invite = (over: Partial<InviteRecord> = {}): InviteRecord => ({
  id: 'i1', boardId: 'b1', role: 'reviewer', createdBy: 'u_owner', createdAt: NOW, expiresAt: NOW + 72 * 3_600_000,
  maxUses: 1, uses: 0, revokedAt: null, email: null, ...over,
});

export function membershipContract(name: string, factory: MembershipFactory): void {
  describe(`Membership contract: ${name}`, () => {
    it('[M1] finds an invite with its board and inviter; lists and revokes', async () => {
      const { store } = await factory.make();
      await boardWithPeople(store);
      expect(await store.membership.createInvite(invite({ maxUses: null }), 'ih1')).toBe(NOW);
      expect(await store.membership.findInvite('ih1')).toEqual({ invite: invite({ maxUses: null }), boardTitle: 'Board one', inviterName: 'Olivia Owner' });
      expect(await store.membership.findInvite('nope')).toBeNull();
      for (const u of ['u_rob', 'u_sam']) expect(await store.membership.acceptInvite('ih1', u, NOW + 1)).toMatchObject({ ok: true, alreadyMember: false });
      expect((await store.membership.listInvites('b1'))[0]).toMatchObject({ id: 'i1', uses: 2, maxUses: null });
      expect(await store.membership.revokeInvite('b1', 'i1', NOW + 2)).toMatchObject({ id: 'i1', revokedAt: null });
      expect(await store.membership.revokeInvite('b1', 'i1', NOW + 3)).toBeNull();
      expect(await store.membership.revokeInvite('other', 'i1', NOW + 3)).toBeNull();
      expect((await store.membership.listInvites('b1'))[0]!.revokedAt).toBe(NOW + 2);
      await store.close();
    });

    it('[M2] an addressed invite is accepted by the account with that e-mail alone, and refusals use nothing', async () => {
      const { store, setEmail } = await factory.make();
      await boardWithPeople(store);
      await setEmail('u_rob', 'rob@paper.example');
      await setEmail('u_sam', 'sam@paper.example');
      await store.membership.createInvite(invite({ email: 'rob@paper.example' }), 'ih1');
      for (const u of ['u_sam', 'u_new']) {
        expect(await store.membership.acceptInvite('ih1', u, NOW + 1)).toEqual({ ok: false, reason: 'wrong_account', boardId: 'b1', inviteId: 'i1', email: 'rob@paper.example' });
      }
      expect(await store.membership.candidate('b1', 'u_sam')).toEqual({ email: 'sam@paper.example', member: false, departure: null });
      expect(await store.membership.acceptInvite('ih1', 'u_rob', NOW + 2)).toMatchObject({ ok: true, role: 'reviewer' });
      expect((await store.membership.listInvites('b1'))[0]!.uses).toBe(1);
      await store.close();
    });

    it('[M3] a departure blocks every invite made before it, for that person alone; a later invite brings them back', async () => {
      const { store } = await factory.make();
      await boardWithPeople(store);
      await store.membership.createInvite(invite(), 'ih_once');
      await store.membership.createInvite(invite({ id: 'i_many', maxUses: 5 }), 'ih_many');
      expect(await store.membership.acceptInvite('ih_once', 'u_rob', NOW + 1)).toMatchObject({ ok: true });
      expect(await store.membership.removeMember('b1', 'u_rob', NOW + 10, 'u_owner')).toBe('reviewer');
      const removal = { at: NOW + 10, by: 'u_owner', role: 'reviewer' };
      expect(await store.membership.candidate('b1', 'u_rob')).toEqual({ email: null, member: false, departure: removal });
      // Blocked before used up: the link they joined with is both.
      expect(await store.membership.acceptInvite('ih_once', 'u_rob', NOW + 11)).toEqual({ ok: false, reason: 'blocked', boardId: 'b1', inviteId: 'i1', email: null, departure: removal });
      expect(await store.membership.acceptInvite('ih_many', 'u_rob', NOW + 11)).toMatchObject({ ok: false, reason: 'blocked' });
      expect(await store.membership.acceptInvite('ih_many', 'u_sam', NOW + 11)).toMatchObject({ ok: true });
      expect(await store.membership.isFormerMember('b1', 'u_rob')).toBe(true);
      expect(await store.membership.listFormerMembers('b1')).toEqual([{ userId: 'u_rob', name: 'Rob', email: null, avatarColor: null, departure: removal }]);
      // Made in the same millisecond as the removal: still later than it.
      const fresh = await store.membership.createInvite(invite({ id: 'i_fresh', createdAt: NOW + 10 }), 'ih_fresh');
      expect(fresh).toBe(NOW + 11);
      expect(await store.membership.acceptInvite('ih_fresh', 'u_rob', NOW + 12)).toMatchObject({ ok: true, alreadyMember: false });
      expect(await store.membership.isFormerMember('b1', 'u_rob')).toBe(false);
      expect(await store.membership.listFormerMembers('b1')).toEqual([]);
      // A member again: an old link answers as for any member (idempotent), role unchanged.
      expect(await store.membership.acceptInvite('ih_many', 'u_rob', NOW + 13)).toMatchObject({ ok: true, alreadyMember: true, role: 'reviewer' });
      // Leaving is a departure too.
      expect(await store.membership.removeMember('b1', 'u_sam', NOW + 20, 'u_sam')).toBe('reviewer');
      expect(await store.membership.acceptInvite('ih_many', 'u_sam', NOW + 21)).toMatchObject({ ok: false, reason: 'blocked', departure: { by: 'u_sam' } });
      expect(await store.membership.removeMember('b1', 'u_nobody', NOW + 22, 'u_owner')).toBeNull();
      await store.close();
    });

    it('[M3] an invite made before a departure stays blocked when its clock was ahead of the remover\'s', async () => {
      const { store } = await factory.make();
      await boardWithPeople(store);
      await store.setMember('b1', 'u_rob', 'viewer', NOW);
      // Made by a process whose clock runs a minute ahead.
      await store.membership.createInvite(invite({ createdAt: NOW + 60_000, maxUses: 3 }), 'ih1');
      await store.membership.removeMember('b1', 'u_rob', NOW + 5, 'u_owner');
      expect(await store.membership.acceptInvite('ih1', 'u_rob', NOW + 6)).toMatchObject({ ok: false, reason: 'blocked' });
      expect(await store.membership.createInvite(invite({ id: 'i2', createdAt: NOW + 7 }), 'ih2')).toBe(NOW + 60_001);
      expect(await store.membership.acceptInvite('ih2', 'u_rob', NOW + 8)).toMatchObject({ ok: true });
      await store.close();
    });

    it('[M4] whether former members\' votes count is a board setting, off by default', async () => {
      const { store } = await factory.make();
      await boardWithPeople(store);
      expect(await store.membership.countsFormerMembers('b1')).toBe(false);
      expect(await store.membership.setCountFormerMembers('b1', true)).toBe(true);
      expect(await store.membership.countsFormerMembers('b1')).toBe(true);
      expect(await store.membership.setCountFormerMembers('b1', false)).toBe(true);
      expect(await store.membership.countsFormerMembers('b1')).toBe(false);
      expect(await store.membership.setCountFormerMembers('nope', true)).toBe(false);
      expect(await store.membership.countsFormerMembers('nope')).toBe(false);
      await store.close();
    });
  });
}
