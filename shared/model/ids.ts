/**
 * Random ids for new claims, notes and suggestions, made where the entity is created (any
 * replica, offline too) so two replicas never pick the same one. The only impure helper
 * of the model: mutators take ids as arguments and stay deterministic.
 */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** 21 characters of [A-Za-z0-9_-] (126 random bits); valid as an entity id. */
export function randomId(length = 21): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}
