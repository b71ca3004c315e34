/**
 * How the benchmarks talk to a Claimboard server running in another process: its REST API,
 * and Socket.IO connections opened the way the app's own client opens them, driven by the
 * real BoardConnection. (tests/helpers/server.ts does the same for in-process test servers;
 * it imports the server, which a load generator should not load.)
 */
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { BoardConnection, type ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import { wireParser } from '../../shared/protocol/wire.js';

export interface BenchUser {
  id: string;
  name: string;
  token: string;
}

/** One REST call; a non-2xx answer throws with the route and the body's start. */
export async function api<T = unknown>(
  base: string,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + route, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

let userSeq = 0;

/** A real account (a unique e-mail from the name, a random password); `token` is its sign-up token. */
export async function createUser(base: string, name: string): Promise<BenchUser> {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'user';
  const email = `${local}.${++userSeq}.${randomBytes(3).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(18).toString('base64url')}`;
  const r = await api<{ user: { id: string; name: string }; token: string }>(base, 'POST', '/api/users', { body: { name, email, password } });
  return { id: r.user.id, name: r.user.name, token: r.token };
}

/** Creates a board (the article is imported and its suggested claims written by the server). */
export async function createBoard(base: string, owner: BenchUser, title: string, text: string): Promise<string> {
  const r = await api<{ board: { id: string } }>(base, 'POST', '/api/boards', { token: owner.token, body: { title, text } });
  return r.board.id;
}

/** `count` new users who joined the board as reviewers through one invite, made `width` at a time. */
export async function addReviewers(base: string, owner: BenchUser, boardId: string, count: number, width = 8, namePrefix = 'Reviewer'): Promise<BenchUser[]> {
  const { invite } = await api<{ invite: { token: string } }>(base, 'POST', `/api/boards/${boardId}/invites`, {
    token: owner.token,
    body: { role: 'reviewer', maxUses: Math.max(1, count) },
  });
  const users: BenchUser[] = new Array(count);
  await pool(
    Array.from({ length: count }, (_, i) => i),
    width,
    async (i) => {
      const u = await createUser(base, `${namePrefix} ${String(i + 1).padStart(3, '0')}`);
      await api(base, 'POST', `/api/invites/${invite.token}/accept`, { token: u.token });
      users[i] = u;
    },
  );
  return users;
}

/** Runs `fn` over `items`, at most `width` at a time. */
export async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export async function until(fn: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Socket.IO connection as the app's client opens it (websocket only, no reconnection). */
export function claimboardSocket(base: string, token: string): ClientSocket {
  return io(base, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false }) as ClientSocket;
}

export interface OpenDoc {
  doc: Y.Doc;
  /** Resolves once every local change is stored (BoardConnection.whenSaved), or throws. */
  saved(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** One Socket.IO connection with the real BoardConnection holding one doc, synced. */
export async function openDoc(base: string, token: string, boardId: string, key: string): Promise<OpenDoc> {
  const socket = claimboardSocket(base, token);
  const errors: string[] = [];
  const conn = new BoardConnection(socket, boardId, { onError: (e) => errors.push(`${e.code}: ${e.message}`) });
  conn.awareness.setLocalState(null);
  socket.on('connect_error', (e) => errors.push(`connect_error: ${e.message}`));
  const doc = new Y.Doc();
  conn.attach(key, doc);
  const close = () => {
    conn.destroy();
    socket.close();
  };
  try {
    await until(() => conn.synced || errors.length > 0, `sync of ${key}`);
  } catch (err) {
    close();
    throw err;
  }
  if (errors.length) {
    close();
    throw new Error(errors.join('; '));
  }
  return {
    doc,
    async saved(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          conn.whenSaved(),
          new Promise((_, rej) => {
            timer = setTimeout(() => rej(new Error(`not saved: ${key} ${errors.join('; ')}`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      if (errors.length) throw new Error(errors.join('; '));
    },
    close,
  };
}
