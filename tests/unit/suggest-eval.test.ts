/**
 * Claim suggestion against the labelled articles in tests/fixtures/suggest/ (see the README
 * there). Each article goes through the real path (importArticle, then the suggester), and
 * the labelled sentences double as the gold sentence split. The claim model is trained on these
 * articles, so precision and recall here are in-sample (a regression guard); leave-one-out
 * figures are in tests/bench/RESULTS.md ("Suggestion quality").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importArticle, type ImportFormat } from '../../shared/import/index.js';
import { analyseSentences, DEFAULT_SUGGESTION_THRESHOLD } from '../../shared/suggest/index.js';

interface Fixture {
  id: string;
  kind: string;
  format: ImportFormat;
  body: string;
  sentences: { text: string; label: 'claim' | 'other' | 'boilerplate' }[];
}

const dir = fileURLToPath(new URL('../fixtures/suggest/', import.meta.url));
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Fixture);

const analysed = fixtures.map((fixture) => ({
  fixture,
  sentences: analyseSentences(importArticle(fixture.body, fixture.format).text),
}));

describe('labelled articles', () => {
  it('cover at least five kinds of article', () => {
    expect(new Set(fixtures.map((f) => f.kind)).size).toBeGreaterThanOrEqual(5);
  });

  for (const { fixture, sentences } of analysed) {
    it(`${fixture.id}: the split reproduces the labelled sentences and drops the boilerplate`, () => {
      expect(sentences.map((s) => s.text)).toEqual(fixture.sentences.map((s) => s.text));
      const dropped = sentences.map((s) => s.boilerplate !== null);
      expect(dropped).toEqual(fixture.sentences.map((s) => s.label === 'boilerplate'));
    });
  }

  it('suggests check-worthy sentences with precision and recall of at least 0.8', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const perArticle: string[] = [];
    for (const { fixture, sentences } of analysed) {
      let atp = 0;
      let afp = 0;
      let afn = 0;
      sentences.forEach((s, i) => {
        const predicted = s.boilerplate === null && s.score >= DEFAULT_SUGGESTION_THRESHOLD;
        const gold = fixture.sentences[i]?.label === 'claim';
        if (predicted && gold) atp++;
        else if (predicted) afp++;
        else if (gold) afn++;
      });
      tp += atp;
      fp += afp;
      fn += afn;
      perArticle.push(`${fixture.id}: TP ${atp} FP ${afp} FN ${afn}`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `claim suggestion on ${fixtures.length} labelled articles (threshold ${DEFAULT_SUGGESTION_THRESHOLD}): ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (TP ${tp}, FP ${fp}, FN ${fn})\n  ` +
        perArticle.join('\n  '),
    );
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });
});
