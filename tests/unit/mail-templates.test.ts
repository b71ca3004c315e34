/** Issue 13: the e-mails' content — what they say, escaping, and no way for user text into a header. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, formatUtc, inviteMail, passwordResetMail, signInNoticeMail } from '../../server/mail/templates.js';
import { isPlainAddress, oneLine } from '../../server/mail/headers.js';
import { loadConfig } from '../../server/config.js';

const AT = Date.UTC(2024, 11, 10, 14, 5);
const URL_ = 'https://claimboard.example/invite/s3cr3t-token';
const invite = (over: Partial<Parameters<typeof inviteMail>[0]> = {}) =>
  inviteMail({ boardTitle: 'City budget claims', inviterName: 'Olivia Owner', role: 'reviewer', url: URL_, expiresAt: AT, ...over });

/** Every piece of text of a mail a client shows without rendering HTML. */
const plainParts = (m: { subject: string; text: string }) => [m.subject, m.text];
const HOSTILE = 'Q3 <script>alert(1)</script> & "quotes" \'apos\'\r\nBcc: victim@evil.test\n\nClick http://evil.test\u2028\u202eevil';

describe('templates: what each mail says', () => {
  it('the invite names the board, the inviter, the role, and gives the link and its expiry', () => {
    const m = invite();
    expect(m.subject).toBe('Olivia Owner invited you to “City budget claims” on Claimboard');
    for (const part of [m.text, m.html]) {
      expect(part).toContain('Olivia Owner');
      expect(part).toContain('City budget claims');
      expect(part).toContain('a reviewer (you vote on claims and add notes)');
      expect(part).toContain(URL_);
      expect(part).toContain('10 December 2024 at 14:05 UTC');
    }
    expect(m.html).toContain(`href="${URL_}"`);
    // The link stands on a line of its own in the text part, so clients make it clickable whole.
    expect(m.text.split('\n')).toContain(URL_);
  });

  it('an invite without expiry says so; every role is explained', () => {
    expect(invite({ expiresAt: null }).text).toContain('The link does not expire.');
    expect(invite({ role: 'viewer' }).text).toContain('a viewer (you read the board)');
    expect(invite({ role: 'editor' }).text).toContain('an editor');
    expect(invite({ role: 'owner' }).text).toContain('an owner');
  });

  it('the password reset gives the link, says it works once and when it expires', () => {
    const url = 'https://claimboard.example/reset/r3set-token';
    const m = passwordResetMail({ url, expiresAt: AT });
    expect(m.subject).toBe('Reset your Claimboard password');
    for (const part of [m.text, m.html]) {
      expect(part).toContain(url);
      expect(part).toContain('works once and expires on 10 December 2024 at 14:05 UTC');
      expect(part).toContain('ignore this e-mail');
    }
  });

  it('the sign-in notice gives time, device and address, and where to act if it was not you', () => {
    const m = signInNoticeMail({ when: AT, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', address: '203.0.113.7', settingsUrl: 'https://claimboard.example/settings' });
    expect(m.subject).toBe('New sign-in to your Claimboard account');
    for (const part of [m.text, m.html]) {
      expect(part).toContain('When: 10 December 2024 at 14:05 UTC');
      expect(part).toContain('Device: Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0');
      expect(part).toContain('Address: 203.0.113.7');
      expect(part).toContain('https://claimboard.example/settings');
    }
    const unknown = signInNoticeMail({ when: AT, userAgent: null, address: null, settingsUrl: 'https://claimboard.example/settings' });
    expect(unknown.text).toContain('Device: an unknown device');
    expect(unknown.text).toContain('Address: an unknown address');
  });

  it('dates are UTC whatever the server zone', () => {
    expect(formatUtc(Date.UTC(2025, 0, 2, 3, 4))).toBe('2 January 2025 at 03:04 UTC');
  });
});

describe('templates: user text is escaped and cannot reach a header', () => {
  it('a hostile board title and inviter name are escaped in the HTML', () => {
    const m = invite({ boardTitle: HOSTILE, inviterName: '<img src=x onerror=alert(1)>' });
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;apos&#39;');
    expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('line breaks, control and bidi characters never survive into the subject or a line of text', () => {
    const m = invite({ boardTitle: HOSTILE, inviterName: 'Eve\r\nReply-To: eve@evil.test' });
    for (const part of plainParts(m)) {
      expect(part).not.toMatch(/[\r\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    }
    expect(m.subject).not.toContain('\n');
    // No line of the text part starts with the injected header or the fake paragraph.
    for (const line of m.text.split('\n')) {
      expect(line).not.toMatch(/^(Bcc|Reply-To):/);
      expect(line).not.toMatch(/^Click /);
    }
    const n = signInNoticeMail({ when: AT, userAgent: 'UA\r\nBcc: x@evil.test', address: '1.2.3.4\n<b>', settingsUrl: 'https://c.example/settings' });
    expect(n.text).toContain('Device: UA Bcc: x@evil.test');
    expect(n.html).toContain('Address: 1.2.3.4 &lt;b&gt;');
  });

  it('long names and titles are shortened in the subject without splitting a character', () => {
    const m = invite({ boardTitle: '😀'.repeat(300), inviterName: 'n'.repeat(500) });
    expect(m.subject.length).toBeLessThan(300);
    expect(m.subject).toContain('…');
    expect(m.subject).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
    expect(m.text).not.toContain('n'.repeat(81));
  });

  it('a link that is not http(s) is a bug: the template throws', () => {
    expect(() => invite({ url: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => passwordResetMail({ url: 'not a url', expiresAt: AT })).toThrow(TypeError);
    // Characters that could close the attribute come out percent-encoded or escaped.
    expect(invite({ url: 'https://c.example/invite/a"onmouseover="x' }).html).not.toContain('"onmouseover="');
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('headers: recipients and header text', () => {
  it('a recipient is one plain address and nothing else', () => {
    expect(isPlainAddress('reviewer@example.org')).toBe(true);
    for (const bad of [
      '',
      'reviewer@example.org\r\nBcc: victim@evil.test',
      'reviewer@example.org\nBcc: victim@evil.test',
      'Olivia <reviewer@example.org>',
      'a@example.org, b@example.org',
      'a@example.org;b@example.org',
      '"quoted"@example.org',
      'no-at-sign',
      `${'a'.repeat(65)}@example.org`,
    ]) expect(isPlainAddress(bad), JSON.stringify(bad)).toBe(false);
  });

  it('oneLine leaves one line', () => {
    expect(oneLine(' a\r\n\tb \u0085 c\u2029d\u202e ')).toBe('a b c d');
  });
});

describe('config: SMTP_URL and MAIL_FROM', () => {
  it('mail is off by default, with the documented From', () => {
    expect(loadConfig({}).mail).toEqual({ from: 'Claimboard <no-reply@localhost>' });
    expect(loadConfig({ SMTP_URL: '' }).mail.smtpUrl).toBeUndefined();
  });

  it('takes smtp:// and smtps:// URLs, with credentials', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:pa%40ss@mail.example.org:465' }).mail.smtpUrl).toBe('smtps://user:pa%40ss@mail.example.org:465');
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'Desk <desk@example.org>' }).mail).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'Desk <desk@example.org>' });
  });

  it('refuses other schemes and a From that is not one address on one line, without echoing the URL', () => {
    let message = '';
    try {
      loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.org' });
    } catch (e) {
      message = String(e);
    }
    expect(message).toContain('smtp');
    expect(message).not.toContain('hunter2');
    expect(() => loadConfig({ MAIL_FROM: 'Desk <desk@example.org>\r\nBcc: x@evil.test' })).toThrow();
    expect(() => loadConfig({ MAIL_FROM: 'a@example.org, b@example.org' })).toThrow();
    expect(() => loadConfig({ MAIL_FROM: 'Desk' })).toThrow();
  });

  it('PUBLIC_URL, the base of every link in a mail, must be an http(s) URL (a template refuses anything else)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://claims.example/' }).publicUrl).toBe('https://claims.example');
    expect(loadConfig({ PUBLIC_URL: '' }).publicUrl).toBe('http://localhost:3000');
    expect(() => loadConfig({ PUBLIC_URL: 'claims.example' })).toThrow();
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow();
  });
});
