/** Types of invite-standing.mjs (plain JavaScript, shared with the writer thread). */
export type InviteStanding = 'open' | 'expired' | 'revoked' | 'used_up' | 'blocked' | 'wrong_account' | 'member';

export function inviteStanding(
  invite: { revokedAt: number | null; expiresAt: number | null; maxUses: number | null; uses: number; email: string | null; createdAt: number },
  now: number,
  caller: { email: string | null; member: boolean; departure: { at: number } | null } | null,
): InviteStanding;
