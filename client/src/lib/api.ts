/**
 * REST client for /api. The bearer token lives in localStorage so a reload (or an offline
 * start) keeps the user signed in. Errors come back as thrown ApiError with the server's code.
 */
import type { LiveState } from '../../../shared/model/live.js';
import type { Role } from '../../../shared/protocol/roles.js';
import type { SuggestionExplanation } from '../../../shared/protocol/schemas.js';

export type { SuggestionExplanation };

const TOKEN_KEY = 'claimboard.token';
const USER_KEY = 'claimboard.user';

export interface User {
  id: string;
  name: string;
}

export interface BoardInfo {
  id: string;
  title: string;
  role: Role;
  docs: string[];
  writable: string[];
  createdAt?: number;
  /** Read-only until an owner unarchives it [B1]. */
  archived?: boolean;
  /** Former members' votes count toward consensus [M4] (default false). */
  countFormerMembers?: boolean;
}

export interface BoardListItem {
  id: string;
  title: string;
  role: Role;
  createdAt?: number;
  archived?: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function storedUser(): User | null {
  const raw = localStorage.getItem(USER_KEY);
  if (!raw) return null;
  try {
    const u = JSON.parse(raw) as User;
    return typeof u.id === 'string' && typeof u.name === 'string' ? u : null;
  } catch {
    return null;
  }
}

export function storeSession(user: User, token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(USER_KEY, JSON.stringify(user));
}

export function clearSession(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(USER_KEY);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
  }
  return json as T;
}

export const api = {
  signUp: (name: string) => request<{ user: User; token: string }>('POST', '/api/users', { name }),
  me: () => request<{ user: User }>('GET', '/api/me'),
  /** The caller's boards; archived ones too with `includeArchived` [B2]. */
  boards: (includeArchived = false) => request<{ boards: BoardListItem[] }>('GET', includeArchived ? '/api/boards?archived=true' : '/api/boards'),
  board: (id: string) => request<{ board: BoardInfo }>('GET', `/api/boards/${encodeURIComponent(id)}`),
  createBoard: (body: { title: string; text: string; format: 'text' | 'markdown' | 'html'; source?: NewBoardSource }) =>
    request<{ board: BoardInfo }>('POST', '/api/boards', body),
  acceptInvite: (token: string) =>
    request<{ boardId: string; role: Role }>('POST', `/api/invites/${encodeURIComponent(token)}/accept`),
  /** What an invite link is for, and whether it can be used (by this user, when signed in) [M1–M3]. */
  invitePreview: (token: string) => request<{ invite: InvitePreview }>('GET', `/api/invites/${encodeURIComponent(token)}`),
};

/** The standing of an invite for whoever asks (see PROTOCOL M3). */
export type InviteState = 'open' | 'expired' | 'revoked' | 'used_up' | 'blocked' | 'wrong_account' | 'member';

export interface InvitePreview {
  board: { id: string; title: string };
  inviter: { name: string | null };
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  /** Null: any number of people may use it. */
  maxUses: number | null;
  uses: number;
  /** The address it is for, masked ("r***@example.com"), or null. */
  email: string | null;
  state: InviteState;
  /** What the state means, in a sentence; null when the invite is open. */
  message: string | null;
}

/** The source article's details, as the new-board form sends them (empty fields left out). */
export interface NewBoardSource {
  url?: string;
  headline?: string;
  publisher?: string;
  author?: string;
  publishedAt?: string;
}

export type CsvTable = 'claims' | 'votes' | 'notes' | 'all';

/** Fetches an export as bytes with the bearer token (a plain link cannot carry it). */
export async function fetchExport(boardId: string, format: 'json' | 'claimreview' | 'csv', table?: CsvTable): Promise<Blob> {
  const token = storedToken();
  const query = table !== undefined ? `format=${format}&table=${table}` : `format=${format}`;
  const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/export?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new ApiError(res.status, 'EXPORT_FAILED', `export failed (${res.status})`);
  return res.blob();
}

// ---- offline cache of board metadata ----

const boardKey = (userId: string, boardId: string) => `claimboard.board.${userId}.${boardId}`;

export function cacheBoard(userId: string, info: BoardInfo): void {
  localStorage.setItem(boardKey(userId, info.id), JSON.stringify(info));
}

/** Drops the cached metadata of a board this user no longer belongs to. */
export function forgetBoard(userId: string, boardId: string): void {
  localStorage.removeItem(boardKey(userId, boardId));
}

export function cachedBoard(userId: string, boardId: string): BoardInfo | null {
  const raw = localStorage.getItem(boardKey(userId, boardId));
  if (!raw) return null;
  try {
    return JSON.parse(raw) as BoardInfo;
  } catch {
    return null;
  }
}

export interface Member {
  userId: string;
  name: string;
  /** The name with a disambiguator when another person on the board has the same one [M5]. */
  displayName: string;
  /** `#rrggbb`, readable with white text; namesakes' differ. */
  avatarColor: string;
  /** In full for owners and editors, the local part ("olivia.o@") for others; null without one. */
  email: string | null;
  role: Role;
  /** Epoch ms. */
  joinedAt: number;
  /** Epoch ms of the last time they opened or left the board live; null if never. */
  lastSeenAt: number | null;
}

/** Someone who left or was removed from the board [M4]: their votes stay, marked. */
export interface FormerMember {
  userId: string;
  name: string;
  displayName: string;
  avatarColor: string;
  email: string | null;
  /** The role they had (null when not recorded). */
  role: Role | null;
  /** Epoch ms. */
  departedAt: number;
  /** True: removed by someone else; false: they left. */
  removed: boolean;
}

export interface MembersAnswer {
  members: Member[];
  formerMembers: FormerMember[];
  countFormerMembers: boolean;
}

/** An invite as listed (the token is never listed: only its hash is stored). Times are ISO. */
export interface InviteInfo {
  id: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  /** Null: any number of people may use it (chosen by its maker). */
  maxUses: number | null;
  uses: number;
  /** The only account that may accept it, if it is addressed. */
  email: string | null;
  revokedAt: string | null;
}

/** A freshly created invite: the only moment its token is known. */
export interface CreatedInvite extends InviteInfo {
  token: string;
  url: string;
}

export interface AuditEntry {
  /** ISO time. */
  at: string;
  /** User id of whoever did it. */
  actor: string;
  action: string;
  detail: unknown;
}

export interface InviteOptions {
  role: Role;
  /** Default 72. */
  expiresInHours?: number;
  /** Default 1; null: any number of people. */
  maxUses?: number | null;
  email?: string;
}

const boardPath = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`;

/** Why a sentence was or was not suggested [SUG-EXPLAIN]; owners and editors only (others 403). */
export const explainSuggestion = (boardId: string, start: number, end: number) =>
  request<{ explanation: SuggestionExplanation }>('POST', `${boardPath(boardId)}/suggestions/explain`, { start, end });

export const members = (boardId: string) => request<MembersAnswer>('GET', `${boardPath(boardId)}/members`);

/** Owner and editor administration of a board's members, invites and audit log. */
export const boardAdmin = {
  members,
  invites: (boardId: string) => request<{ invites: InviteInfo[] }>('GET', `${boardPath(boardId)}/invites`),
  createInvite: (boardId: string, body: InviteOptions) =>
    request<{ invite: CreatedInvite }>('POST', `${boardPath(boardId)}/invites`, body),
  revokeInvite: (boardId: string, inviteId: string) =>
    request<void>('DELETE', `${boardPath(boardId)}/invites/${encodeURIComponent(inviteId)}`),
  setRole: (boardId: string, userId: string, role: Role) =>
    request<{ member: { userId: string; role: Role } }>('PATCH', `${boardPath(boardId)}/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (boardId: string, userId: string) =>
    request<void>('DELETE', `${boardPath(boardId)}/members/${encodeURIComponent(userId)}`),
  audit: (boardId: string) => request<{ audit: AuditEntry[] }>('GET', `${boardPath(boardId)}/audit`),
};

// ---- live review ----

/** The server's answer to every live-review action; the live doc carries the change itself. */
export interface LiveAnswer {
  live: LiveState;
  /** Server epoch ms when the answer was made. */
  now: number;
}

/**
 * The live-review routes. Each call is only the acknowledgement: the new state reaches
 * every client (this one included) through the board's live document.
 */
export const liveApi = {
  /** Server epoch ms (no auth), for the clock-offset estimate. */
  time: () => request<{ now: number }>('GET', '/api/time'),
  state: (boardId: string) => request<LiveAnswer>('GET', `${boardPath(boardId)}/live`),
  start: (boardId: string, agenda?: string[]) =>
    request<LiveAnswer>('POST', `${boardPath(boardId)}/live`, agenda ? { agenda } : {}),
  update: (boardId: string, change: { focus?: string | null; facilitatorId?: string; agenda?: string[] }) =>
    request<LiveAnswer>('PATCH', `${boardPath(boardId)}/live`, change),
  openRound: (boardId: string, claimId: string) => request<LiveAnswer>('POST', `${boardPath(boardId)}/live/rounds`, { claimId }),
  reveal: (boardId: string, claimId: string) =>
    request<LiveAnswer>('POST', `${boardPath(boardId)}/live/rounds/${encodeURIComponent(claimId)}/reveal`),
  startTimer: (boardId: string, claimId: string, seconds: number) =>
    request<LiveAnswer>('PUT', `${boardPath(boardId)}/live/timer`, { claimId, seconds }),
  stopTimer: (boardId: string) => request<LiveAnswer>('DELETE', `${boardPath(boardId)}/live/timer`),
  end: (boardId: string) => request<LiveAnswer>('POST', `${boardPath(boardId)}/live/end`),
  /** The end-of-review summary; its shape is read defensively (see live-summary.ts). */
  summary: (boardId: string) => request<{ summary: unknown; now: number }>('GET', `${boardPath(boardId)}/live/summary`),
};

/** A board's lifecycle [B1, B3–B5]: rename, archive or unarchive, delete, duplicate. */
export const boardLifecycleApi = {
  patch: (boardId: string, body: { title?: string; archived?: boolean; countFormerMembers?: boolean }) =>
    request<{ board: BoardInfo }>('PATCH', boardPath(boardId), body),
  remove: (boardId: string) => request<void>('DELETE', boardPath(boardId)),
  duplicate: (boardId: string, title?: string) => request<{ board: BoardInfo }>('POST', `${boardPath(boardId)}/duplicate`, title === undefined ? {} : { title }),
};
