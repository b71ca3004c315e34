/**
 * Must-show 5 of issue 13 [AC3, AC4]: 30 wrong passwords back off (per account and per
 * address, Retry-After doubling to 15 minutes), and an unknown e-mail is answered exactly like
 * a wrong password — same status, body and headers at every step, in about the same time.
 * The server's clock is the test's (waiting out a back-off is a clock step, not a sleep);
 * TRUST_PROXY lets each scenario come from an address of its own (X-Forwarded-For).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, startServer, strongPassword, type TestServer, type TestUser } from '../helpers/server.js';

let clock = Date.now();
let srv: TestServer;
let victim: TestUser;

beforeAll(async () => {
  // A hash cost high enough that skipping the hash for an unknown e-mail would show.
  srv = await startServer({ trustProxy: ['loopback'], passwordHashCost: 13 }, undefined, { now: () => clock });
  victim = await createUser(srv.url, 'Victoria Victim');
});
afterAll(() => srv.close());

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
  ms: number;
}

async function signInFrom(address: string, email: string, password: string): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${srv.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.text();
  const ms = performance.now() - t0;
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'date') headers[k] = v;
  });
  return { status: res.status, body, headers, ms };
}

/**
 * `count` wrong passwords, each attempt that is answered 429 waited out by moving the clock
 * by its Retry-After; returns every answer in order.
 */
async function wrongPasswords(address: string, email: string, count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  let wrong = 0;
  while (wrong < count) {
    const a = await signInFrom(address, email, `wrong-${wrong}-${strongPassword()}`);
    answers.push(a);
    if (a.status === 429) clock += Number(a.headers['retry-after']) * 1000;
    else wrong++;
  }
  return answers;
}

describe('[AC4] sign-in back-off', () => {
  it('[AC3][AC4] 30 wrong passwords back off with a doubling Retry-After, and an unknown e-mail gets the very same answers', async () => {
    const known = await wrongPasswords('10.0.0.1', victim.email, 30);
    const unknown = await wrongPasswords('10.0.0.2', 'nobody-here@example.test', 30);
    // From the fifth failure on, each one locks the account for 1 s, 2 s, 4 s … up to 15 min
    // (the lock after the 30th is not tried).
    const waits = known.filter((a) => a.status === 429).map((a) => Number(a.headers['retry-after']));
    expect(known.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(waits).toEqual(Array.from({ length: 25 }, (_, i) => Math.min(2 ** i, 900)));
    expect(known.filter((a) => a.status === 401)).toHaveLength(30);
    expect(JSON.parse(known[0]!.body)).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'E-mail or password is wrong' } });
    expect(JSON.parse(known[5]!.body)).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } });
    // No enumeration: the same answers, step by step, body and headers included.
    expect(unknown.map((a) => [a.status, a.body, a.headers])).toEqual(known.map((a) => [a.status, a.body, a.headers]));
    console.info(`[AC4] 30 wrong passwords: ${known.length} answers, Retry-After ${waits.join(', ')} s`);
  }, 60_000);

  it('[AC4] while locked even the right password is refused unchecked; afterwards it signs in and the count starts over', async () => {
    const u = await createUser(srv.url, 'Rita Right');
    await wrongPasswords('10.0.1.1', u.email, 5);
    const locked = await signInFrom('10.0.1.1', u.email, u.password);
    expect(locked.status).toBe(429);
    clock += Number(locked.headers['retry-after']) * 1000;
    expect((await signInFrom('10.0.1.1', u.email, u.password)).status).toBe(200);
    // The account's failures were cleared by the success: four more wrong ones do not lock it.
    const again = await wrongPasswords('10.0.1.1', u.email, 4);
    expect(again.map((a) => a.status)).toEqual([401, 401, 401, 401]);
  });

  it('[AC4] one address guessing many accounts backs off after 20 failures, whatever the e-mails', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await signInFrom('10.0.2.1', `spray-${i}@example.test`, 'Password123!')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Another address is not affected, and neither is the victim from it.
    expect((await signInFrom('10.0.2.2', victim.email, victim.password)).status).toBe(200);
  });

  it('[AC3] an unknown e-mail takes about as long as a wrong password (the dummy hash has the same cost)', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 15; i++) {
      // Two hours between tries: every failure is forgotten, so no back-off is measured.
      clock += 2 * 3_600_000;
      known.push((await signInFrom(`10.0.3.${i}`, victim.email, `wrong-${i}-${strongPassword()}`)).ms);
      clock += 2 * 3_600_000;
      unknown.push((await signInFrom(`10.0.4.${i}`, `unknown-${i}@example.test`, `wrong-${i}-${strongPassword()}`)).ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [k, u] = [median(known), median(unknown)];
    console.info(`[AC3] sign-in answer time, median of 15 (scrypt N=2^13): wrong password ${k.toFixed(1)} ms, unknown e-mail ${u.toFixed(1)} ms, difference ${(u - k).toFixed(1)} ms`);
    // Without the dummy hash an unknown e-mail answers in ~1 ms against the hash's ~20+ ms.
    expect(Math.abs(u - k)).toBeLessThan(Math.max(0.5 * k, 10));
    expect(u).toBeGreaterThan(0.5 * k);
  }, 60_000);
});
