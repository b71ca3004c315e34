/** The client's account helpers that need no browser: routes, the defensive invite
 * preview reader, back-off wording, session names and the avatar palette's contrast. */
import { describe, expect, it } from 'vitest';
import { parseRoute, localPath } from '../../client/src/lib/state/routes.js';
import { readInvitePreview, oidcLoginUrl, toTime } from '../../client/src/lib/account-api.js';
import { accountErrorMessage, formatWait, AVATAR_COLORS } from '../../client/src/lib/account-errors.js';
import { ApiError } from '../../client/src/lib/api.js';
import { describeUserAgent } from '../../client/src/lib/user-agent.js';

const channel = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};

describe('client routes', () => {
  it('parses the account pages', () => {
    expect(parseRoute('/settings')).toEqual({ page: 'settings' });
    expect(parseRoute('/reset')).toEqual({ page: 'forgot' });
    expect(parseRoute('/reset/abc%2Fdef')).toEqual({ page: 'reset', token: 'abc/def' });
    expect(parseRoute('/invite/tok_1')).toEqual({ page: 'invite', token: 'tok_1' });
    expect(parseRoute('/signin', '?error=access_denied&next=%2Finvite%2Fx')).toEqual({ page: 'signin', error: 'access_denied', next: '/invite/x' });
    expect(parseRoute('/signin')).toEqual({ page: 'signin', error: null, next: null });
  });

  it('refuses malformed and oversized parameters instead of throwing', () => {
    expect(parseRoute('/reset/%E0%A4%A')).toEqual({ page: 'notfound' });
    expect(parseRoute('/invite/%')).toEqual({ page: 'notfound' });
    expect(parseRoute(`/invite/${'a'.repeat(600)}`)).toEqual({ page: 'notfound' });
    const r = parseRoute('/signin', `?error=${'x'.repeat(5000)}`);
    expect(r.page === 'signin' && r.error?.length).toBe(200);
  });

  it('returns only to paths on this site', () => {
    expect(localPath('/boards/b1')).toBe('/boards/b1');
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', null]) expect(localPath(bad)).toBeNull();
    expect(parseRoute('/signin', '?next=//evil.example').page === 'signin' && (parseRoute('/signin', '?next=//evil.example') as { next: string | null }).next).toBeNull();
    expect(oidcLoginUrl('//evil.example')).toBe('/api/auth/oidc/login?next=%2F');
    expect(oidcLoginUrl('/invite/t')).toBe('/api/auth/oidc/login?next=%2Finvite%2Ft');
  });
});

describe('invite preview reader', () => {
  it('reads the contract shape', () => {
    const p = readInvitePreview({
      invite: { board: { id: 'b', title: 'Budget story' }, inviter: { name: 'Olivia' }, role: 'reviewer', expiresAt: '2030-01-01T00:00:00Z', maxUses: 1, uses: 0, email: 'o***@x.org', state: 'open' },
    });
    expect(p).toEqual({ boardId: 'b', boardTitle: 'Budget story', inviterName: 'Olivia', role: 'reviewer', expiresAt: Date.parse('2030-01-01T00:00:00Z'), maxUses: 1, uses: 0, email: 'o***@x.org', state: 'open', message: null });
    const blocked = readInvitePreview({ invite: { state: 'blocked', message: 'you were removed from this board after this invite was created' } });
    expect([blocked.state, blocked.message]).toEqual(['blocked', 'you were removed from this board after this invite was created']);
  });

  it('survives missing, wrongly typed and hostile fields', () => {
    for (const body of [null, undefined, 42, 'x', [], {}, { invite: null }, { invite: 'x' }, { invite: { board: 'x', inviter: 7, role: 'admin', state: 'weird', maxUses: 'NaN', expiresAt: {} } }]) {
      const p = readInvitePreview(body);
      expect(p.boardTitle).toBeNull();
      expect(p.inviterName).toBeNull();
      expect(p.role).toBeNull();
      expect(p.maxUses).toBeNull();
      expect(p.expiresAt).toBeNull();
      expect(p.state).toBe('open');
    }
    expect(readInvitePreview({ invite: { board: { title: 'x'.repeat(10_000) } } }).boardTitle).toHaveLength(500);
    expect(readInvitePreview({ invite: { state: 'used_up' } }).state).toBe('used_up');
  });

  it('reads times as numbers or ISO strings', () => {
    expect(toTime(5)).toBe(5);
    expect(toTime('2030-01-01T00:00:00Z')).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(toTime('soon')).toBeNull();
    expect(toTime(Number.NaN)).toBeNull();
  });
});

describe('account error messages', () => {
  it('says how long the back-off lasts', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(900)).toBe('15 minutes');
    expect(accountErrorMessage(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x', 120))).toBe('Too many attempts. Wait 2 minutes before trying again.');
    expect(accountErrorMessage(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x'))).toMatch(/a few minutes/);
  });

  it('names wrong passwords, taken e-mails, closed sign-up and lost connections', () => {
    expect(accountErrorMessage(new ApiError(401, 'INVALID_CREDENTIALS', 'x'))).toBe('E-mail or password is wrong.');
    expect(accountErrorMessage(new ApiError(409, 'EMAIL_TAKEN', 'x'))).toMatch(/already exists/);
    expect(accountErrorMessage(new ApiError(403, 'SIGNUP_CLOSED', 'this server does not take new accounts; ask its operator'))).toBe('This server does not take new accounts; ask its operator.');
    expect(accountErrorMessage(new TypeError('Failed to fetch'))).toMatch(/Cannot reach the server/);
    expect(accountErrorMessage(new ApiError(400, 'VALIDATION', 'password is too common'))).toBe('Password is too common.');
  });
});

describe('session names', () => {
  it('names common browsers and systems', () => {
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36')).toBe('Chrome on Windows');
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox on Linux');
    expect(describeUserAgent('Mozilla/5.0 (Macintosh) AppleWebKit/537.36 Chrome/126 Safari/537.36 Edg/126')).toBe('Edge on macOS');
    expect(describeUserAgent(null)).toBe('Unknown browser');
    expect(describeUserAgent('x'.repeat(100_000))).toBe('Unknown browser');
  });
});

describe('avatar palette', () => {
  it('keeps white initials at WCAG AA contrast on every colour', () => {
    for (const c of AVATAR_COLORS) {
      expect(c.value).toMatch(/^#[0-9a-f]{6}$/);
      expect(1.05 / (luminance(c.value) + 0.05), c.name).toBeGreaterThanOrEqual(4.5);
    }
  });
});
