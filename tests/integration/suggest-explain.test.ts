/**
 * [SUG-EXPLAIN] `POST /api/boards/:id/suggestions/explain`: owners and editors ask why a
 * sentence of the board's article was or was not suggested. The answer comes from the
 * import worker at the board's own threshold; bad offsets and oversized spans are a 400,
 * other roles a 403, non-members the same 404 as an unknown board, a deadline a 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, createUser, startServer, type TestServer, type TestUser } from '../helpers/server.js';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { boardTypes, readBoard, setBoardSettings } from '../../shared/model/index.js';
import { MAX_EXPLAIN_SPAN_CHARS } from '../../shared/protocol/schemas.js';

const ARTICLE = [
  'Get the Tech Brief newsletter',
  '',
  'The city council voted 7-2 on Monday to spend $12 million on a new central library. The lengthy statement can be found here.',
].join('\n');
const SUGGESTED = 'The city council voted 7-2 on Monday to spend $12 million on a new central library.';
const NOT_SUGGESTED = 'The lengthy statement can be found here.';
const FURNITURE = 'Get the Tech Brief newsletter';

let srv: TestServer;
let owner: TestUser;
let editor: TestUser;
let reviewer: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let boardId: string;

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Owner');
  editor = await createUser(srv.url, 'Editor');
  reviewer = await createUser(srv.url, 'Reviewer');
  viewer = await createUser(srv.url, 'Viewer');
  stranger = await createUser(srv.url, 'Stranger');
  const created = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Explain', text: ARTICLE } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  boardId = created.body.board.id;
  await addMember(srv.url, owner, boardId, editor, 'editor');
  await addMember(srv.url, owner, boardId, reviewer, 'reviewer');
  await addMember(srv.url, owner, boardId, viewer, 'viewer');
});
afterAll(async () => {
  await srv.close();
});

const explain = (user: TestUser, body: unknown, id = boardId) =>
  api(srv.url, 'POST', `/api/boards/${id}/suggestions/explain`, { token: user.token, body });
const spanOf = (sentence: string) => {
  const start = ARTICLE.indexOf(sentence);
  return { start, end: start + sentence.length };
};

describe('why a sentence was or was not suggested', () => {
  it('[SUG-EXPLAIN] the import suggested one sentence of the article and not the other', async () => {
    const claims = await srv.app.registry.read(boardDocKey(boardId), (doc) => readBoard(doc).claims.map((c) => c.text));
    expect(claims).toContain(SUGGESTED);
    expect(claims).not.toContain(NOT_SUGGESTED);
    expect(claims).not.toContain(FURNITURE);
  });

  it('[SUG-EXPLAIN] a sentence that was not suggested: its score below the threshold and the cues against', async () => {
    const r = await explain(owner, spanOf(NOT_SUGGESTED));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const e = r.body.explanation;
    expect(e).toMatchObject({ suggested: false, furniture: null, threshold: 0.5, ...spanOf(NOT_SUGGESTED) });
    expect(e.score).toBeLessThan(0.5);
    expect(e.against).toContain('points to a link');
    expect(e.summary).toMatch(/^not suggested: score 0\.\d\d is below the board's threshold 0\.50$/);
    expect(Array.isArray(e.reasons)).toBe(true);
  });

  it('[SUG-EXPLAIN] a sentence that was suggested, asked by an editor with a part of it selected', async () => {
    const { start } = spanOf(SUGGESTED);
    const r = await explain(editor, { start: start + 4, end: start + 20 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const e = r.body.explanation;
    expect(e).toMatchObject({ suggested: true, threshold: 0.5, ...spanOf(SUGGESTED) });
    expect(e.score).toBeGreaterThanOrEqual(0.5);
    expect(e.reasons.length).toBeGreaterThan(0);
    expect(e.summary).toMatch(/^suggested: score/);
  });

  it('[SUG-EXPLAIN] page furniture says which kind', async () => {
    const r = await explain(owner, spanOf(FURNITURE));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.explanation).toMatchObject({ suggested: false, furniture: 'newsletter plug', score: 0, against: ['page furniture: newsletter plug'] });
  });

  it("[SUG-EXPLAIN] the board's own suggestion threshold applies", async () => {
    // A model probability is below 1, so at threshold 1 nothing is suggested.
    await srv.app.registry.transact(boardDocKey(boardId), (doc) => void setBoardSettings(doc, { suggestionThreshold: 1 }, null), 'test:settings');
    try {
      const r = await explain(owner, spanOf(SUGGESTED));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.explanation).toMatchObject({ suggested: false, threshold: 1 });
      expect(r.body.explanation.summary).toMatch(/below the board's threshold 1\.00$/);
    } finally {
      await srv.app.registry.transact(boardDocKey(boardId), (doc) => void setBoardSettings(doc, { suggestionThreshold: 0.5 }, null), 'test:settings');
    }
  });
});

describe('who may ask', () => {
  it('[SUG-EXPLAIN] reviewers and viewers are refused with 403', async () => {
    for (const user of [reviewer, viewer]) {
      const r = await explain(user, spanOf(NOT_SUGGESTED));
      expect(r, user.name).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
  });

  it('[SUG-EXPLAIN] a non-member gets the same 404 as an unknown board', async () => {
    const r = await explain(stranger, spanOf(NOT_SUGGESTED));
    const unknown = await explain(owner, spanOf(NOT_SUGGESTED), 'b_doesnotexist');
    expect(r).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such board' } } });
    expect(unknown).toEqual(r);
  });

  it('[SUG-EXPLAIN] no token is a 401', async () => {
    const r = await api(srv.url, 'POST', `/api/boards/${boardId}/suggestions/explain`, { body: spanOf(NOT_SUGGESTED) });
    expect(r.status).toBe(401);
  });
});

describe('bad input is a clear 400 and changes nothing', () => {
  it('[SUG-EXPLAIN] offsets past the article, reversed, negative or not integers', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['past the end', { start: ARTICLE.length - 2, end: ARTICLE.length + 1 }, new RegExp(`the article has ${ARTICLE.length} characters`)],
      ['far past the end', { start: 1e9, end: 1e9 + 5 }, /past its end/],
      ['reversed', { start: 10, end: 5 }, /end must be after start/],
      ['empty', { start: 10, end: 10 }, /end must be after start/],
      ['negative', { start: -5, end: 3 }, /start/],
      ['fractional', { start: 1.5, end: 3 }, /start/],
      ['strings', { start: '1', end: '3' }, /start/],
      ['missing end', { start: 1 }, /end/],
      ['extra field', { start: 1, end: 3, text: 'x' }, /text|unrecognized/i],
      ['blank lines only', { start: FURNITURE.length, end: FURNITURE.length + 2 }, /no sentence of the article lies in this span/],
    ];
    for (const [name, body, message] of cases) {
      const r = await explain(owner, body);
      expect(r, name).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
      expect(r.body.error.message, name).toMatch(message);
    }
  });

  it(`[SUG-EXPLAIN] a span over ${MAX_EXPLAIN_SPAN_CHARS} characters is refused before the article is read`, async () => {
    const r = await explain(owner, { start: 0, end: MAX_EXPLAIN_SPAN_CHARS + 1 });
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(r.body.error.message).toMatch(`a span of at most ${MAX_EXPLAIN_SPAN_CHARS} characters`);
  });

  it('[SUG-EXPLAIN] a malformed, missing, deep or oversized body', async () => {
    const route = `/api/boards/${boardId}/suggestions/explain`;
    const malformed = await api(srv.url, 'POST', route, { token: owner.token, raw: '{"start": 1, "end":' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', message: 'request body is not valid JSON' } } });
    const missing = await api(srv.url, 'POST', route, { token: owner.token });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const deep = await api(srv.url, 'POST', route, { token: owner.token, raw: '['.repeat(100) + ']'.repeat(100) });
    expect(deep).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const big = await api(srv.url, 'POST', route, { token: owner.token, raw: JSON.stringify({ start: 1, end: 3, pad: 'x'.repeat(20_000) }) });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const text = await api(srv.url, 'POST', route, { token: owner.token, raw: 'start=1&end=3', headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415 });
    // Nothing above touched the board.
    const claims = await srv.app.registry.read(boardDocKey(boardId), (doc) => readBoard(doc).claims.length);
    expect(claims).toBeGreaterThan(0);
  });
});

describe('runs in the import worker under its deadline', () => {
  it('[SUG-EXPLAIN][H7] a paragraph too slow to parse is cut off with 422; the server answers meanwhile', async () => {
    const DEADLINE_MS = 300;
    const slow = await startServer({ importTimeoutMs: DEADLINE_MS });
    try {
      const u = await createUser(slow.url, 'Owner');
      const created = await api(slow.url, 'POST', '/api/boards', { token: u.token, body: { title: 'Slow', text: 'It rained.' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.board.id as string;
      // An editor's article grew afterwards into one paragraph of 20,000 sentences (~1.2M
      // characters): the worker parses the paragraph whole, which takes seconds.
      const paragraph = ' The council spent $4.2 million on roads in 2023, the mayor said.'.repeat(20_000);
      await slow.app.registry.transact(boardDocKey(id), (doc) => boardTypes(doc).article.insert(10, paragraph), 'test:article');
      const timeoutsBefore = slow.app.importer.timeouts;
      const t0 = performance.now();
      let answered = false;
      const pending = api(slow.url, 'POST', `/api/boards/${id}/suggestions/explain`, { token: u.token, body: { start: 20, end: 30 } })
        .finally(() => (answered = true));
      const time = await api(slow.url, 'GET', '/api/time');
      const tTime = performance.now() - t0;
      expect(time.status).toBe(200);
      // Asked after the explanation, answered before it: the main thread was free meanwhile.
      expect(answered).toBe(false);
      const r = await pending;
      console.log(`GET /api/time answered after ${tTime.toFixed(0)} ms; the explanation was refused after ${(performance.now() - t0).toFixed(0)} ms (deadline ${DEADLINE_MS} ms)`);
      expect(r, JSON.stringify(r.body)).toMatchObject({ status: 422, body: { error: { code: 'IMPORT_FAILED' } } });
      expect(r.body.error.message).toMatch(`explaining the sentence took longer than ${DEADLINE_MS} ms`);
      expect(slow.app.importer.timeouts).toBe(timeoutsBefore + 1);
      // The replacement worker answers the next question, about a short article.
      const small = await api(slow.url, 'POST', '/api/boards', { token: u.token, body: { title: 'Small', text: 'It snowed.' } });
      expect(small.status, JSON.stringify(small.body)).toBe(201);
      const next = await api(slow.url, 'POST', `/api/boards/${small.body.board.id}/suggestions/explain`, { token: u.token, body: { start: 0, end: 3 } });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      expect(next.body.explanation).toMatchObject({ start: 0, end: 10, suggested: false });
    } finally {
      await slow.close();
    }
  });
});
