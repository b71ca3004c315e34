// Whether an invite can be accepted, and by whom [M1–M3]: one rule for the writer thread's
// acceptance (sqlite-membership-writes.mjs) and the invite preview (GET /api/invites/:token),
// so the page that shows an invite and the button that accepts it never disagree.
// Plain JavaScript, like the writer that imports it.

/**
 * The invite's standing for a caller, in this order: revoked; when the caller is known,
 * already a member (`member`: accepting again changes nothing) or created no later than their
 * latest departure from the board (`blocked`); expired; used up; when the caller is known,
 * addressed to another account (`wrong_account`); else `open`. A departed member hears
 * `blocked` before `used_up`: the single-use link they joined with is both, and "you were
 * removed" is what they need to know. A dead invite says so before it says whom it was for.
 *
 * @param {{ revokedAt: number | null, expiresAt: number | null, maxUses: number | null, uses: number, email: string | null, createdAt: number }} invite
 * @param {number} now epoch ms
 * @param {{ email: string | null, member: boolean, departure: { at: number } | null } | null} caller
 * @returns {'open' | 'expired' | 'revoked' | 'used_up' | 'blocked' | 'wrong_account' | 'member'}
 */
export function inviteStanding(invite, now, caller) {
  if (invite.revokedAt !== null) return 'revoked';
  if (caller?.member) return 'member';
  if (caller?.departure && invite.createdAt <= caller.departure.at) return 'blocked';
  if (invite.expiresAt !== null && invite.expiresAt <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  if (caller && invite.email !== null && (caller.email ?? '').toLowerCase() !== invite.email) return 'wrong_account';
  return 'open';
}
