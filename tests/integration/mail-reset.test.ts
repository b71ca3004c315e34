/**
 * Issue 13 must-show 7, the reset half: with SMTP_URL set, "forgot password" sends a mail
 * through a real SMTP server the test starts (smtp-server); its link sets a new password
 * once, and the second use is refused. An unknown e-mail gets the same answer and no mail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, createUser, startServer, waitFor } from '../helpers/server.js';
import { startSmtp } from '../helpers/smtp.js';

const PUBLIC_URL = 'http://claimboard.test';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('password reset by e-mail', () => {
  it('[AC8] the reset mail arrives; its link works once; an unknown address gets the same 202 and no mail', async () => {
    const relay = await startSmtp();
    cleanup.push(() => relay.close());
    const s = await startServer({ publicUrl: PUBLIC_URL, mail: { smtpUrl: relay.url, from: 'Claimboard <no-reply@claimboard.test>' } });
    cleanup.push(() => s.close());
    const u = await createUser(s.url, 'Rosa Reset');
    const unknown = await api(s.url, 'POST', '/api/password-reset', { body: { email: 'nobody@example.org' } });
    const known = await api(s.url, 'POST', '/api/password-reset', { body: { email: u.email } });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    await waitFor(() => relay.received.length > 0, 'the reset mail');
    await s.app.mailer.idle();
    // The unknown address was asked first: had it produced a mail, it would be here by now.
    expect(relay.received).toHaveLength(1);
    const m = relay.received[0]!;
    expect(m.envelope.to).toEqual([u.email]);
    const link = /^(https?:\/\/\S+\/reset\/(\S+))$/m.exec(m.parsed.text ?? '');
    expect(link?.[1]?.startsWith(`${PUBLIC_URL}/reset/`)).toBe(true);
    const token = decodeURIComponent(link![2]!);
    const fresh = 'a brand new passphrase 77';
    expect((await api(s.url, 'POST', '/api/password-reset/confirm', { body: { token, password: fresh } })).status).toBe(200);
    expect((await api(s.url, 'POST', '/api/password-reset/confirm', { body: { token, password: `${fresh} again` } })).status).toBe(410);
    expect((await api(s.url, 'POST', '/api/session', { body: { email: u.email, password: fresh } })).status).toBe(200);
    expect((await api(s.url, 'POST', '/api/session', { body: { email: u.email, password: u.password } })).status).toBe(401);
  });
});

describe('sign-in notices', () => {
  it('[AC3] a sign-in from a browser none of the sessions uses sends a notice; the same browser again does not', async () => {
    const relay = await startSmtp();
    cleanup.push(() => relay.close());
    const s = await startServer({ publicUrl: PUBLIC_URL, mail: { smtpUrl: relay.url, from: 'Claimboard <no-reply@claimboard.test>' } });
    cleanup.push(() => s.close());
    const u = await createUser(s.url, 'Nina Notice');
    const signIn = (ua: string) => api(s.url, 'POST', '/api/session', { body: { email: u.email, password: u.password }, headers: { 'user-agent': ua } });
    expect((await signIn('Browser A/1.0')).status).toBe(200);
    await waitFor(() => relay.received.length === 1, 'the first notice');
    expect((await signIn('Browser A/1.0')).status).toBe(200); // a known browser: no notice
    expect((await signIn('Browser B/2.0')).status).toBe(200);
    await waitFor(() => relay.received.length >= 2, 'the notice for the second browser');
    await s.app.mailer.idle();
    expect(relay.received).toHaveLength(2);
    expect(relay.received.map((m) => m.parsed.text?.includes('Browser B/2.0'))).toEqual([false, true]);
    expect(relay.received[0]!.parsed.text).toContain(`${PUBLIC_URL}/settings`);
  });
});
