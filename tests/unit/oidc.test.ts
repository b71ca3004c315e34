/**
 * Single sign-on pieces without a provider: the `next` path check (no open redirect), the
 * identity check (verified e-mail, allowed domain, display name), the sealed sign-in
 * attempts, and the OIDC_* configuration.
 */
import { describe, expect, it } from 'vitest';
import { checkIdentity, safeNextPath } from '../../server/auth/oidc.js';
import { MAX_SEALED_CHARS, SealedSignIns, type PendingSignIn } from '../../server/auth/oidc-flows.js';
import { loadConfig } from '../../server/config.js';

describe('safeNextPath', () => {
  it('keeps paths on this site, with their query and fragment', () => {
    expect(safeNextPath('/')).toBe('/');
    expect(safeNextPath('/board/abc?tab=votes#c1')).toBe('/board/abc?tab=votes#c1');
    expect(safeNextPath('/invite/xyz')).toBe('/invite/xyz');
    expect(safeNextPath('/a/../b')).toBe('/b');
    expect(safeNextPath('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
  });

  it('refuses anything a browser could read as another site, control characters, the API, and very long paths', () => {
    for (const bad of [
      '',
      'board',
      'https://evil.example',
      'HTTPS://evil.example',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\/evil.example',
      '/.//evil.example',
      '/./\\evil.example',
      '/\t/evil.example',
      '/\r\nSet-Cookie: x=1',
      'javascript:alert(1)',
      'data:text/html,x',
      '/api',
      '/api/auth/oidc/login',
      `/${'x'.repeat(1024)}`,
    ]) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('checkIdentity', () => {
  const domains = ['newsroom.example'];

  it('answers the lower-cased e-mail and a clean, bounded display name', () => {
    const r = checkIdentity({ sub: 's1', email: 'Ana.B@NewsRoom.Example', email_verified: true, name: '  Ana\u0000\n  Bell ' }, domains);
    expect(r).toEqual({ ok: true, identity: { subject: 's1', email: 'ana.b@newsroom.example', name: 'Ana Bell' } });
    const long = checkIdentity({ sub: 's', email: 'a@newsroom.example', email_verified: true, name: 'é'.repeat(200) }, domains);
    expect(long.ok && Array.from(long.identity.name).length).toBe(80);
    const given = checkIdentity({ sub: 's', email: 'a@newsroom.example', email_verified: true, given_name: 'Ana', family_name: 'Bell' }, domains);
    expect(given.ok && given.identity.name).toBe('Ana Bell');
    const none = checkIdentity({ sub: 's', email: 'ana.b@newsroom.example', email_verified: true, name: 42 }, domains);
    expect(none.ok && none.identity.name).toBe('ana.b');
  });

  it('refuses a missing or malformed e-mail, an unverified one (only the boolean true counts), and other domains', () => {
    const code = (claims: Record<string, unknown>, allowed = domains) => {
      const r = checkIdentity({ sub: 's', ...claims }, allowed);
      return r.ok ? 'ok' : r.code;
    };
    expect(code({ email_verified: true })).toBe('oidc_no_email');
    expect(code({ email: 'no-at-sign', email_verified: true })).toBe('oidc_no_email');
    expect(code({ email: `${'a'.repeat(250)}@newsroom.example`, email_verified: true })).toBe('oidc_no_email');
    expect(code({ email: ['a@newsroom.example'], email_verified: true })).toBe('oidc_no_email');
    for (const v of [false, 'true', 1, null, undefined]) {
      expect(code({ email: 'a@newsroom.example', email_verified: v }), String(v)).toBe('oidc_email_unverified');
    }
    expect(code({ email: 'a@elsewhere.example', email_verified: true })).toBe('oidc_domain');
    // Exact domains: a subdomain, or a look-alike suffix, is another domain.
    expect(code({ email: 'a@eu.newsroom.example', email_verified: true })).toBe('oidc_domain');
    expect(code({ email: 'a@evilnewsroom.example', email_verified: true })).toBe('oidc_domain');
    expect(code({ email: 'a@b@newsroom.example', email_verified: true })).toBe('oidc_no_email');
    expect(code({ email: 'a@elsewhere.example', email_verified: true }, [])).toBe('ok');
  });
});

describe('SealedSignIns', () => {
  const flow: PendingSignIn = { state: 'st', nonce: 'no', codeVerifier: 've', next: '/board/x?y=1' };

  it('opens what it sealed, in any instance with the same secret and provider, until it expires', () => {
    let t = 0;
    const a = new SealedSignIns('client-secret', 'https://id.example claimboard', 1000, () => t);
    const b = new SealedSignIns('client-secret', 'https://id.example claimboard', 1000, () => t);
    const sealed = a.seal(flow);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    // Opaque: nothing of the attempt shows through.
    for (const part of ['st', 'no', 've', 'board']) expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(part);
    expect(a.open(sealed)).toEqual(flow);
    expect(b.open(sealed)).toEqual(flow);
    expect(a.seal(flow)).not.toBe(sealed);
    t = 999;
    expect(a.open(sealed)).toEqual(flow);
    t = 1000;
    expect(a.open(sealed)).toBeNull();
  });

  it('refuses values altered, sealed under another secret or provider, malformed or oversized', () => {
    const now = () => 0;
    const a = new SealedSignIns('client-secret', 'https://id.example claimboard', 1000, now);
    const sealed = a.seal(flow);
    expect(new SealedSignIns('another-secret', 'https://id.example claimboard', 1000, now).open(sealed)).toBeNull();
    expect(new SealedSignIns('client-secret', 'https://other.example claimboard', 1000, now).open(sealed)).toBeNull();
    const bytes = Buffer.from(sealed, 'base64url');
    for (const i of [0, 12, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[i]! ^= 1;
      expect(a.open(altered.toString('base64url')), `byte ${i}`).toBeNull();
    }
    for (const bad of ['', 'A', 'A'.repeat(43), '../../etc/passwd', `${sealed}=`, sealed.slice(0, -4), 'A'.repeat(MAX_SEALED_CHARS + 1)]) {
      expect(a.open(bad), bad.slice(0, 40)).toBeNull();
    }
  });
});

describe('OIDC configuration', () => {
  const env = { OIDC_ISSUER: 'https://id.newsroom.example', OIDC_CLIENT_ID: 'claimboard', OIDC_CLIENT_SECRET: 'secret' };

  it('is off without OIDC_ISSUER; defaults the label; lower-cases the allowed domains', () => {
    expect(loadConfig({}).oidc).toBeNull();
    expect(loadConfig({ ...env, OIDC_ALLOWED_DOMAINS: ' Newsroom.Example, @Other.Example ,' }).oidc).toMatchObject({
      issuer: 'https://id.newsroom.example',
      allowedDomains: ['newsroom.example', 'other.example'],
      label: 'Sign in with SSO',
    });
    expect(loadConfig({ ...env, OIDC_ISSUER: 'http://localhost:8080/realms/news' }).oidc?.issuer).toBe('http://localhost:8080/realms/news');
  });

  it('refuses an issuer without client credentials, plain http off this machine, and other schemes', () => {
    expect(() => loadConfig({ OIDC_ISSUER: env.OIDC_ISSUER })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => loadConfig({ ...env, OIDC_CLIENT_SECRET: '' })).toThrow(/OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ ...env, OIDC_ISSUER: 'http://id.newsroom.example' })).toThrow(/https/);
    expect(() => loadConfig({ ...env, OIDC_ISSUER: 'ftp://id.newsroom.example' })).toThrow();
  });
});
