/**
 * The storage contract [S1–S11]: every Store implementation runs this suite, which runs the
 * update log's (update-log-contract.ts) and then the directory's.
 * `make` returns a fresh, empty store; `reopen` (optional) opens the same storage again.
 */
import { describe, expect, it } from 'vitest';
import type { CredentialKind, NewCredential, Store } from '../../server/persistence/store.js';
import { updateLogContract } from './update-log-contract.js';

export interface StoreFactory {
  make(): Promise<{ store: Store; reopen?: () => Promise<Store> }>;
}

const bytes = (...n: number[]) => new Uint8Array(n);

/** A name-only user with one legacy-style credential (the shape of a user from before accounts). */
export async function addUser(store: Store, id: string, name: string, createdAt: number, hash: string, expiresAt: number | null): Promise<void> {
  const r = await store.accounts.createUser(
    { id, name, createdAt, email: null, avatarColor: null, passwordHash: null, emailVerified: false, claimedAt: null },
    credential(id, hash, createdAt, expiresAt),
  );
  if (r !== 'ok') throw new Error(`addUser ${id}: ${r}`);
}

export const credential = (userId: string, hash: string, createdAt: number, expiresAt: number | null, kind: CredentialKind = 'legacy'): NewCredential => ({
  id: `c_${hash}`, hash, userId, kind, name: null, createdAt, expiresAt, sharedComputer: false, userAgent: null,
});

/** Another credential for a user (a second device). */
export async function addToken(store: Store, userId: string, hash: string, now: number, expiresAt: number | null): Promise<void> {
  await store.accounts.addCredential(credential(userId, hash, now, expiresAt, 'pat'), now, 100, 'refuse');
}

/** The user of a live credential hash, or null. */
export async function userOf(store: Store, hash: string, now: number) {
  return (await store.accounts.authenticate(hash, now))?.user ?? null;
}

export function storeContract(name: string, factory: StoreFactory): void {
  updateLogContract(name, factory);
  describe(`Store contract (directory): ${name}`, () => {





    it('[S6] users, tokens, boards, members and invites', async () => {
      const { store } = await factory.make();
      const now = 1_700_000_000_000;
      await addUser(store, 'u1', 'Ann', now, 'hash1', null);
      await addUser(store, 'u2', 'Ben', now, 'hash2', now + 1000);
      expect(await userOf(store, 'hash1', now)).toEqual({ id: 'u1', name: 'Ann', createdAt: now, email: null, avatarColor: null });
      expect(await userOf(store, 'hash2', now + 2000)).toBeNull(); // expired
      expect(await userOf(store, 'nope', now)).toBeNull();
      await store.accounts.revokeCredentials('u1', now);
      expect(await userOf(store, 'hash1', now)).toBeNull();

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
      await store.removeMember('b1', 'u2');
      expect(await store.getRole('b1', 'u2')).toBeNull();

      const invite = { id: 'i1', boardId: 'b1', role: 'editor' as const, createdBy: 'u1', createdAt: now, expiresAt: now + 100, maxUses: 1, uses: 0, revokedAt: null };
      await store.createInvite(invite, 'ih1');
      expect(await store.acceptInvite('ih1', 'u2', now + 200)).toEqual({ ok: false, reason: 'expired' });
      expect(await store.acceptInvite('ih1', 'u2', now + 1)).toEqual({ ok: true, boardId: 'b1', role: 'editor', alreadyMember: false });
      expect(await store.acceptInvite('ih1', 'u2', now + 2)).toMatchObject({ ok: true, alreadyMember: true });
      await addUser(store, 'u3', 'Cy', now, 'hash3', null);
      expect(await store.acceptInvite('ih1', 'u3', now + 3)).toEqual({ ok: false, reason: 'used_up' });
      await store.createInvite({ ...invite, id: 'i2', maxUses: null, expiresAt: null }, 'ih2');
      expect(await store.revokeInvite('b1', 'i2', now)).toBe(true);
      expect(await store.revokeInvite('b1', 'i2', now)).toBe(false);
      expect(await store.acceptInvite('ih2', 'u3', now)).toEqual({ ok: false, reason: 'revoked' });
      expect(await store.acceptInvite('nothing', 'u3', now)).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.listInvites('b1')).map((i) => [i.id, i.uses, i.revokedAt !== null])).toEqual([
        ['i1', 1, false],
        ['i2', 0, true],
      ]);
      await store.close();
    });

    it('[S6] extra tokens and the audit log', async () => {
      const { store } = await factory.make();
      await addUser(store, 'u1', 'Ann', 1, 'h1', null);
      await addToken(store, 'u1', 'h2', 2, 100);
      expect((await userOf(store, 'h2', 50))?.id).toBe('u1');
      expect(await userOf(store, 'h2', 100)).toBeNull();
      await store.accounts.revokeCredentials('u1', 3);
      expect(await userOf(store, 'h1', 4)).toBeNull();
      await store.addAudit({ boardId: 'b', at: 5, actor: 'u1', action: 'invite.created', detail: { role: 'editor' } });
      await store.addAudit({ boardId: 'b', at: 6, actor: 'u1', action: 'export.taken', detail: {} });
      expect((await store.listAudit('b')).map((e) => [e.action, e.detail])).toEqual([['invite.created', { role: 'editor' }], ['export.taken', {}]]);
      expect(await store.listAudit('other')).toEqual([]);
      await store.close();
    });

    it('[AC5] accounts: unique e-mail, live credentials by hash, caps, revocation by filter', async () => {
      const { store } = await factory.make();
      const a = store.accounts;
      const now = 1_700_000_000_000;
      const acct = (id: string, email: string | null) => ({ id, name: id, createdAt: now, email, avatarColor: null, passwordHash: email ? 'scrypt$x' : null, emailVerified: false, claimedAt: email ? now : null });
      expect(await a.createUser(acct('u1', 'ann@example.test'), credential('u1', 's1', now, now + 100, 'session'))).toBe('ok');
      expect(await a.createUser(acct('u2', 'ann@example.test'), null)).toBe('email_taken');
      expect(await a.userById('u2')).toBeNull();
      expect((await a.userByEmail('ann@example.test'))?.id).toBe('u1');
      expect(await a.authenticate('s1', now)).toMatchObject({ user: { id: 'u1', email: 'ann@example.test' }, credential: { id: 'c_s1', kind: 'session', expiresAt: now + 100 } });
      expect(await a.authenticate('s1', now + 100)).toBeNull(); // expired
      // Sessions past the cap push the oldest out; tokens past it are refused.
      expect(await a.addCredential(credential('u1', 's2', now + 1, now + 1000, 'session'), now + 1, 2, 'evict')).toEqual([]);
      expect(await a.addCredential(credential('u1', 's3', now + 2, now + 1000, 'session'), now + 2, 2, 'evict')).toEqual(['c_s1']);
      expect(await a.addCredential(credential('u1', 'p1', now, now + 1000, 'pat'), now, 1, 'refuse')).toEqual([]);
      expect(await a.addCredential(credential('u1', 'p2', now, now + 1000, 'pat'), now, 1, 'refuse')).toBeNull();
      expect((await a.listCredentials('u1', now + 3)).map((c) => c.id)).toEqual(['c_p1', 'c_s2', 'c_s3']);
      await a.touchCredentials([['c_p1', now + 4]]);
      expect((await a.listCredentials('u1', now + 5)).find((c) => c.id === 'c_p1')?.lastUsedAt).toBe(now + 4);
      expect(await a.revokeCredentials('u1', now + 5, { kinds: ['session'], exceptId: 'c_s3' })).toEqual(['c_s2']);
      expect(await a.revokeCredentials('u1', now + 5, { ids: ['c_s2', 'c_p1'] })).toEqual(['c_p1']);
      expect(await a.authenticate('p1', now + 6)).toBeNull();
      expect(await a.revokeCredentials('u1', now + 6)).toEqual(['c_s3']);
      await store.close();
    });

    it('[AC7][AC8] claim once, single-use password resets that end sessions, verified-email linking, user audit', async () => {
      const { store } = await factory.make();
      const a = store.accounts;
      const now = 1_700_000_000_000;
      await addUser(store, 'u1', 'Olivia', now, 'legacy1', null);
      await a.createUser({ id: 'u2', name: 'Ben', createdAt: now, email: 'ben@example.test', avatarColor: null, passwordHash: 'scrypt$b', emailVerified: false, claimedAt: now }, null);
      expect(await a.claim('u1', 'ben@example.test', 'scrypt$o', now)).toBe('email_taken');
      expect(await a.claim('u1', 'olivia@example.test', 'scrypt$o', now + 1)).toBe('ok');
      expect(await a.claim('u1', 'other@example.test', 'scrypt$x', now + 2)).toBe('already_claimed');
      expect(await a.userById('u1')).toMatchObject({ email: 'olivia@example.test', passwordHash: 'scrypt$o', claimedAt: now + 1 });
      expect((await a.authenticate('legacy1', now + 3))?.user.id).toBe('u1'); // the old token still works

      await a.addCredential(credential('u1', 'sess', now, now + 10_000, 'session'), now, 10, 'evict');
      await a.createPasswordReset('r1', 'u1', now, now + 100);
      await a.createPasswordReset('r2', 'u1', now, now + 100);
      expect(await a.resetUser('r1', now + 100)).toBeNull(); // expired
      expect(await a.resetUser('r1', now + 5)).toBe('u1');
      expect(await a.usePasswordReset('r1', now + 5, 'scrypt$new')).toEqual({ userId: 'u1', revoked: ['c_sess'] });
      expect(await a.usePasswordReset('r1', now + 6, 'scrypt$again')).toBeNull(); // once
      expect(await a.usePasswordReset('r2', now + 6, 'scrypt$again')).toBeNull(); // the other link went with it
      expect((await a.userById('u1'))?.passwordHash).toBe('scrypt$new');
      expect((await a.authenticate('legacy1', now + 7))?.user.id).toBe('u1'); // tokens are not sessions

      // Linking by verified e-mail: an unverified account with the address loses its password and credentials.
      await a.addCredential(credential('u2', 'bensess', now, now + 10_000, 'session'), now, 10, 'evict');
      const linked = await a.linkVerifiedEmail('ben@example.test', { id: 'u9', name: 'x', createdAt: now, email: null, avatarColor: null, passwordHash: null, emailVerified: true, claimedAt: now }, now + 8);
      expect(linked).toMatchObject({ created: false, revoked: ['c_bensess'], account: { id: 'u2', emailVerified: true, passwordHash: null } });
      const fresh = await a.linkVerifiedEmail('new@example.test', { id: 'u9', name: 'New', createdAt: now, email: null, avatarColor: null, passwordHash: null, emailVerified: true, claimedAt: now }, now + 9);
      expect(fresh).toMatchObject({ created: true, revoked: [], account: { id: 'u9', email: 'new@example.test', emailVerified: true } });

      for (let i = 0; i < 5; i++) await a.addUserAudit({ userId: 'u1', at: now + i, actor: 'u1', action: `a${i}`, detail: { i } });
      await a.addUserAudit({ userId: 'u2', at: now, actor: 'server', action: 'other', detail: {} });
      expect((await a.listUserAudit('u1', 3)).map((e) => [e.action, e.detail])).toEqual([['a2', { i: 2 }], ['a3', { i: 3 }], ['a4', { i: 4 }]]);

      await store.createBoard({ id: 'b1', title: 'T', createdBy: 'u1', createdAt: now });
      await store.createInvite({ id: 'i1', boardId: 'b1', role: 'reviewer', createdBy: 'u1', createdAt: now, expiresAt: now + 100, maxUses: 1, uses: 0, revokedAt: null }, 'ih');
      expect(await a.inviteIsLive('ih', now)).toBe(true);
      expect(await a.inviteIsLive('ih', now + 100)).toBe(false);
      expect(await a.inviteIsLive('nope', now)).toBe(false);
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
      await addUser(store, 'u1', 'Ann', now, 'h1', null);
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
      await addUser(store, 'u1', 'Ann', now, 'h1', null);
      await addUser(store, 'u2', 'Ben', now, 'h2', null);
      // 'b1-x' sorts before 'b1/' and 'b10' after 'b10' > 'b1/': neither may be touched.
      for (const id of ['b1', 'b1-x', 'b10']) {
        await store.createBoard({ id, title: id, createdBy: 'u1', createdAt: now });
        await store.setMember(id, 'u2', 'reviewer', now);
        await store.appendUpdate(`board/${id}`, bytes(1));
        await store.appendUpdate(`board/${id}/reviewer/u2`, bytes(2));
        await store.appendUpdate(`board/${id}/live`, bytes(3));
        await store.addClientOwner(`board/${id}`, 7, 'u1');
        await store.createInvite({ id: `i-${id}`, boardId: id, role: 'viewer', createdBy: 'u1', createdAt: now, expiresAt: null, maxUses: null, uses: 0, revokedAt: null }, `ih-${id}`);
        await store.addAudit({ boardId: id, at: now, actor: 'u1', action: 'x', detail: {} });
      }
      await store.appendUpdate('board/b1/reviewer/u2', bytes(4));
      await store.quarantine('board/b1/reviewer/u2', 1, 'test');
      await store.deleteBoard('b1');
      expect(await store.getBoard('b1')).toBeNull();
      expect(await store.getRole('b1', 'u1')).toBeNull();
      expect(await store.listMembers('b1')).toEqual([]);
      expect(await store.listInvites('b1')).toEqual([]);
      expect(await store.listAudit('b1')).toEqual([]);
      expect(await store.docKeysWithPrefix('board/b1/')).toEqual([]);
      expect(await store.loadUpdates('board/b1')).toEqual([]);
      expect((await store.loadClientOwners('board/b1')).size).toBe(0);
      expect(await store.acceptInvite('ih-b1', 'u2', now)).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.boardsOf('u2')).map((b) => b.id).sort()).toEqual(['b1-x', 'b10']);
      for (const id of ['b1-x', 'b10']) {
        expect(await store.getBoard(id)).not.toBeNull();
        expect(await store.listMembers(id)).toHaveLength(2);
        expect(await store.listInvites(id)).toHaveLength(1);
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
