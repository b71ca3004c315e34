/**
 * The accounts REST routes (README "Accounts"): sign-up, sign-in sessions, the signed-in
 * user's profile, password, sessions and personal access tokens, password reset, the claim
 * of a name-only account, and invite previews. Answers from routes another part of the
 * server owns (invite previews) are read defensively: a missing field is shown as unknown,
 * never as a crash.
 */
import type { Role } from '../../../shared/protocol/roles.js';
import { request } from './api.js';

export interface Account {
  id: string;
  name: string;
  email: string | null;
  avatarColor: string | null;
  /** False for accounts that only sign in through single sign-on. */
  hasPassword: boolean;
  /** False for a name-only account from before accounts, until it is claimed. */
  claimed: boolean;
}

export interface CredentialInfo {
  id: string;
  kind: 'session' | 'pat' | 'legacy';
  sharedComputer: boolean;
}

export interface AuthConfig {
  signup: 'open' | 'invite' | 'closed';
  oidc: { enabled: boolean; label: string | null };
  /** Whether this server sends e-mail (password reset links, invitations). */
  email: boolean;
}

export interface SessionInfo {
  id: string;
  createdAt: number | string;
  lastUsedAt: number | string | null;
  expiresAt: number | string | null;
  userAgent: string | null;
  sharedComputer: boolean;
  current: boolean;
}

export interface TokenInfo {
  id: string;
  name: string;
  /** 'legacy': the token a name-only user had before accounts. */
  kind?: 'pat' | 'legacy';
  createdAt: number | string;
  expiresAt: number | string | null;
  lastUsedAt: number | string | null;
}

export interface CreatedToken {
  id: string;
  name: string;
  /** The secret: shown once, never listed again. */
  token: string;
  expiresAt: number | string | null;
}

export interface SignUp {
  name: string;
  email: string;
  password: string;
  avatarColor?: string;
  sharedComputer: boolean;
  /** An invite token, where accounts are created by invitation only. */
  invite?: string;
}

/** The invite's standing for whoever asks: the last three only for a signed-in caller
 * (removed from the board after the invite was made; not the address it is for; already in). */
export type InviteState = 'open' | 'expired' | 'revoked' | 'used_up' | 'blocked' | 'wrong_account' | 'member';

/** An invite as the preview shows it; every field may be missing from a partial answer. */
export interface InvitePreview {
  boardId: string | null;
  boardTitle: string | null;
  inviterName: string | null;
  role: Role | null;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number | null;
  /** Masked address the invite is for, when it is addressed to one. */
  email: string | null;
  /** Unknown states read as 'open': accepting is where the server decides. */
  state: InviteState;
  /** The server's sentence for a state other than open. */
  message: string | null;
}

const ROLES: readonly string[] = ['owner', 'editor', 'reviewer', 'viewer'];
const STATES: readonly string[] = ['open', 'expired', 'revoked', 'used_up', 'blocked', 'wrong_account', 'member'];

const str = (v: unknown, max = 500): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Epoch ms from a number or an ISO string; null when neither. */
export function toTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** Reads `GET /api/invites/:token`'s answer without trusting its shape. */
export function readInvitePreview(body: unknown): InvitePreview {
  const invite = (body as { invite?: unknown } | null)?.invite;
  const i = (invite && typeof invite === 'object' ? invite : {}) as Record<string, unknown>;
  const board = (i.board && typeof i.board === 'object' ? i.board : {}) as Record<string, unknown>;
  const inviter = (i.inviter && typeof i.inviter === 'object' ? i.inviter : {}) as Record<string, unknown>;
  const role = str(i.role);
  const state = str(i.state);
  return {
    boardId: str(board.id, 64),
    boardTitle: str(board.title),
    inviterName: str(inviter.name),
    role: role && ROLES.includes(role) ? (role as Role) : null,
    expiresAt: toTime(i.expiresAt),
    maxUses: num(i.maxUses),
    uses: num(i.uses),
    email: str(i.email, 320),
    state: state && STATES.includes(state) ? (state as InviteState) : 'open',
    message: str(i.message, 500),
  };
}

const mePath = '/api/me';

export const accountApi = {
  config: () => request<AuthConfig>('GET', '/api/auth/config'),
  signUp: (body: SignUp) => request<{ user: Account }>('POST', '/api/users', { ...body, session: true }),
  signIn: (email: string, password: string, sharedComputer: boolean) =>
    request<{ user: Account }>('POST', '/api/session', { email, password, sharedComputer }),
  /** Ends the session (or bearer token) the request carries; the server clears the cookie. */
  signOut: () => request<void>('DELETE', '/api/session'),
  me: (bearer?: string) => request<{ user: Account; credential: CredentialInfo }>('GET', mePath, undefined, bearer ? { bearer } : {}),
  updateProfile: (change: { name?: string; avatarColor?: string | null }) => request<{ user: Account }>('PATCH', mePath, change),
  changePassword: (current: string, password: string) => request<void>('POST', `${mePath}/password`, { current, password }),
  /** A name-only account (from before accounts) sets its e-mail and password with its old token. */
  claim: (legacyToken: string, email: string, password: string) =>
    request<{ user: Account }>('POST', `${mePath}/claim`, { email, password }, { bearer: legacyToken }),
  sessions: () => request<{ sessions: SessionInfo[] }>('GET', `${mePath}/sessions`),
  endSession: (id: string) => request<void>('DELETE', `${mePath}/sessions/${encodeURIComponent(id)}`),
  /** Ends every session of this account, this one included (tokens keep working). */
  endAllSessions: () => request<void>('DELETE', `${mePath}/sessions`),
  tokens: () => request<{ tokens: TokenInfo[] }>('GET', `${mePath}/tokens`),
  createToken: (name: string, expiresInDays: number) => request<CreatedToken>('POST', `${mePath}/tokens`, { name, expiresInDays }),
  revokeToken: (id: string) => request<void>('DELETE', `${mePath}/tokens/${encodeURIComponent(id)}`),
  requestReset: (email: string) => request<void>('POST', '/api/password-reset', { email }),
  confirmReset: (token: string, password: string) => request<void>('POST', '/api/password-reset/confirm', { token, password }),
  invite: async (token: string) => readInvitePreview(await request<unknown>('GET', `/api/invites/${encodeURIComponent(token)}`)),
  acceptInvite: (token: string) => request<{ boardId: string; role: Role }>('POST', `/api/invites/${encodeURIComponent(token)}/accept`),
};

/** The single sign-on entry, coming back to `next` (a path on this site) afterwards. */
export function oidcLoginUrl(next: string): string {
  return `/api/auth/oidc/login?next=${encodeURIComponent(next.startsWith('/') && !next.startsWith('//') ? next : '/')}`;
}
