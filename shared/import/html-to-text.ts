/**
 * The text a reader sees in an HTML page, from a real parser (parse5), never regexes over
 * markup. Site chrome and non-article content are dropped: scripts and styles, navigation,
 * headers and footers, asides, forms, figure captions, embeds, hidden elements, and
 * elements whose class, id or role mark them as navigation, bylines, newsletter boxes,
 * share bars, ads or photo credits. Block elements become paragraph breaks and <br> a line
 * break. Images contribute nothing: a reader sees a picture, and alt text is mostly a
 * caption or credit.
 */
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { joinParagraphs, normaliseParagraph } from './whitespace.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

/** Elements whose content is never article text. */
const DROPPED_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'form',
  'figcaption', 'iframe', 'object', 'embed', 'svg', 'math', 'canvas', 'video', 'audio',
  'picture', 'img', 'map', 'button', 'input', 'select', 'textarea', 'label', 'dialog',
  'head', 'title', 'meta', 'link',
]);

/** Elements that start and end a paragraph. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div',
  'dl', 'dt', 'fieldset', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hgroup', 'hr',
  'html', 'legend', 'li', 'main', 'menu', 'ol', 'p', 'pre', 'section', 'summary', 'table',
  'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

/** Table cells sit side by side: a space between them, not a paragraph. */
const CELL_TAGS = new Set(['td', 'th']);

/** Landmark roles of site chrome. */
const DROPPED_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'search', 'form', 'dialog',
  'alertdialog', 'menu', 'menubar', 'toolbar', 'tablist', 'tooltip',
]);

/** Words in a class or id (split on - _ and camelCase) that mark non-article content. */
const BOILERPLATE_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'breadcrumb', 'breadcrumbs', 'byline', 'bylines',
  'author', 'authors', 'dateline', 'newsletter', 'newsletters', 'subscribe', 'subscription',
  'signup', 'paywall', 'share', 'sharing', 'sharebar', 'social', 'ad', 'ads', 'advert',
  'adverts', 'advertisement', 'advertising', 'sponsor', 'sponsored', 'promo', 'promotion',
  'credit', 'credits', 'caption', 'captions', 'cookie', 'cookies', 'consent', 'related',
  'recommended', 'comments', 'sidebar', 'footer', 'header', 'masthead', 'toolbar', 'popup',
  'modal', 'outbrain', 'taboola', 'skip', 'tags', 'disclaimer',
]);

/** Whole class tokens that hide text from sighted readers. */
const HIDDEN_CLASSES = new Set([
  'hidden', 'is-hidden', 'u-hidden', 'sr-only', 'visually-hidden', 'visuallyhidden',
  'screen-reader-text', 'screen-reader-only', 'offscreen',
]);

/** Tags never dropped for their class or id: they are the page or the article itself. */
const STRUCTURAL_TAGS = new Set(['html', 'body', 'main', 'article']);

/** A boilerplate-looking element holding more than this share of the page's text is a
 * wrapper around the article ("page-with-sidebar"), not boilerplate. */
const WRAPPER_TEXT_SHARE = 0.5;

/** Stand-in for <br> while text is collected; parse5 turns U+0000 in text into U+FFFD,
 * so the marker cannot come from the page. */
const LINE_BREAK = '\u0000';

export interface HtmlText {
  /** Absent when the page has no body at all. */
  text?: string;
  title?: string;
}

export function htmlToText(html: string): HtmlText {
  const document = parse(html);
  const htmlEl = childElements(document).find((e) => e.tagName === 'html');
  const body = htmlEl && childElements(htmlEl).find((e) => e.tagName === 'body');
  const head = htmlEl && childElements(htmlEl).find((e) => e.tagName === 'head');
  if (!body) return {};
  const root = articleRoot(body);
  const text = extractText(root, textLength(root));
  const title = findTitle(root, body, head);
  return title === undefined ? { text } : { text, title };
}

/** The single <main> or <article> when it holds most of the page's text, else <body>. */
function articleRoot(body: Element): Element {
  const bodyLength = textLength(body);
  for (const tag of ['article', 'main']) {
    const found = findAll(body, (e) => e.tagName === tag);
    if (found.length === 1 && textLength(found[0]!) >= bodyLength * WRAPPER_TEXT_SHARE) return found[0]!;
  }
  return body;
}

/** The article's own <h1> first (a site header may hold another), then any <h1>, then the
 * document's <title> or og:title. */
function findTitle(root: Element, body: Element, head: Element | undefined): string | undefined {
  const h1 = findAll(root, (e) => e.tagName === 'h1', 1)[0] ?? findAll(body, (e) => e.tagName === 'h1', 1)[0];
  const candidates = [
    h1 && plainText(h1),
    head && findAll(head, (e) => e.tagName === 'title', 1).map(plainText)[0],
    head &&
      findAll(head, (e) => e.tagName === 'meta' && attr(e, 'property') === 'og:title', 1).map(
        (e) => attr(e, 'content') ?? '',
      )[0],
  ];
  for (const candidate of candidates) {
    const clean = candidate === undefined ? '' : normaliseParagraph([candidate]).replace(/\n/g, ' ');
    if (clean.length > 0) return clean.slice(0, 200);
  }
  return undefined;
}

/** Walks the tree without recursion (a hostile page may nest thousands deep). */
function extractText(root: Element, rootLength: number): string {
  const paragraphs: string[] = [];
  let buffer: string[] = [];
  const flush = (): void => {
    if (buffer.length === 0) return;
    const paragraph = normaliseParagraph(buffer.join('').split(LINE_BREAK));
    if (paragraph.length > 0) paragraphs.push(paragraph);
    buffer = [];
  };
  type Step = { node: Node; pre: boolean } | { end: 'block' | 'cell' };
  const stack: Step[] = [{ node: root, pre: false }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('end' in step) {
      if (step.end === 'block') flush();
      else buffer.push(' ');
      continue;
    }
    const { node, pre } = step;
    if (node.nodeName === '#text') {
      const value = (node as DefaultTreeAdapterTypes.TextNode).value;
      buffer.push(pre ? value.replace(/\r?\n/g, LINE_BREAK) : value.replace(/\s+/g, ' '));
      continue;
    }
    if (!isElement(node)) continue;
    const tag = node.tagName;
    if (tag === 'br') {
      buffer.push(LINE_BREAK);
      continue;
    }
    if (node !== root && isDropped(node, rootLength)) continue;
    const block = BLOCK_TAGS.has(tag);
    if (block) flush();
    if (block) stack.push({ end: 'block' });
    else if (CELL_TAGS.has(tag)) stack.push({ end: 'cell' });
    const childPre = pre || tag === 'pre' || tag === 'textarea';
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push({ node: node.childNodes[i]!, pre: childPre });
  }
  flush();
  return joinParagraphs(paragraphs);
}

function isDropped(el: Element, rootLength: number): boolean {
  if (DROPPED_TAGS.has(el.tagName)) return true;
  if (attr(el, 'hidden') !== undefined || attr(el, 'aria-hidden') === 'true') return true;
  if (isStyledHidden(attr(el, 'style'))) return true;
  const classes = (attr(el, 'class') ?? '').split(/\s+/).filter(Boolean);
  if (classes.some((c) => HIDDEN_CLASSES.has(c.toLowerCase()))) return true;
  const role = attr(el, 'role')?.trim().toLowerCase();
  if (role !== undefined && DROPPED_ROLES.has(role)) return true;
  if (STRUCTURAL_TAGS.has(el.tagName)) return false;
  const tokens = [...classes, ...(attr(el, 'id') ?? '').split(/\s+/).filter(Boolean)];
  if (!tokens.some(marksBoilerplate)) return false;
  return textLength(el) <= rootLength * WRAPPER_TEXT_SHARE;
}

function marksBoilerplate(token: string): boolean {
  const words = token
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s\-_:.]+/);
  return words.some((w) => BOILERPLATE_WORDS.has(w));
}

/** Inline style declarations that hide the element (display:none, visibility:hidden). */
function isStyledHidden(style: string | undefined): boolean {
  if (style === undefined) return false;
  for (const declaration of style.split(';')) {
    const [property, value] = declaration.split(':').map((s) => s.trim().toLowerCase());
    if (property === 'display' && value?.startsWith('none')) return true;
    if (property === 'visibility' && value?.startsWith('hidden')) return true;
  }
  return false;
}

// ---- tree helpers ----

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function childElements(node: ParentNode): Element[] {
  return node.childNodes.filter(isElement);
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** Elements under `root` (not itself) matching `predicate`, in document order, skipping the
 * contents of dropped tags; stops after `limit` matches. */
function findAll(root: Element, predicate: (e: Element) => boolean, limit = Infinity): Element[] {
  const out: Element[] = [];
  const stack: Node[] = [...root.childNodes].reverse();
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (predicate(node)) out.push(node);
    if (node.tagName === 'script' || node.tagName === 'style' || node.tagName === 'template') continue;
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
  return out;
}

const lengthCache = new WeakMap<Element, number>();

/** Characters of text under an element, scripts and styles excluded (memoised: the
 * wrapper check asks for nested elements repeatedly). */
function textLength(el: Element): number {
  const cached = lengthCache.get(el);
  if (cached !== undefined) return cached;
  // Post-order without recursion: children before parents, so each node is summed once.
  const order: Element[] = [];
  const stack: Element[] = [el];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (lengthCache.has(node)) continue;
    order.push(node);
    for (const child of node.childNodes) if (isElement(child)) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    let total = 0;
    if (node.tagName !== 'script' && node.tagName !== 'style' && node.tagName !== 'noscript') {
      for (const child of node.childNodes) {
        if (child.nodeName === '#text') total += (child as DefaultTreeAdapterTypes.TextNode).value.trim().length;
        else if (isElement(child)) total += lengthCache.get(child) ?? 0;
      }
    }
    lengthCache.set(node, total);
  }
  return lengthCache.get(el) ?? 0;
}

/** Text content of an element, for titles. */
function plainText(el: Element): string {
  const parts: string[] = [];
  const stack: Node[] = [el];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeName === '#text') parts.push((node as DefaultTreeAdapterTypes.TextNode).value);
    else if (isElement(node) && node.tagName !== 'script' && node.tagName !== 'style') {
      for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
    }
  }
  return parts.join('');
}
