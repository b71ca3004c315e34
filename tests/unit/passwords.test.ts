/**
 * Passwords [AC3, AC5]: the NIST 800-63B rules, the self-describing scrypt hash (a hash at
 * another cost still verifies and asks to be rehashed), and the sign-in back-off arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { isCommonPassword, PasswordHasher, passwordProblem } from '../../server/auth/passwords.js';
import { SignInThrottle } from '../../server/auth/sign-in-throttle.js';

describe('password rules', () => {
  it('length over composition: 8 to 128 characters of anything, counted as characters', () => {
    expect(passwordProblem('short')).toMatch(/at least 8/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('все мы гости')).toBeNull();
    expect(passwordProblem('🐢🐢🐢🐢🐢🐢🐢🐇')).toBeNull(); // 8 characters, 16 UTF-16 units
    expect(passwordProblem('🐢🐢🐢🐇')).toMatch(/at least 8/);
  });

  it('refuses the common list (any case), repeats and runs, and the e-mail or name', () => {
    for (const p of ['password', 'PASSWORD', 'iloveyou1', '12345678', 'qwertyuiop']) {
      expect(isCommonPassword(p), p).toBe(true);
      expect(passwordProblem(p), p).toMatch(/common/);
    }
    expect(passwordProblem('aaaaaaaaaa')).toMatch(/repeated or consecutive/);
    expect(passwordProblem('abcdefghij')).toMatch(/repeated or consecutive/);
    expect(passwordProblem('98765432')).toMatch(/repeated or consecutive/);
    expect(passwordProblem('abcdefgj')).toBeNull();
    expect(passwordProblem('olivia.owner@newsroom.example', { email: 'olivia.owner@newsroom.example' })).toMatch(/e-mail/);
    expect(passwordProblem('Olivia.Owner', { email: 'olivia.owner@newsroom.example' })).toMatch(/e-mail/);
    expect(passwordProblem('Olivia Owner', { name: 'olivia owner' })).toMatch(/name/);
  });
});

describe('password hashes', () => {
  it('[AC5] scrypt$N$r$p$salt$hash, salted, verified in constant form; another cost verifies and asks for a rehash', async () => {
    const low = new PasswordHasher(10);
    const high = new PasswordHasher(11);
    const h = await low.hash('correct horse battery');
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await low.hash('correct horse battery')).not.toBe(h); // salted
    expect(await low.verify('correct horse battery', h)).toBe(true);
    expect(await low.verify('correct horse batterY', h)).toBe(false);
    expect(await high.verify('correct horse battery', h)).toBe(true);
    expect(low.needsRehash(h)).toBe(false);
    expect(high.needsRehash(h)).toBe(true);
    // The same password typed as composed or decomposed characters (NFKC).
    const e = await low.hash('caf\u00e9 au lait');
    expect(await low.verify('cafe\u0301 au lait', e)).toBe(true);
  });

  it('no hash (no account) and hashes this code did not write never verify, and still cost a hash', async () => {
    const h = new PasswordHasher(10);
    expect(await h.verify('anything at all', null)).toBe(false);
    for (const bad of ['', 'plain', 'scrypt$1024$8$1$', 'scrypt$1000$8$1$c2FsdA==$aGFzaA==', 'scrypt$1073741824$8$1$c2FsdA==$aGFzaA==', 'bcrypt$2b$10$x']) {
      expect(await h.verify('anything at all', bad), bad).toBe(false);
    }
    expect(() => new PasswordHasher(9)).toThrow(/PASSWORD_HASH_COST/);
    expect(() => new PasswordHasher(30)).toThrow(/PASSWORD_HASH_COST/);
  });

  it('hashing is bounded: past the queue a hash is refused RATE_LIMITED at once', async () => {
    const h = new PasswordHasher(12);
    const all = await Promise.allSettled(Array.from({ length: 80 }, (_, i) => h.hash(`password number ${i}`)));
    const refused = all.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(all.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(64);
    await expect(h.hash('afterwards it works')).resolves.toMatch(/^scrypt\$/);
  });
});

describe('[AC4] sign-in back-off', () => {
  it('locks after the threshold, doubling to the cap; a success clears the account only; an hour forgets', () => {
    let now = 0;
    const t = new SignInThrottle(() => now);
    for (let i = 0; i < 4; i++) t.failed('a@x', '1.1.1.1');
    expect(t.wait('a@x', '2.2.2.2')).toBe(0);
    t.failed('a@x', '1.1.1.1');
    expect(t.wait('a@x', '2.2.2.2')).toBe(1000);
    now += 1000;
    t.failed('a@x', '1.1.1.1');
    expect(t.wait('a@x', '2.2.2.2')).toBe(2000);
    t.succeeded('a@x');
    expect(t.wait('a@x', '2.2.2.2')).toBe(0);
    for (let i = 0; i < 40; i++) t.failed(`user${i}@x`, '3.3.3.3');
    expect(t.wait('new@x', '3.3.3.3')).toBe(15 * 60_000);
    now += 15 * 60_000 + 3_600_001;
    expect(t.wait('new@x', '3.3.3.3')).toBe(0);
  });
});
