/** Board roles and what each may write [A1–A4]. */
export const ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that write the board document. */
export const BOARD_WRITERS: readonly Role[] = ['owner', 'editor'];
/** Roles that vote, and so have a reviewer document of their own. */
export const VOTING_ROLES: readonly Role[] = ['owner', 'editor', 'reviewer'];

export const canWriteBoard = (role: Role): boolean => BOARD_WRITERS.includes(role);
export const isVoting = (role: Role): boolean => VOTING_ROLES.includes(role);
/** Roles that may invite and manage members. */
export const canManage = (role: Role): boolean => role === 'owner';
