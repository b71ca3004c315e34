/**
 * A sign-in attempt under way — what the callback must check (state, nonce, the PKCE
 * verifier) and where to go afterwards — sealed into the browser's short-lived attempt
 * cookie with AES-256-GCM: the browser can neither read nor alter it, any server process
 * of the deployment can open it (the key is derived from the OIDC client secret that they
 * all share), and the server keeps nothing, so no number of attempts can fill its memory.
 * An attempt is good for `ttlMs`; it is used once because the callback clears the cookie
 * and the provider's authorization code can be exchanged only once.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A same-site path (checked by safeNextPath). */
  next: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longest sealed value opened (a `next` of 1,024 characters seals to about 1.6 KB). */
export const MAX_SEALED_CHARS = 4096;
/** Binds the ciphertext to its use: a value sealed for anything else does not open here. */
const AAD = Buffer.from('claimboard oidc sign-in attempt v1');

export class SealedSignIns {
  readonly #key: Buffer;

  /**
   * `secret` is the OIDC client secret; `context` (issuer and client id) keeps attempts of
   * one provider configuration from opening under another.
   */
  constructor(
    secret: string,
    context: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    const info = `sign-in attempt ${createHash('sha256').update(context).digest('hex')}`;
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'claimboard-oidc', info, 32));
  }

  /** The attempt sealed for the cookie: base64url of IV, ciphertext and tag. */
  seal(flow: PendingSignIn): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(AAD);
    const plain = JSON.stringify({ s: flow.state, n: flow.nonce, v: flow.codeVerifier, x: flow.next, e: this.now() + this.ttlMs });
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The attempt in a cookie value; null when it is malformed, altered, sealed elsewhere or expired. */
  open(value: string): PendingSignIn | null {
    if (value.length > MAX_SEALED_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
    const raw = Buffer.from(value, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return null;
    let f: Record<string, unknown>;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      // Authentic, so written by seal(); checked all the same.
      f = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
    const { s, n, v, x, e } = f ?? {};
    if (typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || typeof x !== 'string' || typeof e !== 'number') return null;
    if (e <= this.now()) return null;
    return { state: s, nonce: n, codeVerifier: v, next: x };
  }
}
