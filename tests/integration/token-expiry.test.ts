/**
 * [T13] A token that expires closes the connections opened with it, on both transports,
 * as a revocation does (TOKEN_EXPIRED; y-websocket close 4401), and opens no new one. The
 * app runs on an injected clock, so no test waits for real time to pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { createBoard, createUser, socketClient, tempDir, waitFor, wsProvider, type TestUser } from '../helpers/server.js';
import { rawSocket, upgradeStatus } from '../helpers/raw.js';

const TTL_MS = 60 * 60_000;
let clock = Date.now();
let app: App;
let url: string;
let owner: TestUser;
let boardId: string;

beforeAll(async () => {
  const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: tempDir(), logLevel: 'silent' as const, tokenTtlMs: TTL_MS };
  app = createApp(config, { logger: createLogger('silent'), now: () => clock });
  url = `http://127.0.0.1:${await app.listen()}`;
  owner = await createUser(url, 'Olga');
  boardId = (await createBoard(url, owner)).id;
});
afterAll(() => app.close());

describe('[T13] token expiry', () => {
  it('[T13] open connections on both transports close when their token expires; the token opens no new one', async () => {
    const key = boardDocKey(boardId);
    const sio = socketClient(url, owner.token, boardId, [key]);
    const errors: Array<{ code: string }> = [];
    sio.socket.on('protocol:error', (e) => errors.push(e));
    const ws = wsProvider(url, owner.token, key);
    const wsCloses: number[] = [];
    // The provider reconnects by itself; every close it sees is recorded.
    ws.provider.on('connection-close', (ev: { code: number } | null) => {
      if (ev) wsCloses.push(ev.code);
    });
    try {
      await waitFor(() => sio.conn.synced && ws.provider.synced, 'both synced');
      // Still valid a minute before expiry.
      clock += TTL_MS - 60_000;
      const probe = await rawSocket(url, owner.token);
      probe.socket.close();
      clock += 61_000;
      await waitFor(() => !sio.socket.connected, 'the Socket.IO connection closes', 10_000);
      expect(errors).toContainEqual(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
      await waitFor(() => wsCloses.includes(4401), 'the y-websocket connection closes with 4401', 10_000);
      // And the expired token opens nothing.
      await expect(rawSocket(url, owner.token)).rejects.toThrow(/UNAUTHORIZED/);
      expect(await upgradeStatus(`${url.replace(/^http/, 'ws')}/yjs/${key}?token=${owner.token}`)).toBe(401);
    } finally {
      sio.close();
      ws.close();
    }
  });
});
