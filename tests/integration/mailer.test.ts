/** Issue 13: the Mailer against a real SMTP server (smtp-server): delivery, retries, bounds, shutdown, logs. */
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer, type Mailer, type MailerOptions } from '../../server/mail/mailer.js';
import { waitFor } from '../helpers/server.js';
import { capturedLogger, refusedSmtpUrl, silentSmtp, startSmtp, type TestSmtp } from '../helpers/smtp.js';

const FROM = 'Claimboard <no-reply@claimboard.test>';
const SECRET_LINK = 'https://claimboard.test/reset/very-secret-token';
const msg = (over: Partial<Parameters<Mailer['send']>[0]> = {}) => ({
  to: 'olivia@example.org',
  subject: 'Reset your Claimboard password',
  text: `Open ${SECRET_LINK}\n`,
  html: `<p><a href="${SECRET_LINK}">Open</a></p>`,
  ...over,
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(answer?: (n: number) => number | null, opts: MailerOptions = {}) {
  const smtp = await startSmtp(answer);
  const log = capturedLogger();
  const mailer = createMailer(smtp.url, log.logger, FROM, opts);
  cleanup.push(() => smtp.close(), () => mailer.close());
  return { smtp, log, mailer };
}

/** No log line carries the message's subject, body, link or recipient's local part. */
function expectNothingSecretIn(lines: string[]) {
  const all = lines.join('\n');
  for (const s of ['very-secret-token', SECRET_LINK, 'Reset your Claimboard password', 'olivia@', 'Open ']) expect(all).not.toContain(s);
}

describe('Mailer', () => {
  it('without an SMTP URL it is disabled and sends nothing', async () => {
    const log = capturedLogger();
    const mailer = createMailer(undefined, log.logger);
    expect(mailer.enabled).toBe(false);
    await expect(mailer.send(msg())).resolves.toBeUndefined();
    await mailer.idle();
    await mailer.close();
    expect(log.lines).toEqual([]);
  });

  it('delivers text and HTML from MAIL_FROM to the one recipient, marked auto-generated', async () => {
    const { smtp, mailer, log } = await setup();
    expect(mailer.enabled).toBe(true);
    await mailer.send(msg());
    await waitFor(() => smtp.received.length === 1, 'the mail');
    const m = smtp.received[0]!;
    expect(m.envelope).toEqual({ from: 'no-reply@claimboard.test', to: ['olivia@example.org'] });
    expect(m.parsed.from?.value).toEqual([{ name: 'Claimboard', address: 'no-reply@claimboard.test' }]);
    expect(m.parsed.subject).toBe('Reset your Claimboard password');
    expect(m.parsed.text).toContain(SECRET_LINK);
    expect(m.parsed.html).toContain(`href="${SECRET_LINK}"`);
    expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    await mailer.idle();
    expect(log.entries().some((e) => e.msg === 'e-mail sent' && e.toDomain === 'example.org')).toBe(true);
    expectNothingSecretIn(log.lines);
  });

  it('a subject with line breaks stays one header; a recipient that is not one plain address is refused and logged', async () => {
    const { smtp, mailer, log } = await setup();
    await mailer.send(msg({ subject: 'Hello\r\nBcc: victim@evil.test\r\nReply-To: eve@evil.test' }));
    await mailer.send(msg({ to: 'olivia@example.org\r\nBcc: victim@evil.test' }));
    await mailer.send(msg({ to: 'olivia@example.org, victim@evil.test' }));
    await mailer.idle();
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    expect(m.envelope.to).toEqual(['olivia@example.org']);
    expect(m.parsed.subject).toBe('Hello Bcc: victim@evil.test Reply-To: eve@evil.test');
    expect(m.parsed.headers.has('bcc')).toBe(false);
    expect(m.parsed.headers.has('reply-to')).toBe(false);
    expect(m.raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/^(Bcc|Reply-To):/im);
    const refused = log.entries().filter((e) => e.msg === 'e-mail refused: not queued');
    expect(refused).toHaveLength(2);
    expect(log.lines.join('\n')).not.toContain('victim@');
  });

  it('a temporary failure (451) is tried again and delivered once', async () => {
    const { smtp, mailer, log } = await setup((n) => (n === 1 ? 451 : null), { retryDelaysMs: [20] });
    await mailer.send(msg());
    await waitFor(() => smtp.received.length === 1, 'the retried mail');
    await mailer.idle();
    expect(smtp.attempts).toBe(2);
    const warn = log.entries().filter((e) => e.msg === 'e-mail delivery failed: will try again');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.error).toMatchObject({ responseCode: 451 });
    expectNothingSecretIn(log.lines);
  });

  it('a final refusal (550) is not tried again', async () => {
    const { smtp, mailer, log } = await setup(() => 550, { retryDelaysMs: [10, 10] });
    await mailer.send(msg());
    await waitFor(() => log.entries().some((e) => e.msg === 'e-mail not delivered: giving up'), 'giving up');
    await mailer.idle();
    expect(smtp.attempts).toBe(1);
    expect(log.entries().find((e) => e.msg === 'e-mail not delivered: giving up')!.error).toMatchObject({ responseCode: 550 });
  });

  it('a relay that is down: every attempt fails, each is logged, then it gives up; no secret in the logs', async () => {
    const log = capturedLogger();
    // The URL's password must not show up in a log line either.
    const url = (await refusedSmtpUrl()).replace('smtp://', 'smtp://user:hunter2@');
    const mailer = createMailer(url, log.logger, FROM, { retryDelaysMs: [10, 20] });
    cleanup.push(() => mailer.close());
    await mailer.send(msg());
    await waitFor(() => log.entries().some((e) => e.msg === 'e-mail not delivered: giving up'), 'giving up');
    const entries = log.entries().filter((e) => e.component === 'mail');
    expect(entries.map((e) => [e.msg, e.attempt])).toEqual([
      ['e-mail delivery failed: will try again', 1],
      ['e-mail delivery failed: will try again', 2],
      ['e-mail not delivered: giving up', 3],
    ]);
    expect(entries[2]!.error.code).toMatch(/^E[A-Z]+$/);
    expectNothingSecretIn(log.lines);
    expect(log.lines.join('\n')).not.toContain('hunter2');
  });

  it('the queue is bounded: past maxQueue a send is dropped and logged; close() gives up after drainMs and says how many were lost', async () => {
    const relay = await silentSmtp();
    cleanup.push(() => relay.close());
    const log = capturedLogger();
    const mailer = createMailer(relay.url, log.logger, FROM, { maxQueue: 3, concurrency: 1, drainMs: 100, greetingTimeoutMs: 60_000 });
    for (let i = 0; i < 5; i++) await mailer.send(msg());
    expect(log.entries().filter((e) => e.msg === 'e-mail dropped: the queue is full')).toHaveLength(2);
    await waitFor(() => relay.connections === 1, 'the first delivery to hang on the silent relay');
    await mailer.close();
    expect(log.entries().find((e) => e.msg === 'e-mail not sent at shutdown')).toMatchObject({ lost: 3 });
    // After close, sends are dropped (logged), never queued.
    await mailer.send(msg());
    expect(log.entries().filter((e) => e.msg === 'e-mail dropped: shutting down')).toHaveLength(1);
  });

  it('close() sends what is queued, and what waits for a retry is tried at once', async () => {
    const { smtp, mailer, log } = await setup((n) => (n === 1 ? 451 : null), { retryDelaysMs: [60_000], concurrency: 1 });
    await mailer.send(msg({ subject: 'first' }));
    await waitFor(() => log.entries().some((e) => e.msg === 'e-mail delivery failed: will try again'), 'the first attempt to fail');
    await mailer.send(msg({ subject: 'second' }));
    await mailer.send(msg({ subject: 'third' }));
    const started = Date.now();
    await mailer.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(smtp.received.map((m) => m.parsed.subject).sort()).toEqual(['first', 'second', 'third']);
  });
});
