/**
 * REST client for /api. Browsers are signed in by the HttpOnly session cookie, which
 * `fetch` sends on every same-origin request; nothing secret is kept in localStorage.
 * A bearer token can be set for scripts and Node tests (`useBearerToken`). Errors come back
 * as thrown ApiError with the server's code (and Retry-After, when the server sent one).
 */
import type { Role } from '../../../shared/protocol/roles.js';
import type { AuditEntry, BoardInfo, BoardListItem, CreatedInvite, InviteInfo, LiveAnswer, Member } from '../../../shared/protocol/rest.js';
import type { SuggestionExplanation } from '../../../shared/protocol/schemas.js';
import { offlineCopiesAllowed } from './offline-copies.js';

export type { SuggestionExplanation };
export type { AuditEntry, BoardInfo, BoardListItem, CreatedInvite, InviteInfo, LiveAnswer, Member } from '../../../shared/protocol/rest.js';

export interface User {
  id: string;
  name: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from the Retry-After header (back-off, rate limits); null without one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** A bearer token for callers without the session cookie (Node tests, scripts). */
let bearerToken: string | null = null;

export function useBearerToken(token: string | null): void {
  bearerToken = token;
}

/** Called with every 401 UNAUTHORIZED: the session ended (signed out elsewhere, expired). */
let onUnauthorized: (() => void) | null = null;

export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Asks the server whether the session stands; a 401 reaches the unauthorized handler. */
export async function checkSession(): Promise<void> {
  await request('GET', '/api/me').catch(() => undefined);
}

export interface RequestOptions {
  /** Authenticate with this token instead of the cookie (the legacy claim uses it). */
  bearer?: string;
}

function authHeaders(bearer: string | null | undefined): Record<string, string> {
  const token = bearer ?? bearerToken;
  return token ? { authorization: `Bearer ${token}` } : {};
}

function retryAfter(res: Response): number | null {
  const raw = res.headers.get('retry-after');
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers = authHeaders(opts.bearer);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof err?.code === 'string' ? err.code : 'HTTP_' + res.status;
    const message = typeof err?.message === 'string' ? err.message : res.statusText || `request failed (${res.status})`;
    if (res.status === 401 && code === 'UNAUTHORIZED' && opts.bearer === undefined) onUnauthorized?.();
    throw new ApiError(res.status, code, message, retryAfter(res));
  }
  return json as T;
}

export const api = {
  /** The caller's boards; archived ones too with `includeArchived` [B2]. */
  boards: (includeArchived = false) => request<{ boards: BoardListItem[] }>('GET', includeArchived ? '/api/boards?archived=true' : '/api/boards'),
  board: (id: string) => request<{ board: BoardInfo }>('GET', `/api/boards/${encodeURIComponent(id)}`),
  createBoard: (body: { title: string; text: string; format: 'text' | 'markdown' | 'html'; source?: NewBoardSource }) =>
    request<{ board: BoardInfo }>('POST', '/api/boards', body),
};

/** The source article's details, as the new-board form sends them (empty fields left out). */
export interface NewBoardSource {
  url?: string;
  headline?: string;
  publisher?: string;
  author?: string;
  publishedAt?: string;
}

export type CsvTable = 'claims' | 'votes' | 'notes' | 'all';

/** Fetches an export as bytes (with the cookie, or the bearer token when one is set). */
export async function fetchExport(boardId: string, format: 'json' | 'claimreview' | 'csv', table?: CsvTable): Promise<Blob> {
  const query = table !== undefined ? `format=${format}&table=${table}` : `format=${format}`;
  const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/export?${query}`, {
    headers: authHeaders(null),
    credentials: 'same-origin',
  });
  if (!res.ok) throw new ApiError(res.status, 'EXPORT_FAILED', `export failed (${res.status})`);
  return res.blob();
}

// ---- offline cache of board metadata ----

const boardKey = (userId: string, boardId: string) => `claimboard.board.${userId}.${boardId}`;

/** Keeps a board's metadata for offline starts (not on a shared computer). */
export function cacheBoard(userId: string, info: BoardInfo): void {
  if (!offlineCopiesAllowed()) return;
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

export interface InviteOptions {
  role: Role;
  expiresInHours?: number;
  maxUses?: number;
}

const boardPath = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`;

/** Why a sentence was or was not suggested [SUG-EXPLAIN]; owners and editors only (others 403). */
export const explainSuggestion = (boardId: string, start: number, end: number) =>
  request<{ explanation: SuggestionExplanation }>('POST', `${boardPath(boardId)}/suggestions/explain`, { start, end });

export const members = (boardId: string) => request<{ members: Member[] }>('GET', `${boardPath(boardId)}/members`);

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
  patch: (boardId: string, body: { title?: string; archived?: boolean }) => request<{ board: BoardInfo }>('PATCH', boardPath(boardId), body),
  remove: (boardId: string) => request<void>('DELETE', boardPath(boardId)),
  duplicate: (boardId: string, title?: string) => request<{ board: BoardInfo }>('POST', `${boardPath(boardId)}/duplicate`, title === undefined ? {} : { title }),
};
