/**
 * Issue 13 (must show 7): invites e-mailed through a real SMTP server (smtp-server) that the
 * test starts; the link in the mail works once. E-mail never decides the API's answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer } from '../../server/mail/mailer.js';
import { INVITE_MAILS_BURST } from '../../server/mail/send.js';
import { api, createBoard, createUser, startServer, waitFor, type TestServer } from '../helpers/server.js';
import { capturedLogger, refusedSmtpUrl, silentSmtp, startSmtp, type ReceivedMail } from '../helpers/smtp.js';

const PUBLIC_URL = 'http://claimboard.test';
const FROM = 'Claimboard <no-reply@claimboard.test>';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function serverWithSmtp(smtpUrl: string, deps: Parameters<typeof startServer>[2] = {}): Promise<TestServer> {
  const s = await startServer({ publicUrl: PUBLIC_URL, mail: { smtpUrl, from: FROM } }, undefined, deps);
  cleanup.push(() => s.close());
  return s;
}

async function smtp() {
  const t = await startSmtp();
  cleanup.push(() => t.close());
  return t;
}

/** The invite link as the text part and the HTML part give it (they must agree). */
function linkIn(m: ReceivedMail): string {
  const fromText = /^(https?:\/\/\S+\/invite\/\S+)$/m.exec(m.parsed.text ?? '')?.[1];
  const fromHtml = /<a href="([^"]+\/invite\/[^"]+)"/.exec(typeof m.parsed.html === 'string' ? m.parsed.html : '')?.[1];
  expect(fromText).toBeDefined();
  expect(fromHtml).toBe(fromText);
  return fromText!;
}

describe('invites by e-mail', () => {
  it('[must-show 7] the invite mail arrives with a link that is accepted once and refused the second time', async () => {
    const relay = await smtp();
    const s = await serverWithSmtp(relay.url);
    expect(s.app.mailer.enabled).toBe(true);
    const owner = await createUser(s.url, 'Olivia Owner');
    const board = await createBoard(s.url, owner);
    const r = await api(s.url, 'POST', `/api/boards/${board.id}/invites`, {
      token: owner.token,
      body: { role: 'reviewer', maxUses: 1, expiresInHours: 72, email: 'rita@example.org' },
    });
    expect(r.status).toBe(201);
    expect(r.body.invite.emailQueued).toBe(true);
    await waitFor(() => relay.received.length === 1, 'the invite mail');
    const m = relay.received[0]!;
    expect(m.envelope.to).toEqual(['rita@example.org']);
    expect(m.parsed.from?.value).toEqual([{ name: 'Claimboard', address: 'no-reply@claimboard.test' }]);
    expect(m.parsed.subject).toBe('Olivia Owner invited you to “Test board” on Claimboard');
    expect(m.parsed.text).toContain('a reviewer (you vote on claims and add notes)');
    expect(m.parsed.text).toContain(`The link expires on`);
    const link = linkIn(m);
    expect(link).toBe(r.body.invite.url);
    expect(link.startsWith(`${PUBLIC_URL}/invite/`)).toBe(true);

    const token = decodeURIComponent(new URL(link).pathname.split('/').pop()!);
    const rita = await createUser(s.url, 'Rita Reviewer');
    const first = await api(s.url, 'POST', `/api/invites/${encodeURIComponent(token)}/accept`, { token: rita.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ boardId: board.id, role: 'reviewer' });
    const members = await api(s.url, 'GET', `/api/boards/${board.id}/members`, { token: rita.token });
    expect(members.body.members.map((x: { name: string }) => x.name).sort()).toEqual(['Olivia Owner', 'Rita Reviewer']);

    const mallory = await createUser(s.url, 'Mallory');
    const second = await api(s.url, 'POST', `/api/invites/${encodeURIComponent(token)}/accept`, { token: mallory.token });
    expect(second.status).toBe(410);
    expect((await api(s.url, 'GET', `/api/boards/${board.id}`, { token: mallory.token })).status).toBe(404);
  });

  it('a board title and inviter name with line breaks and markup reach no header and are escaped in the HTML', async () => {
    const relay = await smtp();
    const s = await serverWithSmtp(relay.url);
    const owner = await createUser(s.url, 'Eve\r\nReply-To: eve@evil.test');
    const b = await api(s.url, 'POST', '/api/boards', {
      token: owner.token,
      body: { title: 'Q3 <script>alert(1)</script>\r\nBcc: victim@evil.test', text: 'The city spent $4.2 million on roads in 2023.' },
    });
    expect(b.status).toBe(201);
    const r = await api(s.url, 'POST', `/api/boards/${b.body.board.id}/invites`, { token: owner.token, body: { role: 'viewer', email: 'rita@example.org' } });
    expect(r.status).toBe(201);
    await waitFor(() => relay.received.length === 1, 'the invite mail');
    const m = relay.received[0]!;
    expect(m.envelope.to).toEqual(['rita@example.org']);
    expect(m.parsed.headers.has('bcc')).toBe(false);
    expect(m.parsed.headers.has('reply-to')).toBe(false);
    const headerBlock = m.raw.split(/\r?\n\r?\n/)[0]!;
    expect(headerBlock).not.toMatch(/^(Bcc|Reply-To):/im);
    expect(m.parsed.subject).not.toMatch(/[\r\n]/);
    expect(m.parsed.html).not.toContain('<script>');
    expect(m.parsed.html).toContain('&lt;script&gt;');
    expect(m.parsed.text).toContain('The link does not expire.');
  });

  it('without SMTP_URL an invite given an e-mail is still answered with its link, and says no mail went out', async () => {
    const s = await startServer();
    cleanup.push(() => s.close());
    expect(s.app.mailer.enabled).toBe(false);
    const owner = await createUser(s.url, 'Olivia');
    const board = await createBoard(s.url, owner);
    const r = await api(s.url, 'POST', `/api/boards/${board.id}/invites`, { token: owner.token, body: { role: 'reviewer', email: 'rita@example.org' } });
    expect(r.status).toBe(201);
    expect(r.body.invite.emailQueued).toBe(false);
    expect(r.body.invite.url).toMatch(/\/invite\//);
  });

  it('with the relay down the invite is answered 201; the failure is logged, without the link, token, title or address', async () => {
    const log = capturedLogger();
    const url = await refusedSmtpUrl();
    const mailer = createMailer(url, log.logger, FROM, { retryDelaysMs: [10, 20] });
    const s = await serverWithSmtp(url, { logger: log.logger, mailer });
    const owner = await createUser(s.url, 'Olivia');
    const board = await createBoard(s.url, owner);
    const r = await api(s.url, 'POST', `/api/boards/${board.id}/invites`, { token: owner.token, body: { role: 'reviewer', maxUses: 1, email: 'rita@example.org' } });
    expect(r.status).toBe(201);
    expect(r.body.invite.emailQueued).toBe(true);
    await waitFor(() => log.entries().some((e) => e.msg === 'e-mail not delivered: giving up'), 'the mailer to give up');
    expect(log.entries().filter((e) => e.component === 'mail' && e.level >= 40)).toHaveLength(3);
    const all = log.lines.join('\n');
    for (const secret of [r.body.invite.token, r.body.invite.url, '/invite/', 'Test board', 'rita@']) expect(all).not.toContain(secret);
    // The invite itself is fine: the owner copies the link instead.
    const rita = await createUser(s.url, 'Rita');
    expect((await api(s.url, 'POST', `/api/invites/${r.body.invite.token}/accept`, { token: rita.token })).status).toBe(200);
  });

  it('a relay that never answers does not hold up the answer: the mail is still pending when the 201 arrives', async () => {
    const relay = await silentSmtp();
    const log = capturedLogger();
    // Default timeouts: the relay's silence keeps a send waiting for its 10 s greeting timeout.
    const s = await serverWithSmtp(relay.url, { logger: log.logger });
    // Cleaned up first: the relay hangs up, so the server's shutdown need not wait out its drain time.
    cleanup.push(() => relay.close());
    const owner = await createUser(s.url, 'Olivia');
    const board = await createBoard(s.url, owner);
    const r = await api(s.url, 'POST', `/api/boards/${board.id}/invites`, { token: owner.token, body: { role: 'reviewer', email: 'rita@example.org' } });
    expect(r.status).toBe(201);
    let idle = false;
    void s.app.mailer.idle().then(() => (idle = true));
    await waitFor(() => relay.connections === 1, 'the mailer to connect to the silent relay');
    await Promise.resolve();
    expect(idle).toBe(false);
    // Had the route waited for SMTP, the first attempt would have failed before the answer.
    expect(log.entries().filter((e) => e.component === 'mail')).toEqual([]);
  });

  it('a wrong e-mail value is a 400 and nothing is created or sent; a viewer and a stranger cannot invite', async () => {
    const relay = await smtp();
    const s = await serverWithSmtp(relay.url);
    const owner = await createUser(s.url, 'Olivia');
    const board = await createBoard(s.url, owner);
    const invite = (body: unknown, token = owner.token) => api(s.url, 'POST', `/api/boards/${board.id}/invites`, { token, body });
    for (const email of ['not-an-address', 'rita@example.org\r\nBcc: victim@evil.test', 'Rita <rita@example.org>', 'a@example.org, b@example.org', `${'a'.repeat(250)}@example.org`, 42, ['rita@example.org'], { to: 'rita@example.org' }, null]) {
      const r = await invite({ role: 'reviewer', email });
      expect(r.status, JSON.stringify(email)).toBe(400);
    }
    const viewer = await createUser(s.url, 'Vic');
    const vi = await invite({ role: 'viewer', maxUses: 1 });
    expect((await api(s.url, 'POST', `/api/invites/${vi.body.invite.token}/accept`, { token: viewer.token })).status).toBe(200);
    expect((await invite({ role: 'viewer', email: 'rita@example.org' }, viewer.token)).status).toBe(403);
    const stranger = await createUser(s.url, 'Stan');
    expect((await invite({ role: 'viewer', email: 'rita@example.org' }, stranger.token)).status).toBe(404);
    expect((await api(s.url, 'POST', `/api/boards/${board.id}/invites`, { body: { role: 'viewer', email: 'rita@example.org' } })).status).toBe(401);
    await s.app.mailer.idle();
    expect(relay.received).toHaveLength(0);
    const list = await api(s.url, 'GET', `/api/boards/${board.id}/invites`, { token: owner.token });
    expect(list.body.invites).toHaveLength(1);
  });

  it(`past ${INVITE_MAILS_BURST} invitation mails a user gets 429 (no invite, no mail) until the budget refills; invites without e-mail go on`, async () => {
    const relay = await smtp();
    let clock = Date.now();
    const s = await serverWithSmtp(relay.url, { now: () => clock });
    const owner = await createUser(s.url, 'Olivia');
    const board = await createBoard(s.url, owner);
    const invite = (body: unknown) => api(s.url, 'POST', `/api/boards/${board.id}/invites`, { token: owner.token, body });
    for (let i = 0; i < INVITE_MAILS_BURST; i++) expect((await invite({ role: 'viewer', email: `r${i}@example.org` })).status).toBe(201);
    const over = await invite({ role: 'viewer', email: 'one-more@example.org' });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    expect((await invite({ role: 'viewer' })).status).toBe(201);
    await waitFor(() => relay.received.length === INVITE_MAILS_BURST, 'every budgeted mail');
    clock += 3 * 60_000; // 30 an hour: one more after two minutes
    expect((await invite({ role: 'viewer', email: 'later@example.org' })).status).toBe(201);
    await waitFor(() => relay.received.length === INVITE_MAILS_BURST + 1, 'the mail after the refill');
    expect(relay.received.some((m) => m.envelope.to.includes('one-more@example.org'))).toBe(false);
    const list = await api(s.url, 'GET', `/api/boards/${board.id}/invites`, { token: owner.token });
    expect(list.body.invites).toHaveLength(INVITE_MAILS_BURST + 2);
  });
});
