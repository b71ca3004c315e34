/**
 * Whitespace rules shared by every import path: the article text has paragraphs separated
 * by exactly one blank line ("\n\n"), single "\n" for line breaks inside a paragraph, no
 * runs of spaces, no invisible characters, and no leading or trailing whitespace.
 */

/** Characters a reader never sees: zero-width spaces and joiners' neighbours, BOM, soft hyphen. */
const INVISIBLE = /[\u200B\u200C\u200D\u2060\uFEFF\u00AD]/g;
/** Horizontal whitespace, including no-break and the typographic spaces. */
const HORIZONTAL = /[ \t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;

/** One paragraph from lines: trims each line, collapses spaces, drops empty lines. */
export function normaliseParagraph(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    const clean = line.replace(INVISIBLE, '').replace(HORIZONTAL, ' ').trim();
    if (clean.length > 0) out.push(clean);
  }
  return out.join('\n');
}

/** Joins non-empty paragraphs with one blank line. */
export function joinParagraphs(paragraphs: readonly string[]): string {
  return paragraphs.filter((p) => p.length > 0).join('\n\n');
}

/** Plain text: "\r\n" and "\r" become "\n", a blank line (spaces allowed) separates
 * paragraphs, and each paragraph is normalised. */
export function normalisePlainText(input: string): string {
  const text = input.replace(/\r\n?/g, '\n').replace(/[\u2028\u2029]/g, '\n');
  return joinParagraphs(text.split(/\n[ \t\u00A0]*\n/).map((p) => normaliseParagraph(p.split('\n'))));
}
