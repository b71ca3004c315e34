/**
 * Outgoing e-mail (README "E-mail"). `createMailer` gives a nodemailer SMTP mailer when
 * SMTP_URL is set, else a disabled one whose sends do nothing: every feature that mails
 * (invites, password reset, sign-in notices) works without it, the link being shown or
 * printed instead.
 *
 * Contract of `send`: it checks the message and puts it in a bounded in-memory queue, and
 * resolves at once; it never rejects and never waits for SMTP, so no request's answer
 * depends on the relay. Delivery happens in the background, a few messages at a time, and
 * a failed one is tried again with back-off (a 5xx answer from the relay is final). What
 * is refused, dropped or finally undelivered is logged. Log lines never carry a message's
 * subject, body or links (links carry secrets: invite and reset tokens), nor the SMTP URL
 * (it may hold the relay's password): only a mail id, the recipient's domain and the error
 * code. The queue is per process and not persisted: mail still queued when the process
 * dies is lost (and logged as such by `close()`).
 */
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';
import { isPlainAddress, oneLine } from './headers.js';

export interface MailMessage {
  /** One plain address (`name@example.org`), no display name: checked before queueing. */
  to: string;
  /** One line; any line break or control character is replaced by a space. */
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** False without SMTP_URL: `send` then does nothing (GET /api/auth/config's `email`). */
  readonly enabled: boolean;
  /** Queues the message and resolves at once; never rejects (see the file comment). */
  send(msg: MailMessage): Promise<void>;
  /** Resolves when nothing is queued or being sent (tests; shutdown). */
  idle(): Promise<void>;
  /** Refuses new mail, sends what is queued (retries at once, no more back-off) for up to `drainMs`, then stops. */
  close(): Promise<void>;
}

export interface MailerOptions {
  /** Messages queued or being sent at once; past it a send is dropped and logged. */
  maxQueue?: number;
  /** Messages being sent at the same time (one SMTP connection each). */
  concurrency?: number;
  /** Waits before the second, third, … attempt; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  /** SMTP connect, greeting and idle-socket timeouts, so a stalled relay frees its slot. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** How long `close()` keeps sending what is queued before it gives up on the rest. */
  drainMs?: number;
}

export const MAIL_DEFAULTS = {
  maxQueue: 500,
  concurrency: 2,
  retryDelaysMs: [5_000, 30_000, 120_000],
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
  drainMs: 5_000,
} as const satisfies Required<MailerOptions>;

/** Largest text or HTML part accepted: our templates are a few KiB. */
export const MAX_MAIL_PART_CHARS = 64 * 1024;

const disabledMailer: Mailer = {
  enabled: false,
  send: () => Promise.resolve(),
  idle: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

export function createMailer(smtpUrl: string | undefined, logger: Logger, from = 'Claimboard <no-reply@localhost>', opts: MailerOptions = {}): Mailer {
  if (!smtpUrl) return disabledMailer;
  return new SmtpMailer(smtpUrl, logger.child({ component: 'mail' }), from, { ...MAIL_DEFAULTS, ...opts });
}

interface Job {
  id: string;
  msg: MailMessage;
  /** Attempts made so far. */
  attempts: number;
  /** Not tried again before this time (ms since epoch). */
  notBefore: number;
}

/** What an SMTP failure may say in a log line: codes, never the server's free text (it may quote the message). */
function describeError(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; name?: unknown };
  return {
    ...(typeof e.name === 'string' ? { name: e.name } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: e.command.split(' ')[0] } : {}),
  };
}

/** A relay's 5xx is a final refusal (bad recipient, policy): trying again would not help. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

class SmtpMailer implements Mailer {
  readonly enabled = true;
  readonly #transport: Transporter;
  readonly #queue: Job[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | null = null;
  #closing = false;
  #idleWaiters: Array<() => void> = [];
  #closed: Promise<void> | null = null;

  constructor(
    smtpUrl: string,
    private readonly log: Logger,
    private readonly from: string,
    private readonly o: Required<MailerOptions>,
  ) {
    this.#transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: o.connectionTimeoutMs,
      greetingTimeout: o.greetingTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
      // Messages are built from our templates alone: nothing may pull in a file or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      // nodemailer's own logging would print the SMTP dialogue, message included.
      logger: false,
      debug: false,
    });
  }

  send(msg: MailMessage): Promise<void> {
    const problem = this.#check(msg);
    const id = randomBytes(6).toString('hex');
    if (problem) {
      this.log.error({ mailId: id, problem }, 'e-mail refused: not queued');
    } else if (this.#closing) {
      this.log.warn({ mailId: id, toDomain: domainOf(msg.to) }, 'e-mail dropped: shutting down');
    } else if (this.#queue.length + this.#inFlight >= this.o.maxQueue) {
      this.log.warn({ mailId: id, toDomain: domainOf(msg.to), maxQueue: this.o.maxQueue }, 'e-mail dropped: the queue is full');
    } else {
      this.#queue.push({ id, msg: { ...msg, subject: oneLine(msg.subject) }, attempts: 0, notBefore: 0 });
      this.#pump();
    }
    return Promise.resolve();
  }

  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      this.#closing = true;
      this.#pump();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        this.idle().then(() => true),
        new Promise<false>((r) => (timer = setTimeout(() => r(false), this.o.drainMs))),
      ]);
      clearTimeout(timer);
      if (!drained) {
        const lost = this.#queue.length + this.#inFlight;
        this.#queue.length = 0;
        this.log.error({ lost }, 'e-mail not sent at shutdown');
      }
      if (this.#timer) clearTimeout(this.#timer);
      this.#transport.close();
    })());
  }

  #check(msg: MailMessage): string | null {
    if (typeof msg.to !== 'string' || !isPlainAddress(msg.to)) return 'recipient is not one plain address';
    if (typeof msg.subject !== 'string' || msg.subject.length > 998) return 'subject missing or too long';
    if (typeof msg.text !== 'string' || msg.text.length > MAX_MAIL_PART_CHARS) return 'text missing or too long';
    if (msg.html !== undefined && (typeof msg.html !== 'string' || msg.html.length > MAX_MAIL_PART_CHARS)) return 'html too long';
    return null;
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0;
  }

  /** Starts what may start now; otherwise wakes up when the next retry is due. */
  #pump(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#inFlight < this.o.concurrency) {
      const now = Date.now();
      const i = this.#queue.findIndex((j) => this.#closing || j.notBefore <= now);
      if (i < 0) break;
      const [job] = this.#queue.splice(i, 1);
      this.#inFlight++;
      void this.#deliver(job!).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
    if (this.#queue.length > 0 && this.#inFlight < this.o.concurrency) {
      const next = Math.min(...this.#queue.map((j) => j.notBefore));
      // unref: a retry waiting alone does not keep the process up; close() drains instead.
      this.#timer = setTimeout(() => this.#pump(), Math.max(0, next - Date.now()));
      this.#timer.unref();
    }
    if (this.#isIdle()) for (const w of this.#idleWaiters.splice(0)) w();
  }

  async #deliver(job: Job): Promise<void> {
    job.attempts++;
    const ctx = { mailId: job.id, toDomain: domainOf(job.msg.to), attempt: job.attempts };
    try {
      await this.#transport.sendMail({
        from: this.from,
        to: job.msg.to,
        subject: job.msg.subject,
        text: job.msg.text,
        ...(job.msg.html !== undefined ? { html: job.msg.html } : {}),
        // RFC 3834: vacation responders and the like do not answer it.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      this.log.info(ctx, 'e-mail sent');
    } catch (err) {
      const error = describeError(err);
      const final = this.#closing || isPermanent(err) || job.attempts > this.o.retryDelaysMs.length;
      if (final) {
        this.log.error({ ...ctx, error }, 'e-mail not delivered: giving up');
        return;
      }
      const base = this.o.retryDelaysMs[job.attempts - 1]!;
      // ±20 % so that mail that failed together does not all come back at once.
      job.notBefore = Date.now() + Math.round(base * (0.8 + Math.random() * 0.4));
      this.log.warn({ ...ctx, error, retryInMs: job.notBefore - Date.now() }, 'e-mail delivery failed: will try again');
      this.#queue.push(job);
    }
  }
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
