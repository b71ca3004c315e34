/**
 * What an invite's standing means in words [M1–M3], for the invite preview and the refusals of
 * `POST /api/invites/:token/accept`: one sentence per standing, so the page and the button say
 * the same thing.
 */
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { Departure, InviteStanding } from '../persistence/membership-store.js';

/** "r***@example.com": enough for the person it is addressed to to recognise it. */
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export interface StandingContext {
  /** The invite's address, if it has one. */
  email: string | null;
  /** The caller's latest departure from the board (for `blocked`). */
  departure?: Departure | null;
  userId?: string;
}

/** The sentence for a standing, or null for an open invite. */
export function standingMessage(standing: InviteStanding, ctx: StandingContext): string | null {
  switch (standing) {
    case 'open':
      return null;
    case 'member':
      return 'You are already a member of this board.';
    case 'blocked':
      return ctx.departure && ctx.userId !== undefined && ctx.departure.by === ctx.userId
        ? 'You left this board after this invite was created. Ask for a new invite.'
        : 'You were removed from this board after this invite was created. Ask for a new invite.';
    case 'wrong_account':
      return `This invite is for another account (${maskEmail(ctx.email)}). Sign in with that account to accept it, or ask for an invite to yours.`;
    case 'expired':
      return 'This invite has expired. Ask for a new invite.';
    case 'revoked':
      return 'This invite was revoked. Ask for a new invite.';
    case 'used_up':
      return 'This invite is used up. Ask for a new invite.';
  }
}

const CODES: Record<Exclude<InviteStanding, 'open' | 'member'>, ErrorCode> = {
  blocked: ErrorCode.InviteBlocked,
  wrong_account: ErrorCode.InviteWrongAccount,
  expired: ErrorCode.InviteExpired,
  revoked: ErrorCode.InviteRevoked,
  used_up: ErrorCode.InviteUsedUp,
};

/** The refusal of an acceptance: 403 for blocked and wrong account, 410 for the rest. */
export function refusal(standing: Exclude<InviteStanding, 'open' | 'member'>, ctx: StandingContext): AppError {
  return new AppError(CODES[standing], standingMessage(standing, ctx)!);
}
