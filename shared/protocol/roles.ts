/** Board roles and what each may write [A1–A4]. */
export const ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles ordered by what they may do: each may do everything the ones below it may. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, reviewer: 1, editor: 2, owner: 3 };
/** Whether `role` may do at least what `min` may (an editor invites reviewers, not owners). */
export const atLeast = (role: Role, min: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[min];

/** Roles that write the board document. */
export const BOARD_WRITERS: readonly Role[] = ['owner', 'editor'];
/** Roles that vote, and so have a reviewer document of their own. */
export const VOTING_ROLES: readonly Role[] = ['owner', 'editor', 'reviewer'];

export const canWriteBoard = (role: Role): boolean => BOARD_WRITERS.includes(role);
export const isVoting = (role: Role): boolean => VOTING_ROLES.includes(role);
/** Roles that may invite and manage members. */
export const canManage = (role: Role): boolean => role === 'owner';
