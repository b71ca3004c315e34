/**
 * `node --import tsx tools/suggest/compare-extractors.ts`: today's HTML extractor
 * (shared/import/html-to-text.ts, parse5 with markup rules) against Mozilla's Readability on a
 * linkedom DOM, alone and combined (Readability's article HTML read by today's extractor), on
 * the labelled HTML articles of tests/fixtures/suggest/:
 *   - article sentences kept: labelled claim/other sentences found in the extracted text;
 *   - headline kept;
 *   - furniture passed on: sentences labelled boilerplate that the extractor kept (the
 *     suggester's block rules must then drop them);
 *   - chrome leaked: extracted lines that are no labelled sentence at all (navigation, share
 *     bars, captions the labels say never reach the text);
 *   - time per page (median of 20, after warm-up).
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlToText } from '../../shared/import/html-to-text.js';
import { splitSentences } from '../../shared/suggest/sentences.js';
import { loadArticles } from './data.js';

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

function readability(html: string): { text: string; title?: string } {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as Document).parse();
  if (!article?.content) return { text: '' };
  // Readability returns the article as HTML; read it the same way as a page so paragraphs
  // stay paragraphs (its textContent runs them together).
  const text = htmlToText(`<html><body><h1>${article.title ?? ''}</h1>${article.content}</body></html>`).text ?? '';
  return { text, title: article.title ?? undefined };
}

function readabilityThenRules(html: string): { text: string } {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as Document, { keepClasses: true }).parse();
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? '';
  return { text: htmlToText(`<html><body><h1>${h1}</h1>${article?.content ?? ''}</body></html>`).text ?? '' };
}

const EXTRACTORS: Record<string, (html: string) => { text: string }> = {
  'today (parse5 + markup rules)': (html) => ({ text: htmlToText(html).text ?? '' }),
  'Readability + linkedom': readability,
  'Readability, then markup rules on its output': readabilityThenRules,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const pages = loadArticles().filter((a) => a.format === 'html');
console.log(`${pages.length} labelled HTML pages: ${pages.map((p) => p.id).join(', ')}\n`);
console.log('| extractor | article sentences kept | headline kept | furniture passed on | chrome leaked (lines) | median ms / page |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, extract] of Object.entries(EXTRACTORS)) {
  let kept = 0;
  let total = 0;
  let headlines = 0;
  let leaked = 0;
  let furniture = 0;
  const times: number[] = [];
  const leaks: string[] = [];
  for (const page of pages) {
    const text = extract(page.body).text;
    const found = new Set(splitSentences(text).map((s) => norm(s.text)));
    const labelled = new Set(page.sentences.map((s) => norm(s.text)));
    for (const s of page.sentences.filter((x) => x.label !== 'boilerplate')) {
      total++;
      if (found.has(norm(s.text))) kept++;
    }
    for (const s of page.sentences.filter((x) => x.label === 'boilerplate')) if (found.has(norm(s.text))) furniture++;
    if (found.has(norm(page.sentences.find((s) => s.label !== 'boilerplate')!.text))) headlines++;
    for (const f of found) {
      if (!labelled.has(f)) {
        leaked++;
        leaks.push(`${page.id}: ${f.slice(0, 60)}`);
      }
    }
    for (let i = 0; i < 3; i++) extract(page.body);
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      extract(page.body);
      times.push(performance.now() - t);
    }
  }
  console.log(`| ${name} | ${kept} / ${total} | ${headlines} / ${pages.length} | ${furniture} | ${leaked} | ${median(times).toFixed(2)} |`);
  if (leaks.length > 0) console.error(`  ${name}, lines outside the labels:\n    ${leaks.join('\n    ')}`);
}
