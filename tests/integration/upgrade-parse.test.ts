/**
 * [T12] Websocket upgrade requests whose target does not parse (malformed percent-encoding,
 * targets `new URL` rejects) are answered 400 on both transports, before anything else
 * runs, and the server keeps serving: a legitimate client still syncs afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { createBoard, createUser, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';
import { rawHttp, upgradeRequest } from '../helpers/raw-engine.js';

let srv: TestServer;
let owner: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga');
  boardId = (await createBoard(srv.url, owner)).id;
});
afterAll(() => srv.close());

/** Request targets that made the y-websocket upgrade handler throw (and end the process). */
const UNPARSABLE = ['/yjs/%E0%A4%A', '/yjs/board%2', '/yjs/%', '//[', '//a:b@[x', '/\\[', '//'];

describe('[T12] unparsable upgrade requests', () => {
  it('[T12] y-websocket: malformed percent-encoding and unparsable targets answer 400', async () => {
    for (const target of UNPARSABLE) {
      expect(await rawHttp(srv.port, upgradeRequest(`${target}?token=x`)), target).toMatch(/^HTTP\/1\.1 400/);
    }
    // With a (foreign) Origin too: the parse comes first.
    expect(await rawHttp(srv.port, upgradeRequest('/yjs/%E0%A4%A', { Origin: 'http://evil.example' }))).toMatch(/^HTTP\/1\.1 400/);
  });

  it('[T12] Socket.IO: malformed query strings and headers are answered, never thrown', async () => {
    const targets = ['/socket.io/?EIO=4&transport=websocket&x=%E0%A4%A', '/socket.io/%E0?EIO=4&transport=websocket', '/socket.io/?EIO=%&transport=%ZZ', '/socket.io/?transport=websocket&sid=%'];
    for (const target of targets) {
      expect(await rawHttp(srv.port, upgradeRequest(target, { Origin: '%%%' })), target).toMatch(/^HTTP\/1\.1 (101|400|403)/);
    }
  });

  it('[T12] afterwards both transports still sync', async () => {
    const key = boardDocKey(boardId);
    const a = socketClient(srv.url, owner.token, boardId, [key]);
    const b = wsProvider(srv.url, owner.token, key);
    try {
      await waitFor(() => a.conn.synced && b.provider.synced, 'both synced');
      a.docs.get(key)!.getMap('meta').set('probe', 'after the bad upgrades');
      await waitFor(() => b.doc.getMap('meta').get('probe') === 'after the bad upgrades', 'the update reaches the y-websocket peer');
    } finally {
      a.close();
      b.close();
    }
  });
});
