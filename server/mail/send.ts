/**
 * The sends the server's features call: a template filled in and handed to the mailer's
 * queue. Each returns at once (see Mailer.send) and does nothing when mail is disabled, so
 * callers need no `if`; they still check `mailer.enabled` where the answer tells the user
 * whether an e-mail went out.
 */
import type { Mailer } from './mailer.js';
import { inviteMail, passwordResetMail, signInNoticeMail, type InviteMailArgs, type PasswordResetMailArgs, type SignInNoticeMailArgs } from './templates.js';

/**
 * Invitation e-mails one user may have sent: a burst of this many, then this many an hour.
 * Enough to invite a newsroom desk at once; it keeps an open sign-up from turning the
 * operator's relay into a spam cannon (the REST rate limit alone would allow thousands).
 */
export const INVITE_MAILS_BURST = 30;
export const INVITE_MAILS_PER_HOUR = 30;

export function sendInviteMail(mailer: Mailer, a: InviteMailArgs & { to: string }): Promise<void> {
  if (!mailer.enabled) return Promise.resolve();
  return mailer.send({ to: a.to, ...inviteMail(a) });
}

export function sendPasswordResetMail(mailer: Mailer, a: PasswordResetMailArgs & { to: string }): Promise<void> {
  if (!mailer.enabled) return Promise.resolve();
  return mailer.send({ to: a.to, ...passwordResetMail(a) });
}

export function sendSignInNotice(mailer: Mailer, a: SignInNoticeMailArgs & { to: string }): Promise<void> {
  if (!mailer.enabled) return Promise.resolve();
  return mailer.send({ to: a.to, ...signInNoticeMail(a) });
}
