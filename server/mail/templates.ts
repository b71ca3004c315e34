/**
 * The e-mails Claimboard sends, each as a subject, a plain-text part and a simple HTML part.
 * Pure functions of their arguments (no clock, no config), so tests call them directly.
 *
 * What a user typed (board titles, names) and what a client sent (user agents) is made one
 * line — no line break, control or bidi-override character survives into a subject or a
 * line of text, so it cannot add a header or fake a paragraph — shortened, and escaped in
 * the HTML. Links must be http(s) URLs built by the server (a template throws on anything
 * else: that is a bug, not user input).
 */
import type { Role } from '../../shared/protocol/roles.js';
import { oneLine } from './headers.js';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface InviteMailArgs {
  boardTitle: string;
  inviterName: string;
  /** The role the invite gives. */
  role: Role;
  /** `${PUBLIC_URL}/invite/<token>`: a secret. */
  url: string;
  /** ms since epoch; null: the invite does not expire. */
  expiresAt: number | null;
}

export interface PasswordResetMailArgs {
  /** `${PUBLIC_URL}/reset/<token>`: a secret. */
  url: string;
  expiresAt: number;
}

export interface SignInNoticeMailArgs {
  /** When the sign-in happened, ms since epoch. */
  when: number;
  /** The User-Agent of the signing-in browser, as sent (null: none). */
  userAgent: string | null;
  /** The client's IP address (null: unknown). */
  address: string | null;
  /** Where the user ends sessions and changes the password, e.g. `${PUBLIC_URL}/settings`. */
  settingsUrl: string;
}

const ROLE_MEANS: Record<Role, string> = {
  owner: 'an owner (you manage the board and its members)',
  editor: 'an editor (you curate claims, give verdicts and invite others)',
  reviewer: 'a reviewer (you vote on claims and add notes)',
  viewer: 'a viewer (you read the board)',
};

/** One line, at most `max` characters (an ellipsis marks a cut). */
export function field(s: string, max: number): string {
  const t = oneLine(s);
  if (t.length <= max) return t;
  // Cut on a code point boundary, never inside a surrogate pair.
  return Array.from(t).slice(0, max - 1).join('') + '…';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function checkLink(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError('mail link is not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TypeError('mail link must be http(s)');
  return u.href;
}

const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' });

/** "10 December 2024 at 14:00 UTC": the same for every reader, whatever the server's locale. */
export function formatUtc(ms: number): string {
  return `${DATE.format(new Date(ms))} UTC`;
}

/** A short HTML document: paragraphs of already-escaped HTML, one button link, the link spelled out. */
function htmlPage(title: string, before: string[], link: { href: string; label: string }, after: string[]): string {
  const p = (h: string) => `<p style="margin:0 0 16px">${h}</p>`;
  const href = escapeHtml(link.href);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;background:#ffffff">',
    '<div style="max-width:560px">',
    ...before.map(p),
    p(`<a href="${href}" style="display:inline-block;padding:10px 18px;border-radius:6px;background:#1f5fbf;color:#ffffff;text-decoration:none;font-weight:600">${escapeHtml(link.label)}</a>`),
    p(`Or paste this link into your browser:<br><a href="${href}" style="color:#1f5fbf;word-break:break-all">${href}</a>`),
    ...after.map((h) => `<p style="margin:0 0 16px;color:#57606a;font-size:14px">${h}</p>`),
    '</div></body></html>',
  ].join('\n');
}

export function inviteMail(a: InviteMailArgs): MailContent {
  const url = checkLink(a.url);
  const inviter = field(a.inviterName, 80) || 'Someone';
  const title = field(a.boardTitle, 200) || 'Untitled board';
  const expiry = a.expiresAt === null ? 'The link does not expire.' : `The link expires on ${formatUtc(a.expiresAt)}.`;
  const ignore = 'If you did not expect this invitation, ignore this e-mail: nothing happens unless the link is opened and accepted.';
  const subject = `${field(inviter, 60)} invited you to “${field(title, 80)}” on Claimboard`;
  const text = [
    `${inviter} invited you to the board “${title}” on Claimboard as ${ROLE_MEANS[a.role]}.`,
    '',
    'Open the invitation:',
    url,
    '',
    expiry,
    ignore,
    '',
  ].join('\n');
  const html = htmlPage(
    subject,
    [`<strong>${escapeHtml(inviter)}</strong> invited you to the board <strong>“${escapeHtml(title)}”</strong> on Claimboard as ${escapeHtml(ROLE_MEANS[a.role])}.`],
    { href: url, label: 'Open the invitation' },
    [escapeHtml(expiry), escapeHtml(ignore)],
  );
  return { subject, text, html };
}

export function passwordResetMail(a: PasswordResetMailArgs): MailContent {
  const url = checkLink(a.url);
  const expiry = `The link works once and expires on ${formatUtc(a.expiresAt)}.`;
  const ignore = 'If you did not ask for this, ignore this e-mail: your password stays as it is.';
  const subject = 'Reset your Claimboard password';
  const intro = 'Someone asked to reset the password of your Claimboard account. To choose a new password, open this link:';
  const text = [intro, url, '', expiry, ignore, ''].join('\n');
  const html = htmlPage(subject, [escapeHtml(intro)], { href: url, label: 'Choose a new password' }, [escapeHtml(expiry), escapeHtml(ignore)]);
  return { subject, text, html };
}

export function signInNoticeMail(a: SignInNoticeMailArgs): MailContent {
  const settings = checkLink(a.settingsUrl);
  const device = (a.userAgent && field(a.userAgent, 200)) || 'an unknown device';
  const address = (a.address && field(a.address, 64)) || 'an unknown address';
  const subject = 'New sign-in to your Claimboard account';
  const lines = [
    'Your Claimboard account was just signed in to:',
    `When: ${formatUtc(a.when)}`,
    `Device: ${device}`,
    `Address: ${address}`,
  ];
  const ok = 'If this was you, there is nothing to do.';
  const notYou = 'If it was not, change your password and sign out everywhere in your settings:';
  const text = [...lines, '', ok, notYou, settings, ''].join('\n');
  const html = htmlPage(
    subject,
    [`${escapeHtml(lines[0]!)}<br>${lines.slice(1).map(escapeHtml).join('<br>')}`, escapeHtml(ok), escapeHtml(notYou)],
    { href: settings, label: 'Open your settings' },
    [],
  );
  return { subject, text, html };
}
