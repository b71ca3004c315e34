/**
 * Turns an upload into the article text of a board: plain text with paragraphs separated by
 * one blank line, as a reader of the original would see it. Markdown is rendered to HTML
 * first and then read like any page, so links and emphasis become their text and raw HTML
 * inside Markdown gets the same cleaning.
 */
import { Marked } from 'marked';
import { ImportError } from './errors.js';
import { htmlToText } from './html-to-text.js';
import { IMPORT_MAX_CHARS } from './limits.js';
import { normalisePlainText } from './whitespace.js';

export type ImportFormat = 'text' | 'markdown' | 'html';

export interface ImportedArticle {
  text: string;
  /** The page's headline (first <h1>, else <title> or og:title); absent for plain text. */
  title?: string;
}

export { IMPORT_MAX_CHARS } from './limits.js';

/**
 * Deepest nesting of blockquotes and list items one Markdown line may open. The parser
 * recurses per level and overflows its stack a few thousand levels down; articles nest a
 * handful. (Nesting by indentation alone costs time, not stack: the importer's deadline
 * bounds it.)
 */
export const MARKDOWN_MAX_NESTING = 100;

/** A blockquote marker, or a list marker followed by a space: what opens a nesting level. */
const NESTING_MARKER = /[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]))/y;

// A private instance: options set on the global `marked` elsewhere cannot change imports.
const markdown = new Marked({ async: false, gfm: true, breaks: false });

/**
 * @throws ImportError PAYLOAD_TOO_LARGE above IMPORT_MAX_CHARS, BAD_REQUEST for an unknown
 *   format. Anything else is a bug.
 */
export function importArticle(input: string, format: ImportFormat): ImportedArticle {
  if (typeof input !== 'string') throw new ImportError('BAD_REQUEST', 'the article must be a string');
  if (input.length > IMPORT_MAX_CHARS) {
    throw new ImportError(
      'PAYLOAD_TOO_LARGE',
      `the article has ${input.length} characters; the limit is ${IMPORT_MAX_CHARS}`,
    );
  }
  switch (format) {
    case 'text':
      return { text: normalisePlainText(input) };
    case 'html':
      return fromHtml(input);
    case 'markdown':
      checkMarkdownNesting(input);
      return fromHtml(markdown.parse(input, { async: false }));
    default:
      throw new ImportError('BAD_REQUEST', `unknown format ${JSON.stringify(format)}`);
  }
}

/** @throws ImportError IMPORT_FAILED when a line nests past MARKDOWN_MAX_NESTING. One pass. */
export function checkMarkdownNesting(input: string): void {
  let line = 1;
  for (let start = 0; start < input.length; line++) {
    let depth = 0;
    NESTING_MARKER.lastIndex = start;
    while (NESTING_MARKER.exec(input) !== null) {
      if (++depth > MARKDOWN_MAX_NESTING) {
        throw new ImportError(
          'IMPORT_FAILED',
          `the Markdown nests quotes or lists more than ${MARKDOWN_MAX_NESTING} levels deep (line ${line})`,
        );
      }
    }
    const end = input.indexOf('\n', start);
    if (end < 0) break;
    start = end + 1;
  }
}

function fromHtml(html: string): ImportedArticle {
  const { text, title } = htmlToText(html);
  return title === undefined ? { text: text ?? '' } : { text: text ?? '', title };
}
