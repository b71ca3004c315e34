/**
 * [H1][H2] Seeded malformed-input fuzz of the REST API against a real server: random JSON,
 * wrong types, deep nesting, huge strings, invalid UTF-8, wrong content types and charsets,
 * bad tokens, random paths with bad percent-encodings. Never a 5xx, never a stack trace,
 * every /api error is `{ error: { code, message } }`, and a legitimate request still
 * succeeds afterwards. The seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_CASES=<n>
 * changes its length.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createBoard, createUser, startServer, type TestServer, type TestUser } from '../helpers/server.js';
import { seededRandom } from '../helpers/updates.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const CONCURRENCY = 8;

let srv: TestServer;
let owner: TestUser;
let boardId: string;
let agent: http.Agent;

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Owner');
  boardId = (await createBoard(srv.url, owner)).id;
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
});
afterAll(async () => {
  agent.destroy();
  await srv.close();
});

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/api/users'], ['GET', '/api/me'], ['POST', '/api/me/tokens'], ['GET', '/api/time'],
  ['POST', '/api/boards'], ['GET', '/api/boards'], ['GET', '/api/boards/:id'],
  ['POST', '/api/boards/:id/invites'], ['GET', '/api/boards/:id/invites'], ['DELETE', '/api/boards/:id/invites/:x'],
  ['POST', '/api/invites/:x/accept'], ['GET', '/api/boards/:id/members'], ['PATCH', '/api/boards/:id/members/:x'],
  ['DELETE', '/api/boards/:id/members/:x'], ['GET', '/api/boards/:id/audit'], ['GET', '/api/boards/:id/export'],
  ['GET', '/api/boards/:id/live'], ['POST', '/api/boards/:id/live'], ['PATCH', '/api/boards/:id/live'],
  ['POST', '/api/boards/:id/live/rounds'], ['POST', '/api/boards/:id/live/rounds/:x/reveal'],
  ['PUT', '/api/boards/:id/live/timer'], ['DELETE', '/api/boards/:id/live/timer'], ['POST', '/api/boards/:id/live/end'],
  ['GET', '/api/boards/:id/live/summary'], ['GET', '/health'], ['GET', '/'], ['GET', '/board/:id'],
  // The board lifecycle [B1–B5]; a DELETE may remove the fuzzed board mid-run, and every
  // request racing it must still answer 4xx.
  ['PATCH', '/api/boards/:id'], ['POST', '/api/boards/:id/duplicate'], ['DELETE', '/api/boards/:id'], ['GET', '/api/boards?archived=:x'],
  // Accounts [AC1–AC9]; the routes that sign the fuzzing user out are sent as POSTs (below).
  ['GET', '/api/auth/config'], ['POST', '/api/session'], ['DELETE', '/api/session'], ['PATCH', '/api/me'], ['POST', '/api/me/password'],
  ['POST', '/api/me/claim'], ['GET', '/api/me/sessions'], ['DELETE', '/api/me/sessions/:x'], ['DELETE', '/api/me/sessions'],
  ['GET', '/api/me/tokens'], ['DELETE', '/api/me/tokens/:x'], ['GET', '/api/me/audit'], ['POST', '/api/password-reset'],
  ['POST', '/api/password-reset/confirm'], ['POST', '/api/boards/:id/members/:x/reset-link'],
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const BAD_ESCAPES = ['%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%2e%2e', '%%', '%u0041', '%ED%A0%80', '%F4%90%80%80'];
const SEGMENT_CHARS = [..."abcXYZ019_-.~!$&'()*+,;=:@%"];

function segment(rand: Rand): string {
  switch (int(rand, 0, 5)) {
    case 0: return boardId;
    case 1: return pick(rand, BAD_ESCAPES);
    case 2: return Array.from({ length: int(rand, 1, 80) }, () => pick(rand, SEGMENT_CHARS)).join('');
    case 3: return `${pick(rand, ['b_', 'c_', 'u_', 'i_', ''])}${pick(rand, BAD_ESCAPES)}${int(rand, 0, 99)}`;
    case 4: return 'x'.repeat(int(rand, 60, 3000));
    default: return pick(rand, ['..', '.', '%2F', 'export', 'live', 'null', 'undefined', '__proto__', 'constructor']);
  }
}

function path(rand: Rand): { method: string; path: string } {
  if (rand() < 0.2) {
    const segs = Array.from({ length: int(rand, 1, 6) }, () => segment(rand));
    return { method: pick(rand, METHODS), path: `/${rand() < 0.6 ? 'api/' : ''}${segs.join('/')}` };
  }
  const [method, template] = pick(rand, ROUTES);
  let p = template.replace(':id', () => (rand() < 0.6 ? boardId : segment(rand))).replace(':x', () => segment(rand));
  if (rand() < 0.3) {
    const q = ['format=json', 'format=csv', 'format=claimreview', `format=${segment(rand)}`, 'pseudonymise=true', `pseudonymise=${segment(rand)}`, 'format[]=a', 'format[a]=b', segment(rand)];
    p += `?${Array.from({ length: int(rand, 1, 4) }, () => pick(rand, q)).join('&')}`;
  }
  const m = rand() < 0.85 ? method : pick(rand, METHODS);
  // Signing out (everywhere, or the token in use) would turn the rest of the run into 401s.
  const signsOut = m === 'DELETE' && /^\/api\/(me\/tokens|me\/sessions|session)(\/|\?|$)/.test(p);
  return { method: signsOut ? 'POST' : m, path: p };
}

function randomJson(rand: Rand, depth: number): unknown {
  const kind = int(rand, 0, depth > 4 ? 5 : 7);
  switch (kind) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return pick(rand, [0, -1, 1e308, -1e-308, 3.5, 2 ** 53 + 1, 24 * 366, 10_001]);
    case 3: return pick(rand, ['', 'owner', 'editor', 'reviewer', 'viewer', 'god', 'text', 'markdown', 'html', 'javascript:alert(1)', 'https://x.example', '\u0000', '\uD800', '<script>', '__proto__']);
    case 4: return 'y'.repeat(int(rand, 0, 300));
    case 5: return Array.from({ length: int(rand, 0, 3) }, () => pick(rand, ['a', 1, null]));
    case 6: return Array.from({ length: int(rand, 0, 4) }, () => randomJson(rand, depth + 1));
    default: {
      const keys = ['name', 'title', 'text', 'format', 'source', 'url', 'role', 'expiresInHours', 'maxUses', 'agenda', 'focus', 'facilitatorId', 'claimId', 'seconds', 'archived', '__proto__', 'constructor', 'pad', 'email', 'password', 'current', 'token', 'expiresInDays', 'session', 'sharedComputer', 'avatarColor', 'invite'];
      const o: Record<string, unknown> = {};
      for (let i = int(rand, 0, 5); i > 0; i--) o[pick(rand, keys)] = randomJson(rand, depth + 1);
      return o;
    }
  }
}

function body(rand: Rand): Buffer | undefined {
  switch (int(rand, 0, 11)) {
    case 0: return undefined;
    case 1: return Buffer.alloc(0);
    case 2: {
      const n = int(rand, 20, 20_000);
      const open = rand() < 0.5 ? '[' : '{"a":';
      return Buffer.from(open.repeat(n) + (open === '[' ? ']' : '1}').repeat(n));
    }
    case 3: return Buffer.from(JSON.stringify({ name: 'n'.repeat(int(rand, 1, 40_000)), title: 't', text: 'x'.repeat(int(rand, 0, 40_000)) }));
    case 4: {
      // Invalid UTF-8 inside and around a JSON string.
      const bad = Buffer.from(Array.from({ length: int(rand, 1, 40) }, () => pick(rand, [0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf8, 0x88])));
      return Buffer.concat([Buffer.from('{"name":"'), bad, Buffer.from('","title":"'), bad, Buffer.from('","text":"a'), bad, Buffer.from('"}')]);
    }
    case 5: return Buffer.from(Array.from({ length: int(rand, 1, 200) }, () => int(rand, 0, 255)));
    case 6: {
      const s = JSON.stringify(randomJson(rand, 0));
      return Buffer.from(s.slice(0, int(rand, 0, s.length))); // truncated
    }
    case 7: return Buffer.from(pick(rand, ['{"name":"a","name":"b"}', '{"__proto__":{"admin":true},"name":"p"}', '1e999999', '"\\ud800"', '{"title":"t","text":"x","format":"rtf"}', '{"title":"t","text":"x","source":{"url":"javascript:alert(1)"}}', '{"role":"owner","expiresInHours":1e309}', 'null', '[]', 'true', '{"agenda":' + JSON.stringify(Array.from({ length: 6000 }, (_, i) => `c${i}`)) + '}']));
    default: return Buffer.from(JSON.stringify(randomJson(rand, 0)));
  }
}

function headers(rand: Rand, method: string, b: Buffer | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  const ct = pick(rand, ['application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'a/b/c;;;=', '', 'application/vnd.api+json']);
  if (ct !== '' && (b !== undefined || rand() < 0.2)) h['content-type'] = ct;
  if (rand() < 0.05) h['content-encoding'] = pick(rand, ['gzip', 'br', 'bogus', 'identity']);
  // Mostly well-framed; now and then a body without a length (bytes the HTTP parser sees
  // as a garbled next request) or a length that lies. (Not for HEAD: the parser's error
  // answer has a body, which a HEAD client cannot read.)
  if (b !== undefined) {
    const framing = rand();
    if (framing < 0.9 || method === 'HEAD') h['content-length'] = String(b.length);
    else if (framing < 0.93) h['content-length'] = String(Math.max(0, b.length - int(rand, 1, 10)));
    else if (framing < 0.95) h['content-length'] = pick(rand, ['-1', 'abc', '1e3', ' 5', '99999999999999999999']);
  }
  const auth = int(rand, 0, 5);
  if (auth <= 2) h.authorization = `Bearer ${owner.token}`;
  else if (auth === 3) h.authorization = pick(rand, ['Bearer ', 'Bearer x', `Bearer ${'a'.repeat(5000)}`, 'Basic Zm9vOmJhcg==', `bearer ${owner.token}`, `Bearer ${owner.token} extra`]);
  else if (auth === 4) h.cookie = pick(rand, ['cb_session=', 'cb_session=x', `cb_session=${'a'.repeat(5000)}`, 'cb_session', ';;;=', `a=b; cb_session=${owner.token}`, 'cb_session=%00%ff']);
  if (rand() < 0.2) h.origin = pick(rand, ['null', 'https://evil.example', 'http://127.0.0.1', '', 'not a url', `http://127.0.0.1:${srv.port}`]);
  if (rand() < 0.1) h['sec-fetch-site'] = pick(rand, ['cross-site', 'same-origin', 'none', 'same-site', 'bogus']);
  return h;
}

interface Answer {
  status: number;
  text: string;
  contentType: string;
}

/**
 * A request whose body framing lies: the bytes past the declared length reach the server's
 * HTTP parser as a garbled next request. Sent on a connection of its own, half-closed after
 * the bytes so the server never waits for more; every answer on it (the request's, and the
 * parser's refusal of the rest) is collected until the server closes.
 */
function sendRaw(method: string, p: string, h: Record<string, string>, b: Buffer | undefined): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the connection open for 20 s'));
    }, 20_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset after the answers is fine
    socket.on('close', () => {
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString('latin1');
      const answers = text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((part) => part.startsWith('HTTP/1.1 ')).map((part) => {
        const [head = '', ...rest] = part.split('\r\n\r\n');
        return { status: Number(head.slice(9, 12)), text: rest.join('\r\n\r\n'), contentType: /content-type: ([^\r]*)/i.exec(head)?.[1] ?? '' };
      });
      resolve(answers);
    });
    const lines = [`${method} ${p} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(h).map(([k, v]) => `${k}: ${v}`)];
    socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), b ?? Buffer.alloc(0)]));
  });
}

function send(method: string, p: string, h: Record<string, string>, b: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path: p, headers: h, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(b);
  });
}

/** Runs the first `count` cases of a seed; throws naming the seed and case on a bad answer. */
async function fuzz(seed: number, count: number): Promise<void> {
  console.log(`REST fuzz: FUZZ_SEED=${seed} FUZZ_CASES=${count}`);
  const rand = seededRandom(seed);
  // Every case is drawn up front from one stream, so concurrency cannot change the run.
  const cases = Array.from({ length: count }, (_, i) => {
    const { method, path: p } = path(rand);
    const b = method === 'GET' || method === 'HEAD' ? (rand() < 0.1 ? body(rand) : undefined) : body(rand);
    return { i, method, path: p, headers: headers(rand, method, b), body: b };
  });
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const what = `FUZZ_SEED=${seed} case ${c.i}: ${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.headers).slice(0, 160)} body ${c.body === undefined ? 'none' : c.body.subarray(0, 80).toString('latin1')}${(c.body?.length ?? 0) > 80 ? `… (${c.body!.length} bytes)` : ''}`;
      const wellFramed = c.body === undefined || c.headers['content-length'] === String(c.body.length);
      let answers: Answer[];
      try {
        answers = wellFramed ? [await send(c.method, c.path, c.headers, c.body)] : await sendRaw(c.method, c.path, c.headers, c.body);
      } catch (err) {
        throw new Error(`${what}: ${String(err)}`);
      }
      for (const a of answers) check(a, c, what);
    }
  };
  const check = (a: Answer, c: (typeof cases)[number], what: string) => {
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    expect(a.status, what).toBeLessThan(500);
    expect(a.text, what).not.toMatch(/\n\s+at |\.[jt]s:\d+:\d+|node_modules/);
    if (a.status >= 400 && c.method !== 'HEAD' && (c.path.startsWith('/api') || a.contentType.includes('json'))) {
      let parsed: { error?: { code?: unknown; message?: unknown } } = {};
      try {
        parsed = JSON.parse(a.text);
      } catch {
        expect.fail(`${what}: ${a.status} with a body that is not JSON: ${a.text.slice(0, 200)}`);
      }
      expect(parsed.error?.code, what).toMatch(/^[A-Z_]+$/);
      expect(typeof parsed.error?.message, what).toBe('string');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  console.log(`REST fuzz: seed ${seed}, ${count} cases in ${(ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  // The server is still whole: a legitimate request from a new user works end to end.
  const user = await createUser(srv.url, 'After');
  const board = await api(srv.url, 'POST', '/api/boards', { token: user.token, body: { title: 'After the fuzz', text: 'The council spent $4.2 million on roads in 2023, the mayor said.' } });
  expect(board.status, `FUZZ_SEED=${seed}: ${JSON.stringify(board.body)}`).toBe(201);
  expect((await api(srv.url, 'GET', `/api/boards/${board.body.board.id}`, { token: user.token })).status).toBe(200);
  expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
}

describe('REST fuzz', () => {
  it('[H1] malformed requests of every kind: never a 5xx or a stack trace; a legitimate request works afterwards', async () => {
    await fuzz(SEED, CASES);
  }, 120_000);
});
