import { createHash, randomBytes } from 'node:crypto';

/** A fresh bearer token: 32 random bytes, base64url. Only its hash is ever stored. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** SHA-256 of a token; tokens carry 256 bits of entropy, so no salt or stretching is needed. */
export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A random URL-safe id with the given prefix-free length (default 16 chars ≈ 96 bits). */
export const newId = (bytes = 12): string => randomBytes(bytes).toString('base64url');
