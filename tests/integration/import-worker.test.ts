/**
 * [H7] Imports run in a worker under a deadline: pathological articles (deep Markdown
 * nesting, parser stack overflows, inputs that take seconds) answer 422 IMPORT_FAILED with
 * a clear message, never a 500, and never hold up the server or the next import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, startServer, type TestServer, type TestUser } from '../helpers/server.js';
import { ImportRunner } from '../../server/import/import-runner.js';
import { createLogger } from '../../server/logger.js';

const IMPORT_TIMEOUT_MS = 1000;
let srv: TestServer;
let owner: TestUser;

beforeAll(async () => {
  srv = await startServer({ importTimeoutMs: IMPORT_TIMEOUT_MS });
  owner = await createUser(srv.url, 'Owner');
});
afterAll(async () => {
  await srv.close();
});

const create = (text: string, format: 'text' | 'markdown' | 'html') =>
  api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Import', text, format } });

/** Nested by indentation alone: passes the nesting check, and marked needs tens of seconds. */
const indentedLists = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i * 2)}- item ${i}`).join('\n');

describe('pathological articles', () => {
  it('[H7] Markdown nesting quotes or lists past the limit is refused at once with 422', async () => {
    for (const [name, text] of [
      ['deep blockquote', `${'> '.repeat(5000)}x`],
      ['blockquote without spaces', `${'>'.repeat(50_000)}x`],
      ['list markers on one line', `${'- '.repeat(20_000)}x`],
      ['ordered and quoted', `${'> 1. '.repeat(400)}x`],
    ] as const) {
      const r = await create(text, 'markdown');
      expect(r, name).toMatchObject({ status: 422, body: { error: { code: 'IMPORT_FAILED' } } });
      expect(r.body.error.message, name).toMatch(/nests quotes or lists more than 100 levels deep \(line 1\)/);
    }
  });

  it('[H7] a Markdown parser failure (stack overflow on nested emphasis) is a 422 naming the cause', async () => {
    const r = await create(`${'*'.repeat(200_000)}a${'*'.repeat(200_000)}`, 'markdown');
    expect(r, JSON.stringify(r.body)).toMatchObject({ status: 422, body: { error: { code: 'IMPORT_FAILED' } } });
    expect(r.body.error.message).toMatch(/^the Markdown could not be read: |took longer than/);
    expect(r.body.error.message).not.toMatch(/Please report|at .*\.js:\d+/);
  });

  it('[H7] an import past the deadline is cut off with 422; the server answers meanwhile and the queued import succeeds', async () => {
    const timeoutsBefore = srv.app.importer.timeouts;
    const t0 = performance.now();
    const slow = create(indentedLists(1400), 'markdown');
    // Queued behind the slow one: it runs on the fresh worker once the deadline has passed.
    const queued = create('The city spent $4.2 million on roads in 2023, the mayor said.', 'text');
    // The event loop is free while the worker parses.
    const time = await api(srv.url, 'GET', '/api/time');
    const tTime = performance.now() - t0;
    expect(time.status).toBe(200);
    const r = await slow;
    const tSlow = performance.now() - t0;
    console.log(`GET /api/time answered after ${tTime.toFixed(0)} ms; the slow import was refused after ${tSlow.toFixed(0)} ms (deadline ${IMPORT_TIMEOUT_MS} ms)`);
    expect(r).toMatchObject({ status: 422, body: { error: { code: 'IMPORT_FAILED' } } });
    expect(r.body.error.message).toMatch(new RegExp(`took longer than ${IMPORT_TIMEOUT_MS} ms`));
    expect(srv.app.importer.timeouts).toBe(timeoutsBefore + 1);
    const q = await queued;
    expect(q.status, JSON.stringify(q.body)).toBe(201);
  });

  it('[H7] inputs found slow or failing before the worker never answer 5xx', async () => {
    const cases: Array<[string, string, 'text' | 'markdown' | 'html']> = [
      ['emphasis runs', '**_'.repeat(60_000), 'markdown'],
      ['open links', '[a]('.repeat(100_000), 'markdown'],
      ['deep html', '<div>'.repeat(200_000), 'html'],
      ['html in markdown', `${'<div>'.repeat(100_000)}a`, 'markdown'],
      ['one huge line', 'a'.repeat(1_900_000), 'text'],
      ['quotes and attribution', '"said '.repeat(300_000), 'text'],
    ];
    for (const [name, text, format] of cases) {
      const t0 = performance.now();
      const r = await create(text, format);
      console.log(`${name} (${format}, ${text.length} chars): ${r.status} ${r.body.error?.code ?? ''} in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(r.status, `${name}: ${JSON.stringify(r.body).slice(0, 200)}`).toBeLessThan(500);
      if (r.status !== 201) expect(r.body.error.message.length, name).toBeGreaterThan(10);
    }
    // And the importer still works.
    expect((await create('Unemployment fell to 3.9% in 2023, the Labor Department said.', 'markdown')).status).toBe(201);
  }, 120_000);
});

describe('the import queue', () => {
  it('[H7] imports past the queue limit are refused with RATE_LIMITED; queued ones run in order', async () => {
    const runner = new ImportRunner(IMPORT_TIMEOUT_MS, createLogger('silent'), 1);
    try {
      await runner.warm();
      const slow = runner.run(indentedLists(1400), 'markdown'); // starts at once: the worker is idle
      const queued = runner.run('The bridge is 300 metres long, officials said.', 'text');
      const refused = await runner.run('One too many.', 'text');
      expect(refused).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many imports at once; retry in a moment' } });
      expect(await slow).toMatchObject({ ok: false, error: { code: 'IMPORT_FAILED' } });
      const q = await queued;
      expect(q.ok && q.article.text).toBe('The bridge is 300 metres long, officials said.');
    } finally {
      await runner.close();
    }
  }, 60_000);
});
