/** Import: an uploaded article (text, Markdown, HTML) to plain text with paragraphs. */
export * from './errors.js';
export * from './whitespace.js';
export * from './html-to-text.js';
export * from './import-article.js';
