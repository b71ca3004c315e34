/**
 * What may go into a mail header. nodemailer encodes header values itself; these checks are
 * ours, so that no user-typed text can ever reach a header as more than one plain line.
 */

/** A plain addr-spec: no display name, comment, list, quote or whitespace; nothing a header could be split on. */
const PLAIN_ADDRESS = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]{1,64}@[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]{1,253}$/;

export function isPlainAddress(s: string): boolean {
  return s.length <= 254 && PLAIN_ADDRESS.test(s);
}

/** One line: line breaks, control and bidi-override characters become a space. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}
