/**
 * [H3–H6] HTTP hardening: links from PUBLIC_URL only, the CSP's connect-src, no source
 * maps served, and a shutdown that one unresponsive client cannot hold up.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createBoard, createUser, startServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { SqliteStore } from '../../server/persistence/sqlite-store.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A request with headers fetch() will not send (Host). */
function rawRequest(port: number, method: string, route: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: route, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('links and headers', () => {
  it('[H3] invite links use PUBLIC_URL whatever Host the request names', async () => {
    const srv = await startServer({ publicUrl: 'https://claims.example' });
    servers.push(srv);
    const owner = await createUser(srv.url, 'Owner');
    const board = await createBoard(srv.url, owner);
    const r = await rawRequest(srv.port, 'POST', `/api/boards/${board.id}/invites`, {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      authorization: `Bearer ${owner.token}`,
      'content-type': 'application/json',
    }, JSON.stringify({ role: 'reviewer' }));
    expect(r.status).toBe(201);
    const { invite } = JSON.parse(r.text);
    expect(invite.url).toBe(`https://claims.example/invite/${invite.token}`);
  });

  it('[H4] the CSP lets the page connect to its own origin only', async () => {
    const srv = await startServer();
    servers.push(srv);
    const res = await fetch(`${srv.url}/health`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    expect(connect).toBe("connect-src 'self'");
  });
});

describe('static client', () => {
  it('[H5] source maps are never served, whatever the build left in dist', async () => {
    const dist = tempDir('claimboard-dist-');
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Claimboard</title>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map\n');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js.map'), JSON.stringify({ version: 3, sources: ['app.ts'], sourcesContent: ['secret source'] }));
    const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: tempDir(), logLevel: 'silent' as const };
    const app = createApp(config, { logger: createLogger('silent'), clientDist: dist });
    const port = await app.listen();
    servers.push({ app, port, url: `http://127.0.0.1:${port}`, dataDir: config.dataDir, close: () => app.close() });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/board/b_1`)).status).toBe(200); // client-side route
    for (const p of ['/assets/app.js.map', '/assets/APP.JS.MAP', '/assets/missing.js.map']) {
      const res = await fetch(base + p);
      expect(res.status, p).toBe(404);
      const text = await res.text();
      expect(text, p).not.toContain('secret source');
      expect(JSON.parse(text), p).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('[H5] the client build config writes no source maps', async () => {
    const { default: viteConfig } = await import('../../client/vite.config.js');
    expect((viteConfig as { build?: { sourcemap?: unknown } }).build?.sourcemap).toBe(false);
  });
});

describe('shutdown', () => {
  it('[H6] close() is bounded by SHUTDOWN_GRACE_MS with a client that never finishes its request, and still flushes', async () => {
    const dataDir = tempDir();
    const srv = await startServer({ shutdownGraceMs: 300 }, dataDir);
    const owner = await createUser(srv.url, 'Owner');
    const board = await createBoard(srv.url, owner);
    let requests = 0;
    srv.app.http.on('request', () => requests++);
    // A client announces a body it never sends: its request stays open.
    const stuck = net.connect(srv.port, '127.0.0.1');
    let stuckClosed = false;
    stuck.on('close', () => (stuckClosed = true));
    stuck.on('error', () => undefined);
    await new Promise<void>((r) => stuck.once('connect', () => r()));
    stuck.write(`POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"Eve","email":`);
    await waitFor(() => requests === 1, 'the server holds the half-sent request');
    const t0 = performance.now();
    await srv.close();
    const ms = performance.now() - t0;
    console.log(`close() with an unresponsive client took ${ms.toFixed(0)} ms (grace 300 ms)`);
    // Generous: without the bound it waits for Node's request timeout check (tens of seconds).
    expect(ms).toBeLessThan(10_000);
    await waitFor(() => stuckClosed, 'the stuck socket is destroyed');
    // The final flush happened: the board and its document are all there after a restart.
    const store = new SqliteStore(path.join(dataDir, 'claimboard.sqlite'));
    expect(await store.getBoard(board.id)).toMatchObject({ id: board.id });
    expect((await store.loadUpdates(`board/${board.id}`)).length).toBeGreaterThan(0);
    await store.close();
    const again = await startServer({}, dataDir);
    servers.push(again);
    expect((await api(again.url, 'GET', `/api/boards/${board.id}`, { token: owner.token })).status).toBe(200);
  }, 60_000);
});
