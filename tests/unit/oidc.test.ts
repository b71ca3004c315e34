/**
 * Single sign-on pieces without a provider: the `next` path check (no open redirect), the
 * identity check (verified e-mail, allowed domain, display name), the bounded store of
 * sign-in attempts, and the OIDC_* configuration.
 */
import { describe, expect, it } from 'vitest';
import { checkIdentity, safeNextPath } from '../../server/auth/oidc.js';
import { PendingSignIns, type PendingSignIn } from '../../server/auth/oidc-flows.js';
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

describe('PendingSignIns', () => {
  const flow = (n: number): PendingSignIn => ({ state: `s${n}`, nonce: `n${n}`, codeVerifier: `v${n}`, next: '/' });

  it('hands an attempt back once, by its id only, until it expires', () => {
    let t = 0;
    const flows = new PendingSignIns(1000, 10, () => t);
    const id = flows.add(flow(1));
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flows.take('not-an-id')).toBeNull();
    expect(flows.take(id)).toEqual(flow(1));
    expect(flows.take(id)).toBeNull();
    const late = flows.add(flow(2));
    t = 1000;
    expect(flows.take(late)).toBeNull();
  });

  it('keeps at most `max`, pushing out the oldest, and sweeps expired ones as it goes', () => {
    let t = 0;
    const flows = new PendingSignIns(1000, 3, () => t);
    const ids = [1, 2, 3, 4].map((n) => flows.add(flow(n)));
    expect(flows.size).toBe(3);
    expect(flows.take(ids[0]!)).toBeNull();
    expect(flows.take(ids[3]!)).toEqual(flow(4));
    t = 5000;
    flows.add(flow(5));
    expect(flows.size).toBe(1);
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
