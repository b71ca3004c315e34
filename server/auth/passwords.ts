/**
 * Passwords (NIST SP 800-63B §3.1.1.2): 8 to 128 characters, any characters, no composition
 * rules; refused when on the list of common passwords (password-list/README.md), made of one
 * repeated character or a run of consecutive ones, or equal to the account's e-mail, its
 * local part or its name. Normalised to NFKC before hashing, so the same password typed on two keyboards
 * matches.
 *
 * Stored as `scrypt$N$r$p$salt$hash` (base64): memory-hard, with OWASP's parameters by
 * default (N = 2^17, r = 8, p = 1: 128 MiB and a few hundred ms per hash). The record names
 * its parameters, so a hash made at another cost still verifies (and is rehashed at the
 * current one on the next sign-in). `PASSWORD_HASH_COST` (log2 N) lowers the cost for test
 * suites only. Hashing runs in libuv's thread pool; at most HASH_CONCURRENCY at once and
 * HASH_QUEUE waiting, so a sign-in flood cannot take the pool (file and DNS work share it)
 * or the memory: past that it is answered RATE_LIMITED.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';

export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 128;
/** log2 of scrypt's N by default (OWASP Password Storage Cheat Sheet). */
export const DEFAULT_PASSWORD_HASH_COST = 17;
/** The range PASSWORD_HASH_COST may take; 2^10 is for tests only. */
export const MIN_PASSWORD_HASH_COST = 10;
export const MAX_PASSWORD_HASH_COST = 18;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const HASH_CONCURRENCY = 2;
const HASH_QUEUE = 64;

const COMMON = new Set(
  fs.readFileSync(new URL('./password-list/common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean),
);

/** Whether this is on the list of common passwords (compared lower-case). */
export const isCommonPassword = (password: string): boolean => COMMON.has(password.normalize('NFKC').toLowerCase());

/** One character repeated, or a run of consecutive characters up or down ("abcdefgh", "87654321"). */
function isRepeatOrRun(chars: string[]): boolean {
  const codes = chars.map((c) => c.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  if (Math.abs(step) > 1) return false;
  return codes.every((c, i) => i === 0 || c - codes[i - 1]! === step);
}

/**
 * Why this password may not be used, or null when it may. `email` and `name` are the
 * account's (a password equal to either is refused).
 */
export function passwordProblem(password: string, context: { email?: string | null; name?: string | null } = {}): string | null {
  const chars = [...password.normalize('NFKC')];
  if (chars.length < PASSWORD_MIN_CHARS) return `password: at least ${PASSWORD_MIN_CHARS} characters`;
  if (chars.length > PASSWORD_MAX_CHARS) return `password: at most ${PASSWORD_MAX_CHARS} characters`;
  const lower = chars.join('').toLowerCase();
  if (COMMON.has(lower)) return 'password: this is one of the most common passwords; choose another';
  if (isRepeatOrRun(chars)) return 'password: repeated or consecutive characters only; choose another';
  const email = context.email?.trim().toLowerCase();
  const name = context.name?.trim().toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) return 'password: must not be your e-mail address';
  if (name && lower === name) return 'password: must not be your name';
  return null;
}

const scryptAsync = (password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> => {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))));
};

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The parameters and bytes of a stored hash, or null for anything this code did not write. */
function parse(stored: string): Parsed | null {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{1,100})\$([A-Za-z0-9+/=]{1,200})$/.exec(stored);
  if (!m) return null;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const log = Math.log2(n);
  if (!Number.isInteger(log) || log < MIN_PASSWORD_HASH_COST || log > MAX_PASSWORD_HASH_COST || r < 1 || r > 16 || p < 1 || p > 4) return null;
  return { n, r, p, salt: Buffer.from(m[4]!, 'base64'), hash: Buffer.from(m[5]!, 'base64') };
}

export class PasswordHasher {
  readonly #n: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  /** A hash of a random password at the current cost, verified against when there is no account. */
  #dummy: Promise<string> | null = null;

  /** `cost` is log2 N (PASSWORD_HASH_COST). */
  constructor(cost: number = DEFAULT_PASSWORD_HASH_COST) {
    if (!Number.isInteger(cost) || cost < MIN_PASSWORD_HASH_COST || cost > MAX_PASSWORD_HASH_COST) {
      throw new Error(`PASSWORD_HASH_COST must be an integer from ${MIN_PASSWORD_HASH_COST} to ${MAX_PASSWORD_HASH_COST}`);
    }
    this.#n = 2 ** cost;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.#limited(() => scryptAsync(password, salt, this.#n, BLOCK_SIZE, PARALLELISM));
    return `scrypt$${this.#n}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /**
   * Whether the password matches the stored hash. Without one (no such account, or an
   * account without a password) it hashes against a dummy of the same cost and answers
   * false, so both take the same time.
   */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const parsed = stored === null ? null : parse(stored);
    const target = parsed ?? parse(await (this.#dummy ??= this.hash(randomBytes(16).toString('base64url'))))!;
    const key = await this.#limited(() => scryptAsync(password, target.salt, target.n, target.r, target.p));
    return parsed !== null && key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
  }

  /** A stored hash made with other parameters than the current ones (rehash it on sign-in). */
  needsRehash(stored: string): boolean {
    const p = parse(stored);
    return p === null || p.n !== this.#n || p.r !== BLOCK_SIZE || p.p !== PARALLELISM;
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= HASH_CONCURRENCY) {
      if (this.#waiting.length >= HASH_QUEUE) throw new AppError(ErrorCode.RateLimited, 'too many sign-ins at once; try again in a moment');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
