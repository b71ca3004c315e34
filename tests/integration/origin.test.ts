/** [T9] Cross-origin websocket upgrades are refused on both transports; allowed ones work. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { createBoard, createUser, startServer, type TestServer, type TestUser } from '../helpers/server.js';
import { upgradeStatus } from '../helpers/raw.js';
import { wireParser } from '../../shared/protocol/wire.js';

let srv: TestServer;
let user: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer({ allowedOrigins: ['https://newsroom.example'] });
  user = await createUser(srv.url, 'Olga');
  boardId = (await createBoard(srv.url, user)).id;
});
afterAll(() => srv.close());

/** Tries a Socket.IO websocket connection with the given Origin header. */
function socketIoWith(origin: string | undefined, token: string): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const s = io(srv.url, {
      parser: wireParser,
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: origin ? { origin } : {},
    });
    s.once('connect', () => {
      s.close();
      resolve('connected');
    });
    s.once('connect_error', (e) => {
      s.close();
      resolve(e.message);
    });
  });
}

describe('Origin checks on websocket upgrades', () => {
  const ws = () => `${srv.url.replace(/^http/, 'ws')}/yjs/${boardDocKey(boardId)}?token=${user.token}`;

  it('[T9] y-websocket: foreign Origin refused (with and without a token); same-origin and allowed ones work', async () => {
    expect(await upgradeStatus(ws(), { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(ws().replace(/\?token=.*/, ''), { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(ws(), { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(ws(), { origin: srv.url })).toBe(101);
    expect(await upgradeStatus(ws(), { origin: 'https://newsroom.example' })).toBe(101);
    expect(await upgradeStatus(ws())).toBe(101); // not a browser: no Origin
  });

  it('[T9] Socket.IO: foreign Origin refused (with and without a token); same-origin and allowed ones work', async () => {
    expect(await socketIoWith('https://evil.example', user.token)).not.toBe('connected');
    expect(await socketIoWith('https://evil.example', '')).not.toBe('connected');
    expect(await socketIoWith(srv.url, user.token)).toBe('connected');
    expect(await socketIoWith('https://newsroom.example', user.token)).toBe('connected');
    expect(await socketIoWith(undefined, user.token)).toBe('connected');
  });
});
