/** Plain-language messages for the accounts routes' refusals, and the avatar palette. */
import { ApiError } from './api.js';

/** "45 seconds", "1 minute", "15 minutes": a back-off wait, rounded up. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.ceil(s / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

function sentence(message: string): string {
  const t = message.trim();
  if (!t) return 'Something went wrong.';
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** What to tell the user about a failed accounts request. */
export function accountErrorMessage(e: unknown): string {
  if (!(e instanceof ApiError)) {
    return e instanceof TypeError ? 'Cannot reach the server. Check your connection and try again.' : sentence(e instanceof Error ? e.message : String(e));
  }
  switch (e.code) {
    case 'INVALID_CREDENTIALS':
      return 'E-mail or password is wrong.';
    case 'TOO_MANY_ATTEMPTS':
      return `Too many attempts. Wait ${e.retryAfterSeconds !== null ? formatWait(e.retryAfterSeconds) : 'a few minutes'} before trying again.`;
    case 'EMAIL_TAKEN':
      return 'An account with this e-mail address already exists. Sign in instead, or reset its password.';
    case 'SIGNUP_CLOSED':
      // The server says which: closed, or by invitation only.
      return sentence(e.message || 'this server does not accept new accounts');
    case 'RATE_LIMITED':
      return 'Too many requests. Wait a moment and try again.';
    default:
      return sentence(e.message);
  }
}

/**
 * Avatar colours a user may pick: each keeps white initials at WCAG AA contrast. The same
 * colours, with the same names, as the palette the members list names namesakes' colours
 * by (shared/people/display-names.ts on the members branch): a chosen colour is then called
 * what it looks like. When both are merged this list should import that one.
 */
export const AVATAR_COLORS: ReadonlyArray<{ value: string; name: string }> = [
  { value: '#0b6e69', name: 'Teal' },
  { value: '#1d4ed8', name: 'Blue' },
  { value: '#4338ca', name: 'Indigo' },
  { value: '#7e22ce', name: 'Purple' },
  { value: '#86198f', name: 'Plum' },
  { value: '#b91c1c', name: 'Red' },
  { value: '#9a3412', name: 'Rust' },
  { value: '#78350f', name: 'Brown' },
  { value: '#4d5a12', name: 'Olive' },
  { value: '#166534', name: 'Green' },
  { value: '#1e3a8a', name: 'Navy' },
  { value: '#334155', name: 'Slate' },
  { value: '#9d174d', name: 'Wine' },
  { value: '#0e7490', name: 'Cyan' },
];
