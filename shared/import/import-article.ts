/**
 * Turns an upload into the article text of a board: plain text with paragraphs separated by
 * one blank line, as a reader of the original would see it. Markdown is rendered to HTML
 * first and then read like any page, so links and emphasis become their text and raw HTML
 * inside Markdown gets the same cleaning.
 */
import { Marked } from 'marked';
import { ImportError } from './errors.js';
import { htmlToText } from './html-to-text.js';
import { normalisePlainText } from './whitespace.js';

export type ImportFormat = 'text' | 'markdown' | 'html';

export interface ImportedArticle {
  text: string;
  /** The page's headline (first <h1>, else <title> or og:title); absent for plain text. */
  title?: string;
}

/** Largest upload accepted, in UTF-16 code units (what `string.length` counts). */
export const IMPORT_MAX_CHARS = 2_000_000;

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
      return fromHtml(markdown.parse(input, { async: false }));
    default:
      throw new ImportError('BAD_REQUEST', `unknown format ${JSON.stringify(format)}`);
  }
}

function fromHtml(html: string): ImportedArticle {
  const { text, title } = htmlToText(html);
  return title === undefined ? { text: text ?? '' } : { text: text ?? '', title };
}
