/**
 * Ids derived from what an action replaces, so that two editors doing the same thing at
 * once (offline, or in the same second) write the same key and end with one result instead
 * of two: Yjs keeps one of two concurrent values of a map key.
 *
 * - accepting a suggestion → from the reviewer and the suggestion;
 * - merging claims → from the set of claims merged (any order);
 * - splitting a claim → from the claim and the parts' texts, so the same split gives the
 *   same parts, and a different split of the same claim gives other ids (the claim's
 *   `splitInto` then picks one whole split; see `resolveReplacements`).
 *
 * 120 bits of SHA-256, base64url: 20 characters after the prefix, a valid entity id.
 */
import { digest } from 'lib0/hash/sha256';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const encoder = new TextEncoder();

function derive(prefix: string, parts: readonly string[]): string {
  // JSON keeps the parts apart: ["a:b"] and ["a", "b"] hash differently.
  const bytes = digest(encoder.encode(JSON.stringify(parts)));
  let out = prefix;
  for (let i = 0; i < 15; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return out;
}

/** The claim an accepted suggestion becomes. */
export const acceptedClaimId = (reviewerId: string, suggestionId: string): string =>
  derive('a-', ['accept', reviewerId, suggestionId]);

/** The claim a merge of these claims becomes (the order of `ids` does not matter). */
export const mergedClaimId = (ids: readonly string[]): string => derive('m-', ['merge', ...[...new Set(ids)].sort()]);

/** The parts a split of `claimId` into these texts becomes, in order. */
export function splitPartIds(claimId: string, texts: readonly string[]): string[] {
  const split = derive('', ['split', claimId, ...texts.map((t) => t.trim())]);
  return texts.map((_, i) => derive('p-', ['part', split, String(i)]));
}
