import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_CHARS, ImportError, importArticle } from '../../shared/import/index.js';

describe('importArticle: text', () => {
  it('normalises line ends and whitespace, one blank line between paragraphs', () => {
    const input = '  First paragraph,\r\nsecond line.  \r\n\r\n\r\n \t\r\nSecond\u00A0paragraph\u200B.\n';
    expect(importArticle(input, 'text')).toEqual({ text: 'First paragraph,\nsecond line.\n\nSecond paragraph.' });
  });

  it('gives an empty text for blank input', () => {
    expect(importArticle(' \n\n \t ', 'text')).toEqual({ text: '' });
  });
});

describe('importArticle: html', () => {
  const page = `<!doctype html><html><head><title>Site | Story</title><style>p{}</style>
    <script>var secret = "script text";</script></head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <header class="site-header"><span>The Daily</span></header>
    <div class="layout-with-sidebar">
      <article>
        <h1>Rates rise to 5%</h1>
        <p class="byline">By Jane Doe</p>
        <div class="share-bar"><a>Share</a><a>Tweet</a></div>
        <p>The central bank   raised rates to <b>5%</b> on Tuesday, the <a href="#">bank said</a>.</p>
        <figure><img src="a.jpg" alt="The governor"><figcaption>The governor speaks. Photo: Reuters</figcaption></figure>
        <div class="photo-credit">Getty Images</div>
        <p>Analysts had expected a hold.<br>Markets fell.</p>
        <div id="newsletter-signup"><p>Sign up for our newsletter</p></div>
        <div class="ad-container">Buy now</div>
        <ul><li>First point</li><li>Second <em>point</em></li></ul>
        <table><tr><td>Rate</td><td>5%</td></tr></table>
        <p hidden>hidden</p><p aria-hidden="true">aria hidden</p><p style="color: red; display: none">styled away</p>
        <span class="sr-only">for screen readers</span>
        <noscript>Enable JavaScript</noscript><form><label>Email</label><button>Go</button></form>
        <iframe src="x"></iframe>
        <div role="complementary">Related stories</div>
        <p>Caf&eacute; prices &amp; wages rose.</p>
      </article>
      <aside class="sidebar">Most read</aside>
    </div>
    <footer>Copyright 2024</footer></body></html>`;

  it('keeps the text a reader sees, one paragraph per block', () => {
    const { text, title } = importArticle(page, 'html');
    expect(title).toBe('Rates rise to 5%');
    expect(text).toBe(
      [
        'Rates rise to 5%',
        'The central bank raised rates to 5% on Tuesday, the bank said.',
        'Analysts had expected a hold.\nMarkets fell.',
        'First point',
        'Second point',
        'Rate 5%',
        'Café prices & wages rose.',
      ].join('\n\n'),
    );
  });

  it('does not drop a wrapper whose class looks like chrome when it holds the article', () => {
    const html = `<body><div class="page has-sidebar"><p>${'Real article text. '.repeat(20)}</p></div><div class="sidebar">Side</div></body>`;
    expect(importArticle(html, 'html').text).toBe('Real article text. '.repeat(20).trim());
  });

  it('falls back to <title> for the title, and survives fragments and junk', () => {
    expect(importArticle('<title>Only title</title><p>Body</p>', 'html')).toEqual({ text: 'Body', title: 'Only title' });
    expect(importArticle('plain words <b>unclosed', 'html')).toEqual({ text: 'plain words unclosed' });
    expect(importArticle('', 'html')).toEqual({ text: '' });
  });

  it('handles very deep nesting without overflowing the stack', () => {
    const depth = 20_000;
    const html = '<div>'.repeat(depth) + 'deep' + '</div>'.repeat(depth);
    expect(importArticle(html, 'html').text).toBe('deep');
  });

  it('keeps line breaks inside <pre>', () => {
    expect(importArticle('<pre>line 1\nline 2</pre>', 'html').text).toBe('line 1\nline 2');
  });
});

describe('importArticle: markdown', () => {
  it('renders through HTML: links, emphasis and lists become text, images vanish', () => {
    const md = [
      '# The headline',
      '',
      'Some *emphasis*, **strong** and a [link](https://example.org) in `code`.',
      '',
      '![A photo](photo.jpg)',
      '',
      '- one',
      '- two',
      '',
      '> A quote.',
      '',
      '<script>alert(1)</script>',
      '',
      'Last paragraph.',
    ].join('\n');
    expect(importArticle(md, 'markdown')).toEqual({
      title: 'The headline',
      text: ['The headline', 'Some emphasis, strong and a link in code.', 'one', 'two', 'A quote.', 'Last paragraph.'].join('\n\n'),
    });
  });
});

describe('importArticle: limits', () => {
  it('refuses more than 2,000,000 characters with a clear error', () => {
    const big = 'a'.repeat(IMPORT_MAX_CHARS + 1);
    for (const format of ['text', 'markdown', 'html'] as const) {
      expect(() => importArticle(big, format)).toThrowError(ImportError);
    }
    try {
      importArticle(big, 'text');
    } catch (error) {
      expect(error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect((error as Error).message).toMatch(/limit is 2000000/);
    }
    expect(importArticle('a'.repeat(IMPORT_MAX_CHARS), 'text').text).toHaveLength(IMPORT_MAX_CHARS);
  });

  it('refuses an unknown format', () => {
    expect(() => importArticle('x', 'pdf' as never)).toThrowError(/unknown format/);
  });
});
