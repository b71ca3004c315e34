/**
 * Canonical JSON for hashing: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript's JSON.stringify writes them. For the JSON values an
 * export holds, this is the JSON Canonicalization Scheme (RFC 8785), so a verifier in any
 * language with a JCS library recomputes the same hash.
 */
import { digest } from 'lib0/hash/sha256';

export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value === 'boolean') {
    out.push(String(value));
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for a non-finite number');
    out.push(JSON.stringify(value));
  } else if (typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push('{');
    entries.forEach(([key, v], i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(v, out);
    });
    out.push('}');
  } else {
    throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes of `text`, as lowercase hex. */
export function sha256Hex(text: string): string {
  return sha256HexOfParts([text]);
}

/**
 * SHA-256 of the UTF-8 bytes of the concatenated `parts`, without concatenating them:
 * on multi-megabyte exports, building (flattening) one big string cost more than hashing.
 */
export function sha256HexOfParts(parts: readonly string[]): string {
  const bytes = digest(utf8(parts));
  let hex = '';
  for (const b of bytes) hex += HEX[b]!;
  return hex;
}

/** Largest scratch buffer kept between calls. */
const SCRATCH_MAX_BYTES = 64 * 1024 * 1024;
let scratch = new Uint8Array(0);

/**
 * UTF-8 bytes of the parts, in one buffer. The buffer is reused between calls (up to
 * SCRATCH_MAX_BYTES): touching freshly allocated pages dominated the cost of hashing a
 * multi-megabyte export. It starts at one byte per UTF-16 unit (exact for ASCII) and grows
 * only for non-ASCII text. The result is a view valid until the next call.
 */
function utf8(parts: readonly string[]): Uint8Array {
  let remaining = 0;
  for (const part of parts) remaining += part.length;
  let buffer = scratch.length >= remaining ? scratch : new Uint8Array(remaining);
  let written = 0;
  for (const part of parts) {
    let read = 0;
    while (read < part.length) {
      // encodeInto never splits a surrogate pair, so `read` is always a safe place to resume.
      const result = encoder.encodeInto(read === 0 ? part : part.slice(read), buffer.subarray(written));
      read += result.read;
      written += result.written;
      if (read < part.length) {
        const grown = new Uint8Array(written + (remaining - read) * 3);
        grown.set(buffer.subarray(0, written));
        buffer = grown;
      }
    }
    remaining -= part.length;
  }
  if (buffer !== scratch && buffer.length <= SCRATCH_MAX_BYTES) scratch = buffer;
  return buffer.subarray(0, written);
}
