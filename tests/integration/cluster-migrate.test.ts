/**
 * Cluster must-show 9 [K11]: `claimboard migrate --to $DATABASE_URL` moves a data dir made by
 * the embedded mode (accounts, boards, members, invites, votes, notes, audit) into PostgreSQL;
 * every export's content hash is unchanged, a second run changes nothing, and a server on
 * PostgreSQL then serves the same boards to the same people.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { openPgStore } from '../../server/persistence/pg/pg-store.js';
import { createTestDatabase, pgReachable, type TestDatabase } from '../helpers/pg.js';
import { addMember, api, createBoard, createUser, socketClient, startServer, waitFor } from '../helpers/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const reachable = await pgReachable();
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

describe.skipIf(!reachable)('migrate an embedded data dir to PostgreSQL', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  it('[K11] every export content hash is unchanged, a second run changes nothing, and the boards serve from PostgreSQL', async () => {
    const srv = await startServer();
    const owner = await createUser(srv.url, 'Olga Owner');
    const rita = await createUser(srv.url, 'Rita Reviewer');
    const boards = [];
    for (let i = 0; i < 3; i++) {
      const b = await createBoard(srv.url, owner, `Board ${i}: the city spent $${i + 1}.2 million on roads in 2023, the mayor said. Unemployment fell to 3.${i}% in May.`);
      await addMember(srv.url, owner, b.id, rita, 'reviewer');
      boards.push(b);
    }
    const c = socketClient(srv.url, rita.token, boards[0]!.id, [reviewerDocKey(boards[0]!.id, rita.id), boardDocKey(boards[0]!.id)]);
    await waitFor(() => c.conn.saved, 'synced');
    const claimId = [...c.docs.get(boardDocKey(boards[0]!.id))!.getMap('claims').keys()][0]!;
    c.docs.get(reviewerDocKey(boards[0]!.id, rita.id))!.getMap('votes').set(claimId, { rating: 4, confidence: 'high', rationale: 'checked the budget', at: 1 });
    await c.conn.whenSaved();
    c.close();
    await api(srv.url, 'POST', `/api/boards/${boards[1]!.id}/invites`, { token: owner.token, body: { role: 'viewer' } });
    const before = await Promise.all(boards.map(async (b) => (await api(srv.url, 'GET', `/api/boards/${b.id}/export`, { token: owner.token })).body.state.contentHash as string));
    await srv.close();

    const db = await createTestDatabase();
    databases.push(db);
    const env = { ...process.env, DATA_DIR: srv.dataDir, LOG_LEVEL: 'silent' };
    const counts = async () => {
      const store = await openPgStore(db.url);
      try {
        return (await store.pool.query('SELECT (SELECT count(*) FROM users) u, (SELECT count(*) FROM credentials) c, (SELECT count(*) FROM updates) up, (SELECT count(*) FROM members) m, (SELECT count(*) FROM audit) a, (SELECT count(*) FROM invites) i')).rows[0];
      } finally {
        await store.close();
      }
    };
    const migrate = async () => JSON.parse((await run(process.execPath, ['bin/claimboard.js', 'migrate', '--to', db.url], { cwd: ROOT, env })).stdout);
    const first = await migrate();
    expect(first).toMatchObject({ boards: 3, contentHashesEqual: true, mismatched: [] });
    expect(first.copied.users).toBe(2);
    const afterFirst = await counts();
    const second = await migrate();
    expect(second).toMatchObject({ boards: 3, contentHashesEqual: true });
    expect(await counts()).toEqual(afterFirst); // a second run changes nothing
    console.log(`[K11] migrate copied ${JSON.stringify(first.copied)}; ${first.boards} boards, content hashes equal`);

    // A server on PostgreSQL: the same people sign in with the same tokens and read the same exports.
    const pgStore = await openPgStore(db.url);
    const onPg = await startServer({ databaseUrl: db.url }, undefined, { store: pgStore });
    try {
      const hashes = await Promise.all(boards.map(async (b) => (await api(onPg.url, 'GET', `/api/boards/${b.id}/export`, { token: owner.token })).body.state.contentHash as string));
      expect(hashes).toEqual(before);
      expect((await api(onPg.url, 'GET', '/api/boards', { token: rita.token })).body.boards).toHaveLength(3);
      expect((await api(onPg.url, 'POST', '/api/session', { body: { email: rita.email, password: rita.password } })).status).toBe(200);
    } finally {
      await onPg.close();
    }
  }, 120_000);
});
