/**
 * Test servers: the real app on port 0 with a real SQLite file in a temp dir, and the
 * real clients (Socket.IO through BoardConnection, stock y-websocket providers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { randomBytes } from 'node:crypto';
import { createApp, type App, type AppDeps } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { BoardConnection, type ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import { createLogger } from '../../server/logger.js';
import { wireParser } from '../../shared/protocol/wire.js';

export interface TestServer {
  app: App;
  port: number;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'claimboard-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Password hashes at the lowest cost (2^10) in tests: accounts are made by the hundred. */
export const TEST_PASSWORD_HASH_COST = 10;

/** `deps` replaces the app's own side effects (a logger the test reads, a mailer with short retries). */
export async function startServer(overrides: Partial<Config> = {}, dataDir = tempDir(), deps: AppDeps = {}): Promise<TestServer> {
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    passwordHashCost: TEST_PASSWORD_HASH_COST,
    // Suites open many connections from one address; the limits have their own suite.
    limits: { framesPerSec: 100_000, framesBurst: 100_000, connectionsPerIpPerSec: 10_000, connectionsPerIpBurst: 10_000, floodCooldownMs: 0, restPerIpPerSec: 10_000, restPerIpBurst: 10_000 },
    ...overrides,
  };
  const app = createApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...deps });
  const port = await app.listen();
  return { app, port, url: `http://127.0.0.1:${port}`, dataDir, close: () => app.close() };
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

/** JSON request helper; `token` adds the bearer header. */
export async function api<T = any>(
  base: string,
  method: string,
  route: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + route, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

export interface TestUser {
  id: string;
  name: string;
  /** The personal access token answered by sign-up (a bearer token). */
  token: string;
  email: string;
  password: string;
}

let userSeq = 0;

/** A unique e-mail for a display name: its letters, a counter and a random tail. */
export function emailFor(name: string): string {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'user';
  return `${local}.${++userSeq}.${randomBytes(3).toString('hex')}@example.test`;
}

/** A password no list knows: 18 random bytes. */
export const strongPassword = (): string => `pw-${randomBytes(18).toString('base64url')}`;

/** A real account (e-mail and password) through POST /api/users; `token` is its sign-up token. */
export async function createUser(base: string, name: string): Promise<TestUser> {
  const email = emailFor(name);
  const password = strongPassword();
  const r = await api(base, 'POST', '/api/users', { body: { name, email, password } });
  if (r.status !== 201) throw new Error(`createUser: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.user.id, name: r.body.user.name, token: r.body.token, email, password };
}

/** Signs in with e-mail and password; the `cb_session` cookie as a Cookie header value. */
export async function signIn(base: string, email: string, password: string, opts: { sharedComputer?: boolean; headers?: Record<string, string> } = {}): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ email, password, ...(opts.sharedComputer ? { sharedComputer: true } : {}) }),
  });
  if (res.status !== 200) throw new Error(`signIn: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cb_session='));
  if (!cookie) throw new Error('signIn: no session cookie');
  return cookie.split(';')[0]!;
}

export async function createBoard(base: string, owner: TestUser, text = 'The city spent $4.2 million on roads in 2023, the mayor said.'): Promise<{ id: string; docs: string[] }> {
  const r = await api(base, 'POST', '/api/boards', { token: owner.token, body: { title: 'Test board', text } });
  if (r.status !== 201) throw new Error(`createBoard: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.board;
}

/** Invites a user with a role and has them accept. */
export async function addMember(base: string, owner: TestUser, boardId: string, user: TestUser, role: string): Promise<void> {
  const inv = await api(base, 'POST', `/api/boards/${boardId}/invites`, { token: owner.token, body: { role } });
  if (inv.status !== 201) throw new Error(`invite: ${inv.status} ${JSON.stringify(inv.body)}`);
  const acc = await api(base, 'POST', `/api/invites/${inv.body.invite.token}/accept`, { token: user.token });
  if (acc.status !== 200) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`);
}

export function connectSocket(base: string, token: string, extra: Record<string, unknown> = {}): ClientSocket {
  return io(base, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, ...extra }) as ClientSocket;
}

/** A Socket.IO client with a BoardConnection holding the given docs. */
export function socketClient(base: string, token: string, boardId: string, docKeys: string[], extra: Record<string, unknown> = {}) {
  const socket = connectSocket(base, token, extra);
  const errors: Array<{ code: string; message: string; docKey?: string }> = [];
  const conn = new BoardConnection(socket, boardId, { onError: (e) => errors.push(e) });
  socket.on('connect_error', (e) => errors.push({ code: 'CONNECT_ERROR', message: e.message }));
  const docs = new Map<string, Y.Doc>();
  for (const k of docKeys) {
    const d = new Y.Doc();
    docs.set(k, d);
    conn.attach(k, d);
  }
  return { socket, conn, docs, errors, close: () => { conn.destroy(); socket.close(); } };
}

/** A stock y-websocket provider in Node. */
export function wsProvider(base: string, token: string, docKey: string, doc = new Y.Doc(), opts: Record<string, unknown> = {}) {
  const provider = new WebsocketProvider(base.replace(/^http/, 'ws') + '/yjs', docKey, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    ...opts,
  });
  return { provider, doc, close: () => provider.destroy() };
}

/** Polls until `fn` is true (or throws with `what`). */
export async function waitFor(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The server's current state of a doc, as an update. */
export function serverState(app: App, docKey: string): Promise<Uint8Array> {
  return app.registry.read(docKey, (d) => Y.encodeStateAsUpdate(d));
}
